"""Answer evaluation: scoring rules on known answers, the runner on the shipped corpus
(extractive engine), and `startupbot eval --answers --json` on a tiny knowledge folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.answer_eval import (
    AnswerEvalError,
    AnswerQuestion,
    contains_key_fact,
    evaluate_answers,
    load_questions,
    score_answer,
)
from bot.engine import AnswerEngine
from bot.models import Answer, AnswerMode, Source


def _answer(text: str, mode: AnswerMode, *sources: str) -> Answer:
    return Answer(question="q", query="q", answer=text, mode=mode,
                  sources=[Source(number=i, title="t", source=s)
                           for i, s in enumerate(sources, 1)])


ANSWERABLE = AnswerQuestion(id="a", question="q", answerable=True, key_facts=["8조 7,417억"],
                            source_doc="battery-strategy-2021.md")
UNANSWERABLE = AnswerQuestion(id="u", question="q", answerable=False)


def test_key_fact_ignores_spacing_and_case() -> None:
    assert contains_key_fact("총 8조 7,417억 원을 투입 [1]", ["8조 7,417억"])
    assert contains_key_fact("총 8조7,417억원", ["8조 7,417억"])
    assert contains_key_fact("TIPS 운영사", ["tips"])
    assert not contains_key_fact("총 8조 원", ["8조 7,417억"])


def test_scoring_known_cases() -> None:
    good = score_answer(ANSWERABLE, _answer("8조 7,417억 원 [1]", AnswerMode.EXTRACTIVE,
                                            "battery-strategy-2021.md"))
    assert (good.has_key_fact, good.cites_source, good.refusal_correct) == (True, True, True)
    wrong_doc = score_answer(ANSWERABLE, _answer("8조 7,417억 원 [1]", AnswerMode.GENERATIVE,
                                                 "docs/tips.md"))
    assert (wrong_doc.has_key_fact, wrong_doc.cites_source) == (True, False)
    assert wrong_doc.cited == ["tips.md"]
    refused = score_answer(ANSWERABLE, _answer("죄송합니다", AnswerMode.REFUSED))
    assert (refused.refused, refused.refusal_correct, refused.has_key_fact,
            refused.cites_source) == (True, False, False, False)
    right_refusal = score_answer(UNANSWERABLE, _answer("죄송합니다", AnswerMode.REFUSED))
    assert right_refusal.refusal_correct and right_refusal.has_key_fact is None
    guessed = score_answer(UNANSWERABLE, _answer("아마도 [1]", AnswerMode.EXTRACTIVE, "x.md"))
    assert not guessed.refusal_correct


def write_questions(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


CORPUS_QUESTIONS = [
    # answered from the battery strategy (as in test_cli): key fact and document are right
    {"id": "q1", "question": "충북은 2030년까지 이차전지산업에 얼마를 투자하나요?",
     "answerable": True, "key_facts": ["8조 7,417억"], "source_doc": "battery-strategy-2021.md"},
    # answered from tips.md, but this entry expects another document and a fact not in it
    {"id": "q2", "question": "팁스 운영사 최소 투자 금액은?", "answerable": True,
     "key_facts": ["존재하지 않는 사실"], "source_doc": "angel-investment-tax.md"},
    {"id": "q3", "question": "비트코인 시세 알려줘", "answerable": False, "key_facts": [],
     "source_doc": None},
    # marked answerable on purpose although the corpus cannot answer it: a false refusal
    {"id": "q4", "question": "김치찌개 맛있게 끓이는 법 알려줘", "answerable": True,
     "key_facts": ["김치"], "source_doc": "tips.md"},
]


def test_runner_on_shipped_corpus(corpus_kb, tmp_path: Path) -> None:
    questions = load_questions(write_questions(tmp_path / "q.jsonl", CORPUS_QUESTIONS))
    report = evaluate_answers(AnswerEngine(corpus_kb), questions, "extractive")
    by_id = {o.id: o for o in report.outcomes}
    assert by_id["q1"].has_key_fact and by_id["q1"].cites_source
    assert by_id["q2"].mode == "extractive" and "tips.md" in by_id["q2"].cited
    assert not by_id["q2"].has_key_fact and not by_id["q2"].cites_source
    assert by_id["q3"].refused and by_id["q3"].refusal_correct
    assert by_id["q4"].refused and not by_id["q4"].refusal_correct
    assert (report.questions, report.answerable, report.unanswerable) == (4, 3, 1)
    assert report.key_fact_share == pytest.approx(1 / 3, abs=1e-4)
    assert report.citation_share == pytest.approx(1 / 3, abs=1e-4)
    assert report.refusal_accuracy == pytest.approx(3 / 4, abs=1e-4)
    assert (report.false_refusals, report.false_answers) == (1, 0)
    assert report.answered_key_fact_share == pytest.approx(1 / 2, abs=1e-4)


def test_shipped_question_file_is_valid() -> None:
    questions = load_questions()
    assert len(questions) >= 60
    unanswerable = sum(not q.answerable for q in questions)
    assert unanswerable >= len(questions) / 5
    docs = {p.name for p in (Path(cli.__file__).parents[1] / "knowledge" / "documents").glob(
        "*.md")}
    for q in questions:
        if q.answerable:
            text = (Path(cli.__file__).parents[1] / "knowledge" / "documents"
                    / q.source_doc).read_text(encoding="utf-8")
            assert q.source_doc in docs
            assert contains_key_fact(text, q.key_facts), q.id


def test_bad_question_file(tmp_path: Path) -> None:
    path = write_questions(tmp_path / "bad.jsonl", [{"id": "x", "question": "q",
                                                      "answerable": True, "key_facts": []}])
    with pytest.raises(AnswerEvalError, match="key_facts"):
        load_questions(path)


DOC = """---
title: 청주 배터리 센터 안내
category: battery-strategy
facts_as_of: 2024-02
---
# 청주 배터리 센터 안내

## 개소
오창 이차전지 셀 성능 평가 센터는 2024년 2월 2일에 개소했다.
센터는 배터리 셀의 안전성과 수명을 시험한다.
"""


def test_cli_answers_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "center.md").write_text(DOC, encoding="utf-8")
    questions = write_questions(tmp_path / "q.jsonl", [
        {"id": "q1", "question": "오창 셀 성능 평가 센터는 언제 개소했어?", "answerable": True,
         "key_facts": ["2024년 2월 2일"], "source_doc": "center.md"},
        {"id": "q2", "question": "비트코인 시세 알려줘", "answerable": False},
    ])
    monkeypatch.setenv("STARTUPBOT_DOCUMENTS_DIR", str(docs))
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(cli.state, "settings", None)
    result = CliRunner().invoke(cli.app, ["eval", "--answers", "--questions", str(questions),
                                          "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [m["mode"] for m in data["modes"]] == ["extractive"]
    assert data["skipped"] == [{"mode": "generative", "reason": "no model configured"}]
    mode = data["modes"][0]
    assert mode["key_fact_share"] == 1.0 and mode["citation_share"] == 1.0
    assert mode["refusal_accuracy"] == 1.0
    assert not (tmp_path / "data").exists(), "the answer eval must not touch the bot's index"


def test_cli_answers_generative_mode_when_a_model_is_configured(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With OPENAI_BASE_URL set (the loopback fake), both modes are evaluated in one run."""
    from tests.fakes.openai_server import FakeOpenAI

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "center.md").write_text(DOC, encoding="utf-8")
    questions = write_questions(tmp_path / "q.jsonl", [
        {"id": "q1", "question": "오창 셀 성능 평가 센터는 언제 개소했어?", "answerable": True,
         "key_facts": ["2024년 2월 2일"], "source_doc": "center.md"},
        {"id": "q2", "question": "비트코인 시세 알려줘", "answerable": False},
    ])
    with FakeOpenAI(api_key="sk-test") as srv:
        srv.responder = lambda request: "자료에 따르면 센터는 2024년 2월 2일에 개소했습니다 [1]."
        for key, value in {"STARTUPBOT_DOCUMENTS_DIR": str(docs),
                           "STARTUPBOT_DATA_DIR": str(tmp_path / "data"),
                           "OPENAI_BASE_URL": srv.base_url, "OPENAI_API_KEY": "sk-test"}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(cli.state, "settings", None)
        result = CliRunner().invoke(cli.app, ["eval", "--answers", "--questions", str(questions),
                                              "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        asked = srv.chat_requests()
    data = json.loads(result.stdout)
    modes = {m["mode"]: m for m in data["modes"]}
    assert list(modes) == ["extractive", "generative"] and data["skipped"] == []
    generative = {o["id"]: o for o in modes["generative"]["outcomes"]}
    assert generative["q1"]["mode"] == "generative" and generative["q1"]["has_key_fact"]
    assert generative["q1"]["cited"] == ["center.md"]
    assert generative["q2"]["refused"]  # refused before any model call
    assert modes["extractive"]["outcomes"][0]["mode"] == "extractive"
    assert len(asked) == 1, "only the answerable question reaches the model"
