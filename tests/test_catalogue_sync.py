"""Catalogue sync against the loopback K-Startup and 기업마당 fakes, over real HTTP."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ingest.sources.http import ApiClient, SourceAuthError
from ingest.sync import document_path
from knowledge.catalogue.models import Status
from knowledge.clock import Clock
from tests.catalogue_helpers import TODAY, catalogue_settings, sync_once
from tests.fakes import bizinfo_api, kstartup_api
from tests.fakes.bizinfo_api import FakeBizinfo
from tests.fakes.kstartup_api import FakeKStartup


@pytest.fixture
def fakes():
    with (
        FakeKStartup(kstartup_api.make_items(30, TODAY)) as ks,
        FakeBizinfo(bizinfo_api.make_items(20, TODAY)) as bz,
    ):
        yield ks, bz


def _kept_kstartup(items) -> set[str]:
    return {f"ks-{i['pbanc_sn']}" for i in items if i["supt_regin"] in ("충북", "전국")}


def test_first_sync(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    # a duplicate across pages (page 1 and page 3) and HTML in the text
    dup = dict(ks.state.items[2], biz_pbanc_nm="<b>중복</b> 공고 &amp; 최신본")
    ks.state.items.insert(25, dup)
    report, catalogue = sync_once(tmp_path, catalogue_settings(ks, bz))
    assert report.ok, report.problems
    expected_ks = _kept_kstartup(ks.state.items)
    ids = {s.programme.id for s in catalogue.all()}
    assert expected_ks <= ids
    assert not any(i.startswith("ks-") and i not in expected_ks for i in ids)  # 서울/대전 out
    ks_report = next(s for s in report.sources if s.name == "kstartup")
    assert ks_report.duplicates == 1 and ks_report.complete and ks_report.pages == 4
    assert sorted(report.changes.new) == sorted(ids)
    stored = catalogue.get(f"ks-{dup['pbanc_sn']}")
    assert stored is not None and stored.programme.title == "중복 공고 & 최신본"
    assert "<p>" not in stored.programme.summary and "&nbsp;" not in stored.programme.summary
    assert "기술개발(R&D)" in {s.programme.category for s in catalogue.all()}  # entity decoded
    # windows parsed, status from the clock, documents written
    clock = Clock(TODAY)
    statuses = {s.programme.status(clock) for s in catalogue.all()}
    assert {Status.OPEN, Status.CLOSED, Status.UPCOMING} <= statuses
    rolling = [s.programme for s in catalogue.all() if s.programme.window.rolling]
    assert rolling and all(p.window.end is None for p in rolling)  # "상시": no invented date
    assert any(
        p.window.text == "추후 공지" and p.status(clock) is Status.UNKNOWN
        for p in (s.programme for s in catalogue.all())
    )
    for s in catalogue.all():
        path = document_path(catalogue_settings_data(tmp_path), s.programme)
        assert path.exists()
        assert "category: programme" in path.read_text(encoding="utf-8")
    assert catalogue.runs(1)[0]["ok"] == 1


def catalogue_settings_data(data_dir: Path):
    from bot.settings import Settings

    return Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]


def test_unchanged_resync_and_dry_run(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    config = catalogue_settings(ks, bz)
    first, catalogue = sync_once(tmp_path, config)
    ks.state.items[0]["biz_pbanc_nm"] = "바뀐 제목"
    dry, _ = sync_once(tmp_path, config, dry_run=True)
    assert dry.changes.changed == [f"ks-{ks.state.items[0]['pbanc_sn']}"]
    assert catalogue.get(dry.changes.changed[0]).programme.title != "바뀐 제목"  # nothing written
    ks.state.items[0]["biz_pbanc_nm"] = kstartup_api.make_item(0, TODAY)["biz_pbanc_nm"]
    again, _ = sync_once(tmp_path, config)
    assert not again.changes.any and again.changes.unchanged == len(first.changes.new)
    assert again.documents_written == 0


def test_changed_deadline(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    config = catalogue_settings(ks, bz)
    sync_once(tmp_path, config)
    item = ks.state.items[1]  # an open call
    pid = f"ks-{item['pbanc_sn']}"
    item["pbanc_rcpt_end_dt"] = (TODAY + timedelta(days=60)).strftime("%Y%m%d")
    report, catalogue = sync_once(tmp_path, config)
    assert report.changes.changed == [pid]
    assert report.documents_written == 1
    stored = catalogue.get(pid)
    assert stored.programme.window.end_date == TODAY + timedelta(days=60)
    doc = document_path(catalogue_settings_data(tmp_path), stored.programme).read_text("utf-8")
    assert (TODAY + timedelta(days=60)).isoformat() in doc


def test_closed_call(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    config = catalogue_settings(ks, bz)
    item = ks.state.items[1]
    pid = f"ks-{item['pbanc_sn']}"
    end = TODAY + timedelta(days=item and 1)
    item["pbanc_rcpt_end_dt"] = end.strftime("%Y%m%d")
    _, catalogue = sync_once(tmp_path, config)
    assert catalogue.get(pid).programme.status(Clock(TODAY)) is Status.OPEN
    later, catalogue = sync_once(tmp_path, config, today=end + timedelta(days=1))
    assert pid in later.changes.closed
    stored = catalogue.get(pid)
    assert stored.last_status is Status.CLOSED and stored.closed_at is not None
    # the deadline is extended after it had passed: open again, no longer marked closed
    item["pbanc_rcpt_end_dt"] = (end + timedelta(days=30)).strftime("%Y%m%d")
    reopened, catalogue = sync_once(tmp_path, config, today=end + timedelta(days=2))
    assert reopened.changes.changed == [pid] and pid not in reopened.changes.closed
    stored = catalogue.get(pid)
    assert stored.last_status is Status.OPEN and stored.closed_at is None
    item["pbanc_rcpt_end_dt"] = end.strftime("%Y%m%d")
    # closed by the source's own flag before the deadline
    ks.state.items[2]["rcrt_prgs_yn"] = "N"
    flagged, catalogue = sync_once(tmp_path, config)
    assert f"ks-{ks.state.items[2]['pbanc_sn']}" in flagged.changes.closed


def test_vanished_call_kept_and_marked(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    config = catalogue_settings(ks, bz)
    sync_once(tmp_path, config)
    gone = ks.state.items.pop(0)
    pid = f"ks-{gone['pbanc_sn']}"
    report, catalogue = sync_once(tmp_path, config)
    assert report.changes.vanished == [pid]
    stored = catalogue.get(pid)
    assert stored is not None and stored.vanished
    assert pid not in {s.programme.id for s in catalogue.search(Clock(TODAY))}
    assert pid in {s.programme.id for s in catalogue.search(Clock(TODAY), include_vanished=True)}
    doc = document_path(catalogue_settings_data(tmp_path), stored.programme)
    assert "공고 목록에 더 이상 보이지 않았다" in doc.read_text("utf-8")
    ks.state.items.insert(0, gone)
    back, _ = sync_once(tmp_path, config)
    assert back.changes.reappeared == [pid]


def test_bad_key(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    ks.state.key = "the-real-key"  # ours is now wrong
    config = catalogue_settings(ks, bz, kstartup_api_key="wrong")
    report, catalogue = sync_once(tmp_path, config)
    source = next(s for s in report.sources if s.name == "kstartup")
    assert not report.ok and "API 키" in (source.error or "")
    assert len(ks.api_requests()) == 1  # a rejected key is not retried
    assert catalogue.count() > 0  # 기업마당 still synced
    bz.state.key = "other"
    report, _ = sync_once(tmp_path, catalogue_settings(None, bz, bizinfo_api_key="wrong"))
    assert "API 키" in (next(s for s in report.sources if s.name == "bizinfo").error or "")
    assert not report.changes.vanished  # a failed source proves nothing about its calls


def test_gateway_xml_key_error(tmp_path: Path) -> None:
    with FakeKStartup(kstartup_api.make_items(3, TODAY), gateway_errors=True) as ks:
        client = ApiClient("kstartup", retries=0)
        with pytest.raises(SourceAuthError):
            client.get(ks.url, {"serviceKey": "wrong"})
        client.close()


def test_429_storm_is_retried(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    ks.state.storm = 3
    bz.state.storm, bz.state.storm_status = 2, 503
    report, catalogue = sync_once(tmp_path, catalogue_settings(ks, bz))
    assert report.ok, report.problems
    assert {s.name: s.retries for s in report.sources} == {"kstartup": 3, "bizinfo": 2}
    assert _kept_kstartup(ks.state.items) <= {s.programme.id for s in catalogue.all()}


def test_429_storm_longer_than_retries(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    config = catalogue_settings(ks, bz)
    sync_once(tmp_path, config)
    ks.state.storm = 100
    report, _ = sync_once(tmp_path, config)
    source = next(s for s in report.sources if s.name == "kstartup")
    assert source.error and source.requests == config.catalogue_retries + 1
    assert not report.changes.vanished  # nothing is marked vanished on a failed source


def test_malformed_page_in_the_middle(fakes, tmp_path: Path) -> None:
    ks, bz = fakes
    config = catalogue_settings(ks, bz)
    _, catalogue = sync_once(tmp_path, config)
    before = {s.programme.id: s.last_seen for s in catalogue.all()}
    ks.state.bad_pages = {2: "malformed"}
    bz.state.bad_pages = {1: "html"}
    ks.state.items[0]["pbanc_rcpt_end_dt"] = None  # missing fields are tolerated
    ks.state.items[3].pop("biz_pbanc_nm")  # an item without a title is skipped, not fatal
    report, catalogue = sync_once(tmp_path, config)
    where = {(p.source, p.where) for p in report.problems}
    assert ("kstartup", "page 2") in where and ("bizinfo", "page 1") in where
    source = next(s for s in report.sources if s.name == "kstartup")
    assert source.pages == 2 and not source.complete
    seen_pages = {int(r.params["page"]) for r in ks.api_requests()}
    assert {1, 2, 3} <= seen_pages  # page 3 was read after the bad page 2
    assert not report.changes.vanished  # page 2's calls are not "gone"
    first_page = {
        f"ks-{i['pbanc_sn']}"
        for i in ks.state.items[:10]
        if i["supt_regin"] in ("충북", "전국") and "biz_pbanc_nm" in i
    }
    third_page = {
        f"ks-{i['pbanc_sn']}" for i in ks.state.items[20:30] if i["supt_regin"] in ("충북", "전국")
    }
    after = {s.programme.id: s.last_seen for s in catalogue.all()}
    refreshed = {pid for pid in after if after[pid] > before[pid]}
    assert first_page | third_page <= refreshed  # items before and after the bad page kept
    second_page = {
        f"ks-{i['pbanc_sn']}" for i in ks.state.items[10:20] if i["supt_regin"] in ("충북", "전국")
    }
    assert not refreshed & second_page and all(catalogue.get(p) for p in second_page)
    assert any("항목 건너뜀" in p.reason for p in report.problems)


def test_corrupt_hwp_attachment(tmp_path: Path) -> None:
    items = bizinfo_api.make_items(4, TODAY)
    with FakeBizinfo(items) as bz:
        bad = bz.add_file("broken.hwp", b"\xd0\xcf\x11\xe0 this is not an HWP file" * 10)
        good = bz.add_file(
            "guide.txt",
            "신청서는 온라인으로 제출한다. 문의는 센터로 한다.".encode(),
            "text/plain; charset=utf-8",
        )
        items[1]["flpthNm"], items[1]["fileNm"] = f"{bad}@{good}", "공고문.hwp@안내.txt"
        bz.state.items = items
        report, catalogue = sync_once(tmp_path, catalogue_settings(None, bz))
    pid = f"bz-{items[1]['pblancId']}"
    assert any(p.where.startswith(pid) and "공고문.hwp" in p.where for p in report.problems)
    assert report.attachments_read == 1
    doc = document_path(catalogue_settings_data(tmp_path), catalogue.get(pid).programme)
    text = doc.read_text("utf-8")
    assert "신청서는 온라인으로 제출한다" in text
    assert catalogue.count() == len([i for i in items if "경기" not in i["hashtags"]])


def test_listeners_get_the_changes(fakes, tmp_path: Path) -> None:
    from bot.settings import Settings
    from ingest.sync import CatalogueSync
    from knowledge.catalogue.repository import Catalogue
    from tests.catalogue_helpers import NoIndexKB

    ks, bz = fakes
    heard = []
    kb = NoIndexKB(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]

    def boom(changes, seen):
        raise RuntimeError("a broken listener")

    sync = CatalogueSync(kb, catalogue_settings=catalogue_settings(ks, bz),
                         catalogue=Catalogue.from_settings(kb.settings), clock=Clock(TODAY),
                         listeners=[boom, lambda changes, seen: heard.append((changes, seen))])
    sync.run(ingest=False)
    ks.state.items[1]["pbanc_rcpt_end_dt"] = (TODAY + timedelta(days=90)).strftime("%Y%m%d")
    sync.run(ingest=False)
    sync.run(ingest=False, dry_run=True)
    assert len(heard) == 2 and heard[0][0].new and not heard[0][0].changed
    changed_id = f"ks-{ks.state.items[1]['pbanc_sn']}"
    assert heard[1][0].changed == [changed_id] and changed_id in heard[1][1]


def test_attachment_limits(tmp_path: Path) -> None:
    items = bizinfo_api.make_items(2, TODAY)
    with FakeBizinfo(items) as bz:
        big = bz.add_file("big.pdf", b"%PDF-1.4 " + b"x" * 5000, "application/pdf")
        exe = bz.add_file("setup.exe", b"MZ" * 100)
        page = bz.add_file("page.html", b"<html>hi</html>", "text/html")
        items[0]["flpthNm"] = f"{big}@{exe}@{page}@{bz.file_url('missing.pdf')}"
        items[0]["fileNm"] = "big.pdf@setup.exe@page.html@missing.pdf"
        bz.state.items = items
        config = catalogue_settings(None, bz, catalogue_attachment_max_mb=0.002,
                                    catalogue_attachments_per_programme=5)
        report, catalogue = sync_once(tmp_path, config)
    reasons = {p.where.rsplit(" ", 1)[-1]: p.reason for p in report.problems}
    assert "너무 큽니다" in reasons["big.pdf"]
    assert "지원하지 않는" in reasons["setup.exe"] and "지원하지 않는" in reasons["page.html"]
    assert "HTTP 404" in reasons["missing.pdf"]
    assert catalogue.get(f"bz-{items[0]['pblancId']}") is not None  # the call itself is kept


def test_sync_takes_the_ingest_lock(fakes, tmp_path: Path) -> None:
    from filelock import FileLock

    from bot.settings import Settings
    from ingest.sync import SyncLockedError

    ks, bz = fakes
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    tmp_path.mkdir(exist_ok=True)
    with FileLock(str(settings.lock_path), timeout=0), pytest.raises(SyncLockedError):
        sync_once(tmp_path, catalogue_settings(ks, bz))
    assert not ks.api_requests()  # nothing fetched while another job holds the lock


def test_bizinfo_spec_envelope_and_field_spellings(tmp_path: Path) -> None:
    items = bizinfo_api.make_items(14, TODAY)
    items[0]["hashTags"] = items[0].pop("hashtags")
    items[0]["reqstBeginEndDe"] = f"{TODAY:%Y%m%d} ~ {TODAY + timedelta(days=3):%Y%m%d}"
    with FakeBizinfo(items, wrapped=True) as bz:
        report, catalogue = sync_once(tmp_path, catalogue_settings(None, bz))
    assert report.ok and next(s for s in report.sources if s.name == "bizinfo").pages == 2
    first = catalogue.get(f"bz-{items[0]['pblancId']}").programme
    assert first.hashtags and first.window.end_date == TODAY + timedelta(days=3)
