"""The review page's 알림 view (issue 16): broadcasts held for a staff release, each with a
preview of the card founders will get and its number of chats, 보내기 / 보류 취소 (POST with the
session's CSRF token), and the outbox's counts. Added to the app by `create_app` when it has
the alerts; its own routes and template, beside the other pages."""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup

log = logging.getLogger(__name__)

SHOWN = 50
STATUS_LABELS = {"held": "보류", "pending": "대기", "claimed": "처리 중", "sending": "보내는 중",
                 "sent": "보냄", "blocked": "차단", "failed": "실패", "uncertain": "불확실",
                 "dropped": "취소"}
MESSAGES = {
    "released": ("ok", "발송을 시작했습니다: {n}건이 발송함으로 갔습니다."),
    "dropped": ("ok", "보류를 취소했습니다: {n}건은 보내지 않습니다."),
    "already": ("warn", "이미 처리된 발송입니다."),
}
_TAG = re.compile(r"&lt;(/?)(b|i)&gt;")


def card_markup(text: str) -> Markup:
    """The card's Telegram HTML as page HTML: everything escaped again, then only <b>/<i>
    given back (programme texts were escaped once already; this is belt and braces)."""
    return Markup(_TAG.sub(r"<\1\2>", html.escape(text, quote=False)))


def add_alerts_page(app: FastAPI, *, alerts: Any, render: Any, session: Any,
                    login_redirect: Any, post_guard: Any, forbidden: Any) -> None:
    from bot.alerts import cards
    from bot.alerts.models import OutboxItem

    def previews() -> list[dict[str, Any]]:
        held = alerts.store.broadcasts("held", SHOWN)
        try:
            catalogue = {s.programme.id: s for s in alerts.catalogue()} if held else {}
        except Exception as exc:  # no catalogue yet: show the ids without a card
            log.warning("review.alerts_catalogue_unavailable",
                        extra={"error": type(exc).__name__})
            catalogue = {}
        rows = []
        for view in held:
            stored = catalogue.get(view.programme_id)
            card = None
            if stored is not None:
                item = OutboxItem(id=0, subscription_id=0, chat_id=0, chat_type="private",
                                  language="ko", kind=view.kind, programme_id=view.programme_id)
                text, _ = cards.card(item, stored.programme, alerts.clock, None, None)
                card = card_markup(text)
            rows.append({"view": view, "card": card,
                         "title": stored.programme.title if stored else view.programme_id})
        return rows

    @app.get("/alerts", response_class=HTMLResponse)
    def alerts_page(request: Request, msg: str = "", n: int = 0) -> Response:
        cookie = session(request)
        if cookie is None:
            return login_redirect(request)
        counts = alerts.store.outbox_counts()
        message = MESSAGES.get(msg)
        if message is not None:
            message = (message[0], message[1].format(n=n))
        return render(request, "alerts.html", cookie, casts=previews(),
                      counts=[(STATUS_LABELS.get(k, k), v) for k, v in sorted(
                          counts.items(), key=lambda kv: -kv[1])],
                      total=sum(counts.values()),
                      require_release=alerts.settings.require_release, message=message)

    def decide(request: Request, broadcast_id: int, csrf: str, release: bool) -> Response:
        if post_guard(request, csrf) is None:
            return forbidden()
        view = alerts.store.broadcast(broadcast_id)
        if view is None:
            return PlainTextResponse("발송을 찾을 수 없습니다.", status_code=404)
        if view.status != "held":
            return RedirectResponse("/alerts?msg=already", status_code=303)
        moved = alerts.store.decide(broadcast_id, release, "review-web")
        log.info("review.alerts_decided", extra={"broadcast": broadcast_id,
                                                 "release": release, "alerts": moved})
        return RedirectResponse(f"/alerts?msg={'released' if release else 'dropped'}&n={moved}",
                                status_code=303)

    @app.post("/alerts/{broadcast_id}/release")
    def release(request: Request, broadcast_id: int, csrf: str = Form("")) -> Response:
        return decide(request, broadcast_id, csrf, True)

    @app.post("/alerts/{broadcast_id}/drop")
    def drop(request: Request, broadcast_id: int, csrf: str = Form("")) -> Response:
        return decide(request, broadcast_id, csrf, False)
