"""Shared set-up of the catalogue tests: fakes, settings and a sync without a knowledge base."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.settings import Settings
from ingest.sync import CatalogueSync
from knowledge.catalogue.repository import Catalogue
from knowledge.catalogue.settings import CatalogueSettings
from knowledge.clock import Clock

TODAY = date(2026, 3, 10)


def catalogue_settings(ks: Any = None, bz: Any = None, **overrides: Any) -> CatalogueSettings:
    values: dict[str, Any] = {
        "catalogue_page_size": 10,
        "catalogue_backoff": 0.0,
        "catalogue_retries": 3,
    }
    if ks is not None:
        values |= {"kstartup_api_key": SecretStr(ks.state.key), "kstartup_api_url": ks.url}
    if bz is not None:
        values |= {"bizinfo_api_key": SecretStr(bz.state.key), "bizinfo_api_url": bz.url}
    values |= overrides
    return CatalogueSettings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class NoIndexKB:
    """Just settings: syncs run with `ingest=False` never touch an index."""

    settings: Settings


def sync_once(
    data_dir: Path,
    config: CatalogueSettings,
    today: date = TODAY,
    *,
    dry_run: bool = False,
    kb: Any = None,
):
    kb = kb or NoIndexKB(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    catalogue = Catalogue.from_settings(kb.settings)
    sync = CatalogueSync(
        kb, catalogue_settings=config, catalogue=catalogue, clock=Clock(today), sleep=lambda s: None
    )
    report = sync.run(dry_run=dry_run, ingest=not isinstance(kb, NoIndexKB))
    return report, catalogue
