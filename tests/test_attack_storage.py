"""Issue 13, items 3 and 4: an empty salt file and a corrupt manifest lose nothing silently.

Each case was a hostile or unlucky input in the attack run; the files are made here.
"""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from bot.answer_log import AnswerLog
from bot.answer_log.privacy import SALT_FILE_NAME, SaltError, load_or_create_salt
from bot.models import Answer, AnswerMode
from ingest.manifest import Manifest, ManifestError
from tests.conftest import make_settings
from tests.helpers import cli_runner


def _answer() -> Answer:
    return Answer(question="팁스 지원 금액은?", query="팁스 지원 금액은?",
                  answer="최대 5억원 [1]", mode=AnswerMode.EXTRACTIVE)


# --- 3. salt --------------------------------------------------------------------------------
def _race(path: str, out: multiprocessing.Queue) -> None:  # a parallel start-up
    try:
        out.put(load_or_create_salt(Path(path)).decode())
    except Exception as exc:  # reported to the test, which fails on it
        out.put(f"error: {type(exc).__name__}: {exc}")


def test_parallel_start_ups_read_one_complete_salt(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for attempt in range(5):
        path = tmp_path / f"race{attempt}" / SALT_FILE_NAME
        out = ctx.Queue()
        procs = [ctx.Process(target=_race, args=(str(path), out)) for _ in range(6)]
        for proc in procs:
            proc.start()
        salts = {out.get(timeout=30) for _ in procs}
        for proc in procs:
            proc.join(10)
        assert len(salts) == 1, salts  # everybody got the same, complete salt
        (salt,) = salts
        assert len(salt) == 64 and path.read_text().strip() == salt
        assert not [p for p in path.parent.iterdir() if p.name != SALT_FILE_NAME]  # no temp


@pytest.mark.parametrize("content", ["", "\n", "   ", "abc123"])
def test_empty_or_short_salt_file_is_refused_with_what_to_do(tmp_path: Path,
                                                               content: str) -> None:
    path = tmp_path / SALT_FILE_NAME
    path.write_text(content)
    with pytest.raises(SaltError) as info:
        load_or_create_salt(path)
    message = str(info.value)
    assert str(path) in message and "솔트" in message
    log = AnswerLog(f"sqlite:///{tmp_path / 'log.sqlite3'}", salt_path=path)
    with pytest.raises(SaltError):
        log.check_salt()


def test_cli_refuses_to_start_on_an_empty_salt_file(tmp_path: Path, monkeypatch,
                                                     corpus_data_dir: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    (data / SALT_FILE_NAME).write_text("")
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(data)})
    result = run("ask", "팁스 지원 금액은?")
    assert result.exit_code == 2, result.output
    assert SALT_FILE_NAME in result.stderr.replace("\n", "") and "Traceback" not in result.output
    assert "솔트" in result.stderr


def test_a_good_salt_file_still_works(tmp_path: Path) -> None:
    log = AnswerLog.from_settings(make_settings(tmp_path / "data"))
    log.check_salt()
    assert log.record(_answer(), channel="cli", user_id=1) is not None


# --- 4. manifest ----------------------------------------------------------------------------
@pytest.mark.parametrize("content", ['{"version": 1, "files": {"a.md": {"sour',  # truncated
                                     "\x00\x00\x00\x00", "[1, 2, 3]",
                                     '{"version": 1, "files": {"a.md": {"source": 3}}}'])
def test_corrupt_manifest_names_the_file_and_the_recovery(tmp_path: Path, content: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(content)
    with pytest.raises(ManifestError) as info:
        Manifest.load(path)
    message = str(info.value)
    assert str(path) in message and "startupbot ingest --rebuild" in message


def test_ingest_and_doctor_report_a_corrupt_manifest(tmp_path: Path, monkeypatch,
                                                     corpus_data_dir: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    manifest = data / "knowledge" / "work" / "manifest.json"  # the writer's copy
    manifest.write_text(manifest.read_text()[:200])  # cut off mid-write (disk full, kill -9)
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(data)})
    result = run("doctor")
    assert result.exit_code == 1
    assert "manifest.json" in result.stdout and "startupbot ingest" in result.stdout
    json.loads(json.dumps(result.stdout))  # printable
    # the writer restores it from the published snapshot; nothing is re-embedded
    result = run("ingest", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["unchanged"] == 14
    assert run("doctor").stdout.count("✗") == 0


def test_serve_refuses_to_start_on_an_empty_salt_file(tmp_path: Path, monkeypatch,
                                                       corpus_data_dir: Path) -> None:
    import logging
    import shutil

    root = logging.getLogger()  # `serve` configures logging: put it back afterwards
    monkeypatch.setattr(root, "handlers", root.handlers[:])
    monkeypatch.setattr(root, "level", root.level)

    data = tmp_path / "data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    (data / SALT_FILE_NAME).write_text("\n")
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(data),
                                       "TELEGRAM_BOT_TOKEN": "123456:TEST-token_abc",
                                       "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"})
    result = run("serve")
    assert result.exit_code == 2, result.output
    assert SALT_FILE_NAME in result.stderr.replace("\n", "") and "솔트" in result.stderr


def test_first_ask_with_a_corrupt_manifest_says_what_to_run(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    work = data / "knowledge" / "work"
    work.mkdir(parents=True)
    (work / "manifest.json").write_text('{"version": 1, "files": {"a')  # no snapshot to restore
    docs = tmp_path / "docs"
    docs.mkdir()
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(data),
                                       "STARTUPBOT_DOCUMENTS_DIR": str(docs)})
    result = run("ask", "팁스 지원 금액은?")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--rebuild" in result.stderr and "manifest.json" in result.stderr.replace("\n", "")
