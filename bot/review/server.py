"""Run the review page with uvicorn (`startupbot review --web`)."""

from __future__ import annotations

from bot.answer_log import AnswerLog
from bot.review.corrections import Corrections


def build_app(settings, log: AnswerLog, corrections: Corrections | None, web_settings=None):
    """The page for `settings`; raises ValueError (a readable message) for a missing or short
    token or a bad STARTUPBOT_REVIEW_* setting."""
    from bot.review.auth import SignInLimiter
    from bot.review.settings import load_review_web_settings
    from bot.review.web import create_app
    from knowledge.catalogue.repository import Catalogue
    from knowledge.clock import clock_from_settings

    if settings.review_token is None:
        raise ValueError("STARTUPBOT_REVIEW_TOKEN is not set")
    web = web_settings or load_review_web_settings()
    clock = clock_from_settings(settings)
    catalogue = Catalogue.from_settings(settings, create=False)  # issue 14
    return create_app(log_=log, corrections=corrections,
                      token=settings.review_token.get_secret_value(),
                      page_size=settings.review_page_size,
                      session_hours=settings.review_session_hours,
                      secure_cookie=web.review_secure_cookie,
                      limiter=SignInLimiter(web.review_sign_in_failures,
                                            web.review_sign_in_window),
                      catalogue=catalogue, clock=clock,
                      alerts=build_alerts(settings, log, catalogue, clock))  # issue 16


def build_alerts(settings, log: AnswerLog, catalogue, clock):
    """The alerts over the answer log's database (held broadcasts for the 알림 page, numbers
    for the stats page); a bad STARTUPBOT_ALERTS_* setting is a ValueError like the page's
    own settings."""
    from bot.app import App, AppError

    try:
        return App(settings).alerts(log, catalogue=catalogue, clock=clock)
    except AppError as exc:
        raise ValueError(exc.message) from None


def serve(settings, log: AnswerLog, corrections: Corrections | None, *, host: str,
          port: int) -> None:
    run_app(build_app(settings, log, corrections), host=host, port=port)


def run_app(app, *, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port,
                log_level="warning", access_log=False)
