"""Settings of the catalogue connectors and sync (`STARTUPBOT_` prefix, validated at start-up).

Kept apart from `knowledge/settings.py`: only the sync, the catalogue answers and `serve` read
them. A connector is off while its key is unset.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

KSTARTUP_URL = "https://apis.data.go.kr/B552735/kisedKstartupService01/getAnnouncementInformation01"
BIZINFO_URL = "https://www.bizinfo.go.kr/uss/rss/bizinfoApi.do"

# Province names as the sources write them; "충청북도" and "충북" are the same region.
REGION_ALIASES = {
    "충청북도": "충북",
    "충청남도": "충남",
    "경상북도": "경북",
    "경상남도": "경남",
    "전라북도": "전북",
    "전북특별자치도": "전북",
    "전라남도": "전남",
    "강원특별자치도": "강원",
    "강원도": "강원",
    "제주특별자치도": "제주",
    "서울특별시": "서울",
    "부산광역시": "부산",
    "대구광역시": "대구",
    "인천광역시": "인천",
    "광주광역시": "광주",
    "대전광역시": "대전",
    "울산광역시": "울산",
    "세종특별자치시": "세종",
    "경기도": "경기",
}
PROVINCES = frozenset(REGION_ALIASES.values())


def normalize_region(name: str) -> str:
    name = name.strip()
    return REGION_ALIASES.get(name, name)


class CatalogueSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STARTUPBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    kstartup_api_key: SecretStr | None = Field(
        None, description="data.go.kr service key (활용신청) of K-Startup announcements."
    )
    kstartup_api_url: str = Field(KSTARTUP_URL, pattern=r"^https?://")
    bizinfo_api_key: SecretStr | None = Field(
        None, description="기업마당 API key (crtfcKey), from bizinfo.go.kr API 신청."
    )
    bizinfo_api_url: str = Field(BIZINFO_URL, pattern=r"^https?://")
    catalogue_regions: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["충북", "전국"],
        description="Regions to keep (comma-separated); 전국 = nationwide calls.",
    )
    catalogue_page_size: int = Field(100, ge=1, le=1000)
    catalogue_max_pages: int = Field(500, ge=1, le=100_000)
    catalogue_timeout: float = Field(20.0, gt=0, le=300, description="Seconds per request.")
    catalogue_retries: int = Field(4, ge=0, le=10, description="Retries on 429/5xx/timeouts.")
    catalogue_backoff: float = Field(1.0, ge=0, le=60, description="First retry wait (s).")
    catalogue_attachments: bool = Field(True, description="Download and read attachments.")
    catalogue_attachment_max_mb: float = Field(15.0, gt=0, le=500)
    catalogue_attachments_per_programme: int = Field(3, ge=0, le=20)
    catalogue_sync_interval_hours: float = Field(
        6.0, ge=0, le=24 * 7, description="Sync inside `serve` every N hours (0 = never)."
    )
    catalogue_first_sync_delay: float = Field(
        60.0, ge=0, le=86400, description="Seconds after `serve` starts before the first sync."
    )

    @field_validator("catalogue_regions", mode="before")
    @classmethod
    def _regions(cls, value: object) -> object:
        if isinstance(value, str):
            value = [p for p in value.replace(";", ",").split(",") if p.strip()]
        if isinstance(value, list):
            return [normalize_region(str(v)) for v in value]
        return value

    @property
    def sources_enabled(self) -> list[str]:
        return [
            name
            for name, key in (
                ("kstartup", self.kstartup_api_key),
                ("bizinfo", self.bizinfo_api_key),
            )
            if key
        ]


def load_catalogue_settings(**overrides: object) -> CatalogueSettings:
    """Like `knowledge.settings.load_settings`: one readable message for bad values."""
    from knowledge.settings import load

    return load(CatalogueSettings, **overrides)
