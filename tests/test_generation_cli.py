"""Issue 4's "done when", as a user runs it: `OPENAI_BASE_URL=<server> startupbot ask ...` in a
separate process gives a cited generative answer, and the extractive fallback with its notice
once the server is gone; `startupbot doctor` says what is wrong with the setup."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from typer.testing import CliRunner

from bot import cli, prompts
from bot.doctor import collect_checks, run_doctor
from bot.engine import AnswerEngine
from knowledge.settings import EmbeddingProvider
from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-cli-test"
_BLOCK = re.compile(r'<source id="(\d+)">\n[^\n]*\n(.*?)\n</source>', re.DOTALL)


def startupbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("startupbot")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]
    return subprocess.run([*command, *args], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=180, check=False)


def cite_the_8억_block(request: dict) -> str:
    for number, text in _BLOCK.findall(request["messages"][-1]["content"]):
        if "2년 최대 8억원" in text:
            return f"2026년 TIPS 일반트랙의 R&D 지원 한도는 2년 최대 8억원입니다 [{number}]."
    return "해당 자료가 없습니다."


def test_ask_is_generative_with_a_server_and_falls_back_without(corpus_copy) -> None:
    env = {"STARTUPBOT_DATA_DIR": str(corpus_copy.settings.data_dir),
           "STARTUPBOT_LLM_TIMEOUT": "2", "STARTUPBOT_LLM_MAX_RETRIES": "1"}
    with FakeOpenAI(api_key=KEY) as srv:
        srv.responder = cite_the_8억_block
        env |= srv.env()
        done = startupbot("ask", "팁스 R&D 지원 금액은?", "--json", env=env)
        assert done.returncode == 0, done.stderr
        answer = json.loads(done.stdout)
        assert len(srv.chat_requests()) == 1
    assert answer["mode"] == "generative" and answer["model"] == "gpt-4o-mini"
    assert answer["answer"].startswith(
        "2026년 TIPS 일반트랙의 R&D 지원 한도는 2년 최대 8억원입니다 [1].")
    assert [(s["number"], s["source"]) for s in answer["sources"]] == [(1, "tips.md")]
    assert answer["usage"]["total_tokens"] > 0

    # the server is stopped: same command, extractive answer with the fallback notice
    down = startupbot("ask", "팁스 R&D 지원 금액은?", env=env)
    assert down.returncode == 0, down.stderr
    flat = re.sub(r"\s+", "", down.stdout)
    assert re.sub(r"\s+", "", prompts.FALLBACK_NOTICE["error"]["ko"]) in flat
    assert "출처:" in down.stdout and "[1]" in down.stdout and "tips.md" in flat


def test_doctor_command_passes_with_a_working_setup(corpus_copy, monkeypatch) -> None:
    with FakeOpenAI(api_key=KEY) as srv:
        for name, value in {**srv.env(),
                            "STARTUPBOT_DATA_DIR": str(corpus_copy.settings.data_dir)}.items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(cli.app, ["doctor"], catch_exceptions=False)
        pinged = srv.chat_requests()
    assert result.exit_code == 0, result.output
    assert "✓ 색인: 문서 14개" in result.output
    assert "✓ 생성 모델: gpt-4o-mini 응답함" in result.output
    assert "✗" not in result.output
    assert len(pinged) == 1 and pinged[0]["max_tokens"] == 1


def report(settings) -> tuple[int, str]:
    console = Console(record=True, width=400)
    code = run_doctor(console, settings)
    return code, console.export_text()


def test_doctor_reports_a_bad_key_an_unknown_model_and_a_dead_server(corpus_kb) -> None:
    with FakeOpenAI(api_key=KEY) as srv:
        base = corpus_kb.settings.model_copy(update={"openai_base_url": srv.base_url})
        bad_key = base.model_copy(update={"openai_api_key": SecretStr("sk-wrong-0000")})
        code, text = report(bad_key)
        assert code == 1
        assert "✗ 생성 모델: API 키가 거부되었습니다 (401" in text and "OPENAI_API_KEY" in text
        assert "sk-wrong" not in text

        unknown = base.model_copy(update={"openai_api_key": SecretStr(KEY),
                                          "chat_model": "gpt-nope"})
        code, text = report(unknown)
        assert code == 1 and "모델 'gpt-nope'을(를) 찾을 수 없습니다" in text
        assert "STARTUPBOT_CHAT_MODEL" in text and "gpt-4o-mini" in text  # lists what exists
        assert len(srv.chat_requests()) == 2, "doctor does not retry"
        dead_url = srv.base_url
    dead = base.model_copy(update={"openai_base_url": dead_url,
                                   "openai_api_key": SecretStr(KEY)})
    code, text = report(dead)
    assert code == 1 and "✗ 생성 모델: 서버에 연결할 수 없습니다" in text
    assert "✓ 색인" in text  # the other checks still ran


def test_doctor_reports_a_missing_index_and_checks_the_embedding_endpoint(make_kb) -> None:
    kb = make_kb()
    offline = kb.settings
    code, text = report(offline)
    assert code == 1
    assert "✗ 색인:" in text and "startupbot ingest" in text
    assert "– 생성 모델: 설정되지 않음" in text  # not an error: extractive answers work
    assert not offline.chroma_dir.exists(), "doctor does not create an index"

    with FakeOpenAI(api_key=KEY) as srv:
        remote = offline.model_copy(update={
            "embedding_provider": EmbeddingProvider.OPENAI, "openai_base_url": srv.base_url,
            "openai_api_key": SecretStr(KEY)})
        checks = {c.label: c for c in collect_checks(remote)}
    assert checks["임베딩"].status == "ok" and "차원 64" in checks["임베딩"].detail
    assert checks["생성 모델"].status == "ok"


def test_doctor_reports_invalid_settings(monkeypatch) -> None:
    monkeypatch.setenv("STARTUPBOT_TOP_K", "abc")
    code, text = report(None)
    assert code == 1 and "✗ 설정:" in text and "STARTUPBOT_TOP_K" in text


def test_chat_keeps_one_conversation_and_reset_forgets_it(corpus_copy, monkeypatch) -> None:
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(corpus_copy.settings.data_dir))
    questions = ["팁스 R&D 지원 금액은?", "그럼 신청 기간은?", "/reset", "그럼 신청 기간은?", ""]
    answers: list = []
    original = AnswerEngine.answer

    def spy(self, question, **kw):
        answers.append(original(self, question, **kw))
        return answers[-1]

    monkeypatch.setattr(AnswerEngine, "answer", spy)
    result = CliRunner().invoke(cli.app, ["chat", "--conversation", "desk-1"],
                                input="\n".join(questions) + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [a.query for a in answers] == ["팁스 R&D 지원 금액은?", "팁스 R&D 신청 기간은?",
                                          "그럼 신청 기간은?"]
    assert "tips.md" in result.output
