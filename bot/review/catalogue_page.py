"""The review page's catalogue view (issue 14): programmes with status on today's date, source,
last sync and the sync reports. Added to the app by `create_app`; reads only."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response


def add_catalogue_page(
    app: FastAPI, *, catalogue: Any, clock: Any, render: Any, session: Any, login_redirect: Any
) -> None:
    from bot.catalogue import format as fmt
    from knowledge.catalogue.models import Status
    from knowledge.catalogue.repository import CatalogueMissing

    @app.get("/catalogue", response_class=HTMLResponse)
    def catalogue_page(
        request: Request, status: str = "", source: str = "", q: str = ""
    ) -> Response:
        cookie = session(request)
        if cookie is None:
            return login_redirect(request)
        error = None
        try:
            wanted = [Status(status)] if status in {s.value for s in Status} else None
            items = catalogue.search(
                clock, status=wanted, source=source or None, text=q or None, include_vanished=True
            )
            runs = catalogue.runs(10)
            everything = catalogue.search(clock, include_vanished=True)
        except CatalogueMissing:  # nothing synced yet: the page says so
            items, runs, everything = [], [], []
        except Exception as exc:  # broken database: say so, do not 500
            items, runs, everything = [], [], []
            error = f"카탈로그를 읽을 수 없습니다: {type(exc).__name__}"
        counts = {s.value: 0 for s in Status}
        for item in everything:
            counts[item.programme.status(clock).value] += 1
        rows = [
            {
                "id": s.programme.id,
                "title": s.programme.title,
                "url": s.programme.url,
                "source": s.programme.source,
                "status": fmt.status_label(s.programme, clock),
                "state": s.programme.status(clock).value,
                "deadline": fmt.deadline(s.programme),
                "category": s.programme.category,
                "vanished": s.vanished,
                "last_seen": s.last_seen,
            }
            for s in items[:500]
        ]
        return render(
            request,
            "catalogue.html",
            cookie,
            rows=rows,
            total=len(items),
            runs=runs,
            counts=counts,
            today=clock.today().isoformat(),
            form={"status": status, "source": source, "q": q},
            error=error,
        )
