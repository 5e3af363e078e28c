"""Answer evaluation: scoring rules on synthetic answers for every expected outcome, the
runner on the shipped corpus (extractive engine, a conversation included), and
`startupbot eval answers --json` on a tiny knowledge folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.answer_eval import (
    AnswerEvalError,
    EvalItem,
    Outcome,
    classify,
    contains_key_fact,
    contains_key_facts,
    detect_verdict,
    load_questions,
    run_items,
    says_detail_missing,
    score_turn,
)
from bot.answer_eval_report import markdown_table, part_report, summarise
from bot.engine import AnswerEngine
from bot.models import Answer, AnswerMode, Source


def _answer(text: str, mode: AnswerMode | str, *sources: str) -> Answer:
    answer = Answer(question="q", query="q", answer=text, mode=AnswerMode.EXTRACTIVE,
                    sources=[Source(number=i, title="t", source=s)
                             for i, s in enumerate(sources, 1)])
    # a mode the main code does not know yet (the trust branch's detail-missing mode)
    object.__setattr__(answer, "mode", mode if isinstance(mode, AnswerMode) else _Mode(mode))
    return answer


class _Mode(str):
    @property
    def value(self) -> str:
        return str(self)


def _item(expected: str, facts: list | None = None, docs: list[str] | None = None,
          kind: str = "k") -> EvalItem:
    return EvalItem(id="x", kind=kind, turns=[{
        "question": "q", "expected": expected, "key_facts": facts or [],
        "source_docs": docs or []}])


def test_key_facts_ignore_spacing_and_case_and_need_every_group() -> None:
    assert contains_key_fact("총 8조 7,417억 원을 투입 [1]", ["8조 7,417억"])
    assert contains_key_fact("총 8조7,417억원", ["8조 7,417억"])
    assert contains_key_fact("TIPS 운영사", ["tips"])
    assert not contains_key_fact("총 8조 원", ["8조 7,417억"])
    assert contains_key_facts("2026년 750명 선발", [["750명"], ["2026"]])
    assert not contains_key_facts("750명 선발", [["750명"], ["2026"]])
    assert contains_key_facts("930명", [["750명", "930명"]])


@pytest.mark.parametrize(("text", "missing"), [
    ("자료에는 충북테크노파크의 대표 전화번호 정보가 없습니다. 참고: 1357 [1]", True),
    ("자료에는 2027년 예비창업패키지 선발 인원이 나와 있지 않습니다.", True),
    ("The documents do not give Chungbuk Technopark's phone number.", True),
    ("자료에 따르면 연령 제한이 없습니다 [1].", False),
    ("충북창경은 2015년 2월 4일 문을 열었습니다 [1]. 자료에는 전화번호가 없습니다.", False),
])
def test_detail_missing_text_signal(text: str, missing: bool) -> None:
    assert says_detail_missing(text) is missing


@pytest.mark.parametrize(("text", "verdict"), [
    ("아니요. 2024년 공고 기준 대표자 나이는 39세 이하여야 합니다 [1].", "no"),
    ("네, 2020년부터 연령 제한이 없어 신청할 수 있습니다 [1].", "yes"),
    ("신청할 수 없습니다. 초기창업패키지는 창업 3년 이내 기업 대상입니다.", "no"),
    ("No. The academy is for founders aged 39 or younger [1].", "no"),
    ("Yes, you can apply [1].", "yes"),
    ("예비창업패키지는 2018년에 시작되었습니다 [1].", None),  # 예비 is not 예
    ("혁신바우처는 5년 안에 3회를 넘게 지원받은 기업은 신청할 수 없다. [1]", None),  # a quote
    ("대상이 아닙니다. 창업 7년 이내 기업만 됩니다 [1].", "no"),
    ("신청할 수 있습니다. 2020년부터 연령 제한이 없습니다 [1].", "yes"),
])
def test_verdict_read_from_the_first_sentence(text: str, verdict: str | None) -> None:
    assert detect_verdict(text) == verdict


def test_classify_modes_and_text() -> None:
    assert classify(_answer("죄송합니다", AnswerMode.REFUSED)) is Outcome.REFUSED
    assert classify(_answer("…", "detail_missing", "a.md")) is Outcome.DETAIL_MISSING
    assert classify(_answer("…", "partial", "a.md")) is Outcome.DETAIL_MISSING
    assert classify(_answer("자료에는 주소 정보가 없습니다.", AnswerMode.EXTRACTIVE,
                            "a.md")) is Outcome.DETAIL_MISSING
    assert classify(_answer("8조 7,417억 원 [1]", AnswerMode.GENERATIVE, "a.md")) \
        is Outcome.ANSWERED


def test_scoring_answer_expectations() -> None:
    item = _item("answer", [["8조 7,417억"]], ["battery-strategy-2021.md"])
    good = score_turn(item, 0, _answer("8조 7,417억 원 [1]", AnswerMode.EXTRACTIVE,
                                       "battery-strategy-2021.md"))
    assert (good.outcome, good.key_fact, good.right_document) == (Outcome.ANSWERED, True, True)
    wrong_doc = score_turn(item, 0, _answer("8조 7,417억 원 [1]", AnswerMode.GENERATIVE,
                                            "docs/tips.md"))
    assert (wrong_doc.key_fact, wrong_doc.right_document, wrong_doc.cited) == \
        (True, False, ["tips.md"])
    refused = score_turn(item, 0, _answer("죄송합니다", AnswerMode.REFUSED))
    assert (refused.outcome, refused.key_fact, refused.right_document) == \
        (Outcome.REFUSED, False, False)
    error = score_turn(item, 0, None, error="too long")
    assert (error.outcome, error.mode, error.key_fact) == (Outcome.REFUSED, "error", False)


def test_summary_counts_every_outcome_kind() -> None:
    doc = "tips.md"
    cases = [
        # (item, answer) -> expected contribution
        (_item("answer", [["10%"]], [doc]), _answer("기술료 10% [1]", AnswerMode.EXTRACTIVE, doc)),
        (_item("answer", [["10%"]], [doc]), _answer("죄송합니다", AnswerMode.REFUSED)),
        (_item("verdict_no", [["39세 이하"]], [doc]),
         _answer("아니요. 39세 이하만 됩니다 [1].", AnswerMode.EXTRACTIVE, doc)),
        (_item("verdict_yes", [["39세 이하"]], [doc]),  # wrong verdict, right rule
         _answer("아니요. 39세 이하만 됩니다 [1].", AnswerMode.EXTRACTIVE, doc)),
        (_item("detail_missing", [], [doc]),
         _answer("자료에는 전화번호 정보가 없습니다.", AnswerMode.EXTRACTIVE, doc)),
        (_item("detail_missing", [], [doc]),  # a neighbouring fact: a false answer
         _answer("1357 중소기업 통합콜센터 [1]", AnswerMode.EXTRACTIVE, doc)),
        (_item("detail_missing", [["8억원"]], [doc]),  # refused: declined, not detail-missing
         _answer("죄송합니다", AnswerMode.REFUSED)),
        (_item("refuse"), _answer("죄송합니다", AnswerMode.REFUSED)),
        (_item("refuse"), _answer("아마도 [1]", AnswerMode.EXTRACTIVE, doc)),
    ]
    g = summarise([score_turn(item, 0, answer) for item, answer in cases])
    assert (g.turns, g.expect_answer, g.expect_decline) == (9, 4, 5)
    assert (g.key_fact, g.key_fact_n) == (pytest.approx(3 / 5, abs=1e-4), 5)
    assert g.right_document == pytest.approx(3 / 4, abs=1e-4)
    assert g.refusal_accuracy == pytest.approx(6 / 9, abs=1e-4)
    assert (g.false_answers, g.false_refusals) == (2, 1)
    assert (g.verdict_accuracy, g.verdict_n) == (pytest.approx(1 / 2, abs=1e-4), 2)
    assert (g.detail_missing_accuracy, g.detail_missing_n) == (pytest.approx(1 / 3, abs=1e-4), 3)
    empty = summarise([score_turn(_item("refuse"), 0, _answer("x", AnswerMode.REFUSED))])
    assert (empty.key_fact, empty.right_document, empty.verdict_accuracy) == (None, None, None)


def test_detail_missing_with_latest_year_needs_the_fact() -> None:
    item = _item("detail_missing", [["750명"]], ["startup-packages.md"])
    bare = score_turn(item, 0, _answer("자료에는 2027년 정보가 없습니다.", "detail_missing"))
    full = score_turn(item, 0, _answer("자료에는 2027년 정보가 없습니다. 참고: 2026년 750명 [1]",
                                       "detail_missing", "startup-packages.md"))
    assert (bare.key_fact, full.key_fact) == (False, True)


class _Scripted:
    """An engine that answers from a script and records the conversation ids it saw."""

    def __init__(self, replies: list[Answer]) -> None:
        self.replies = list(replies)
        self.calls: list[tuple[str, str | None]] = []

    def answer(self, question: str, *, conversation_id: str | None = None) -> Answer:
        self.calls.append((question, conversation_id))
        return self.replies.pop(0)


def test_conversations_run_turn_by_turn_in_one_conversation() -> None:
    conv = EvalItem(id="cv01", kind="conversation", turns=[
        {"question": "팁스가 뭐야?", "expected": "answer", "key_facts": ["운영사"],
         "source_docs": ["tips.md"]},
        {"question": "기술료는?", "expected": "answer", "key_facts": ["10%"],
         "source_docs": ["tips.md"]},
        {"question": "전화번호는?", "expected": "detail_missing", "source_docs": ["tips.md"]}])
    single = EvalItem(id="oo01", kind="refusal", turns=[{"question": "날씨", "expected": "refuse"}])
    engine = _Scripted([_answer("운영사가 투자 [1]", AnswerMode.EXTRACTIVE, "tips.md"),
                        _answer("기술료 10% [1]", AnswerMode.EXTRACTIVE, "tips.md"),
                        _answer("1357 [1]", AnswerMode.EXTRACTIVE, "tips.md"),
                        _answer("죄송합니다", AnswerMode.REFUSED)])
    outcomes = run_items(engine, [conv, single], part="tuning")
    assert [c[1] for c in engine.calls] == ["eval-tuning-cv01"] * 3 + [None]
    assert [(o.id, o.turn) for o in outcomes] == [("cv01", 1), ("cv01", 2), ("cv01", 3),
                                                  ("oo01", 1)]
    report = part_report("tuning", "f.jsonl", 2, outcomes)
    assert report.followups is not None and report.followups.turns == 2
    assert report.followups.false_answers == 1
    assert report.by_kind["conversation"].key_fact == 1.0
    assert report.by_kind["refusal"].refusal_accuracy == 1.0
    assert "| tuning (all) | 4 |" in markdown_table(report)


def write_questions(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


CORPUS_QUESTIONS = [
    # answered from the battery strategy (as in test_cli): key fact and document are right
    {"id": "q1", "kind": "plain", "question": "충북은 2030년까지 이차전지산업에 얼마를 투자하나요?",
     "expected": "answer", "key_facts": ["8조 7,417억"],
     "source_docs": ["battery-strategy-2021.md"]},
    # answered from tips.md, but this entry expects another document and a fact not in it
    {"id": "q2", "kind": "plain", "question": "팁스 운영사 최소 투자 금액은?", "expected": "answer",
     "key_facts": ["존재하지 않는 사실"], "source_docs": ["angel-investment-tax.md"]},
    {"id": "q3", "kind": "refusal", "question": "비트코인 시세 알려줘", "expected": "refuse"},
    # marked answerable on purpose although the corpus cannot answer it: a false refusal
    {"id": "q4", "kind": "plain", "question": "김치찌개 맛있게 끓이는 법 알려줘",
     "expected": "answer", "key_facts": ["김치"], "source_docs": ["tips.md"]},
    # a conversation: the follow-up has no subject of its own
    {"id": "c1", "kind": "conversation", "turns": [
        {"question": "충북은 2030년까지 이차전지산업에 얼마를 투자하나요?", "expected": "answer",
         "key_facts": ["8조 7,417억"], "source_docs": ["battery-strategy-2021.md"]},
        {"question": "비트코인 시세 알려줘", "expected": "refuse"}]},
]


def test_runner_on_shipped_corpus(corpus_kb, tmp_path: Path) -> None:
    items = load_questions(write_questions(tmp_path / "q.jsonl", CORPUS_QUESTIONS))
    outcomes = run_items(AnswerEngine(corpus_kb), items, part="custom")
    by_id = {(o.id, o.turn): o for o in outcomes}
    assert by_id["q1", 1].key_fact and by_id["q1", 1].right_document
    assert by_id["q2", 1].mode == "extractive" and "tips.md" in by_id["q2", 1].cited
    assert not by_id["q2", 1].key_fact and not by_id["q2", 1].right_document
    assert by_id["q3", 1].outcome is Outcome.REFUSED
    assert by_id["q4", 1].outcome is Outcome.REFUSED
    assert by_id["c1", 1].key_fact and by_id["c1", 2].outcome is Outcome.REFUSED
    g = part_report("custom", "q.jsonl", len(items), outcomes).overall
    assert (g.turns, g.expect_answer, g.expect_decline) == (6, 4, 2)
    assert g.key_fact == pytest.approx(2 / 4, abs=1e-4)
    assert g.right_document == pytest.approx(2 / 4, abs=1e-4)
    assert g.refusal_accuracy == pytest.approx(5 / 6, abs=1e-4)
    assert (g.false_refusals, g.false_answers) == (1, 0)


def test_old_format_still_loads() -> None:
    items = load_questions()
    assert len(items) == 92
    q001 = items[0]
    assert (q001.kind, q001.turns[0].expected.value, q001.turns[0].key_facts) == \
        ("old_answer", "answer", [["8조 7,417억"]])
    kinds = {i.kind for i in items}
    assert kinds == {"old_answer", "old_near_miss", "old_off_topic"}


@pytest.mark.parametrize(("row", "message"), [
    ({"id": "x", "question": "q", "answerable": True, "key_facts": []}, "key_facts"),
    ({"id": "x", "kind": "k", "question": "q", "expected": "answer"}, "key_facts"),
    ({"id": "x", "kind": "k", "question": "q", "expected": "maybe"}, "expected"),
    ({"id": "x", "kind": "k", "question": "q", "expected": "detail_missing"}, "source_docs"),
    ({"id": "x", "kind": "k", "question": "q", "expected": "refuse", "key_facts": ["a"]},
     "refuse"),
    ({"id": "x", "kind": "k"}, "question"),
])
def test_bad_question_file(tmp_path: Path, row: dict, message: str) -> None:
    with pytest.raises(AnswerEvalError, match=message):
        load_questions(write_questions(tmp_path / "bad.jsonl", [row]))


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    row = {"id": "x", "kind": "k", "question": "q", "expected": "refuse"}
    with pytest.raises(AnswerEvalError, match="duplicate id x"):
        load_questions(write_questions(tmp_path / "dup.jsonl", [row, row]))


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


CENTER_QUESTIONS = [
    {"id": "q1", "kind": "plain", "question": "오창 셀 성능 평가 센터는 언제 개소했어?",
     "expected": "answer", "key_facts": ["2024년 2월 2일"], "source_docs": ["center.md"]},
    {"id": "q2", "kind": "refusal", "question": "비트코인 시세 알려줘", "expected": "refuse"},
]


def _center_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "center.md").write_text(DOC, encoding="utf-8")
    monkeypatch.setenv("STARTUPBOT_DOCUMENTS_DIR", str(docs))
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(cli.state, "settings", None)
    return write_questions(tmp_path / "q.jsonl", CENTER_QUESTIONS)


def test_cli_answers_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    questions = _center_env(monkeypatch, tmp_path)
    result = CliRunner().invoke(cli.app, ["eval", "answers", "--questions", str(questions),
                                          "--today", "2026-03-02", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["today"] == "2026-03-02"
    assert [m["mode"] for m in data["modes"]] == ["extractive"]
    assert data["skipped"] == [{"mode": "generative", "reason": "no model configured"}]
    part = data["modes"][0]["parts"][0]
    assert part["part"] == "q" and part["items"] == 2
    overall = part["overall"]
    assert overall["key_fact"] == 1.0 and overall["right_document"] == 1.0
    assert overall["refusal_accuracy"] == 1.0 and overall["false_answers"] == 0
    assert set(part["by_kind"]) == {"plain", "refusal"}
    assert not (tmp_path / "data").exists(), "the answer eval must not touch the bot's index"
    import os
    assert "STARTUPBOT_TODAY" not in os.environ, "the pinned date is restored after the run"


def test_cli_answers_bad_part_and_date(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _center_env(monkeypatch, tmp_path)
    runner = CliRunner()
    bad_part = runner.invoke(cli.app, ["eval", "answers", "--part", "secret"])
    assert bad_part.exit_code == 2 and "secret" in bad_part.output
    bad_day = runner.invoke(cli.app, ["eval", "answers", "--today", "01-12-2026"])
    assert bad_day.exit_code == 2 and "YYYY-MM-DD" in bad_day.output
    bad_target = runner.invoke(cli.app, ["eval", "questions"])
    assert bad_target.exit_code == 2


def test_cli_answers_generative_mode_when_a_model_is_configured(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With OPENAI_BASE_URL set (the loopback fake), both modes are evaluated in one run."""
    from tests.fakes.openai_server import FakeOpenAI

    questions = _center_env(monkeypatch, tmp_path)
    with FakeOpenAI(api_key="sk-test") as srv:
        srv.responder = lambda request: "자료에 따르면 센터는 2024년 2월 2일에 개소했습니다 [1]."
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setattr(cli.state, "settings", None)
        result = CliRunner().invoke(cli.app, ["eval", "--answers", "--questions", str(questions),
                                              "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        asked = srv.chat_requests()
    data = json.loads(result.stdout)
    modes = {m["mode"]: m["parts"][0] for m in data["modes"]}
    assert list(modes) == ["extractive", "generative"] and data["skipped"] == []
    generative = {o["id"]: o for o in modes["generative"]["outcomes"]}
    assert generative["q1"]["mode"] == "generative" and generative["q1"]["key_fact"]
    assert generative["q1"]["cited"] == ["center.md"]
    assert generative["q2"]["outcome"] == "refused"  # refused before any model call
    assert modes["extractive"]["outcomes"][0]["mode"] == "extractive"
    assert len(asked) == 1, "only the answerable question reaches the model"


def test_compare_shows_before_and_after() -> None:
    from bot.answer_eval_report import AnswerEvalReport, ModeRun, compare_markdown

    item = _item("detail_missing", [], ["tips.md"], kind="near_miss")

    def run(answer: Answer) -> AnswerEvalReport:
        part = part_report("heldout", "h.jsonl", 1, [score_turn(item, 0, answer)])
        return AnswerEvalReport(today="2026-12-01",
                                modes=[ModeRun(mode="extractive", parts=[part])])

    before = run(_answer("1357 [1]", AnswerMode.EXTRACTIVE, "tips.md"))
    after = run(_answer("자료에는 전화번호 정보가 없습니다.", "detail_missing", "tips.md"))
    table = compare_markdown(before, after)
    assert "| heldout (all) | 1 | – | – | 0.000 → 1.000 | 1 → 0 | 0 |" in table
    assert "|   near_miss | 1 |" in table
