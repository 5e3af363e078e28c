"""Alembic environment of the answer log.

The app runs the migrations itself (`bot.answer_log.db.migrate`) and passes its open connection
in `config.attributes["connection"]`. Maintainers who write a new migration run Alembic by hand:

    alembic -c bot/answer_log/alembic.ini revision --rev-id 0002 -m "what changes"

and then the URL comes from the bot's settings (STARTUPBOT_ANSWER_LOG_URL or the default file).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config


def _run(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from bot.settings import load_settings

    engine = create_engine(load_settings().answer_log_url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
