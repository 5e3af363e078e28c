"""Issue 16 core: profile words, matching, the outbox (dedup, claims, recovery) and planning,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.alerts import planner
from bot.alerts.matching import Matcher, fit_subscription
from bot.alerts.models import AgeBand, AlertKind, AlertStatus, Profile, Receive, RegionScope
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore, NewAlert
from bot.alerts.words import profile_from_words
from knowledge.catalogue.models import Stage
from tests.alerts_helpers import TODAY, clock_at, programme, stored


def settings(**values) -> AlertSettings:
    return AlertSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def store(database_url: str) -> AlertStore:
    s = AlertStore(database_url, lambda chat: f"h{chat}", clock_at())
    yield s
    s.close()


# --- words and matching --------------------------------------------------------------------
def test_words_set_stage_age_region_fields_and_keywords() -> None:
    p = profile_from_words("예비창업 45살 충북 수출 바이오")
    assert p.stage is Stage.PRE and p.age_band is AgeBand.FORTIES
    assert p.region is RegionScope.CHUNGBUK and p.fields == ["판로·해외"]
    assert p.keywords == ["바이오"]
    again = profile_from_words("드론", base=p)  # words add to an existing profile
    assert again.stage is Stage.PRE and again.keywords == ["바이오", "드론"]


def test_fit_rules_out_what_the_call_contradicts_and_flags_what_it_does_not_say() -> None:
    pre = Profile(stage=Stage.PRE, age_band=AgeBand.FORTIES)
    youth = programme("ks-1", stages=[Stage.PRE], age=(None, 39))
    assert not fit_subscription(pre, youth).ok  # 만 39세 이하: a 45-year-old does not fit
    open_age = programme("ks-2", stages=[Stage.PRE])
    fit = fit_subscription(pre, open_age)
    assert fit.ok and "stage" in fit.reasons and fit.to_check == ["age"]
    unknown_stage = programme("ks-3", stages=None, age=(40, 64))
    fit = fit_subscription(pre, unknown_stage)
    assert fit.ok and "age" in fit.reasons and "stage" in fit.to_check
    early_only = programme("ks-4", stages=[Stage.EARLY])
    assert not fit_subscription(pre, early_only).ok


def test_fit_by_region_field_and_keyword() -> None:
    seoul = programme("ks-5", regions=["서울"])
    national = programme("ks-6", regions=["전국"])
    home_only = Profile(region=RegionScope.CHUNGBUK)
    both = Profile(region=RegionScope.CHUNGBUK_NATIONAL)
    assert not fit_subscription(both, seoul).ok
    assert fit_subscription(both, national).ok and not fit_subscription(home_only, national).ok
    export = Profile(fields=["판로·해외"])
    assert fit_subscription(export, programme("bz-7", field="수출", source="bizinfo")).ok
    assert not fit_subscription(export, programme("ks-8", field="사업화")).ok
    drone = Profile(keywords=["드론"])
    assert fit_subscription(drone, programme("ks-9", title="드론 실증 지원")).ok
    assert not fit_subscription(drone, programme("ks-10", title="바이오 지원")).ok


def test_matcher_agrees_with_one_by_one_fits() -> None:
    from bot.alerts.models import Subscription

    profiles = [Profile(), Profile(stage=Stage.PRE), Profile(stage=Stage.EARLY),
                Profile(age_band=AgeBand.FORTIES), Profile(keywords=["드론", "바이오"]),
                Profile(region=RegionScope.CHUNGBUK, keywords=["드론"]),
                Profile(fields=["판로·해외"])]
    subs = [Subscription(id=i, chat_id=1000 + i, profile=p) for i, p in enumerate(profiles * 3)]
    calls = [programme("ks-a", stages=[Stage.PRE], title="드론 창업"),
             programme("ks-b", stages=[Stage.EARLY], age=(None, 39), regions=["전국"]),
             programme("bz-c", field="수출", source="bizinfo", regions=[], title="바이오 수출")]
    matcher = Matcher(subs)
    for p in calls:
        got = {s.id for s, _ in matcher.matches(p)}
        want = {s.id for s in subs if fit_subscription(s.profile, p).ok}
        assert got == want, p.id


# --- the store -----------------------------------------------------------------------------
def test_subscribe_is_one_row_per_chat_and_ends_cleanly(store: AlertStore) -> None:
    first = store.subscribe(-100123, Profile(stage=Stage.PRE), chat_type="supergroup")
    again = store.subscribe(-100123, Profile(stage=Stage.EARLY), chat_type="supergroup")
    assert again.id == first.id and again.profile.stage is Stage.EARLY
    assert [s.id for s in store.active()] == [first.id]
    assert store.end(-100123, "user") and not store.end(-100123, "user")
    assert store.active() == [] and store.get(-100123).end_reason == "user"
    assert store.subscribe(-100123, Profile()).active  # resubscribing restarts the same row


def test_outbox_never_holds_an_alert_twice_and_claims_once(store: AlertStore) -> None:
    sub = store.subscribe(42, Profile())
    alert = NewAlert(subscription_id=sub.id, kind=AlertKind.NEW, programme_id="ks-1",
                     dedup_key="new:ks-1", payload={"title": "t"})
    assert store.enqueue([alert, alert]) == 1
    assert store.enqueue([alert]) == 0  # a second sync, a restart, another replica
    claimed = store.claim(10, 30.0)
    assert [i.chat_id for i in claimed] == [42] and store.claim(10, 30.0) == []
    assert store.start_sending(claimed[0].id) and not store.start_sending(claimed[0].id)
    store.mark(claimed[0].id, AlertStatus.SENT)
    assert store.outbox_counts() == {"sent": 1}


def test_a_dead_sender_leaves_untried_rows_pending_and_the_one_in_flight_uncertain(
        store: AlertStore) -> None:
    sub = store.subscribe(7, Profile())
    store.enqueue([NewAlert(subscription_id=sub.id, kind=AlertKind.NEW, programme_id=f"p{i}",
                            dedup_key=f"new:p{i}") for i in range(3)])
    claimed = store.claim(10, lease_s=5.0)
    assert store.start_sending(claimed[0].id)  # ...and the process dies here
    later = datetime.now(UTC).timestamp() + 6
    assert store.recover(now=later) == {"pending": 2, "uncertain": 1}
    assert len(store.claim(10, 5.0, now=later)) == 2  # never the uncertain one


def test_sender_lease_is_held_by_one_owner(store: AlertStore) -> None:
    assert store.take_lease("sender", "a", 30.0, now=1000.0)
    assert not store.take_lease("sender", "b", 30.0, now=1010.0)
    assert store.take_lease("sender", "a", 30.0, now=1020.0)  # renewal
    assert store.take_lease("sender", "b", 30.0, now=1051.0)  # a's lease ran out


def test_held_broadcast_waits_for_release_and_a_drop_discards_it(store: AlertStore) -> None:
    subs = [store.subscribe(c, Profile()) for c in (1, 2, 3)]
    alerts = [NewAlert(subscription_id=s.id, kind=AlertKind.NEW, programme_id="ks-9",
                       dedup_key="new:ks-9", broadcast_key="new:ks-9") for s in subs]
    assert store.enqueue(alerts, held=True) == 3
    assert store.claim(10, 30.0) == []
    [cast] = store.broadcasts("held")
    assert cast.recipients == 3 and cast.programme_id == "ks-9"
    assert store.decide(cast.id, release=True, by="staff") == 3
    assert store.decide(cast.id, release=False, by="staff") == 0  # decided already
    assert len(store.claim(10, 30.0)) == 3


def test_migrated_group_follows_its_new_id(store: AlertStore) -> None:
    store.subscribe(-555, Profile(), chat_type="group")
    assert store.migrate_chat(-555, -100555)
    assert store.get(-555) is None and store.get(-100555).chat_type == "supergroup"


# --- planning ------------------------------------------------------------------------------
def test_plan_new_alerts_each_fitting_chat_once_and_only_calls_after_it_subscribed(
        store: AlertStore) -> None:
    clock = clock_at()
    cfg = settings()
    pre = store.subscribe(1, Profile(stage=Stage.PRE))
    store.subscribe(2, Profile(stage=Stage.MATURE))
    store.subscribe(3, Profile(receive=[Receive.DIGEST]))  # no new-call alerts
    old = stored(programme("ks-old", stages=[Stage.PRE]),
                 changed=pre.created_at - timedelta(days=3))
    new = stored(programme("ks-new", stages=[Stage.PRE]), changed=datetime.now(UTC))
    assert planner.plan_new(store, [old, new], clock, cfg) == 1
    assert planner.plan_new(store, [old, new], clock, cfg) == 0  # watermark + dedup
    [item] = store.claim(10, 30.0)
    assert (item.chat_id, item.programme_id, item.kind) == (1, "ks-new", AlertKind.NEW)
    assert "stage" in item.payload["why"]


def test_a_changed_deadline_of_a_sent_call_is_its_own_alert(store: AlertStore) -> None:
    clock, cfg = clock_at(), settings()
    store.subscribe(1, Profile())
    p = programme("ks-d")
    planner.plan_new(store, [stored(p)], clock, cfg)
    later = p.model_copy(deep=True)
    later.window.end = p.window.end + timedelta(days=5)
    # not sent yet: its card will show the new deadline anyway, so no second alert
    assert planner.plan_new(store, [stored(later, datetime.now(UTC) + timedelta(seconds=1))],
                            clock, cfg) == 0
    [first] = store.claim(10, 30.0)
    store.mark(first.id, AlertStatus.SENT)
    latest = later.model_copy(deep=True)
    latest.window.end = later.window.end + timedelta(days=3)
    assert planner.plan_new(store, [stored(latest, datetime.now(UTC) + timedelta(seconds=2))],
                            clock, cfg) == 1
    [change] = store.claim(10, 30.0)
    assert change.kind is AlertKind.DEADLINE
    # what the chat was told: the deadline recorded with the sent alert
    assert change.payload["previous_deadline"] == p.window.end.isoformat()[:10]


def test_reminders_wait_for_the_civil_hour_and_come_once_a_day(store: AlertStore) -> None:
    cfg = settings(reminder_days=[7, 1], send_hour=9)
    store.subscribe(1, Profile())
    calls = [stored(programme("ks-7", end=TODAY + timedelta(days=7))),
             stored(programme("ks-1", end=TODAY + timedelta(days=1))),
             stored(programme("ks-3", end=TODAY + timedelta(days=3)))]
    assert planner.plan_reminders(store, calls, clock_at(hour=8, minute=59), cfg) == 0
    assert planner.plan_reminders(store, calls, clock_at(hour=9), cfg) == 2
    assert planner.plan_reminders(store, calls, clock_at(hour=15), cfg) == 0
    assert sorted(i.payload["days"] for i in store.claim(10, 30.0)) == [1, 7]


def test_digest_lists_the_weeks_openings_and_closings_once_a_week(store: AlertStore) -> None:
    monday = TODAY - timedelta(days=TODAY.weekday())
    cfg = settings(digest_weekday="mon", send_hour=9)
    store.subscribe(1, Profile())
    calls = [stored(programme("ks-open", start=monday + timedelta(days=2),
                              end=monday + timedelta(days=30))),
             stored(programme("ks-close", start=monday - timedelta(days=20),
                              end=monday + timedelta(days=4))),
             stored(programme("ks-later", start=monday - timedelta(days=20),
                              end=monday + timedelta(days=40)))]
    assert planner.plan_digest(store, calls, clock_at(monday + timedelta(days=1)), cfg) == 0
    assert planner.plan_digest(store, calls, clock_at(monday, hour=9), cfg) == 1
    assert planner.plan_digest(store, calls, clock_at(monday, hour=12), cfg) == 0
    [item] = store.claim(10, 30.0)
    assert item.payload["opening"] == ["ks-open"] and item.payload["closing"] == ["ks-close"]


def test_alert_settings_name_their_variables(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    from knowledge.settings import SettingsError, load

    monkeypatch.setenv("STARTUPBOT_ALERTS_DIGEST_WEEKDAY", "someday")
    with pytest.raises(SettingsError, match="STARTUPBOT_ALERTS_DIGEST_WEEKDAY"):
        load(AlertSettings)


def test_doctor_reports_subscriptions_the_queue_and_the_sender(tmp_path: Path) -> None:
    from rich.console import Console

    from bot.doctor import check_alerts
    from tests.conftest import make_settings

    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    settings = make_settings(tmp_path / "data", answer_log_url=url, user_hash_salt="s" * 16)
    assert check_alerts(settings).status == "info"  # no database yet: nothing to report
    store = AlertStore(url, lambda chat: f"h{chat}")
    sub = store.subscribe(1, Profile())
    store.enqueue([NewAlert(subscription_id=sub.id, kind=AlertKind.NEW, programme_id="p",
                            dedup_key="new:p")])
    waiting = check_alerts(settings)
    assert waiting.status == "warn" and "구독 1곳, 대기 1건" in waiting.detail
    assert "startupbot serve" in waiting.fix  # queued, and nobody sends
    store.take_lease("sender", "host-a:123:abcd", 30.0)
    sending = check_alerts(settings)
    assert sending.status == "ok" and "보내는 프로세스 host-a:123" in sending.detail
    store.close()
    Console(record=True).print(*sending.lines())
