"""Alembic environment of the answer log.

The app runs the migrations itself (`bot.answer_log.db.migrate`) and passes its open connection
in `config.attributes["connection"]`. Maintainers who write a new migration run Alembic by hand:

    alembic -c bot/answer_log/alembic.ini revision --rev-id 0002 -m "what changes"

and then the URL comes from the bot's settings (STARTUPBOT_ANSWER_LOG_URL or the default file).
"""

from __future__ import annotations

from alembic import context

from knowledge.database import run_env


def _url() -> str:
    from bot.settings import load_settings

    return load_settings().answer_log_url


run_env(context, url=_url)
