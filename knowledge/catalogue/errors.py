"""Catalogue errors, importable without SQLAlchemy (the bot checks them on every question)."""

from __future__ import annotations


class CatalogueError(Exception):
    """The catalogue database cannot be used; the message says why (Korean first)."""


class CatalogueMissing(CatalogueError):
    """A reader found no catalogue yet (no database file or no tables): nothing synced."""
