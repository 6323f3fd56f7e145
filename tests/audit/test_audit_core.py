"""Pure audit logic with fixed instants: DST days, midnight splits, switches, overlaps, away."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cockpit.config import DEFAULT_CATEGORIES
from cockpit.core import audit as core
from cockpit.core.clock import FakeClock, to_stamp
from tests.audit.conftest import at

CATS = [core.CategoryInfo(c.id, c.name, c.key, c.color, c.active, c.deep) for c in DEFAULT_CATEGORIES]
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def E(i: str, start: dt.datetime, end: dt.datetime | None, cat: str = "model", **kw) -> core.Entry:  # noqa: N802
    return core.Entry(i, start, end, cat, **kw)


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        (BERLIN, dt.date(2024, 3, 31), 23),
        (BERLIN, dt.date(2024, 10, 27), 25),
        (NEW_YORK, dt.date(2024, 3, 10), 23),
        (NEW_YORK, dt.date(2024, 11, 3), 25),
        (BERLIN, dt.date(2024, 3, 30), 24),
    ],
)
def test_dst_day_has_23_or_25_hours_and_a_whole_day_entry_totals_exactly(tz, day, hours):
    lo, hi = core.day_bounds(day, tz)
    assert core.day_length_s(day, tz) == hours * 3600
    # one entry from the previous evening to the next morning: the day gets exactly its length
    e = E("1", lo - dt.timedelta(hours=3), hi + dt.timedelta(hours=2), "training")
    r = core.build_report([e], CATS, day, day + core.DAY, tz, hi + dt.timedelta(days=1))
    assert r.total_s == hours * 3600
    assert r.days[0].length_s == hours * 3600
    assert r.categories == {"training": hours * 3600}


@pytest.mark.parametrize("tz", [BERLIN, NEW_YORK])
def test_week_with_dst_change_splits_every_entry_at_local_midnight_and_keeps_the_total(tz):
    # a 30-hour job across the autumn change is cut into day parts that add up to 30 h
    first = dt.date(2024, 10, 26) if tz is BERLIN else dt.date(2024, 11, 2)
    start = core.local_midnight(first, tz) + dt.timedelta(hours=20)
    e = E("1", start, start + dt.timedelta(hours=30), "training")
    r = core.build_report([e], CATS, first, first + dt.timedelta(days=3), tz, start + dt.timedelta(days=5))
    assert [d.total_s / 3600 for d in r.days] == [4, 25, 1]
    assert r.total_s == 30 * 3600


def test_entry_across_midnight_is_split_in_local_days_not_utc_days():
    # 23:30 -> 01:15 Berlin (CET): 22:30Z -> 00:15Z
    e = E("1", at(2024, 3, 28, 22, 30), at(2024, 3, 29, 0, 15), "training")
    r = core.build_report([e], CATS, dt.date(2024, 3, 28), dt.date(2024, 3, 30), BERLIN, at(2024, 4, 1))
    assert [(d.day.day, d.total_s) for d in r.days] == [(28, 1800), (29, 4500)]


def test_running_entry_counts_up_to_now():
    now = at(2026, 11, 25, 10, 0)
    e = E("running", at(2026, 11, 25, 9, 15), None, "research")
    r = core.build_report([e], CATS, dt.date(2026, 11, 25), dt.date(2026, 11, 26), BERLIN, now)
    assert r.categories == {"research": 45 * 60}


def test_context_switches_fragments_and_lost_share():
    t = at(2026, 11, 23, 8)
    m = dt.timedelta(minutes=1)
    es = [
        E("a", t, t + 60 * m, "model"),
        E("b", t + 60 * m, t + 65 * m, "admin"),  # fragment (5 min)
        E("c", t + 65 * m, t + 125 * m, "model"),
        E("d", t + 125 * m, t + 135 * m, "switching"),  # booked to Context Switching
        E("e", t + 135 * m, t + 195 * m, "model"),
        E("f", t + 195 * m, t + 255 * m, "model"),  # same category: not a switch
    ]
    r = core.build_report(es, CATS, dt.date(2026, 11, 23), dt.date(2026, 11, 24), BERLIN, t + 10 * 60 * m, 10)
    assert r.context_switches == 4
    assert [f.id for f in r.fragments] == ["b"]
    assert r.switching_s == 600
    assert r.total_s == 255 * 60
    assert r.lost_share == pytest.approx((600 + 300) / (255 * 60))
    assert r.admin_share == pytest.approx(300 / (255 * 60))
    assert r.deep_s == 240 * 60
    assert r.sinks(CATS)[0] == ("switching", 600)


def test_active_passive_and_trend_against_previous_period():
    t = at(2026, 11, 23, 8)
    h = dt.timedelta(hours=1)
    now = t + 30 * 24 * h
    cur = core.build_report(
        [E("a", t, t + 2 * h, "training"), E("b", t + 2 * h, t + 3 * h, "model")],
        CATS,
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 30),
        BERLIN,
        now,
    )
    cur.previous = core.build_report(
        [E("p", t - 7 * 24 * h, t - 7 * 24 * h + 5 * h, "model")],
        CATS,
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
        BERLIN,
        now,
    )
    assert cur.passive_s == 7200 and cur.active_s == 3600
    assert cur.trend() == {"model": -4 * 3600, "training": 7200, "total": -2 * 3600}
    j = core.report_json(cur, CATS)
    assert j["categories"] == {"training": 7200, "model": 3600}
    assert j["total_s"] == 10800 and j["context_switches"] == 1
    assert j["trend_s"]["total"] == -7200


def test_overlap_found_and_adjust_trims_cuts_or_removes():
    t = at(2026, 11, 23, 8)
    h = dt.timedelta(hours=1)
    es = [
        E("a", t, t + 2 * h),
        E("b", t + 2 * h, t + 3 * h),
        E("c", t + 3 * h, t + 6 * h),
        E("d", t + 7 * h, t + 8 * h),
    ]
    now = t + 24 * h
    clashes = core.overlaps(es, t + h, t + 4 * h, now)
    assert [e.id for e in clashes] == ["a", "b", "c"]
    assert core.overlaps(es, t + 6 * h, t + 7 * h, now) == []  # touching is not overlapping
    plan = core.adjust_plan(clashes, t + h, t + 4 * h, now)
    assert plan == [
        core.Change("update", "a", {"end": to_stamp(t + h)}),
        core.Change("remove", "b"),
        core.Change("update", "c", {"start": to_stamp(t + 4 * h)}),
    ]
    inner = core.adjust_plan(core.overlaps(es, t + 4 * h, t + 5 * h, now), t + 4 * h, t + 5 * h, now)
    assert inner[0] == core.Change("update", "c", {"end": to_stamp(t + 4 * h)})
    assert inner[1].op == "insert" and inner[1].fields["start"] == to_stamp(t + 5 * h)
    assert inner[1].fields["end"] == to_stamp(t + 6 * h)
    msg = core.overlap_message(clashes, BERLIN, {"model": "Model Dev"}, now)
    assert msg.startswith("overlaps Model Dev 2026-11-23 09:00-11:00 (a)") and "adjust" in msg


def test_split_and_merge():
    t = at(2026, 11, 23, 8)
    h = dt.timedelta(hours=1)
    e = E("a", t, t + 2 * h, note="x")
    first, second = core.split_at(e, t + h, t + 9 * h)
    assert first == {"end": to_stamp(t + h)} and second["start"] == to_stamp(t + h) and second["note"] == "x"
    with pytest.raises(ValueError, match="inside"):
        core.split_at(e, t + 3 * h, t + 9 * h)
    b = E("b", t + 2 * h, t + 3 * h, "admin", note="y")
    assert core.merge_pair(b, e, [e, b], t + 9 * h) == {
        "start": to_stamp(t), "end": to_stamp(t + 3 * h), "category": "model", "note": "x / y"
    }  # fmt: skip
    c = E("c", t + 4 * h, t + 5 * h)
    with pytest.raises(ValueError, match="between"):
        core.merge_pair(e, c, [e, b, c], t + 9 * h)


def test_periods_and_shift():
    d = dt.date(2026, 11, 25)  # a Wednesday
    assert core.period("day", d) == (d, dt.date(2026, 11, 26))
    assert core.period("week", d) == (dt.date(2026, 11, 23), dt.date(2026, 11, 30))
    assert core.period("month", d) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert core.period("audit", d, dt.date(2026, 11, 16), 14) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 30),
    )
    assert core.previous(dt.date(2026, 3, 1), dt.date(2026, 4, 1), "month") == (
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    )
    assert core.shift("month", dt.date(2026, 1, 1), dt.date(2026, 2, 1), -1) == (
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
    )


def test_away_after_idle_minutes_reported_once_on_return():
    clock = FakeClock(at(2026, 11, 25, 9), tz="Europe/Berlin")
    det = core.AwayDetector(away_minutes=15)
    since = clock.now()
    last_input = clock.now()
    clock.advance(14 * 60)
    assert det.observe(clock.now(), last_input, True, since) is None
    clock.advance(60)
    assert det.observe(clock.now(), last_input, True, since) is None
    assert det.away_since == last_input
    clock.advance(30 * 60)
    assert det.observe(clock.now(), last_input, True, since) is None  # still away
    back = clock.now()
    away = det.observe(clock.now(), back, True, since)
    assert away == core.Away(last_input, back, "idle") and away.seconds == 45 * 60
    assert det.observe(clock.now(), back, True, since) is None


def test_away_when_tmux_client_detached_ends_on_reattach():
    clock = FakeClock(at(2026, 11, 25, 9), tz="America/New_York")
    det = core.AwayDetector(away_minutes=15)
    since = clock.now()
    clock.advance(120)
    typed = clock.now()
    assert det.observe(clock.now(), typed, False, since) is None
    clock.advance(3600)
    assert det.observe(clock.now(), typed, False, since) is None
    away = det.observe(clock.now(), typed, True, since)
    assert away == core.Away(typed, clock.now(), "detached")


def test_no_away_when_not_tracking():
    det = core.AwayDetector(1)
    assert det.observe(at(2026, 1, 1, 12), at(2026, 1, 1, 1), False, None) is None
    assert det.away_since is None


def test_away_plan_keep_discard_book():
    run = core.Tracking("r1", at(2026, 11, 25, 9), "model", note="n", task=None, tz="UTC")
    away = core.Away(at(2026, 11, 25, 10), at(2026, 11, 25, 11), "idle")
    assert core.away_plan(run, away, "keep") == ([], run)
    closed, state = core.away_plan(run, away, "discard")
    assert [(c["start"], c["end"]) for c in closed] == [(to_stamp(run.since), to_stamp(at(2026, 11, 25, 10)))]
    assert state.since == at(2026, 11, 25, 11) and state.id == "r1"
    closed, state = core.away_plan(run, away, "book", "meetings")
    assert [c["category"] for c in closed] == ["model", "meetings"]
    assert closed[1]["start"] == to_stamp(at(2026, 11, 25, 10)) and closed[1]["end"] == to_stamp(
        at(2026, 11, 25, 11)
    )


def test_entry_and_tracking_records_round_trip_and_name_a_bad_field():
    doc = {
        "id": "2026-11:7",
        "start": to_stamp(at(2026, 11, 25, 9)),
        "end": None,
        "category": "model",
        "source": None,
        "note": None,
        "task": "t1",
        "tz": "Europe/Berlin",
    }
    e = core.Entry.from_doc(doc)
    assert (e.end, e.source, e.note, e.task, e.tz) == (None, "manual", "", "t1", "Europe/Berlin")
    t = core.Tracking.from_doc(doc)
    assert t.entry() == e and t.to_doc()["start"] == doc["start"] and t.to_doc()["end"] is None
    with pytest.raises(core.RecordError, match=r"time entry 2026-11:7: field 'category' must be text"):
        core.Entry.from_doc({**doc, "category": 3})
    with pytest.raises(core.RecordError, match=r"field 'start' is not an ISO time"):
        core.Entry.from_doc({**doc, "start": "yesterday"})
    with pytest.raises(ValueError, match="'task' must be text or null"):
        core.Tracking.from_doc({**doc, "task": ["x"]})


def test_chart_cells_fill_exactly_and_text_report_fits_80_columns():
    assert sum(n for _, n in core.cells([("a", 1), ("b", 1), ("c", 1)], 10, 3)) == 10
    assert core.cells([("a", 30), ("b", 0)], 10, 60) == [("a", 5)]
    t = at(2026, 11, 23, 8)
    h = dt.timedelta(hours=1)
    es = [E(str(i), t + i * 24 * h, t + i * 24 * h + (i + 1) * h, c.id) for i, c in enumerate(CATS[:7])]
    r = core.build_report(es, CATS, dt.date(2026, 11, 23), dt.date(2026, 11, 30), BERLIN, t + 30 * 24 * h)
    lines = core.text_report(r, CATS, 80)
    assert all(len(line) <= 80 for line in lines), [len(x) for x in lines]
    assert any(line.startswith("Sun 29 Nov w") for line in lines)


def test_wall_clock_jump_while_tracking_is_an_away_span():
    clock = FakeClock(at(2026, 11, 25, 9), tz="Europe/Berlin")
    det = core.AwayDetector(15)
    since = clock.now()
    assert det.observe_clock(clock.now(), clock.monotonic(), since) is None
    clock.advance(20)  # both clocks move: nothing
    assert det.observe_clock(clock.now(), clock.monotonic(), since) is None
    before = clock.now()
    clock.jump_wall(2 * 3600)  # suspended for two hours
    clock.advance(1)
    away = det.observe_clock(clock.now(), clock.monotonic(), since)
    assert away == core.Away(before + dt.timedelta(seconds=1), clock.now(), "suspended")
    clock.jump_wall(25)  # a small NTP step is ignored
    assert det.observe_clock(clock.now(), clock.monotonic(), since) is None
    clock.jump_wall(3600)
    assert det.observe_clock(clock.now(), clock.monotonic(), None) is None  # not tracking


def test_overlapping_sources_count_each_instant_once():
    t = at(2026, 11, 23, 8)
    h = dt.timedelta(hours=1)
    manual = E("a", t, t + 4 * h, "admin")  # tracked by hand 09:00-13:00 Berlin
    sprint = E("s", t + h, t + 2 * h + h / 2, "model", source="sprint")  # a sprint booked inside it
    job = E("j", t - h, t + 6 * h, "training", source="job")  # a passive job around all of it
    r = core.build_report(
        [manual, sprint, job], CATS, dt.date(2026, 11, 23), dt.date(2026, 11, 24), BERLIN, t + 24 * h
    )
    assert r.total_s == 7 * 3600  # 08:00-15:00 UTC, counted once
    assert r.categories == {"training": 3 * 3600, "admin": 2.5 * 3600, "model": 1.5 * 3600}
    # job -> admin -> sprint -> admin -> job: four switches
    assert r.context_switches == 4
    assert r.sources == {"job": 3 * 3600, "manual": 2.5 * 3600, "sprint": 1.5 * 3600}


def test_flatten_leaves_touching_entries_alone():
    t = at(2026, 11, 23, 8)
    h = dt.timedelta(hours=1)
    es = [E("b", t + h, t + 2 * h), E("a", t, t + h)]
    assert core.flatten(es, t + 5 * h) == [es[1], es[0]]
