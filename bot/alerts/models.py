"""What a chat subscribes with (`Profile`) and what the outbox holds.

The profile's values are the catalogue's own (`knowledge.catalogue.models.Stage`, its support
fields), so matching compares like with like. Chat ids live only in the subscriptions table
(pushing needs them); everything logged uses the chat's HMAC pseudonym.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from knowledge.catalogue.models import Stage


class AgeBand(StrEnum):
    """Age bands, cut where programmes draw their lines (만 29세, 39세 이하; 40세 이상)."""

    UNDER_30 = "u30"
    THIRTIES = "30s"
    FORTIES = "40s"
    OVER_50 = "50p"

    @property
    def years(self) -> tuple[int, int]:
        return {"u30": (19, 29), "30s": (30, 39), "40s": (40, 49), "50p": (50, 99)}[self.value]


class RegionScope(StrEnum):
    CHUNGBUK = "chungbuk"  # 충북 calls only
    CHUNGBUK_NATIONAL = "both"  # 충북 + 전국 (national) calls


class Receive(StrEnum):
    NEW = "new"  # new calls (and a changed deadline of one already sent)
    REMINDERS = "reminders"  # D-7 / D-1
    DIGEST = "digest"  # weekly digest


ALL_RECEIVE = [Receive.NEW, Receive.REMINDERS, Receive.DIGEST]


class Profile(BaseModel):
    """A founder's (or a group's) profile; None / empty means "any"."""

    stage: Stage | None = None
    age_band: AgeBand | None = None
    fields: list[str] = Field(default_factory=list, description="Catalogue support fields.")
    region: RegionScope = RegionScope.CHUNGBUK_NATIONAL
    receive: list[Receive] = Field(default_factory=lambda: list(ALL_RECEIVE))
    keywords: list[str] = Field(default_factory=list)

    def wants(self, kind: Receive) -> bool:
        return kind in self.receive

    def signature(self) -> tuple:
        """Profiles with the same signature match the same programmes (keywords aside)."""
        return (self.stage, self.age_band, tuple(sorted(self.fields)), self.region)


class Subscription(BaseModel):
    id: int
    chat_id: int
    chat_type: str = "private"
    language: str = "ko"
    profile: Profile
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None
    end_reason: str | None = None


class AlertKind(StrEnum):
    NEW = "new"  # a call that fits opened (or came into the catalogue)
    DEADLINE = "deadline"  # the deadline of a call already sent changed
    REMINDER = "reminder"  # D-N before the deadline
    DIGEST = "digest"  # the week's calls opening and closing


class AlertStatus(StrEnum):
    HELD = "held"  # waits for a staff release
    PENDING = "pending"  # to send
    CLAIMED = "claimed"  # taken by the sender, not tried yet (lease: back to pending)
    SENDING = "sending"  # the request to Telegram is under way
    SENT = "sent"
    BLOCKED = "blocked"  # the chat blocked the bot / the bot left the group
    FAILED = "failed"  # Telegram refused it for good (bad request)
    UNCERTAIN = "uncertain"  # a sender died while sending: not sent again (never twice)
    DROPPED = "dropped"  # staff dropped the broadcast, or the call closed before sending


class OutboxItem(BaseModel):
    """One claimed outbox row, with what the sender needs to deliver it."""

    id: int
    subscription_id: int
    chat_id: int
    chat_type: str
    language: str
    kind: AlertKind
    programme_id: str | None
    payload: dict = Field(default_factory=dict)
    attempts: int = 0


class BroadcastView(BaseModel):
    id: int
    programme_id: str
    kind: AlertKind
    status: str
    created_at: datetime
    recipients: int
    title: str = ""


class AlertStats(BaseModel):
    """For `review stats` and the stats page."""

    subscriptions_active: int = 0
    subscriptions_ended: int = 0
    by_stage: dict[str, int] = Field(default_factory=dict)
    by_age: dict[str, int] = Field(default_factory=dict)
    by_region: dict[str, int] = Field(default_factory=dict)
    by_field: dict[str, int] = Field(default_factory=dict)
    by_status: dict[str, int] = Field(default_factory=dict)
    by_kind: dict[str, int] = Field(default_factory=dict)
    muted: int = Field(0, description="Chats that ended alerts with 🔕.")
    blocked: int = Field(0, description="Chats that blocked the bot.")
    clicks: int = 0
    clicked_alerts: int = 0
    held_broadcasts: int = 0

    @property
    def sent(self) -> int:
        return self.by_status.get("sent", 0)

    def rate(self, count: int) -> float | None:
        return round(count / self.sent, 4) if self.sent else None
