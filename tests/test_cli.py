"""The `startupbot` command as people use it (typer's CliRunner, real settings from env)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from tests.helpers import cli_runner


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    """Invoke the CLI in-process with a fresh settings object each time."""
    return cli_runner(monkeypatch)


@pytest.fixture
def corpus_env(corpus_data_dir: Path, tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "cli-data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    return {"STARTUPBOT_DATA_DIR": str(data)}


def test_ask_json_contract(run, corpus_env) -> None:
    question = "충북은 2030년까지 이차전지산업에 얼마를 투자하나요?"
    result = run("ask", question, "--json", env=corpus_env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "extractive"
    assert "8조 7,417억" in data["answer"]
    assert data["sources"], "an answer must cite sources"
    for source in data["sources"]:
        assert {"title", "source", "section", "score"} <= set(source)
    assert data["sources"][0]["source"] == "battery-strategy-2021.md"


def test_ask_json_refusal(run, corpus_env) -> None:
    result = run("ask", "비트코인 시세 알려줘", "--json", env=corpus_env)
    data = json.loads(result.stdout)
    assert data["mode"] == "refused" and data["sources"] == []


def test_ask_prints_answer_and_sources(run, corpus_env) -> None:
    result = run("ask", "팁스 운영사 최소 투자 금액은?", env=corpus_env)
    assert result.exit_code == 0
    assert "출처:" in result.stdout and "[1]" in result.stdout
    assert "tips.md" in result.stdout


def test_empty_question_is_a_friendly_error(run, corpus_env) -> None:
    result = run("ask", "  ", env=corpus_env)
    assert result.exit_code == 2
    assert "질문이 비어 있습니다" in result.output


def test_sources_lists_documents(run, corpus_env) -> None:
    result = run("sources", "--json", env=corpus_env)
    docs = json.loads(result.stdout)
    assert len(docs) >= 10
    assert {"battery-strategy-2021.md", "tips.md"} <= {d["source"] for d in docs}
    assert all(d["chunks"] > 0 for d in docs)


def test_first_ask_on_empty_index_ingests_the_corpus(run, tmp_path: Path) -> None:
    docs = tmp_path / "small-docs"
    docs.mkdir()
    (docs / "tips.md").write_text(
        "---\ntitle: 팁스 안내\ncategory: startup-support\n---\n# 팁스 안내\n\n## 지원 금액\n"
        "2026년 팁스 일반트랙 R&D 지원은 2년 동안 최대 8억원이다.\n", encoding="utf-8")
    env = {"STARTUPBOT_DATA_DIR": str(tmp_path / "empty-data"),
           "STARTUPBOT_DOCUMENTS_DIR": str(docs)}
    result = run("ask", "팁스 R&D 지원 금액은?", env=env)
    assert result.exit_code == 0, result.output
    assert "기본 문서" in result.stderr  # says that it ingested first
    assert "8억원" in result.stdout


def test_sources_without_index_says_what_to_do(run, tmp_path: Path) -> None:
    result = run("sources", env={"STARTUPBOT_DATA_DIR": str(tmp_path / "nothing")})
    assert result.exit_code == 2
    assert "startupbot ingest" in result.output


def test_ingest_reports_failures_with_nonzero_exit(run, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.md").write_text("# 좋은 문서\n\n## 내용\n충북 창업 지원 안내 문서이다.\n",
                                encoding="utf-8")
    (docs / "bad.pdf").write_bytes(b"garbage")
    env = {"STARTUPBOT_DATA_DIR": str(tmp_path / "data"), "STARTUPBOT_DOCUMENTS_DIR": str(docs)}
    result = run("ingest", "--json", env=env)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["counts"]["added"] == 1 and report["counts"]["failed"] == 1
    failed = [f for f in report["files"] if f["change"] == "failed"]
    assert failed[0]["source"] == "bad.pdf" and failed[0]["reason"]

    again = run("ingest", "--dry-run", env=env)
    assert "변경 없음 1" in again.stdout


def test_ingest_while_another_runs_exits_3(run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = {"STARTUPBOT_DATA_DIR": str(data)}
    with FileLock(str(data / "ingest.lock")):
        result = run("ingest", env=env)
    assert result.exit_code == 3
    assert "이미 실행 중" in result.output


def test_invalid_setting_is_reported_at_startup(run, corpus_env) -> None:
    result = run("ask", "질문", env={**corpus_env, "STARTUPBOT_TOP_K": "many"})
    assert result.exit_code == 2
    assert "STARTUPBOT_TOP_K" in result.output


def test_chat_answers_until_an_empty_line(run, corpus_env) -> None:
    result = run("chat", env=corpus_env, input="팁스 운영사 최소 투자 금액은?\n날씨 어때?\n\n")
    assert result.exit_code == 0, result.output
    assert "tips.md" in result.stdout  # first answer cites the TIPS guide
    assert "찾지 못했습니다" in result.stdout  # second one is refused
    assert result.stdout.count("질문>") == 3
