"""`startupbot sync`: the programme catalogue from K-Startup and 기업마당, then into the index.

One run:
1. takes the ingest lock (`settings.lock_path`: a sync and an ingest never run together);
2. fetches every enabled source (retries, bad pages and items reported, never fatal except a
   rejected key, which stops that source only);
3. compares content hashes with the catalogue: new / changed / unchanged, newly closed, and
   vanished (only for a source read completely: a failed page proves nothing) — the
   `SyncChanges` that alerts are built on;
4. writes the catalogue in one transaction, then renders each new or changed programme (and
   its readable attachments) as a Markdown document under `data/catalogue/<source>/<id>.md`;
5. releases the lock and runs the normal ingest over that folder only, so unchanged programmes
   are not re-embedded and staff documents (knowledge folder, data/curated) are never touched.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from filelock import FileLock, Timeout
from pydantic import BaseModel, Field

from ingest.sources import bizinfo, kstartup
from ingest.sources.base import FetchResult, Problem
from ingest.sources.http import ApiClient, SourceAuthError, SourceError
from knowledge.catalogue.models import Programme, Status, SyncChanges
from knowledge.catalogue.render import render_markdown
from knowledge.catalogue.repository import Catalogue
from knowledge.catalogue.settings import CatalogueSettings, load_catalogue_settings
from knowledge.clock import Clock, clock_from_settings

log = logging.getLogger(__name__)

CONNECTORS: dict[str, Callable[..., FetchResult]] = {
    kstartup.NAME: kstartup.fetch,
    bizinfo.NAME: bizinfo.fetch,
}
ProgressFn = Callable[[int, int, str], None]
# Called after a sync wrote the catalogue and its documents (before the ingest; never on
# --dry-run) with the changes and every programme seen: where alerts (issue 16) plug in.
# A failing listener is logged, never fatal.
ChangesListener = Callable[[SyncChanges, dict[str, Programme]], None]


class SyncLockedError(Exception):
    """Another sync or ingest holds the lock."""


class SourceReport(BaseModel):
    name: str
    enabled: bool
    complete: bool = False
    pages: int = 0
    items: int = 0
    programmes: int = 0
    duplicates: int = 0
    skipped_region: int = 0
    requests: int = 0
    retries: int = 0
    error: str | None = None


class SyncReport(BaseModel):
    dry_run: bool = False
    started_at: datetime
    today: str
    seconds: float = 0.0
    sources: list[SourceReport] = Field(default_factory=list)
    changes: SyncChanges = Field(default_factory=SyncChanges)
    problems: list[Problem] = Field(default_factory=list)
    catalogue_total: int = 0
    status_counts: dict[str, int] = Field(default_factory=dict)
    documents_written: int = 0
    attachments_read: int = 0
    ingest: dict[str, Any] | None = None
    ingest_error: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            not any(s.error for s in self.sources if s.enabled)
            and not self.ingest_error
            and (self.ingest is None or not self.ingest.get("counts", {}).get("failed"))
        )

    def summary_ko(self) -> str:
        c = self.changes
        head = "동기화 미리보기 (변경 없음)" if self.dry_run else "동기화 결과"
        return (
            f"{head}: 신규 {len(c.new)} · 변경 {len(c.changed)} · 변경 없음 {c.unchanged} · "
            f"마감 {len(c.closed)} · 사라짐 {len(c.vanished)} · 재등장 {len(c.reappeared)} · "
            f"문제 {len(self.problems)}"
        )


def catalogue_dir(settings: Any) -> Path:
    """The folder the sync owns (and only it): rendered programme documents."""
    return Path(settings.data_dir) / "catalogue"


def document_path(settings: Any, programme: Programme) -> Path:
    return catalogue_dir(settings) / programme.source / f"{programme.id}.md"


class CatalogueSync:
    """One sync over a knowledge base; `ingest=False` stops after the documents are written."""

    def __init__(
        self,
        kb: Any,
        *,
        catalogue_settings: CatalogueSettings | None = None,
        catalogue: Catalogue | None = None,
        clock: Clock | None = None,
        progress: ProgressFn | None = None,
        sleep: Callable[[float], None] = time.sleep,
        listeners: list[ChangesListener] | None = None,
    ) -> None:
        self.kb = kb
        self.settings = kb.settings
        self.config = catalogue_settings or load_catalogue_settings()
        self.catalogue = catalogue or Catalogue.from_settings(self.settings)
        self.clock = clock or clock_from_settings(self.settings)
        self.progress = progress or (lambda done, total, name: None)
        self.sleep = sleep
        self.listeners = list(listeners or [])

    def run(self, *, dry_run: bool = False, ingest: bool = True) -> SyncReport:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.settings.lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise SyncLockedError(
                "다른 수집(ingest) 또는 동기화(sync) 작업이 이미 실행 중입니다. 끝난 뒤 다시 "
                "실행하세요. (another ingest or sync is running)"
            ) from None
        started = time.perf_counter()
        report = SyncReport(
            dry_run=dry_run, started_at=self.clock.now(), today=self.clock.today().isoformat()
        )
        try:
            self._sync(report, dry_run)
        finally:
            lock.release()
        if ingest and not dry_run:
            # always: cheap when nothing changed (hashes only), and it catches up documents an
            # earlier sync wrote but could not index (lock, crash)
            self._ingest(report)
        report.seconds = round(time.perf_counter() - started, 3)
        if not dry_run:
            self.catalogue.record_run(
                report.started_at,
                report.seconds,
                report.ok,
                report.summary_ko(),
                report.model_dump(mode="json"),
            )
        log.info(
            "catalogue.sync",
            extra={
                "dry_run": dry_run,
                "new": len(report.changes.new),
                "changed": len(report.changes.changed),
                "closed": len(report.changes.closed),
                "vanished": len(report.changes.vanished),
                "problems": len(report.problems),
                "seconds": report.seconds,
            },
        )
        return report

    # --- steps ---------------------------------------------------------------------------
    def _fetch(self, report: SyncReport) -> tuple[dict[str, Programme], set[str]]:
        seen: dict[str, Programme] = {}
        complete: set[str] = set()
        enabled = self.config.sources_enabled
        for number, name in enumerate(CONNECTORS, 1):
            self.progress(number - 1, len(CONNECTORS), f"{name} 가져오는 중")
            source = SourceReport(name=name, enabled=name in enabled)
            report.sources.append(source)
            if not source.enabled:
                continue
            client = ApiClient(
                name,
                timeout=self.config.catalogue_timeout,
                retries=self.config.catalogue_retries,
                backoff=self.config.catalogue_backoff,
                sleep=self.sleep,
            )
            try:
                result = CONNECTORS[name](self.config, client)
            except SourceAuthError as exc:
                source.error = exc.message
                report.problems.append(Problem(source=name, where="API", reason=exc.message))
                continue
            except SourceError as exc:
                source.error = exc.message
                report.problems.append(Problem(source=name, where="API", reason=exc.message))
                continue
            finally:
                source.requests, source.retries = client.requests, client.retried
                client.close()
            source.complete, source.pages, source.items = (
                result.complete,
                result.pages,
                result.items,
            )
            source.programmes, source.duplicates = len(result.programmes), result.duplicates
            source.skipped_region = result.skipped_region
            report.problems.extend(result.problems)
            seen.update(result.programmes)
            if result.complete:
                complete.add(kstartup.PREFIX if name == kstartup.NAME else bizinfo.PREFIX)
        self.progress(len(CONNECTORS), len(CONNECTORS), "")
        return seen, complete

    def _sync(self, report: SyncReport, dry_run: bool) -> None:
        t0 = time.perf_counter()
        seen, complete = self._fetch(report)
        t1 = time.perf_counter()
        previous = self.catalogue.hashes()
        changes = self.catalogue.plan(seen, complete, self.clock, previous)
        report.changes = changes
        if not dry_run:
            self.catalogue.apply(seen, changes, self.clock)
        t2 = time.perf_counter()
        if not dry_run:
            self._documents(report, seen, changes)
        t3 = time.perf_counter()
        counts: dict[str, int] = {s.value: 0 for s in Status}
        for p in seen.values():
            counts[p.status(self.clock).value] += 1
        report.status_counts = counts
        report.catalogue_total = len(previous.keys() | seen.keys())
        report.timings |= {
            "fetch": round(t1 - t0, 3),
            "store": round(t2 - t1, 3),
            "documents": round(t3 - t2, 3),
        }
        if not dry_run:
            for listener in self.listeners:
                try:
                    listener(changes, seen)
                except Exception:
                    log.exception("catalogue.listener_failed")

    def _documents(
        self, report: SyncReport, seen: dict[str, Programme], changes: SyncChanges
    ) -> None:
        """Write the documents of new/changed programmes (and any whose file is missing);
        vanished ones get a note but keep their document (the catalogue keeps them too)."""
        todo = set(changes.new) | set(changes.changed) | set(changes.reappeared)
        todo |= {pid for pid, p in seen.items() if not document_path(self.settings, p).exists()}
        client = None
        if self.config.catalogue_attachments and any(seen[p].attachments for p in todo):
            client = httpx.Client(timeout=self.config.catalogue_timeout, follow_redirects=True)
        try:
            for number, pid in enumerate(sorted(todo), 1):
                if number % 50 == 1:
                    self.progress(number - 1, len(todo), "문서 만드는 중")
                programme = seen[pid]
                text = render_markdown(programme)
                if client is not None and programme.attachments:
                    text += self._attachments(report, programme, client)
                self._write(document_path(self.settings, programme), text)
                report.documents_written += 1
        finally:
            if client is not None:
                client.close()
        for pid in changes.vanished:
            stored = self.catalogue.get(pid)
            if stored is None:
                continue
            path = document_path(self.settings, stored.programme)
            if path.exists():
                note = (
                    f"\n## 공고 목록 상태\n이 공고는 {self.clock.today().isoformat()} 동기화에서 "
                    "공고 목록에 더 이상 보이지 않았다. "
                    "최신 공고를 공고문 링크에서 확인해야 한다.\n"
                )
                self._write(path, render_markdown(stored.programme) + note)
                report.documents_written += 1

    def _attachments(self, report: SyncReport, programme: Programme, client: httpx.Client) -> str:
        from ingest.sources.attachments import read_attachments

        texts, problems = read_attachments(
            programme,
            client,
            max_bytes=int(self.config.catalogue_attachment_max_mb * 1_000_000),
            limit=self.config.catalogue_attachments_per_programme,
        )
        report.problems.extend(problems)
        report.attachments_read += len(texts)
        return "".join(f"\n## 첨부 {name}\n{text}\n" for name, text in texts)

    @staticmethod
    def _write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)

    def _ingest(self, report: SyncReport) -> None:
        from ingest.pipeline import IngestLockedError, Ingestor

        folder = catalogue_dir(self.settings)
        t0 = time.perf_counter()
        try:
            result = Ingestor(self.kb, progress=self.progress).run([folder])
        except IngestLockedError as exc:
            report.ingest_error = str(exc)
            return
        except Exception as exc:  # the catalogue is saved; the next sync retries the ingest
            log.exception("catalogue.ingest_failed")
            report.ingest_error = f"{type(exc).__name__}: {exc}"
            return
        finally:
            report.timings["ingest"] = round(time.perf_counter() - t0, 3)
        report.ingest = {
            "counts": result.counts,
            "chunks_written": result.chunks_written,
            "total_chunks": result.total_chunks,
            "seconds": round(result.seconds, 3),
            "failed": [f.model_dump() for f in result.files if f.change.value == "failed"][:50],
        }
        self.kb.refresh()
