"""Every setting an operator can set is documented in `.env.example` (and `.env.example` loads
into valid settings), so a new setting cannot ship undocumented."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def setting_classes() -> list[type]:
    from bot.alerts.settings import AlertSettings
    from bot.review.settings import ReviewWebSettings
    from bot.settings import Settings
    from bot.shared_state import SharedStateSettings
    from knowledge.catalogue.settings import CatalogueSettings

    return [Settings, CatalogueSettings, AlertSettings, SharedStateSettings, ReviewWebSettings]


def env_names(cls: type) -> list[tuple[str, list[str]]]:
    prefix = str(cls.model_config.get("env_prefix") or "")
    out = []
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        names = ([str(a) for a in getattr(alias, "choices", [alias])] if alias
                 else [prefix + name])
        out.append((name, [n.upper() for n in names]))
    return out


def test_every_setting_is_in_env_example() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    missing = [f"{cls.__name__}.{name} ({' or '.join(names)})"
               for cls in setting_classes() for name, names in env_names(cls)
               if not any(re.search(rf"(?m)^#?\s*{re.escape(n)}=", text) for n in names)]
    assert missing == []


@pytest.mark.parametrize("cls", setting_classes(), ids=lambda c: c.__name__)
def test_env_example_loads(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("STARTUPBOT_")]:
        monkeypatch.delenv(name)
    cls(_env_file=REPO / ".env.example")
