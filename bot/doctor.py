"""`startupbot doctor`: check the configuration before the bot goes live, and say what to fix.

Checks, in order: settings load; the knowledge folder; the index (present, built by the
configured embedder, not empty); the chat model (a 1-token completion: server reachable, key and
model accepted); the embedding endpoint when embeddings go through the OpenAI-compatible route.
Each check prints one ✓/✗ line in Korean (staff-facing, like the rest of the CLI) with the fix;
the exit code is 1 when anything failed. Nothing here prints a key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.console import Console

from bot.settings import Settings, load_settings
from knowledge.settings import EmbeddingProvider, SettingsError

Status = Literal["ok", "warn", "fail", "info"]
_MARK = {"ok": "✓", "warn": "!", "fail": "✗", "info": "–"}


@dataclass
class Check:
    status: Status
    label: str
    detail: str
    fix: str = ""

    def lines(self) -> list[str]:
        out = [f"{_MARK[self.status]} {self.label}: {self.detail}"]
        if self.fix:
            out.append(f"    → {self.fix}")
        return out


def run_doctor(console: Console, settings: Settings | None = None) -> int:
    """Print every check; return the exit code (0 all fine, 1 something to fix)."""
    failed = 0
    for check in collect_checks(settings):
        failed += check.status == "fail"
        for line in check.lines():
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    console.print("")
    console.print("문제 없음: 봇을 시작할 수 있습니다." if not failed
                  else f"고칠 항목 {failed}개: 위의 ✗ 줄을 확인하세요.", markup=False)
    return 1 if failed else 0


def collect_checks(settings: Settings | None = None) -> Iterator[Check]:
    if settings is None:
        try:
            settings = load_settings()
        except SettingsError as exc:
            yield Check("fail", "설정", str(exc), "`.env` 또는 환경 변수 값을 고치세요 "
                        "(.env.example 참고).")
            return
    yield check_documents(settings)
    yield check_index(settings)
    if settings.manifest_path.exists():
        yield check_manifest(settings)
    yield check_model(settings)
    if settings.embedding_provider is EmbeddingProvider.OPENAI:
        yield check_embeddings(settings)
    yield check_alerts(settings)


def check_alerts(settings: Settings) -> Check:
    """issue 16: alert settings, subscriptions, the outbox and which process sends."""
    from bot.answer_log.db import safe_url
    from bot.app import App, AppError

    label = "알림"
    try:
        alerts = App(settings).alerts()
    except AppError as exc:
        return Check("fail", label, exc.message, "값을 고치세요 (.env.example 참고).")
    if not alerts.settings.enabled:
        return Check("info", label, "꺼져 있습니다 (STARTUPBOT_ALERTS_ENABLED=false).")
    url = settings.answer_log_url or ""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return Check("info", label, "아직 구독이 없습니다 (답변 기록 DB가 없습니다).")
    try:
        stats = alerts.store.stats()
        holder = alerts.store.lease("sender")
    except Exception as exc:
        return Check("fail", label, f"알림 DB를 읽을 수 없습니다 ({safe_url(url)}): "
                     f"{type(exc).__name__}", "STARTUPBOT_ANSWER_LOG_URL 을 확인하세요.")
    finally:
        alerts.store.close()
    queued = stats.by_status.get("pending", 0) + stats.by_status.get("claimed", 0)
    sender = (f"보내는 프로세스 {holder[0].rsplit(':', 1)[0]}" if holder
              else "보내는 프로세스 없음 (`startupbot serve` 가 보냅니다)")
    detail = (f"구독 {stats.subscriptions_active:,}곳, 대기 {queued:,}건, 보류 "
              f"{stats.by_status.get('held', 0):,}건, 보냄 {stats.sent:,}건; {sender}; "
              f"마감 알림 D-{', D-'.join(map(str, alerts.settings.reminder_days))} "
              f"{alerts.settings.send_hour:02d}:00")
    status: Status = "warn" if queued and not holder else "ok"
    fix = "대기 중인 알림을 보내려면 `startupbot serve` 를 실행하세요." if status == "warn" else ""
    return Check(status, label, detail, fix)


def check_documents(settings: Settings) -> Check:
    folder = settings.documents_dir
    if not folder.is_dir():
        return Check("fail", "문서 폴더", f"{folder} 가 없습니다.",
                     "STARTUPBOT_DOCUMENTS_DIR를 지식 문서 폴더로 지정하세요.")
    files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return Check("ok", "문서 폴더", f"{folder} (파일 {len(files)}개), 데이터 폴더 "
                 f"{settings.data_dir}")


def check_index(settings: Settings) -> Check:
    """The published index, from `KnowledgeBase.status()` (never creates or repairs one)."""
    from ingest.pipeline import pending_documents
    from knowledge.base import KnowledgeBase

    ingest = "`startupbot ingest`로 문서를 수집하세요."
    kb = KnowledgeBase(settings)
    try:
        status = kb.status()
    finally:
        kb.close()
    if status.missing or status.legacy_layout:
        return Check("fail", "색인", status.problem, ingest)
    if not status.ready:
        return Check("fail", "색인", status.problem[:400],
                     "메시지의 명령을 실행하거나 Chroma 설정(STARTUPBOT_CHROMA_*)과 데이터 폴더를 "
                     "확인하세요.")
    if status.empty:
        return Check("fail", "색인", "비어 있습니다 (조각 0개).", ingest)
    detail = (f"문서 {status.documents}개, 조각 {status.chunks}개 (임베더 {status.embedder}, "
              f"공개본 {status.snapshot})")
    pending = pending_documents(kb)
    if pending:
        return Check("warn", "색인", f"{detail}; 색인되지 않은 문서 {len(pending)}개: "
                     + ", ".join(pending[:5]), ingest)
    if status.unpublished_changes and not status.writer_running:
        return Check("warn", "색인", f"{detail}; 중단된 수집의 변경이 아직 공개되지 않았습니다.",
                     ingest)
    return Check("ok", "색인", detail)


def check_manifest(settings: Settings) -> Check:
    """The ingest manifest must parse: a corrupt one stops every ingest."""
    from ingest.manifest import Manifest, ManifestError

    try:
        manifest = Manifest.load(settings.manifest_path)
    except ManifestError as exc:
        return Check("fail", "수집 기록 (manifest)", f"손상되었습니다: {exc.path} ({exc.reason})",
                     "`startupbot ingest`가 마지막 공개본에서 복원합니다. 공개본이 없으면 "
                     "`startupbot ingest --rebuild`로 다시 만드세요.")
    return Check("ok", "수집 기록", f"{settings.manifest_path} (파일 {len(manifest.files)}개)")


def _where(settings: Settings) -> str:
    return settings.openai_base_url or "https://api.openai.com/v1"


def _failure(label: str, error: object, settings: Settings, model: str, env_model: str,
             available: list[str] | None = None) -> Check:
    from bot.generation import GenerationError

    assert isinstance(error, GenerationError)
    where = _where(settings)
    match error.kind:
        case "auth":
            return Check("fail", label, f"API 키가 거부되었습니다 ({error.status}, {where}).",
                         "OPENAI_API_KEY 값을 확인하세요 (로컬 서버라면 서버가 요구하는 키).")
        case "not_found":
            hint = f" 서버가 제공하는 모델: {', '.join(available[:8])}" if available else ""
            return Check("fail", label, f"모델 '{model}'을(를) 찾을 수 없습니다 (404, {where}).",
                         f"{env_model}을(를) 서버에 있는 모델 이름으로 바꾸세요.{hint}")
        case "connection" | "timeout":
            what = "응답 시간 초과" if error.kind == "timeout" else "연결할 수 없습니다"
            return Check("fail", label, f"서버에 {what} ({where}).",
                         "OPENAI_BASE_URL 주소와 서버 실행 여부, 네트워크를 확인하세요.")
        case "rate_limit":
            return Check("fail", label, f"요청 한도 초과 또는 크레딧 부족 (429, {where}).",
                         "요금제와 사용 한도를 확인하거나 잠시 뒤 다시 확인하세요.")
        case "server":
            return Check("fail", label, f"서버 오류 ({error.status}, {where}).",
                         "서버 상태를 확인하고 잠시 뒤 다시 실행하세요.")
        case _:
            return Check("fail", label, f"요청이 거부되었습니다 ({error.status}): "
                         f"{error.detail[:160]}", f"{env_model} 등 모델 설정을 확인하세요.")


def check_model(settings: Settings) -> Check:
    from bot.generation import GenerationError, OpenAIGenerator

    if not settings.generation_enabled:
        return Check("info", "생성 모델",
                     "설정되지 않음 — 자료의 문장을 인용하는 추출식 답변만 합니다.",
                     "생성형 답변을 쓰려면 OPENAI_API_KEY 또는 OPENAI_BASE_URL을 설정하세요.")
    try:
        generator = OpenAIGenerator.from_settings(settings)
    except ValueError as exc:  # a bad STARTUPBOT_LLM_DEADLINE / _BREAKER_* value
        return Check("fail", "생성 모델", str(exc), "값을 고치세요 (.env.example 참고).")
    try:
        reply = generator.check(timeout=min(settings.llm_timeout, 15.0))
    except GenerationError as exc:
        available = generator.available_models() if exc.kind == "not_found" else None
        return _failure("생성 모델", exc, settings, settings.chat_model,
                        "STARTUPBOT_CHAT_MODEL", available)
    return Check("ok", "생성 모델", f"{settings.chat_model} 응답함 ({_where(settings)}, "
                 f"{reply.seconds:.2f}초)")


def check_embeddings(settings: Settings) -> Check:
    from bot.generation import classify
    from knowledge.embeddings import OpenAICompatibleEmbeddings

    key = settings.embedding_api_key or settings.openai_api_key
    base_url = settings.embedding_base_url or settings.openai_base_url
    embeddings = OpenAICompatibleEmbeddings(
        model=settings.embedding_model, base_url=base_url,
        api_key=key.get_secret_value() if key else None,
        timeout=min(settings.llm_timeout, 15.0), max_retries=0,
    )
    try:
        vector = embeddings.embed_query("연결 확인")
    except Exception as exc:
        shown = settings.model_copy(update={"openai_base_url": base_url})
        return _failure("임베딩", classify(exc), shown, settings.embedding_model,
                        "STARTUPBOT_EMBEDDING_MODEL")
    return Check("ok", "임베딩", f"{settings.embedding_model} 응답함 (차원 {len(vector)}, "
                 f"{base_url or _where(settings)})")
