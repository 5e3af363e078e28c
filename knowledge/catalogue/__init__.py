"""The programme catalogue: support calls synced from K-Startup and 기업마당 (issue 14).

`models` is the programme model (status from the window and the one clock), `settings` the
connector and sync settings, `db`/`tables`/`repository` its tables in the answer-log database
(own Alembic migrations and version table), `render` the Markdown document each programme
becomes in the knowledge base. Nothing here opens a database or a client at import time.
"""
