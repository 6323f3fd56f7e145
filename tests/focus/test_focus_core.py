"""Pure transitions of a focus session, with the time passed in (no I/O)."""

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cockpit.config import FocusConfig
from cockpit.core import focus as core
from cockpit.core import focus_plan as plan
from cockpit.core.clock import FakeClock, from_stamp

CFG = FocusConfig()
T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def sprint(**kw):
    return plan.new_session("sprint", T0, CFG, category="model", **kw)


def test_sprint_counts_down_from_stamps_then_breaks_then_ends():
    s = sprint()
    assert core.state(s, at(0)) == "running"
    assert core.remaining_s(s, at(30)) == 60 * 60
    s2, recs = core.advance(s, at(89.9))
    assert recs == [] and s2.phase == "focus"
    s2, recs = core.advance(s, at(95))
    assert [r.phase for r in recs] == ["focus"]
    assert recs[0].end == at(90).isoformat() and recs[0].outcome == "completed"
    assert s2.phase == "break" and s2.planned_s == 20 * 60
    assert core.state(s2, at(95)) == "break"
    assert core.remaining_s(s2, at(95)) == 15 * 60
    s3, recs = core.advance(s2, at(111))
    assert s3 is None and recs[0].phase == "break" and recs[0].end == at(110).isoformat()


def test_sprint_that_ended_while_down_is_closed_at_its_planned_end():
    s = sprint(minutes=45)
    s2, recs = core.advance(s, at(600))  # cockpit came back ten hours later
    assert s2 is None
    assert [(r.phase, r.start, r.end) for r in recs] == [
        ("focus", at(0).isoformat(), at(45).isoformat()),
        ("break", at(45).isoformat(), at(55).isoformat()),  # break proportional: 45 * 20/90
    ]


def test_pause_and_resume_hold_the_remaining_time():
    s = core.pause(sprint(), at(10))
    assert core.state(s, at(50)) == "paused"
    assert core.remaining_s(s, at(50)) == 80 * 60
    s2, recs = core.advance(s, at(500))
    assert recs == []  # a paused sprint never runs out
    s = core.resume(s, at(50))
    assert core.remaining_s(s, at(60)) == 70 * 60
    assert core.phase_end(s, at(60)) == at(130)
    with pytest.raises(core.FocusError):
        core.resume(s, at(61))


def test_extend_finish_early_and_skip_break():
    s = core.extend(sprint(), 600)
    assert core.remaining_s(s, at(0)) == 100 * 60
    nxt, recs = core.finish(s, at(60))
    assert recs[0].outcome == "finished_early" and recs[0].active_s == 3600
    assert nxt.phase == "break" and nxt.phase_start == at(60).isoformat()
    with pytest.raises(core.FocusError):
        core.finish(nxt, at(61))
    done, recs = core.skip_break(nxt, at(62))
    assert done is None and recs[0].outcome == "skipped" and recs[0].active_s == 120


def test_abandon_keeps_reason_and_active_time():
    s = core.pause(sprint(), at(20))
    (r,) = core.abandon(s, at(30), "prod incident")
    assert r.outcome == "abandoned" and r.reason == "prod incident"
    assert r.active_s == 20 * 60
    assert not core.counts_as_sprint(r)


def test_interruptions_are_kept_with_the_sprint_record():
    s = core.interrupt(sprint(), at(5), "internal", "email")
    s = core.interrupt(s, at(7), "external", "")
    assert core.state(s, at(8)) == "running"
    _, recs = core.advance(s, at(91))
    assert [i.kind for i in recs[0].interruptions] == ["internal", "external"]
    with pytest.raises(core.FocusError):
        core.interrupt(s, at(5), "boss")


def test_pomodoro_long_break_after_four_then_done():
    s = plan.new_session("pomodoro", T0, CFG, category="model")
    s2, recs = core.advance(s, at(4 * 30 - 5 + 15 + 1))
    phases = [(r.phase, r.round, (from_stamp(r.end) - from_stamp(r.start)).seconds // 60) for r in recs]
    assert phases == [
        ("focus", 1, 25), ("break", 1, 5), ("focus", 2, 25), ("break", 2, 5),
        ("focus", 3, 25), ("break", 3, 5), ("focus", 4, 25), ("break", 4, 15),
    ]  # fmt: skip
    assert s2 is None


def test_block_is_sprints_with_short_breaks():
    s = plan.new_session("block", T0, CFG, category="model")  # 3.5 h -> three 70-minute sprints
    assert s.rounds == 3 and s.planned_s == 70 * 60
    s2, recs = core.advance(s, at(75))
    assert s2.phase == "break" and s2.planned_s == 10 * 60
    s3, _ = core.advance(s2, at(81))
    assert s3.phase == "focus" and s3.round == 2
    end, recs = core.advance(s3, at(3 * 70 + 2 * 10 + 1))
    assert end is None and recs[-1].phase == "focus" and recs[-1].round == 3


def test_timebox_alerts_then_shows_overrun_until_stopped():
    s = plan.new_session("timebox", T0, CFG, minutes=120, category="model")
    s2, recs = core.advance(s, at(130))
    assert recs == [] and core.state(s2, at(130)) == "overrun"
    assert core.remaining_s(s2, at(130)) == -600
    assert core.fmt_clock(core.remaining_s(s2, at(130))) == "-10:00"
    (r,) = core.stop(s2, at(130))
    assert r.outcome == "completed" and r.active_s == 130 * 60


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2026, 3, 29, 0, 15, tzinfo=dt.UTC),  # Berlin springs forward at 01:00 UTC
        dt.datetime(2026, 10, 25, 0, 15, tzinfo=dt.UTC),  # Berlin falls back at 01:00 UTC
    ],
)
def test_dst_change_inside_a_sprint_changes_no_duration(start):
    clock = FakeClock(start, tz="Europe/Berlin")
    s = plan.new_session("sprint", clock.now(), CFG, category="model")
    clock.advance(45 * 60)
    assert core.remaining_s(s, clock.now()) == 45 * 60
    clock.advance(46 * 60)
    _, recs = core.advance(s, clock.now())
    r = recs[0]
    assert (from_stamp(r.end) - from_stamp(r.start)) == dt.timedelta(minutes=90)
    assert r.active_s == 90 * 60
    # local wall times differ by 30 or 150 minutes across the change; the sprint is still 90
    local = [from_stamp(x).astimezone(ZoneInfo("Europe/Berlin")) for x in (r.start, r.end)]
    assert (local[1].replace(tzinfo=None) - local[0].replace(tzinfo=None)) != dt.timedelta(minutes=90)
    stats = core.day_stats(recs, local[1].date(), clock.tz)
    assert stats.sprints == 1 and stats.focus_s == 90 * 60


def test_wall_clock_step_is_taken_out_by_shift():
    s = sprint()
    # at 30 min the wall clock steps back one hour; shifting by the step keeps 60 min left
    stepped_now = at(30) - dt.timedelta(hours=1)
    assert core.remaining_s(s, stepped_now) == 90 * 60  # unshifted: clamped, would be wrong
    fixed = core.shift(s, -3600)
    assert core.remaining_s(fixed, stepped_now) == 60 * 60


def test_discard_gap_becomes_a_pause():
    s = sprint()
    s2 = core.discard_gap(s, at(20), at(200))  # crashed at 20 min, back 3 hours later
    assert core.remaining_s(s2, at(200)) == 70 * 60
    nxt, recs = core.advance(s2, at(200))
    assert recs == [] and nxt.phase == "focus"


def test_active_spans_skip_pauses():
    s = core.pause(sprint(), at(10))
    s = core.resume(s, at(20))
    _, recs = core.advance(s, at(101))
    spans = core.active_spans(recs[0])
    assert spans == [(at(0), at(10)), (at(20), at(100))]


def test_streak_counts_days_that_reached_the_goal():
    tz = ZoneInfo("Europe/Berlin")

    def rec(day, n):
        end = dt.datetime(2026, 11, day, 12, n, tzinfo=dt.UTC).isoformat()
        return core.FocusRecord(
            session="s", mode="sprint", phase="focus", round=1, start=end, end=end,
            planned_s=5400, active_s=5400, outcome="completed",
        )  # fmt: skip

    records = [rec(d, n) for d in (21, 22, 23, 24) for n in range(3)] + [rec(25, 0)]
    records += [rec(20, 0), rec(20, 1)]  # two only: breaks the streak
    assert core.streak(records, dt.date(2026, 11, 25), tz, 3) == 4
    records += [rec(25, 1), rec(25, 2)]
    assert core.streak(records, dt.date(2026, 11, 25), tz, 3) == 5
    assert core.day_stats(records, dt.date(2026, 11, 25), tz).sprints == 3


def test_bad_lengths_are_refused():
    with pytest.raises(core.FocusError):
        plan.new_session("sprint", T0, CFG, minutes=0)
    with pytest.raises(core.FocusError):
        plan.new_session("nap", T0, CFG)


def test_next_phases_lets_the_status_line_roll_forward():
    s = sprint()
    assert core.next_phases(s, at(1)) == [
        {"state": "break", "ends": at(110).isoformat(), "round": 1},
        {"state": "idle", "ends": None},
    ]
    assert core.next_phases(core.pause(s, at(1)), at(2)) == []


def test_discard_gap_never_counts_a_pause_twice():
    s = core.resume(core.pause(sprint(), at(10)), at(70))  # paused an hour
    s2 = core.discard_gap(s, at(5), at(100))  # last heartbeat was before the pause
    # 10 minutes ran before the pause; the discarded gap starts where the pause ended, not earlier
    assert core.remaining_s(s2, at(100)) == 80 * 60


def test_next_phases_cover_a_whole_block():
    s = plan.new_session("block", T0, CFG, category="model")
    phases = core.next_phases(s, at(1))
    assert [p["state"] for p in phases] == ["break", "running", "break", "running", "idle"]
    assert phases[-2]["ends"] == at(3 * 70 + 2 * 10).isoformat()


def test_default_minutes_are_decided_once_for_every_mode():
    for mode in core.MODES:
        minutes = plan.default_minutes(mode, CFG)
        assert plan.plan(mode, CFG) == plan.plan(mode, CFG, minutes)
    assert plan.default_minutes("block", CFG) == CFG.block_hours * 60
    with pytest.raises(core.FocusError):
        plan.default_minutes("nap", CFG)


def test_session_and_record_round_trip_through_store_dicts():
    s = core.extend(
        core.interrupt(core.pause(sprint(task="7", paper="2401.1"), at(5)), at(5), "internal", "x"), 60
    )
    assert core.Session.from_doc(s.to_doc()) == s
    doc = s.to_doc()
    assert doc["pauses"] == [[at(5).isoformat(), None]] and doc["interruptions"][0]["kind"] == "internal"
    (r,) = core.stop(s, at(9))
    assert core.FocusRecord.from_doc({**r.to_doc(), "id": "2026-11:1"}) == dataclasses.replace(
        r, id="2026-11:1"
    )
    d = core.FocusDoc(session=s, last_task="7", last_category="model")
    assert core.FocusDoc.from_doc(d.to_doc({"other": 1})) == d
    assert d.to_doc({"other": 1})["other"] == 1


@pytest.mark.parametrize(
    ("record", "doc", "field"),
    [
        (core.Session, {"phase_start": "2026-11-25T09:00:00+00:00", "planned_s": "90"}, "planned_s"),
        (core.Session, {"phase_start": "2026-11-25T09:00:00+00:00", "pauses": [[1, 2]]}, "pauses"),
        (core.FocusRecord, {"start": "a", "end": "b", "interruptions": "many"}, "interruptions"),
        (core.FocusDoc, {"session": [1]}, "session"),
    ],
)
def test_wrong_typed_store_values_raise_a_clear_error(record, doc, field):
    with pytest.raises(core.RecordError, match=f"focus .*{field}"):
        record.from_doc(doc)
