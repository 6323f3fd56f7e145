"""Tasks live in files of 100 ids: a task write rewrites its own file only, and the decisions
that span every task (the MIT cap, carry-over, the morning plan) still see all of them, across
files and across processes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cockpit.context import Context
from cockpit.core.clock import FakeClock
from cockpit.services import mits


def files(ctx: Context) -> dict[str, tuple[int, int, bytes]]:
    folder = ctx.paths.store_dir / "tasks"
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in folder.glob("*.json")}


def many(ctx: Context, n: int) -> list[str]:
    return mits.tasks(ctx).insert_many(
        {"title": f"t{i}", "done": None, "mit_date": None} for i in range(1, n + 1)
    )


def test_a_task_write_rewrites_only_the_file_of_its_hundred(ctx):
    assert many(ctx, 250) == [str(i) for i in range(1, 251)]
    before = files(ctx)
    assert sorted(before) == ["0000xx.json", "0001xx.json", "0002xx.json"]
    mits.complete(ctx, "150")
    after = files(ctx)
    assert [n for n in sorted(after) if after[n] != before[n]] == ["0001xx.json"]
    assert json.loads(after["0001xx.json"][2])["docs"]["150"]["done"]
    assert mits.get_task(ctx, "150").done and not mits.get_task(ctx, "151").done


def test_ids_keep_counting_after_the_highest_across_files(ctx):
    many(ctx, 199)
    assert mits.add_task(ctx, "two hundred").id == "200"  # opens the file 0002xx
    assert mits.add_task(ctx, "next").id == "201"
    undo = mits.delete(ctx, "201")
    assert mits.get_task(ctx, "201") is None
    mits.undo(ctx, undo)
    assert mits.get_task(ctx, "201").title == "next"
    assert mits.resolve_id(ctx, "200").title == "two hundred"
    with pytest.raises(mits.UsageError):
        mits.complete(ctx, "9999")
    with pytest.raises(mits.UsageError):
        mits.complete(ctx, "0001xx")


def test_cap_carry_over_and_plan_span_files(home, clock):
    ctx = Context.open(home, clock=clock)
    many(ctx, 320)
    mits.make_mit(ctx, "5")
    mits.make_mit(ctx, "150")
    mits.make_mit(ctx, "310")
    with pytest.raises(mits.MitCapError) as err:
        mits.make_mit(ctx, "99")
    assert [t.id for t in err.value.mits] == ["5", "150", "310"]
    mits.complete(ctx, "150")
    clock.advance(24 * 3600)  # the next day: the two open MITs carry over, the done one stays
    assert [t.id for t in mits.todays_mits(ctx)] == ["5", "310"]
    assert mits.carry_over(ctx) == 2
    assert mits.get_task(ctx, "310").mit_date == mits.today(ctx)
    mits.set_mits(ctx, ["201", "5"])
    assert [t.id for t in mits.todays_mits(ctx)] == ["201", "5"]
    assert mits.get_task(ctx, "310").mit_date is None
    mits.swap_mit(ctx, "99", "201")
    assert [t.id for t in mits.todays_mits(ctx)] == ["99", "5"]


def test_another_process_change_in_another_file_counts_at_once(home, clock):
    """Two stores (two processes' caches): one reads every file, the other picks MITs in other
    files; the first sees them at its next decision, within the same second."""
    a = Context.open(home, clock=clock)
    many(a, 300)
    a_view = mits.list_tasks(a, "all")  # a has every file cached
    assert len(a_view) == 300
    b = Context.open(home, clock=FakeClock(clock.now(), tz="Europe/Berlin"))
    mits.make_mit(b, "120")
    mits.make_mit(b, "250")
    mits.make_mit(a, "7")
    with pytest.raises(mits.MitCapError):
        mits.make_mit(a, "8")
    assert [t.id for t in mits.todays_mits(a)] == ["120", "250", "7"]


def test_stray_files_in_the_tasks_folder_are_not_tasks(ctx):
    many(ctx, 3)
    folder = Path(ctx.paths.store_dir) / "tasks"
    (folder / "notes.json").write_text('{"docs": {"1": {"title": "not a task"}}}')
    assert [t.title for t in mits.list_tasks(ctx, "all")] == ["t1", "t2", "t3"]
    assert mits.add_task(ctx, "four").id == "4"


def test_a_new_day_is_seen_by_the_remembered_matches(home):
    clock = FakeClock(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tz="Europe/Berlin")
    ctx = Context.open(home, clock=clock)
    many(ctx, 10)
    mits.make_mit(ctx, "3")
    assert [t.id for t in mits.todays_mits(ctx)] == ["3"]
    mits.complete(ctx, "3")
    clock.advance(24 * 3600)
    assert mits.todays_mits(ctx) == []  # a done MIT of yesterday is not today's
    mits.make_mit(ctx, "4")
    assert [t.id for t in mits.todays_mits(ctx)] == ["4"]
