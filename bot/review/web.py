"""The review web page: FastAPI routes rendering Jinja2 templates (no JavaScript needed).

`create_app()` gets its parts passed in (answer log, corrections, token), so tests run it over a
temporary database. Every page but /login and /healthz needs the session cookie; every form
posts a CSRF token. Endpoints are plain `def`s: FastAPI runs them in a worker thread, so the
database and the ingest after a correction never block the event loop.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bot.answer_log import AnswerFilter, AnswerLog, ReviewStatus
from bot.models import AnswerMode
from bot.review import labels
from bot.review.auth import COOKIE_NAME, SessionSigner, SignInLimiter
from bot.review.corrections import CorrectionError, Corrections
from bot.review.stats_page import answer_stats

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
FAILED_SIGN_IN_DELAY_S = 0.3
# No scripts at all; styles are inline in the templates; images only from this page.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

MESSAGES = {
    "marked": ("ok", "검토 완료로 표시했습니다."),
    "corrected": ("ok", "수정한 답변을 저장하고 지식 베이스에 반영했습니다. "
                        "다음 비슷한 질문부터 이 답변이 인용됩니다."),
    "corrected_unindexed": ("warn", "수정한 답변은 저장했지만 색인에 반영하지 못했습니다. "
                                    "`startupbot ingest`를 실행하세요."),
    "uncorrected": ("ok", "수정을 취소하고 검토 문서를 지식 베이스에서 뺐습니다."),
    "empty": ("warn", "수정한 답변이 비어 있습니다."),
}


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filter_from_query(params) -> tuple[AnswerFilter, dict[str, str]]:
    """The list filters from the query string; unknown values are ignored, not errors."""
    form = {k: (params.get(k) or "").strip() for k in
            ("feedback", "mode", "status", "channel", "since", "until", "q")}
    feedback = {"down": -1, "up": 1}.get(form["feedback"])
    modes = [AnswerMode(form["mode"])] if form["mode"] in set(AnswerMode) else []
    status = ReviewStatus(form["status"]) if form["status"] in set(ReviewStatus) else None
    flt = AnswerFilter(feedback=feedback, modes=modes, status=status,
                       channel=form["channel"] or None, date_from=_parse_date(form["since"]),
                       date_to=_parse_date(form["until"]), text=form["q"] or None)
    return flt, form


def create_app(*, log_: AnswerLog, corrections: Corrections | None, token: str,
               page_size: int = 50, session_hours: float = 12.0,
               secure_cookie: bool = False, limiter: SignInLimiter | None = None,
               catalogue: Any = None, clock: Any = None, alerts: Any = None) -> FastAPI:
    signer = SessionSigner(token, max_age_s=session_hours * 3600)
    limiter = limiter or SignInLimiter()
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals.update(labels=labels, MODES=list(AnswerMode),
                                 STATUSES=list(ReviewStatus))
    app = FastAPI(title="startupbot review", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def session(request: Request) -> str | None:
        cookie = request.cookies.get(COOKIE_NAME)
        return cookie if signer.verify(cookie) else None

    def login_redirect(request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    def render(request: Request, name: str, cookie: str | None, status_code: int = 200,
               **context) -> HTMLResponse:
        context.update(csrf=signer.csrf_token(cookie) if cookie else "", signed_in=bool(cookie))
        response = templates.TemplateResponse(request, name, context, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"
        return response

    def forbidden() -> PlainTextResponse:
        return PlainTextResponse("세션이 만료되었거나 잘못된 요청입니다. 다시 로그인하세요.",
                                 status_code=403)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return render(request, "login.html", None, next=next, error=None)

    @app.post("/login", response_class=HTMLResponse)
    def login(request: Request, token: str = Form(""), next: str = Form("/")) -> Response:
        client = request.client.host if request.client else "-"
        wait = limiter.retry_after(client)
        if wait:  # the token is not even looked at while locked out
            log.warning("review.sign_in_locked", extra={"retry_s": wait})
            response = render(request, "login.html", None, status_code=429, next=next,
                              error=f"로그인 시도가 너무 많습니다. {wait}초 뒤에 다시 "
                                    "시도하세요.")
            response.headers["Retry-After"] = str(wait)
            return response
        if not signer.check_token(token):
            limiter.failed(client)
            time.sleep(FAILED_SIGN_IN_DELAY_S)  # slows down guessing
            log.warning("review.sign_in_failed", extra={"client": client})
            error = "토큰을 입력하세요." if not token.strip() else "토큰이 올바르지 않습니다."
            return render(request, "login.html", None, status_code=401, next=next, error=error)
        limiter.succeeded(client)
        # Only paths on this site: "//host" and "/\\host" would leave it.
        target = next if next.startswith("/") and next[1:2] not in ("/", "\\") else "/"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE_NAME, signer.issue(), max_age=int(signer.max_age_s),
                            httponly=True, samesite="strict", secure=secure_cookie)
        log.info("review.signed_in")
        return response

    @app.post("/logout")
    def logout(request: Request) -> RedirectResponse:
        signer.revoke(request.cookies.get(COOKIE_NAME))  # the cookie is dead, even if kept
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE_NAME, httponly=True, samesite="strict",
                               secure=secure_cookie)
        return response

    @app.get("/", response_class=HTMLResponse)
    def answer_list(request: Request, page: int = 1) -> Response:
        cookie = session(request)
        if cookie is None:
            return login_redirect(request)
        flt, form = filter_from_query(request.query_params)
        result = log_.list_answers(flt, page=max(1, page), per_page=page_size)
        query = {k: v for k, v in form.items() if v}

        def page_url(number: int) -> str:
            return "/?" + urlencode({**query, "page": number})

        return render(request, "list.html", cookie, page=result, form=form,
                      page_url=page_url, export_query=urlencode(query))

    @app.get("/answers/{answer_id}", response_class=HTMLResponse)
    def answer_detail(request: Request, answer_id: int, msg: str = "") -> Response:
        cookie = session(request)
        if cookie is None:
            return login_redirect(request)
        item = log_.get(answer_id)
        if item is None:
            return render(request, "missing.html", cookie, status_code=404, answer_id=answer_id)
        return render(request, "detail.html", cookie, item=item, events=log_.events(answer_id),
                      message=MESSAGES.get(msg), can_correct=corrections is not None)

    def _post_guard(request: Request, csrf: str) -> str | None:
        cookie = session(request)
        return cookie if cookie is not None and signer.check_csrf(cookie, csrf) else None

    def _back(answer_id: int, msg: str) -> RedirectResponse:
        return RedirectResponse(f"/answers/{answer_id}?msg={msg}", status_code=303)

    @app.post("/answers/{answer_id}/mark")
    def mark(request: Request, answer_id: int, csrf: str = Form(""),
             note: str = Form("")) -> Response:
        if _post_guard(request, csrf) is None:
            return forbidden()
        if not log_.mark_reviewed(answer_id, note):
            return PlainTextResponse("답변을 찾을 수 없습니다.", status_code=404)
        return _back(answer_id, "marked")

    @app.post("/answers/{answer_id}/correct")
    def correct(request: Request, answer_id: int, csrf: str = Form(""),
                answer: str = Form(""), note: str = Form("")) -> Response:
        if _post_guard(request, csrf) is None:
            return forbidden()
        if corrections is None:
            return PlainTextResponse("이 서버에서는 수정할 수 없습니다.", status_code=501)
        if not answer.strip():
            return _back(answer_id, "empty")
        try:
            result = corrections.correct(answer_id, answer, note=note)
        except CorrectionError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return _back(answer_id, "corrected" if result.indexed else "corrected_unindexed")

    @app.post("/answers/{answer_id}/uncorrect")
    def uncorrect(request: Request, answer_id: int, csrf: str = Form("")) -> Response:
        if _post_guard(request, csrf) is None:
            return forbidden()
        if corrections is None:
            return PlainTextResponse("이 서버에서는 수정할 수 없습니다.", status_code=501)
        try:
            corrections.uncorrect(answer_id)
        except CorrectionError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        return _back(answer_id, "uncorrected")

    @app.get("/stats", response_class=HTMLResponse)
    def stats(request: Request, days: int = 30) -> Response:
        cookie = session(request)
        if cookie is None:
            return login_redirect(request)
        days = min(max(days, 7), 366)
        last = log_.today()
        first = last - timedelta(days=days - 1)
        page = answer_stats(log_, first, last)
        if alerts is not None:  # issue 16: subscriptions and alerts
            from bot.alerts.report import summary
            from bot.review.stats_page import alert_sections

            try:
                page.sections += alert_sections(summary(alerts.store.stats()))
            except Exception as exc:  # an unreachable alert store never breaks the page
                log.warning("review.alert_stats_failed", extra={"error": type(exc).__name__})
        return render(request, "stats.html", cookie, stats=page)

    @app.get("/export")
    def export(request: Request, format: str = "csv") -> Response:
        from bot.review.export import ExportFormat, write_export

        cookie = session(request)
        if cookie is None:
            return login_redirect(request)
        fmt = ExportFormat.JSONL if format == "jsonl" else ExportFormat.CSV
        flt, _ = filter_from_query(request.query_params)
        buffer = io.StringIO()
        if fmt is ExportFormat.CSV:
            buffer.write("\ufeff")  # so that Excel reads the Korean text as UTF-8
        write_export(log_.iter_answers(flt), buffer, fmt)
        media = "text/csv" if fmt is ExportFormat.CSV else "application/x-ndjson"
        name = f"answers-{log_.today().isoformat()}.{fmt.value}"
        return Response(buffer.getvalue(), media_type=f"{media}; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    if catalogue is not None:  # issue 14: the catalogue page (/catalogue)
        from bot.review.catalogue_page import add_catalogue_page

        add_catalogue_page(app, catalogue=catalogue, clock=clock, render=render,
                           session=session, login_redirect=login_redirect)
    if alerts is not None:  # issue 16: held broadcasts (/alerts)
        from bot.review.alerts_page import add_alerts_page

        add_alerts_page(app, alerts=alerts, render=render, session=session,
                        login_redirect=login_redirect, post_guard=_post_guard,
                        forbidden=forbidden)
    return app
