"""Run the review page with uvicorn (`startupbot review --web`)."""

from __future__ import annotations

from bot.answer_log import AnswerLog
from bot.review.corrections import Corrections


def build_app(settings, log: AnswerLog, corrections: Corrections | None):
    from bot.review.web import create_app
    from knowledge.catalogue.repository import Catalogue
    from knowledge.clock import clock_from_settings

    if settings.review_token is None:
        raise ValueError("STARTUPBOT_REVIEW_TOKEN is not set")
    return create_app(log_=log, corrections=corrections,
                      token=settings.review_token.get_secret_value(),
                      page_size=settings.review_page_size,
                      session_hours=settings.review_session_hours,
                      catalogue=Catalogue.from_settings(settings, create=False),  # issue 14
                      clock=clock_from_settings(settings))


def serve(settings, log: AnswerLog, corrections: Corrections | None, *, host: str,
          port: int) -> None:
    import uvicorn

    uvicorn.run(build_app(settings, log, corrections), host=host, port=port,
                log_level="warning", access_log=False)
