"""The Bot API fake's Telegram limits, blocked chats, migrated groups and member statuses,
driven by the real python-telegram-bot ``Bot`` over HTTP (issue 16 groundwork)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import time
import warnings
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import (
    Bot,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    Message,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_limits import FloodControl, Limits, max_in_window

TOKEN = "123456:LIMITS-token_abc"
CHAT = 4242  # a private chat (id == user id)
GROUP = -4000  # a basic group
# PTB 22 warns on every RetryAfter.retry_after read (it becomes a timedelta in v23)
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as fake:
        yield fake
    assert fake.answer_problems == []  # everything it answered has the spec's type
    assert fake.violations == []


@contextlib.asynccontextmanager
async def direct_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        yield bot


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def paced(bot: Bot, chats: list[int], per_second: int = 30) -> list[float]:
    """Send one message to each chat, never starting a send until a second has passed since
    the send ``per_second`` sends ago *finished*: the server stamps a call between its start
    and its end, so this keeps every 1 s window of server times at <= per_second."""
    finished: list[float] = []
    for chat in chats:
        if len(finished) >= per_second:
            wait = finished[-per_second] + 1.0 - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        await bot.send_message(chat, "새 공고 알림")
        finished.append(time.monotonic())
    return finished


# -------------------------------------------------------------------------- flood limits


def test_limits_are_off_by_default_but_sends_are_logged(tg: FakeTelegram) -> None:
    assert tg.active_limits is None

    async def run() -> None:
        async with direct_bot(tg) as bot:
            for n in range(5):
                await bot.send_message(CHAT, f"메시지 {n}")
            await bot.send_chat_action(CHAT, "typing")  # not a sending call

    asyncio.run(run())
    assert tg.rate_limited == 0
    assert len(tg.send_times(CHAT)) == 5 and tg.send_times() == tg.send_times(CHAT)
    assert tg.max_sends_per_chat_in(1.0) == 5  # what a test of a pacing sender would catch
    assert tg.max_sends_in(1.0) == 5


@pytest.mark.asyncio
async def test_private_chat_one_per_second_429_is_retry_after(tg: FakeTelegram) -> None:
    tg.limits()
    async with direct_bot(tg) as bot:
        first = await bot.send_message(CHAT, "첫 메시지")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(CHAT, "바로 두 번째")
        assert retry_seconds(info.value) == 1
        assert tg.requests[-1].response == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        # edits are sending calls too; another chat is not limited by this one
        with pytest.raises(RetryAfter):
            await bot.edit_message_text("고침", chat_id=CHAT, message_id=first.message_id)
        await bot.send_message(CHAT + 1, "다른 사람")
        await asyncio.sleep(1.05)
        await bot.send_message(CHAT, "1초 뒤")  # the window freed
    assert tg.rate_limited == 2
    assert [(h.method, h.scope, h.retry_after) for h in tg.rate_limit_hits] == [
        ("sendMessage", "private", 1),
        ("editMessageText", "private", 1),
    ]
    assert len(tg.send_times(CHAT)) == 2 and tg.max_sends_per_chat_in(1.0) == 1
    assert [m.text for m in tg.sent_messages(CHAT)] == ["첫 메시지", "1초 뒤"]


@pytest.mark.asyncio
async def test_group_twenty_per_minute(tg: FakeTelegram) -> None:
    tg.limits()
    async with direct_bot(tg) as bot:
        for n in range(20):  # a group has no 1 s limit of its own, only 20 a minute
            await bot.send_message(GROUP, f"알림 {n}")
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(GROUP, "21번째")
    # the window frees a minute after the first send: a little under 60 s from now
    assert 55 <= retry_seconds(info.value) <= 60
    assert tg.rate_limit_hits[0].scope == "group"
    assert tg.max_sends_in(60.0, chat_id=GROUP) == 20


@pytest.mark.asyncio
async def test_burst_to_100_chats_is_limited_and_a_paced_sender_is_not(
    tg: FakeTelegram,
) -> None:
    tg.limits()
    async with direct_bot(tg) as bot:
        # a client that ignores the limits: 100 sends at once
        results = await asyncio.gather(
            *(bot.send_message(10_000 + n, "새 공고") for n in range(100)),
            return_exceptions=True,
        )
        refused = [r for r in results if isinstance(r, RetryAfter)]
        delivered = [r for r in results if isinstance(r, Message)]
        assert refused and len(refused) == tg.rate_limited
        assert len(delivered) + len(refused) == 100 == len(tg.send_times()) + len(refused)
        assert {h.scope for h in tg.rate_limit_hits} == {"global"}
        assert all(retry_seconds(r) == 1 for r in refused)
        assert tg.max_sends_in(1.0) == 30  # full, never over

        await asyncio.sleep(1.05)
        tg.clear_records()
        assert tg.rate_limited == 0 and tg.send_times() == []
        # a client that paces itself at 30/s: 100 chats, no 429
        start = time.monotonic()
        await paced(bot, [20_000 + n for n in range(100)])
        took = time.monotonic() - start
    assert tg.rate_limited == 0
    assert len(tg.send_times()) == 100
    assert tg.max_sends_in(1.0) <= 30 and tg.max_sends_per_chat_in(1.0) == 1
    assert 3.0 <= took < 15.0  # 100 at 30/s: the fourth batch of 30 starts after 3 s


@pytest.mark.asyncio
async def test_custom_limits_and_switching_off(tg: FakeTelegram) -> None:
    assert tg.limits(per_second=5) == Limits(per_second=5)
    async with direct_bot(tg) as bot:
        outcomes = await asyncio.gather(
            *(bot.send_message(30_000 + n, "x") for n in range(8)), return_exceptions=True
        )
        assert sum(isinstance(o, RetryAfter) for o in outcomes) == 3
        assert tg.limits(enabled=False) is None and tg.active_limits is None
        for _ in range(3):
            await bot.send_message(CHAT, "제한 없음")
    assert tg.rate_limited == 0  # limits() starts afresh


def test_constructor_turns_limits_on() -> None:
    with FakeTelegram(token=TOKEN, limits=True) as fake:
        assert fake.active_limits == Limits()

        async def run() -> None:
            async with direct_bot(fake) as bot:
                await bot.send_message(CHAT, "a")
                with pytest.raises(RetryAfter):
                    await bot.send_message(CHAT, "b")

        asyncio.run(run())
    with FakeTelegram(token=TOKEN, limits=Limits(private_per_second=2)) as fake:
        assert fake.active_limits is not None and fake.active_limits.private_per_second == 2


def test_window_arithmetic() -> None:
    assert max_in_window([], 1.0) == 0
    assert max_in_window([0.0, 0.5, 0.99, 1.0, 1.6], 1.0) == 3  # [0, 1) excludes 1.0
    assert max_in_window([3.0, 1.0, 2.0], 1.0) == 1
    flood = FloodControl(Limits(per_second=2, private_per_second=5))
    for t in (0.0, 0.4):
        assert flood.check("sendMessage", 1, group=False, now=t) is None
        flood.accept("sendMessage", 1, now=t)
    hit = flood.check("sendMessage", 2, group=False, now=0.5)
    assert hit is not None and (hit.scope, hit.retry_after) == ("global", 1)  # ceil(0.5)
    assert flood.check("sendMessage", 2, group=False, now=1.0) is None  # 0.0 left the window
    assert flood.check("getChat", 2, group=False, now=0.5) is None  # not a sending call
    private = FloodControl()
    private.accept("sendMessage", 7, now=5.0)
    hit = private.check("editMessageText", 7, group=False, now=5.9)
    assert hit is not None and (hit.scope, hit.retry_after) == ("private", 1)
    assert private.check("sendMessage", 7, group=False, now=6.0) is None
    assert private.check("sendMessage", 8, group=False, now=5.9) is None  # another chat
    group = FloodControl(Limits(group_per_minute=1))
    group.accept("sendMessage", -5, now=10.0)
    hit = group.check("sendMessage", -5, group=True, now=12.5)
    assert hit is not None and hit.retry_after == 58  # ceil(10 + 60 - 12.5)
    with pytest.raises(ValueError):
        Limits(per_second=0)


# ------------------------------------------------------------------ blocked and migrated


@pytest.mark.asyncio
async def test_blocked_chat_is_forbidden(tg: FakeTelegram) -> None:
    tg.block(CHAT)
    tg.block(GROUP)
    assert tg.blocked == {CHAT, GROUP}
    async with direct_bot(tg) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(CHAT, "알림")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(CHAT, "typing")
        with pytest.raises(Forbidden, match="kicked from the group chat"):
            await bot.send_message(GROUP, "알림")
        await bot.send_message(CHAT + 1, "다른 사람은 받는다")
        tg.unblock(CHAT)
        await bot.send_message(CHAT, "차단 해제 후")
    assert next(r for r in tg.requests if r.method == "sendMessage").response == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot was blocked by the user",
    }
    assert [m.text for m in tg.sent_messages(CHAT)] == ["차단 해제 후"]
    assert len(tg.send_times(CHAT)) == 1  # refusals are not sends


@pytest.mark.asyncio
async def test_migrated_group_answers_chat_migrated(tg: FakeTelegram) -> None:
    tg.chat(GROUP, "group", title="충북 창업 모임")
    tg.set_member(GROUP, 7, "creator")
    new_id = tg.migrate(GROUP, -1001234567890, announce=True)
    assert new_id == -1001234567890
    async with direct_bot(tg) as bot:
        with pytest.raises(ChatMigrated) as info:
            await bot.send_message(GROUP, "알림")
        assert info.value.new_chat_id == new_id
        assert tg.requests[-1].response == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": new_id},
        }
        msg = await bot.send_message(new_id, "새 방으로")
        assert msg.chat.type == "supergroup" and msg.chat.title == "충북 창업 모임"
        owner = await bot.get_chat_member(new_id, 7)  # members moved along
        assert owner.status == "creator"
        updates = await bot.get_updates(timeout=0)
    service = [u.message for u in updates if u.message]
    assert [(m.chat.id, m.migrate_to_chat_id, m.migrate_from_chat_id) for m in service] == [
        (GROUP, new_id, None),
        (new_id, None, GROUP),
    ]
    assert tg.migrate(-4001) == -1004001  # the default new id


# -------------------------------------------------------------------------- chat members


@pytest.mark.asyncio
async def test_chat_member_statuses_and_administrators(tg: FakeTelegram) -> None:
    tg.set_member(GROUP, 1, "creator")
    tg.set_member(GROUP, 2, "administrator", custom_title="운영진", can_invite_users=True)
    tg.set_member(GROUP, 3, "member")
    async with direct_bot(tg) as bot:
        owner = await bot.get_chat_member(GROUP, 1)
        admin = await bot.get_chat_member(GROUP, 2)
        member = await bot.get_chat_member(GROUP, 3)
        stranger = await bot.get_chat_member(GROUP, 99)  # never set: a plain member
        elsewhere = await bot.get_chat_member(GROUP - 1, 1)  # statuses are per chat
        assert isinstance(owner, ChatMemberOwner) and owner.status == "creator"
        assert isinstance(admin, ChatMemberAdministrator) and admin.status == "administrator"
        assert admin.custom_title == "운영진" and admin.can_invite_users and admin.can_manage_chat
        assert isinstance(member, ChatMemberMember) and member.user.id == 3
        assert isinstance(stranger, ChatMemberMember) and stranger.user.id == 99
        assert isinstance(elsewhere, ChatMemberMember)

        admins = await bot.get_chat_administrators(GROUP)
        assert [(a.user.id, a.status) for a in admins] == [(1, "creator"), (2, "administrator")]
        tg.set_member(GROUP, 2, "member")  # demoted
        assert [a.user.id for a in await bot.get_chat_administrators(GROUP)] == [1]
        with pytest.raises(BadRequest, match="no administrators in the private chat"):
            await bot.get_chat_administrators(CHAT)
    with pytest.raises(ValueError, match="unknown status"):
        tg.set_member(GROUP, 4, "owner")
    with pytest.raises(ValueError, match="invalid ChatMemberAdministrator"):
        tg.set_member(GROUP, 4, "administrator", can_invite_users="yes")
