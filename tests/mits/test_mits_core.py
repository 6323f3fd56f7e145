"""Unit tests: the MIT cap, carry-over across days (FakeClock), matrix and board moves, numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from cockpit.core import tasks as core
from cockpit.core.mits_records import RecordError, Task
from cockpit.errors import UsageError
from cockpit.services import audit, mits


def test_cap_of_three_is_hard_and_refusal_changes_nothing(ctx):
    ids = [mits.add_task(ctx, f"t{i}", mit=True).id for i in range(3)]
    other = mits.add_task(ctx, "fourth").id
    with pytest.raises(mits.MitCapError) as err:
        mits.make_mit(ctx, other)
    assert "cap is 3" in str(err.value)
    assert [t.id for t in err.value.mits] == ids  # the swap candidates
    with pytest.raises(mits.MitCapError):
        mits.add_task(ctx, "fifth", mit=True)
    assert [t["title"] for t in mits.tasks(ctx).all()] == ["t0", "t1", "t2", "fourth"]
    assert [t.id for t in mits.todays_mits(ctx)] == ids


def test_config_lowers_the_cap_but_cannot_raise_it(write_config, home, clock):
    from cockpit.context import Context
    from cockpit.errors import ConfigError

    write_config("[mits]\nmax_mits = 1\n")
    ctx = Context.open(home, clock=clock)
    mits.add_task(ctx, "one", mit=True)
    with pytest.raises(mits.MitCapError):
        mits.add_task(ctx, "two", mit=True)
    write_config("[mits]\nmax_mits = 4\n")
    with pytest.raises(ConfigError):
        Context.open(home, clock=clock)


def test_swap_keeps_the_place_in_the_order(ctx):
    a, b, c = (mits.add_task(ctx, n, mit=True).id for n in "abc")
    d = mits.add_task(ctx, "d").id
    mits.swap_mit(ctx, d, b)
    assert [t.title for t in mits.todays_mits(ctx)] == ["a", "d", "c"]
    assert not mits.get_task(ctx, b).mit_date


def test_unfinished_mits_carry_over_with_days_carried(ctx, clock):
    a = mits.add_task(ctx, "finish draft", mit=True).id
    b = mits.add_task(ctx, "run ablation", mit=True).id
    mits.complete(ctx, b)
    clock.advance(24 * 3600)  # next day
    today = mits.todays_mits(ctx)
    assert [t.id for t in today] == [a]
    assert core.carried_days(today[0], mits.today(ctx)) == 1
    clock.advance(2 * 24 * 3600)  # two more days, the app not opened meanwhile
    assert mits.carry_over(ctx) == 1
    t = mits.get_task(ctx, a)
    assert t.mit_date == mits.today(ctx) == "2026-11-28"
    assert core.carried_days(t, mits.today(ctx)) == 3
    # the done one stays where it was done
    assert mits.get_task(ctx, b).mit_date == "2026-11-25"


def test_day_change_follows_the_local_zone(ctx, clock):
    # 22:30 UTC on the 25th is 23:30 in Berlin (still the 25th); 23:30 UTC is the 26th there
    clock.advance((22 * 60 + 30 - 9 * 60) * 60)
    mits.add_task(ctx, "late", mit=True)
    assert mits.today(ctx) == "2026-11-25"
    clock.advance(3600)
    assert mits.today(ctx) == "2026-11-26"
    assert core.carried_days(mits.todays_mits(ctx)[0], "2026-11-26") == 1


def test_carried_mits_count_against_the_cap_and_a_lowered_cap_drops_the_rest(ctx, clock, home, write_config):
    from cockpit.context import Context

    ids = [mits.add_task(ctx, f"t{i}", mit=True).id for i in range(3)]
    clock.advance(86400)
    with pytest.raises(mits.MitCapError):
        mits.add_task(ctx, "fresh", mit=True)  # three carried MITs fill today
    write_config("[mits]\nmax_mits = 2\n")
    ctx2 = Context.open(home, clock=clock)
    assert [t.title for t in mits.todays_mits(ctx2)] == ["t0", "t1"]
    mits.carry_over(ctx2)
    assert mits.get_task(ctx2, ids[2]).mit_date is None
    assert mits.get_task(ctx2, ids[0]).mit_date == "2026-11-26"


def test_history_planned_vs_done_per_day(ctx, clock):
    a = mits.add_task(ctx, "a", mit=True).id
    mits.add_task(ctx, "b", mit=True)
    clock.advance(86400)
    mits.carry_over(ctx)
    mits.complete(ctx, a)
    rows = mits.history(ctx, 3)
    assert rows == [
        {"date": "2026-11-24", "planned": 0, "done": 0},
        {"date": "2026-11-25", "planned": 2, "done": 0},
        {"date": "2026-11-26", "planned": 2, "done": 1},
    ]


def test_matrix_quadrants_and_moves():
    t = Task("1", impact="high", effort="quick")
    assert core.quadrant_of(t) == "do"
    assert core.quadrant_step("do", "right") == "schedule"
    assert core.quadrant_step("do", "down") == "delegate"
    assert core.quadrant_step("do", "left") == "do"  # the edge
    assert core.quadrant_step("schedule", "down") == "eliminate"
    days = Task("2", impact="high", effort="days")
    assert core.quadrant_fields(days, "eliminate") == {"impact": "low", "effort": "days"}
    assert core.quadrant_fields(days, "delegate") == {"impact": "low", "effort": "quick"}
    assert core.quadrant_of(t.updated(core.quadrant_fields(t, "schedule"))) == "schedule"


def test_matrix_and_board_moves_are_stored(ctx):
    tid = mits.add_task(ctx, "x", impact="high", effort="quick").id
    mits.set_quadrant(ctx, tid, "eliminate")
    assert core.quadrant_of(mits.get_task(ctx, tid)) == "eliminate"
    mits.move_stage(ctx, tid, 1)
    assert mits.get_task(ctx, tid).stage == "hypothesis"
    for _ in range(6):
        mits.move_stage(ctx, tid, 1)
    assert mits.get_task(ctx, tid).stage == "deployment"  # stops at the end
    mits.move_stage(ctx, tid, -1)
    assert mits.get_task(ctx, tid).stage == "evaluation"


def test_stage_and_category_names(ctx):
    assert core.parse_stage("Data prep") == core.parse_stage("data-prep") == "data"
    assert core.parse_stage("none") is None
    with pytest.raises(core.BadValue, match="hypothesis .*deployment"):
        core.parse_stage("shipping")
    assert mits.parse(ctx, "category", "EVAL") == "eval"
    assert mits.parse(ctx, "category", "research/learning") == "research"
    assert mits.parse(ctx, "category", "m") == "model"
    with pytest.raises(UsageError, match="valid: data"):
        mits.parse(ctx, "category", "cooking")


def test_delete_and_undo_restore_the_same_task(ctx):
    tid = mits.add_task(ctx, "keep me", mit=True, estimate=2).id
    record = mits.delete(ctx, tid)
    assert mits.get_task(ctx, tid) is None
    mits.undo(ctx, record)
    assert mits.get_task(ctx, tid).title == "keep me"
    assert [t.id for t in mits.todays_mits(ctx)] == [tid]


def test_planned_vs_actual_and_mit_share(ctx, clock):
    a = mits.add_task(ctx, "mit", mit=True, estimate=2).id
    b = mits.add_task(ctx, "other").id
    now = clock.now()
    audit.add_entry(
        ctx, start=now, end=now + dt.timedelta(minutes=90), category="model", source="sprint", task=a
    )
    audit.add_entry(
        ctx, start=now + dt.timedelta(hours=2), end=now + dt.timedelta(hours=2, minutes=30),
        category="docs", source="sprint", task=b,
    )  # fmt: skip
    audit.add_entry(ctx, start=now, end=now + dt.timedelta(minutes=10), category="admin", source="manual")
    mits.add_focus_time(ctx, a, 90 * 60)
    # sprints are counted from the focus records, as `focus status` counts them
    from cockpit.core.clock import to_stamp
    from cockpit.core.focus_records import COMPLETED, FocusRecord
    from cockpit.services.focus_state import keep_records

    def sprint(task, start, minutes):  # noqa: ANN001, ANN202
        end = start + dt.timedelta(minutes=minutes)
        return FocusRecord(
            session=f"s{task}", mode="sprint", phase="focus", round=1, start=to_stamp(start),
            end=to_stamp(end), planned_s=minutes * 60, active_s=minutes * 60, task=task, outcome=COMPLETED,
        )  # fmt: skip

    keep_records(ctx, [sprint(a, now, 90), sprint(b, now + dt.timedelta(hours=2), 30)])
    clock.advance(4 * 3600)
    pva = core.planned_vs_actual(mits.get_task(ctx, a), ctx.config.focus.sprint_minutes)
    assert pva["sprints"] == 1 and pva["estimate"] == 2 and pva["ratio"] == 0.5
    s = mits.day_summary(ctx)
    assert s.sprints == 2
    assert s.mit_share == 0.75  # 90 of 120 sprint minutes went to the MIT
    # the admin entry lies inside the sprint: the time audit's report counts each minute once,
    # and the shutdown says what the report says
    assert s.by_category == {"model": 5400, "docs": 1800}
    assert s.by_category == audit.report(ctx, clock.now().date(), clock.now().date() + dt.timedelta(days=1), False).categories
    assert s.mits_done == 0 and s.mits_total == 1


def test_status_section_follows_the_mits(ctx):
    from cockpit import status

    a = mits.add_task(ctx, "first", mit=True).id
    mits.add_task(ctx, "second", mit=True)
    mits.complete(ctx, a)
    assert status.read(ctx.paths.status_file)["mits"] == {"current": "second", "done": 1, "total": 2}


def test_retro_is_saved_per_week_with_its_numbers(ctx, clock):
    mits.add_task(ctx, "a", mit=True)
    r = mits.save_retro(ctx, {"worked": "sprints", "didnt": "meetings", "drop": "lr sweep"})
    assert r.week == "2026-W48" and r.numbers.mits_planned == 1
    mits.save_retro(ctx, {"worked": "again"})
    clock.advance(7 * 86400)
    mits.save_retro(ctx, {"worked": "next"})
    assert [(x.week, x.worked) for x in mits.list_retros(ctx)] == [
        ("2026-W49", "next"),
        ("2026-W48", "again"),
    ]


def test_task_record_round_trips_and_names_a_wrong_typed_field():
    doc = {"id": "7", "title": "ablate", "estimate": 2, "mit_days": ["2026-11-25"], "extra": 1}
    t = Task.from_doc(doc)
    assert (t.id, t.title, t.estimate, t.mit_days, t.impact, t.done) == (
        "7", "ablate", 2, ("2026-11-25",), "high", None,
    )  # fmt: skip
    assert Task.from_doc(t.to_doc()) == t
    assert t.updated({"done": "2026-11-25T10:00:00+00:00"}).done and not t.done  # frozen: a new record
    with pytest.raises(AttributeError):
        t.title = "x"  # type: ignore[misc]
    for key, bad in (("title", 3), ("estimate", "3"), ("mit_days", "2026-11-25"), ("done", True)):
        with pytest.raises(RecordError, match=rf"task '7': {key}"):
            Task.from_doc({**doc, key: bad})


def test_a_wrong_typed_task_in_the_store_is_one_clear_error(ctx):
    tid = mits.add_task(ctx, "fine").id
    mits.tasks(ctx).update(tid, {"focus_s": "lots"})
    with pytest.raises(RecordError, match="focus_s must be a whole number"):
        mits.list_tasks(ctx)


def test_the_day_document_and_retros_are_records(ctx):
    from cockpit.core.mits_records import MitsDay
    from cockpit.core.rituals import Retro

    assert mits.state(ctx) == MitsDay()
    assert mits.first_start_today(ctx) and not mits.first_start_today(ctx)
    closed = mits.close_day(ctx)
    day = mits.state(ctx)
    assert day.last_start == "2026-11-25" and day.closed == {"2026-11-25": closed}
    r = mits.save_retro(ctx, {"worked": "w", "didnt": "d", "drop": "x"})
    assert Retro.from_doc({**r.to_doc(), "id": r.id}) == r
    assert (r.answer("worked"), r.answer("didnt"), r.answer("drop")) == ("w", "d", "x")
    with pytest.raises(RecordError, match="retro"):
        Retro.from_doc({"id": "1", "week": 48})
