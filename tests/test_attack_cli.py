"""Issue 13, item 16: operator traps found by using the CLI as a new user would."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.helpers import cli_runner, free_port

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, corpus_data_dir: Path, tmp_path: Path):
    data = tmp_path / "cli-data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    return cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(data)})


def _one_line_error(result) -> str:
    assert "Traceback" not in result.output
    text = result.stderr.replace("\n", " ")
    assert text.startswith("오류:"), text
    return text


def test_search_with_an_unknown_mode_names_the_modes(run) -> None:
    result = run("search", "팁스", "--mode", "bm25")
    assert result.exit_code == 2
    text = _one_line_error(result)
    assert "hybrid" in text and "keyword" in text and "bm25" in text


@pytest.mark.parametrize("k", ["0", "-3"])
def test_search_rejects_k_below_one(run, k: str) -> None:
    result = run("search", "팁스", "-k", k)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_ask_with_an_unknown_category_names_the_known_ones(run) -> None:
    result = run("ask", "팁스 지원 금액은?", "--category", "foo")
    assert result.exit_code == 2
    text = _one_line_error(result)
    assert "foo" in text and "startup-support" in text and "investment" in text
    ok = run("ask", "팁스 지원 금액은?", "--category", "startup-support")
    assert ok.exit_code == 0 and "[1]" in ok.stdout


def test_ask_with_chroma_http_and_no_server_is_one_clear_line(monkeypatch, tmp_path) -> None:
    port = free_port()
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(tmp_path / "d"),
                                       "STARTUPBOT_CHROMA_MODE": "http",
                                       "STARTUPBOT_CHROMA_PORT": str(port)})
    result = run("ask", "팁스 지원 금액은?")
    assert result.exit_code == 2
    text = _one_line_error(result)
    assert f"127.0.0.1:{port}" in text and "STARTUPBOT_CHROMA_MODE" in text
    assert len(result.output.splitlines()) <= 6  # was 358 lines of traceback


def test_relative_data_dir_does_not_depend_on_the_working_directory(monkeypatch,
                                                                    tmp_path: Path) -> None:
    monkeypatch.setenv("STARTUPBOT_BASE_DIR", str(tmp_path / "base"))
    seen = set()
    for folder in ("a", "b/c"):
        (tmp_path / folder).mkdir(parents=True)
        monkeypatch.chdir(tmp_path / folder)
        settings = Settings(_env_file=None, data_dir=Path("data"),
                            documents_dir=Path("docs"))  # type: ignore[call-arg]
        seen.add((settings.data_dir, settings.documents_dir, settings.curated_dir,
                  settings.answer_log_url))
    assert seen == {(tmp_path / "base" / "data", tmp_path / "base" / "docs",
                     tmp_path / "base" / "data" / "curated",
                     f"sqlite:///{tmp_path / 'base' / 'data' / 'answer_log.sqlite3'}")}


def test_default_base_is_the_project_folder_of_a_checkout(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("STARTUPBOT_BASE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None, data_dir=Path("data"))  # type: ignore[call-arg]
    assert settings.data_dir == REPO / "data"
    assert settings.documents_dir == REPO / "knowledge" / "documents"


def test_test_script_says_which_system_packages_it_installs() -> None:
    script = (REPO / "scripts" / "install-test-browser.sh").read_text()
    packages = re.search(r'PACKAGES="([^"]+)"', script).group(1).split()
    before_install = script.split("apt-get install", 1)[0]
    assert 'echo "    $PACKAGES"' in before_install  # printed before apt-get runs
    readme = (REPO / "README.md").read_text()
    assert all(p in readme for p in packages)
    assert "apt-get" in (REPO / "scripts" / "test.sh").read_text()
