"""Alembic environment of the catalogue tables (own version table: catalogue_alembic_version).

The app migrates by itself (`knowledge.catalogue.db.migrate`) and passes its connection in
`config.attributes["connection"]`. To write a new revision by hand:

    alembic -c knowledge/catalogue/alembic.ini revision --rev-id 0002 -m "what changes"
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from knowledge.catalogue.db import VERSION_TABLE

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=None,
        render_as_batch=True,
        version_table=VERSION_TABLE,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from knowledge.settings import load_settings

    engine = create_engine(load_settings().answer_log_url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
