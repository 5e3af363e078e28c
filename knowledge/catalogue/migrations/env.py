"""Alembic environment of the catalogue tables (own version table: catalogue_alembic_version).

The app migrates by itself (`knowledge.catalogue.db.migrate`) and passes its connection in
`config.attributes["connection"]`. To write a new revision by hand:

    alembic -c knowledge/catalogue/alembic.ini revision --rev-id 0002 -m "what changes"
"""

from __future__ import annotations

from alembic import context

from knowledge.catalogue.db import VERSION_TABLE
from knowledge.database import run_env


def _url() -> str:
    from knowledge.settings import load_settings

    return load_settings().answer_log_url


run_env(context, version_table=VERSION_TABLE, url=_url)
