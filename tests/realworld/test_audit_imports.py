"""Every real export in the corpus imports with the totals computed by hand from the files."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit.context import Context
from cockpit.core.clock import FakeClock, to_stamp
from cockpit.services import audit

TT = "timetracking"
TIMEW_MAP = {
    "Project Alpha": "data",
    "model-dev": "model",
    "meeting": "meetings",
    "evaluation": "eval",
    "documentation": "docs",
}
WATSON_MAP = {"data-prep": "data", "model-dev": "model", "documentation": "docs"}


@pytest.fixture
def bctx(home):  # noqa: ANN001, ANN201
    return Context.open(
        home, clock=FakeClock(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), tz="Europe/Berlin")
    )


def totals(res):  # noqa: ANN001, ANN201
    out: dict[str, int] = {}
    for e in res.new:
        out[e.category] = out.get(e.category, 0) + int((e.end - e.start).total_seconds())
    return out


def test_timew_export(bctx, corpus):
    res = audit.import_file(bctx, "timewarrior", corpus / TT / "timew-1.4.3_export.json", TIMEW_MAP)
    # 1h30 data + 0h30 meeting + 1h40 model + 1h45 and 1h00 (DST gap) training + 1h45 eval + 0h30 docs
    assert totals(res) == {
        "data": 5400,
        "meetings": 1800,
        "model": 6000,
        "training": 6300 + 3600,
        "eval": 6300,
        "docs": 1800,
    }
    assert res.errors == [] and res.notes == ["interval 8 (id 1): still running; not imported"]
    # the Berlin DST day 2024-03-31 has 23 hours; 1 h training + 1 h of the 23:00-00:45 eval entry
    r = audit.report(bctx, dt.date(2024, 3, 31), dt.date(2024, 4, 1))
    assert r.days[0].length_s == 23 * 3600 and r.categories == {"training": 3600, "eval": 3600}
    r = audit.report(bctx, dt.date(2024, 10, 27), dt.date(2024, 10, 28))
    assert r.days[0].length_s == 25 * 3600 and r.categories == {"docs": 1800}
    # the midnight-crossing 23:30-01:15 entry is split 30 min / 75 min
    r = audit.report(bctx, dt.date(2024, 3, 28), dt.date(2024, 3, 30))
    assert [d.categories.get("training", 0) for d in r.days] == [1800, 4500]
    # the data files hold the same intervals: importing them adds nothing new
    dupes = []
    for name in ("timew-1.4.3_2024-03.data", "timew-1.4.3_2024-10.data"):
        again = audit.import_file(bctx, "timewarrior", corpus / TT / name, TIMEW_MAP)
        assert again.new == [] and again.errors == []
        dupes.append(again.duplicates)
    assert dupes == [6, 1]


def test_timew_data_files_alone(bctx, corpus):
    march = audit.import_file(bctx, "timewarrior", corpus / TT / "timew-1.4.3_2024-03.data", TIMEW_MAP)
    assert march.seconds == 29400 and len(march.new) == 6  # the month-crossing entry is in March only
    october = audit.import_file(bctx, "timewarrior", corpus / TT / "timew-1.4.3_2024-10.data", TIMEW_MAP)
    assert october.seconds == 1800 and october.notes == ["line 2: still running; not imported"]


def test_watson_frames_and_log_json(bctx, corpus):
    res = audit.import_file(bctx, "watson", corpus / TT / "watson-2.1.0_frames_dst.json", WATSON_MAP)
    assert totals(res) == {
        "data": 5400,
        "meetings": 1800,
        "model": 6000,
        "training": 6300 + 3600,
        "docs": 1800,
    }
    gap = [e for e in res.new if "dst-gap" in e.import_names][0]
    assert (gap.end - gap.start).total_seconds() == 3600
    log = audit.import_file(bctx, "watson", corpus / TT / "watson-2.1.0_log.json", WATSON_MAP)
    assert log.new == [] and log.duplicates == 6  # same frames, same instants despite the +01:00 bug


def test_watson_repo_fixture(bctx, corpus):
    m = {
        "project1": "research",
        "project2": "model",
        "project3-A": "eval",
        "project3-B": "eval",
        "project4": "admin",
    }
    res = audit.import_file(bctx, "watson", corpus / TT / "watson_frames_repo_fixture.json", m)
    assert len(res.new) == 10 and res.errors == []
    # stop - start of each frame: 2474+3001+2768 | 836+2234 | 1717+2042+2621+1256 | 1800
    assert totals(res) == {"research": 8243, "model": 3070, "eval": 7636, "admin": 1800}
    assert res.seconds == 20749


def test_toggl_exports(bctx, corpus):
    m = {"Project without Client": "admin", "Project for Big Company": "model", "Real World Project": "docs"}
    res = audit.import_file(bctx, "toggl", corpus / TT / "toggl_detailed_bom_eur.csv", m, tz="Europe/Berlin")
    assert totals(res) == {"model": 3601} and res.notes == ["line 2: zero duration; skipped"]
    assert to_stamp(res.new[0].start) == "2024-03-04T09:23:00+00:00"
    res = audit.import_file(
        bctx, "toggl", corpus / TT / "toggl_detailed_quoted_specialchars.csv", m, tz="Europe/Berlin"
    )
    assert totals(res) == {"docs": 2} and to_stamp(res.new[0].start) == "2024-10-15T10:02:17+00:00"
    assert res.new[0].note.startswith('\\\\ 🔥 Special characters  """`!@#$%^&*()_+')


def test_clockify_exports(bctx, corpus):
    m = {"Project without Client": "admin", "Project for Big Company": "model", "Real World Project": "docs"}
    res = audit.import_file(
        bctx, "clockify", corpus / TT / "clockify_detailed_us12h.csv", m, tz="Europe/Berlin"
    )
    assert totals(res) == {"model": 3601} and to_stamp(res.new[0].start) == "2024-03-04T09:23:00+00:00"
    res = audit.import_file(
        bctx, "clockify", corpus / TT / "clockify_detailed_extended_cols.csv", m, tz="Europe/Berlin"
    )
    assert totals(res) == {"docs": 1800} and to_stamp(res.new[0].start) == "2024-10-15T09:00:00+00:00"
    bad = audit.import_file(
        bctx, "clockify", corpus / TT / "clockify_detailed_bad_date.csv", m, tz="Europe/Berlin"
    )
    assert bad.new == [] and bad.errors == ["line 2: date '13/15/2024' does not exist (read as MM/DD/YYYY)"]
