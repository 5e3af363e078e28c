"""`startupbot eval --dataset ... --json` end to end on a tiny dataset written by the test.

The dataset has the shared format (passages.jsonl + questions.jsonl). Every question repeats a
rare term of its passage, so keyword search must put the gold passage first.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from knowledge.evaluation import runner as eval_runner
from tests.helpers import cli_runner

PASSAGES = [
    ("p0", "오창 배터리", "청주 오창에는 이차전지 셀 성능 평가 센터가 2024년에 문을 열었다."),
    ("p1", "괴산 축제", "괴산 유기농 엑스포는 친환경 농업을 알리는 국제 행사로 가을에 열린다."),
    ("p2", "제천 한방", "제천 한방바이오 산업단지는 약초 가공 기업을 유치하고 있다."),
    ("p3", "단양 관광", "단양 도담삼봉과 패러글라이딩은 관광객이 많이 찾는 명소이다."),
    ("p4", "충주 수소", "충주는 수소 충전소와 수소 버스 실증 사업을 진행하고 있다."),
    ("p5", "음성 태양광", "음성 태양광 클러스터에는 모듈 제조 공장이 모여 있다."),
    ("p6", "보은 대추", "보은 대추 축제에서는 지역 농가가 대추를 직접 판매한다."),
    ("p7", "영동 와인", "영동 와인터널은 포도 농가가 만든 와인을 전시하고 시음하게 한다."),
]
QUESTIONS = [
    ("q0", "이차전지 셀 성능 평가 센터는 언제 열었어?", "p0"),
    ("q1", "유기농 엑스포는 어떤 행사야?", "p1"),
    ("q2", "약초 가공 기업을 유치하는 산업단지는?", "p2"),
    ("q3", "패러글라이딩 명소가 어디야?", "p3"),
    ("q4", "수소 버스 실증 사업은 어디서 해?", "p4"),
    ("q5", "와인터널에서는 무엇을 할 수 있어?", "p7"),
]
OURS = "hybrid,dense,kiwi-bm25,hybrid-rrf,bigram-bm25,whitespace-bm25"


def write_dataset(folder: Path) -> Path:
    folder.mkdir(parents=True)
    with (folder / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for pid, title, text in PASSAGES:
            fh.write(json.dumps({"id": pid, "title": title, "text": text},
                                ensure_ascii=False) + "\n")
    with (folder / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for qid, question, gold in QUESTIONS:
            fh.write(json.dumps({"id": qid, "question": question, "answers": ["x"],
                                 "passage_id": gold}, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    return cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(tmp_path / "data")})


def test_eval_dataset_json_end_to_end(run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(eval_runner, "baseline_available", lambda: "package 'torch' is not "
                        "installed")
    scratch = tmp_path / "scratch"  # where the throwaway indexes go (must be empty after)
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    dataset = write_dataset(tmp_path / "tiny")
    result = run("eval", "--dataset", str(dataset), "--retrievers", OURS + ",minilm-chroma",
                 "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"dataset", "config", "retrievers", "skipped", "embedding",
                         "comparison", "seconds"}
    assert data["dataset"]["passages"] == 8 and data["dataset"]["questions"] == 6
    by_name = {r["name"]: r for r in data["retrievers"]}
    assert list(by_name) == OURS.split(",")
    for r in by_name.values():
        m = r["metrics"]
        assert set(m) == {"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"}
        assert 0.0 <= m["recall@1"] <= m["recall@5"] <= m["recall@10"] <= 1.0
        assert m["recall@1"] <= m["mrr@10"] <= 1.0
        low, high = r["ci95"]["recall@1"]
        assert low <= m["recall@1"] <= high
    # every question repeats a rare term of its passage: keyword search gets all at rank 1
    assert by_name["kiwi-bm25"]["metrics"]["recall@1"] == 1.0
    assert by_name["hybrid"]["metrics"]["recall@10"] == 1.0  # 8 passages: all are in the top 10
    assert data["comparison"]["best_single"] in by_name
    # the baseline was asked for but cannot run: said in the JSON and on stderr, with the fix
    assert data["skipped"] == [{"name": "minilm-chroma", "reason": "package 'torch' is not "
                                "installed", "install": eval_runner.INSTALL_HINT}]
    assert "eval-baseline" in result.stderr and "minilm-chroma" in result.stderr
    passages = next(e for e in data["embedding"] if e["what"] == "passages")
    assert passages["count"] == 8 and passages["cached"] is False
    # embeddings were cached on disk: the second run reads them back, same numbers
    assert list((tmp_path / "data" / "eval-cache").glob("*.npz"))
    again = json.loads(run("eval", "--dataset", str(dataset), "--retrievers", "dense,kiwi-bm25",
                           "--json", "--limit", "3").stdout)
    assert all(e["cached"] for e in again["embedding"] if e["what"] == "passages")
    assert again["dataset"]["questions"] == 3
    assert [r["name"] for r in again["retrievers"]] == ["dense", "kiwi-bm25"]
    assert not list(scratch.iterdir()), "throwaway index left behind"


def test_eval_table_output_and_errors(run, tmp_path: Path) -> None:
    dataset = write_dataset(tmp_path / "tiny")
    result = run("eval", "--dataset", str(dataset), "--retrievers", "kiwi-bm25,bigram-bm25")
    assert result.exit_code == 0, result.output
    assert "recall@1" in result.stdout and "kiwi-bm25 *" in result.stdout
    bad = run("eval", "--dataset", str(dataset), "--retrievers", "magic")
    assert bad.exit_code == 2 and "magic" in bad.stderr
    missing = run("eval", "--dataset", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "nope" in missing.stderr
    neither = run("eval")
    assert neither.exit_code == 2 and "--answers" in neither.stderr
    (dataset / "questions.jsonl").write_text(
        json.dumps({"id": "q", "question": "?", "passage_id": "p99"}) + "\n", encoding="utf-8")
    unknown_gold = run("eval", "--dataset", str(dataset))
    assert unknown_gold.exit_code == 2 and "p99" in unknown_gold.stderr
