"""Audit use cases on a real store (TinyDB files under a temp COCKPIT_HOME) with a FakeClock."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cockpit import status
from cockpit.core import audit as core
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.errors import ConfigError, UsageError
from cockpit.services import audit
from cockpit.store import CorruptFileError
from tests.audit.conftest import at


def closed(ctx):  # noqa: ANN001, ANN201
    """Closed entries (the tracked one is stored too, with no end)."""
    return sorted((d for d in audit.entries(ctx).all() if d["end"] is not None), key=lambda d: d["start"])


def test_switching_closes_the_previous_entry_at_the_same_instant(berlin_ctx):
    from cockpit.services import mits

    ctx, clock = berlin_ctx, berlin_ctx.clock
    task = mits.tasks(ctx).insert({"title": "ablation"})
    audit.start(ctx, "m", note="ablation", task=task)
    clock.advance(25 * 60)
    audit.start(ctx, "Evaluation/Analysis")  # by name, any case also works
    clock.advance(5 * 60)
    audit.start(ctx, "MEETINGS")
    clock.advance(60)
    audit.stop(ctx)
    docs = closed(ctx)
    assert [d["category"] for d in docs] == ["model", "eval", "meetings"]
    assert [d["end"] for d in docs[:-1]] == [d["start"] for d in docs[1:]]  # no gap, no overlap
    assert docs[0]["note"] == "ablation" and docs[0]["task"] == task and docs[0]["tz"] == "Europe/Berlin"
    assert [(from_stamp(d["end"]) - from_stamp(d["start"])).total_seconds() for d in docs] == [1500, 300, 60]
    assert audit.running(ctx) is None


def test_status_file_track_section_follows_tracking(berlin_ctx):
    ctx = berlin_ctx
    audit.start(ctx, "r")
    track = status.read(ctx.paths.status_file)["track"]
    assert track == {"category": "Research/Learning", "since": to_stamp(ctx.clock.now())}
    assert "Research/Learning" in status.render("text", status.read(ctx.paths.status_file), ctx.clock.now())
    audit.stop(ctx)
    assert "track" not in status.read(ctx.paths.status_file)


def test_unknown_category_names_the_known_ones(berlin_ctx):
    with pytest.raises(UsageError, match=r"unknown category 'q'.*d=Data Preprocessing"):
        audit.start(berlin_ctx, "q")


def test_same_category_again_keeps_the_running_entry(berlin_ctx):
    ctx = berlin_ctx
    first = audit.start(ctx, "d")
    ctx.clock.advance(60)
    assert audit.start(ctx, "d") == first
    assert closed(ctx) == []


def test_add_past_entry_overlap_refused_then_adjusted(berlin_ctx):
    ctx = berlin_ctx
    t = at(2026, 11, 24, 8)
    h = dt.timedelta(hours=1)
    a = audit.add(ctx, t, t + 2 * h, "model")
    b = audit.add(ctx, t + 2 * h, t + 3 * h, "admin", note="mail")
    with pytest.raises(
        audit.OverlapRefused, match=r"overlaps Model Development/Experimentation 2026-11-24 09:00-11:00"
    ):
        audit.add(ctx, t + h, t + 150 * dt.timedelta(minutes=1), "meetings")
    assert len(closed(ctx)) == 2  # nothing changed
    c = audit.add(ctx, t + h, t + 150 * dt.timedelta(minutes=1), "meetings", adjust=True)
    spans = [(d["category"], from_stamp(d["start"]), from_stamp(d["end"])) for d in closed(ctx)]
    assert spans == [
        ("model", t, t + h),
        ("meetings", t + h, t + 150 * dt.timedelta(minutes=1)),
        ("admin", t + 150 * dt.timedelta(minutes=1), t + 3 * h),
    ]
    assert {a, b, c} == {d["id"] for d in closed(ctx)}


def test_adding_inside_the_running_entry_with_adjust_cuts_it(berlin_ctx):
    ctx = berlin_ctx
    audit.start(ctx, "model")
    t0 = ctx.clock.now()
    ctx.clock.advance(3 * 3600)
    with pytest.raises(audit.OverlapRefused, match="running"):
        audit.add(ctx, t0 + dt.timedelta(hours=1), t0 + dt.timedelta(hours=2), "meetings")
    audit.add(ctx, t0 + dt.timedelta(hours=1), t0 + dt.timedelta(hours=2), "meetings", adjust=True)
    assert [(d["category"], d["start"]) for d in closed(ctx)] == [
        ("model", to_stamp(t0)),
        ("meetings", to_stamp(t0 + dt.timedelta(hours=1))),
    ]
    assert audit.running(ctx).since == t0 + dt.timedelta(hours=2)


def test_edit_split_merge_delete_and_undo(berlin_ctx):
    ctx = berlin_ctx
    t = at(2026, 11, 24, 8)
    h = dt.timedelta(hours=1)
    a = audit.add(ctx, t, t + 2 * h, "model", note="x")
    a1, a2 = audit.split(ctx, a, t + h)
    assert [(d["start"], d["end"]) for d in closed(ctx)] == [
        (to_stamp(t), to_stamp(t + h)),
        (to_stamp(t + h), to_stamp(t + 2 * h)),
    ]
    audit.edit(ctx, a2, cat="eval", note="second half")
    assert audit.entries(ctx).require(a2)["category"] == "eval"
    with pytest.raises(audit.OverlapRefused):
        audit.edit(ctx, a2, start=t + h / 2)
    merged = audit.merge(ctx, a1, a2)
    [only] = closed(ctx)
    assert only["id"] == merged and only["category"] == "model" and only["note"] == "x / second half"
    assert only["end"] == to_stamp(t + 2 * h)
    gone = audit.delete(ctx, merged)
    assert closed(ctx) == []
    audit.undo_delete(ctx, gone)
    assert closed(ctx)[0]["id"] == merged and closed(ctx)[0]["note"] == "x / second half"


def test_edit_moving_start_into_another_month_keeps_the_entry_findable(berlin_ctx):
    ctx = berlin_ctx
    e = audit.add(ctx, at(2026, 11, 1, 10), at(2026, 11, 1, 11), "docs")
    new = audit.edit(ctx, e, start=at(2026, 10, 31, 22), end=at(2026, 11, 1, 11))
    assert new.startswith("2026-10-")
    assert [d["id"] for d in closed(ctx)] == [new]


def test_away_resolution_book_to_another_category(berlin_ctx):
    ctx = berlin_ctx
    audit.start(ctx, "model")
    t0 = ctx.clock.now()
    ctx.clock.advance(3600)
    away = core.Away(t0 + dt.timedelta(minutes=20), t0 + dt.timedelta(minutes=50), "detached")
    audit.resolve_away(ctx, away, "book", "c")
    assert [(d["category"], d["start"], d["end"]) for d in closed(ctx)] == [
        ("model", to_stamp(t0), to_stamp(away.start)),
        ("meetings", to_stamp(away.start), to_stamp(away.end)),
    ]
    assert audit.running(ctx).since == away.end


def test_report_reads_only_the_partitions_it_needs(berlin_ctx):
    ctx = berlin_ctx
    audit.add(ctx, at(2026, 11, 24, 8), at(2026, 11, 24, 9), "model")
    audit.add(ctx, at(2020, 1, 6, 8), at(2020, 1, 6, 9), "admin")
    # an old month's file is damaged: this week's report must still work, since it never opens it
    (ctx.paths.store_dir / "time_entries" / "2020-01.json").write_text("{not json")
    first, end = audit.period(ctx, "week")
    r = audit.report(ctx, first, end, kind="week")
    assert r.categories == {"model": 3600}
    with pytest.raises(CorruptFileError):
        audit.export(ctx, None, None, "json")  # a full export does read it, and says so


def test_sources_from_other_instruments_are_reported(berlin_ctx):
    ctx = berlin_ctx
    audit.add_entry(
        ctx, start=at(2026, 11, 24, 8), end=at(2026, 11, 24, 9, 30), category="model", source="sprint"
    )
    audit.add_entry(
        ctx,
        start=at(2026, 11, 24, 10),
        end=at(2026, 11, 24, 10, 45),
        category="research",
        source="reading",
        paper="2406.16733",
    )
    r = audit.report(ctx, dt.date(2026, 11, 24), dt.date(2026, 11, 25))
    assert r.sources == {"sprint": 5400, "reading": 2700}


def test_export_csv_and_json_for_a_range(berlin_ctx):
    ctx = berlin_ctx
    audit.add(ctx, at(2026, 11, 23, 23, 30), at(2026, 11, 24, 0, 30), "model", note='say "hi", [b]x[/b]')
    audit.add(ctx, at(2026, 11, 20, 8), at(2026, 11, 20, 9), "admin")
    rows = json.loads(audit.export(ctx, dt.date(2026, 11, 24), dt.date(2026, 11, 25), "json"))
    assert [(r["local_start"], r["local_end"], r["seconds"]) for r in rows] == [
        ("2026-11-24T00:30:00+01:00", "2026-11-24T01:30:00+01:00", 3600)
    ]
    text = audit.export(ctx, dt.date(2026, 11, 24), dt.date(2026, 11, 25), "csv")
    import csv
    import io

    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["note"] == 'say "hi", [b]x[/b]' and row["category_name"] == "Model Development/Experimentation"


def test_import_is_idempotent_and_reports_each_bad_row(berlin_ctx, tmp_path):
    ctx = berlin_ctx
    f = tmp_path / "timew.data"
    f.write_text(
        "inc 20241104T080000Z - 20241104T093000Z # research paper\n"
        "inc 2024-11-04 - 20241104T100000Z # admin\n"
        'inc 20241104T100000Z - 20241104T103000Z # "mystery tag"\n'
        'inc 20241104T110000Z - 20241104T120000Z # meeting # "sync"\n'
    )
    dry = audit.import_file(ctx, "timewarrior", f, mapping={"meeting": "c"}, dry_run=True)
    assert len(dry.new) == 2 and closed(ctx) == []
    assert dry.errors == [
        "line 2: time '2024-11-04' is not YYYYMMDDTHHMMSSZ",
        "line 3: no category for 'mystery tag'; add --map NAME=CATEGORY",
    ]
    res = audit.import_file(ctx, "timewarrior", f, mapping={"meeting": "c"})
    assert len(res.new) == 2 and res.seconds == 5400 + 3600
    again = audit.import_file(ctx, "timewarrior", f, mapping={"meeting": "c"})
    assert again.new == [] and again.duplicates == 2
    docs = closed(ctx)
    assert [(d["category"], d["source"], d["note"]) for d in docs] == [
        ("research", "import:timewarrior", ""),
        ("meetings", "import:timewarrior", "sync"),
    ]


def test_import_map_from_config(home, write_config, tmp_path):
    from cockpit.context import Context
    from cockpit.core.clock import FakeClock

    write_config('[audit]\nimport_map = { "proj-x" = "Model Development/Experimentation" }\n')
    ctx = Context.open(home, clock=FakeClock(at(2026, 11, 25), tz="UTC"))
    f = tmp_path / "frames"
    f.write_text(json.dumps([[1730707200, 1730710800, "proj-x", "abc", [], 1730710800]]))
    res = audit.import_file(ctx, "watson", f)
    assert [e.category for e in res.new] == ["model"]


def test_import_missing_file_and_bad_zone_are_one_line_errors(berlin_ctx, tmp_path):
    from cockpit.errors import CockpitError

    with pytest.raises(CockpitError, match="cannot read"):
        audit.import_file(berlin_ctx, "watson", tmp_path / "nope")
    with pytest.raises(UsageError, match="unknown time zone 'Mars/Base'"):
        audit.import_file(berlin_ctx, "toggl", tmp_path / "nope", tz="Mars/Base")


def test_import_map_and_default_in_config_are_checked(home, write_config, tmp_path):
    from cockpit.context import Context
    from cockpit.core.clock import FakeClock

    f = tmp_path / "frames"
    f.write_text(json.dumps([[1730707200, 1730710800, "misc", "abc", [], 1730710800]]))
    write_config('[audit]\nimport_map = { "x" = "naps" }\n')
    with pytest.raises(ConfigError, match=r"audit.import_map.x: unknown category 'naps'"):
        Context.open(home, clock=FakeClock(at(2026, 11, 25), tz="UTC"))  # checked at load
    write_config('[audit]\nimport_default = "a"\n')
    ctx = Context.open(home, clock=FakeClock(at(2026, 11, 25), tz="UTC"))
    assert [e.category for e in audit.import_file(ctx, "watson", f).new] == ["admin"]


def test_switch_across_a_month_boundary_keeps_no_gap(home):
    from cockpit.context import Context
    from cockpit.core.clock import FakeClock

    ctx = Context.open(home, clock=FakeClock(at(2026, 10, 31, 23, 50), tz="UTC"))
    audit.start(ctx, "t")
    ctx.clock.advance(20 * 60)
    audit.start(ctx, "e")
    ctx.clock.advance(60)
    audit.start(ctx, "m")  # same month now: the running entry keeps its id
    run = audit.running(ctx)
    ctx.clock.advance(60)
    audit.start(ctx, "d")
    assert audit.running(ctx).id == run.id
    ctx.clock.advance(60)
    assert audit.stop(ctx).id == run.id
    docs = closed(ctx)
    assert [(d["id"][:7], d["category"]) for d in docs] == [
        ("2026-10", "training"),
        ("2026-11", "eval"),
        ("2026-11", "model"),
        ("2026-11", "data"),
    ]
    assert [d["end"] for d in docs[:-1]] == [d["start"] for d in docs[1:]]
    assert audit.entries(ctx).parts() == ["2026-10", "2026-11"]


def test_running_entry_is_exported_once_and_a_lost_one_does_not_block_tracking(berlin_ctx):
    ctx = berlin_ctx
    audit.start(ctx, "r", note="reading")
    ctx.clock.advance(600)
    rows = json.loads(audit.export(ctx, None, None, "json"))
    assert [(r["id"], r["end"], r["seconds"]) for r in rows] == [("running", None, 600)]
    audit.entries(ctx).remove(audit.running(ctx).id)  # e.g. deleted by hand in another process
    assert audit.running(ctx) is None
    audit.start(ctx, "m")
    assert audit.running(ctx).category == "model"
