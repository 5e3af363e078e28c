"""Chat rules of the loopback Bot API fake: flood limits, blocked chats, migrated groups and
member statuses (issue 16). A mixin of :class:`tests.fakes.telegram_api.FakeTelegram`, which
holds the state (``_init_chat_rules``) and answers the refusals :meth:`ChatRules._refusal`
names; kept apart so that the server module does not grow further.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tests.fakes.telegram_limits import (
    SENDING_METHODS,
    FloodControl,
    Limits,
    RateLimitHit,
    max_in_window,
)

if TYPE_CHECKING:
    from tests.fakes.telegram_api import ApiSpec

__all__ = ["MEMBER_TYPES", "ChatRules"]

_INT_RE = re.compile(r"[+-]?\d+")
MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}


class ChatRules:
    """Public helpers ``limits``, ``block``, ``migrate``, ``set_member`` and the send log."""

    # provided by FakeTelegram
    _lock: threading.RLock
    _cond: threading.Condition
    _chats: dict[int, dict[str, Any]]
    _usernames: dict[str, int]
    spec: ApiSpec
    bot_user: dict[str, Any]

    if TYPE_CHECKING:
        def chat(self, chat_id: int | str, chat_type: str | None = None, *,
                 title: str | None = None) -> dict[str, Any]: ...
        def user(self, user_id: int) -> dict[str, Any]: ...
        def _push_content(self, chat_id: int, user_id: int, content: dict[str, Any], *,
                          chat_type: str = "private") -> int: ...

    def _init_chat_rules(self, limits: bool | Limits) -> None:
        self._flood = FloodControl(
            limits if isinstance(limits, Limits) else None, enabled=bool(limits)
        )
        self._blocked: dict[int | str, str] = {}
        self._migrated: dict[int | str, int] = {}
        self._members: dict[int, dict[int, dict[str, Any]]] = {}

    def limits(
        self,
        enabled: bool = True,
        *,
        per_second: int = 30,
        private_per_second: int = 1,
        group_per_minute: int = 20,
        methods: Iterable[str] | None = None,
    ) -> Limits | None:
        """Enforce Telegram's flood limits from now on (``enabled=False``: stop enforcing).

        At most ``per_second`` sending calls in any 1 s over all chats, ``private_per_second``
        in any 1 s to one private chat and ``group_per_minute`` in any 60 s to one group,
        supergroup or channel. A call over a limit is answered 429 ``Too Many Requests: retry
        after X`` with ``parameters.retry_after`` = X (whole seconds until the window has room,
        >= 1) -> PTB raises ``telegram.error.RetryAfter``. Refused calls count towards nothing.
        ``methods`` defaults to :data:`SENDING_METHODS` (send*, copy*, forward*, editMessage*,
        stopPoll; not sendChatAction). Starts with empty windows, log and :attr:`rate_limited`.
        """
        lim = Limits(
            per_second=per_second,
            private_per_second=private_per_second,
            group_per_minute=group_per_minute,
            methods=SENDING_METHODS if methods is None else frozenset(methods),
        )
        with self._cond:
            self._flood = FloodControl(lim, enabled=enabled)
        return lim if enabled else None

    @property
    def active_limits(self) -> Limits | None:
        """The limits being enforced, or ``None``."""
        with self._lock:
            return self._flood.limits if self._flood.enabled else None

    @property
    def rate_limited(self) -> int:
        """How many calls the flood limits answered with 429 (injected 429s not included)."""
        with self._lock:
            return len(self._flood.hits)

    @property
    def rate_limit_hits(self) -> list[RateLimitHit]:
        """Each 429 the flood limits served: ``(at, method, chat_id, scope, retry_after)``."""
        with self._lock:
            return list(self._flood.hits)

    @property
    def send_log(self) -> dict[int | str | None, list[float]]:
        """Accepted sending calls per chat id (``None``: inline messages), as
        ``time.monotonic()`` times; kept whether limits are enforced or not."""
        with self._lock:
            return {chat: list(times) for chat, times in self._flood.log.items()}

    def send_times(self, chat_id: int | str | None = None) -> list[float]:
        """``time.monotonic()`` times of the accepted sending calls (to one chat, or all)."""
        with self._lock:
            if chat_id is None:
                return list(self._flood.all_sends)
            return list(self._flood.log.get(self._chat_key(chat_id), []))

    def max_sends_in(self, window: float = 1.0, chat_id: int | str | None = None) -> int:
        """The most accepted sends in any ``window`` seconds, over all chats or to one chat:
        ``tg.max_sends_in(1.0) <= 30`` is "never more than 30 in any second"."""
        return max_in_window(self.send_times(chat_id), window)

    def max_sends_per_chat_in(self, window: float = 1.0) -> int:
        """The most accepted sends to any single chat in any ``window`` seconds:
        ``tg.max_sends_per_chat_in(1.0) <= 1`` is "never two in a second to one chat"."""
        log = self.send_log
        log.pop(None, None)
        return max((max_in_window(times, window) for times in log.values()), default=0)

    def block(self, chat_id: int | str, description: str | None = None) -> None:
        """The chat blocked the bot (or removed it from the group): every sending call and
        sendChatAction to it answers 403 -> PTB raises ``telegram.error.Forbidden``.

        Default text: ``Forbidden: bot was blocked by the user`` for a private chat,
        ``Forbidden: bot was kicked from the group chat`` (``supergroup chat``) otherwise.
        """
        with self._cond:
            chat = self.chat(chat_id)
            if description is None:
                description = {
                    "private": "Forbidden: bot was blocked by the user",
                    "group": "Forbidden: bot was kicked from the group chat",
                    "supergroup": "Forbidden: bot was kicked from the supergroup chat",
                }.get(chat["type"], "Forbidden: bot is not a member of the channel chat")
            self._blocked[chat["id"]] = description

    def unblock(self, chat_id: int | str) -> None:
        with self._cond:
            self._blocked.pop(self._chat_key(chat_id), None)

    @property
    def blocked(self) -> set[int | str]:
        with self._lock:
            return set(self._blocked)

    def migrate(
        self,
        old_chat_id: int,
        new_chat_id: int | None = None,
        *,
        announce: bool = False,
        user_id: int = 1,
    ) -> int:
        """The group became a supergroup: every call with ``chat_id=old_chat_id`` answers 400
        ``Bad Request: group chat was upgraded to a supergroup chat`` with
        ``parameters.migrate_to_chat_id`` -> PTB raises ``telegram.error.ChatMigrated``
        (``.new_chat_id``). The new chat (default ``-100<old digits>``) is a supergroup with the
        same title and members, and works. ``announce`` also queues the two service messages
        Telegram sends (``migrate_to_chat_id`` in the old chat, ``migrate_from_chat_id`` in the
        new one, from ``user_id``). Returns the new chat id.
        """
        with self._cond:
            old = self.chat(old_chat_id)
            new_id = (
                int(new_chat_id)
                if new_chat_id is not None
                else -int(f"100{abs(int(old['id']))}")
            )
            self.chat(new_id, "supergroup", title=old.get("title"))
            members = self._members.get(old["id"])
            if members:
                self._members.setdefault(new_id, {}).update(copy.deepcopy(members))
            self._migrated[old["id"]] = new_id
        if announce:
            self._push_content(
                old["id"], user_id, {"migrate_to_chat_id": new_id}, chat_type=old["type"]
            )
            self._push_content(
                new_id, user_id, {"migrate_from_chat_id": old["id"]}, chat_type="supergroup"
            )
        return new_id

    def set_member(
        self, chat_id: int | str, user_id: int, status: str = "member", **fields: Any
    ) -> dict[str, Any]:
        """Set ``user_id``'s status in the chat, answered by getChatMember (and, for creator /
        administrator, getChatAdministrators). ``status``: creator, administrator, member,
        restricted, left or kicked. ``fields`` override the ChatMember* object's fields
        (``custom_title="대표"``, ``can_invite_users=True``...); the result must be spec-valid
        (else ``ValueError``). Administrators get ``can_manage_chat=True`` by default.
        Unset users stay ``ChatMemberMember``. Returns the stored object.
        """
        type_name = MEMBER_TYPES.get(status)
        if type_name is None:
            raise ValueError(f"unknown status {status!r}; one of {', '.join(MEMBER_TYPES)}")
        member = self.spec.synthesize(type_name)
        if status == "administrator":
            member["can_manage_chat"] = True
        with self._cond:
            member["user"] = (
                dict(self.bot_user) if user_id == self.bot_user["id"] else self.user(user_id)
            )
            member.update(copy.deepcopy(fields))
            problems = self.spec.check_object(type_name, member)
            if problems:
                raise ValueError(f"invalid {type_name}: " + "; ".join(problems))
            chat = self.chat(chat_id)
            self._members.setdefault(chat["id"], {})[int(user_id)] = member
            return copy.deepcopy(member)

    def _chat_key(self, value: Any) -> int | str | None:
        """``chat_id`` as the fake keys chats: an int, or an unknown ``@username`` as is."""
        if value is None or isinstance(value, int):
            return value
        text = str(value)
        if _INT_RE.fullmatch(text):
            return int(text)
        return self._usernames.get(text.lstrip("@"), text)

    def _is_group(self, key: int | str | None) -> bool:
        chat = self._chats.get(key) if isinstance(key, int) else None
        if chat is not None:
            return chat["type"] != "private"
        return not isinstance(key, int) or key < 0

    def _refusal(self, method: str, params: dict[str, Any]) -> tuple[str, Any] | None:
        """Why this call must be refused (caller holds the lock), in Telegram's order:
        ``("migrated", new_id)``, ``("blocked", description)`` or ``("flood", RateLimitHit)``."""
        key = self._chat_key(params.get("chat_id"))
        if key is not None:
            new_id = self._migrated.get(key)
            if new_id is not None:
                return "migrated", new_id
            blocked = self._blocked.get(key)
            if blocked is not None and (method in SENDING_METHODS or method == "sendChatAction"):
                return "blocked", blocked
        hit = self._flood.check(method, key, group=self._is_group(key))
        return ("flood", hit) if hit is not None else None

    def _accepted(self, method: str, params: dict[str, Any]) -> None:
        self._flood.accept(method, self._chat_key(params.get("chat_id")))

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """getChatMember's answer: the status set with :meth:`set_member`, else a member."""
        stored = self._members.get(chat_id, {}).get(user_id)
        if stored is not None:
            return copy.deepcopy(stored)
        member = self.spec.synthesize("ChatMemberMember")
        member["user"] = (
            dict(self.bot_user) if user_id == self.bot_user["id"] else self.user(user_id)
        )
        return member

    def _administrators(self, chat_id: int) -> list[dict[str, Any]]:
        admins = [m for m in self._members.get(chat_id, {}).values()
                  if m["status"] in ("creator", "administrator")]
        admins.sort(key=lambda m: m["status"] != "creator")  # the owner first, as Telegram
        return copy.deepcopy(admins)
