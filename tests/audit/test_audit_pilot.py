"""The Time audit pane and its screens, driven by keys with Pilot at 80x24 and a FakeClock."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from cockpit.core.clock import from_stamp
from cockpit.services import audit
from cockpit.tui.app import CockpitApp
from cockpit.tui.audit.away import AwayScreen
from cockpit.tui.audit.entry import EntryEditor
from cockpit.tui.audit.pane import AuditPane
from cockpit.tui.audit.report import ReportScreen
from tests.audit.conftest import at

HOSTILE = (
    "[bold red]boom[/] [link=http://x]l[/link] \x1b]8;;http://e\x07osc\x1b]8;;\x07 \x1b[31mred\x00 עברית 漢字 "
    + "z" * 10000
)


def closed(ctx):  # noqa: ANN001, ANN201
    """Closed entries (the tracked one is stored too, with no end)."""
    return sorted((d for d in audit.entries(ctx).all() if d["end"] is not None), key=lambda d: d["start"])


def now_text(app) -> str:  # noqa: ANN001
    return str(app.query_one("#audit-now", Static).render())


def rows(app) -> list[list[str]]:  # noqa: ANN001
    t = app.query_one("#audit-entries", DataTable)
    return [[c.plain for c in t.get_row_at(i)] for i in range(t.row_count)]


async def open_pane(pilot) -> AuditPane:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("3")
    await pilot.pause()
    return pilot.app.query_one(AuditPane)


async def test_category_keys_start_switch_and_stop(berlin_ctx):
    ctx = berlin_ctx
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        assert now_text(app).startswith("Not tracking")
        await pilot.press("m")
        assert now_text(app).startswith("● 0h00 Model Develop")
        ctx.clock.advance(600)
        await pilot.press("e")
        ctx.clock.advance(60)
        await pilot.press("s")
        await pilot.pause()
        assert now_text(app).startswith("Not tracking")
        docs = closed(ctx)
        assert [(d["category"], (from_stamp(d["end"]) - from_stamp(d["start"])).seconds) for d in docs] == [
            ("model", 600),
            ("eval", 60),
        ]
        assert docs[0]["end"] == docs[1]["start"]
        # the entry list is hidden in the small pane and built when it grows: zoom to see it
        assert not app.query("#audit-entries")
        await pilot.press("z")
        await pilot.pause()
        assert [r[2] for r in rows(app)] == ["Evaluation/Analysis", "Model Development/Exper…"]


async def test_sources_and_hostile_notes_are_shown_literally(berlin_ctx):
    ctx = berlin_ctx
    audit.add_entry(
        ctx,
        start=at(2026, 11, 25, 6),
        end=at(2026, 11, 25, 7),
        category="model",
        source="sprint",
        note=HOSTILE,
    )
    audit.add_entry(
        ctx, start=at(2026, 11, 25, 7), end=at(2026, 11, 25, 7, 30), category="research", source="reading"
    )
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        await pilot.press("z")
        await pilot.pause()
        got = rows(app)
        assert [r[3] for r in got] == ["read", "sprint"]
        note = got[1][4]
        assert note.startswith("[bold red]boom[/] [link=http://x]l[/link] osc red עברית 漢字 ")
        assert "\x1b" not in note and "\x00" not in note and note.endswith("…") and len(note) == 60


async def test_add_entry_overlap_refused_then_adjust(berlin_ctx):
    ctx = berlin_ctx
    audit.add(ctx, at(2026, 11, 25, 5), at(2026, 11, 25, 7), "model")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditor)
        for wid, value in (
            ("#start", "2026-11-25 07:00"),
            ("#end", "2026-11-25 08:30"),
            ("#category", "c"),
            ("#note", "standup"),
        ):
            app.screen.query_one(wid).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        err = str(app.screen.query_one("#entry-error", Static).render())
        assert err.startswith("overlaps Model Development/Experimentation 2026-11-25 06:00-08:00")
        assert app.screen.query_one("#adjust").display
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not isinstance(app.screen, EntryEditor)
        assert [(d["category"], d["end"]) for d in closed(ctx)] == [
            ("model", "2026-11-25T06:00:00+00:00"),
            ("meetings", "2026-11-25T07:30:00+00:00"),
        ]


async def test_split_merge_delete_and_undo_by_keys(berlin_ctx):
    ctx = berlin_ctx
    audit.add(ctx, at(2026, 11, 25, 5), at(2026, 11, 25, 7), "docs", note="report")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        await pilot.press("z")  # the entry list shows in a zoomed (large) pane
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one("#at").value = "07:00"
        await pilot.press("enter")
        await pilot.pause()
        assert [d["end"] for d in closed(ctx)] == ["2026-11-25T06:00:00+00:00", "2026-11-25T07:00:00+00:00"]
        await pilot.pause(0.3)  # the list redraws with both halves
        await pilot.press("down")  # rows are newest first: the cursor goes to the earlier half
        await pilot.press("j")
        await pilot.pause()
        assert [(d["start"], d["end"]) for d in closed(ctx)] == [
            ("2026-11-25T05:00:00+00:00", "2026-11-25T07:00:00+00:00")
        ]
        await pilot.press("delete")
        await pilot.pause()
        assert closed(ctx) == [] and rows(app) == []
        await pilot.press("u")
        await pilot.pause()
        assert len(closed(ctx)) == 1 and rows(app)[0][4] == "report / report"


async def test_away_dialog_books_the_gap_to_another_category(berlin_ctx):
    ctx = berlin_ctx
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("m")
        t0 = ctx.clock.now()
        ctx.clock.advance(300)
        pane.observe_away(ctx.clock.now(), False)  # tmux client detached
        ctx.clock.advance(3600)
        pane.observe_away(None, True)  # attached again
        await pilot.pause()
        assert isinstance(app.screen, AwayScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        # the last input before the detach was at 09:05 (tmux client_activity)
        assert "Away 09:05-10:05 (1h00): the tmux client was detached while tracking Model" in shown
        await pilot.press("b")
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, AwayScreen)
        assert [(d["category"], d["start"], d["end"]) for d in closed(ctx)] == [
            ("model", t0.isoformat(), at(2026, 11, 25, 8, 5).isoformat()),
            ("meetings", at(2026, 11, 25, 8, 5).isoformat(), at(2026, 11, 25, 9, 5).isoformat()),
        ]
        assert audit.running(ctx).since == ctx.clock.now()


async def test_idle_minutes_then_discard(berlin_ctx):
    ctx = berlin_ctx
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("r")
        ctx.clock.advance(16 * 60)
        pane.observe_away(None, None)  # outside tmux: 16 min without a key
        ctx.clock.advance(20 * 60)
        await pilot.press("down")  # a key reaches cockpit again
        pane.observe_away(None, None)
        await pilot.pause()
        assert isinstance(app.screen, AwayScreen)
        await pilot.press("d")
        await pilot.pause()
        assert closed(ctx) == []  # the whole span so far was away: nothing kept
        assert audit.running(ctx).category == "research"


async def test_report_screen_periods_and_custom_range(berlin_ctx):
    ctx = berlin_ctx
    audit.add(ctx, at(2026, 11, 24, 8), at(2026, 11, 24, 10), "model")
    audit.add(ctx, at(2026, 11, 25, 6), at(2026, 11, 25, 7), "admin")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)

        def body() -> str:
            return str(app.screen.query_one("#report-body", Static).render())

        assert body().startswith("Week 23 Nov - 29 Nov 2026 · Europe/Berlin · 3h00 tracked")
        assert "Tue 24 m" in body() and all(len(line) <= 80 for line in body().splitlines())
        await pilot.press("d")
        assert body().startswith("Day Wed 25 Nov 2026") and "1h00 tracked" in body()
        await pilot.press("left")
        assert body().startswith("Day Tue 24 Nov 2026") and "2h00 tracked" in body()
        await pilot.press("c")
        await pilot.press(*"2026-11-01 2026-11-30", "enter")
        await pilot.pause()
        assert body().startswith("Range 01 Nov - 30 Nov 2026") and "3h00 tracked" in body()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportScreen)


async def test_suspend_seen_as_a_clock_jump_asks_too(berlin_ctx):
    ctx = berlin_ctx
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot)
        await pilot.press("w")
        ctx.clock.advance(60)
        pane._tick()
        ctx.clock.jump_wall(3 * 3600)
        pane._tick()
        await pilot.pause()
        assert isinstance(app.screen, AwayScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Away 09:01-12:01 (3h00): the clock jumped" in shown
        await pilot.press("k")
        await pilot.pause()
        assert closed(ctx) == [] and audit.running(ctx).since == at(2026, 11, 25, 8)


async def test_custom_categories_and_remapped_keys(home, write_config):
    from cockpit.context import Context
    from cockpit.core.clock import FakeClock

    write_config(
        """
[keymap]
"audit.track_model" = "f2"

[[audit.categories]]
id = "model"
name = "Modelling"
key = "m"

[[audit.categories]]
id = "grant"
name = "Grant writing"
key = "g"
color = "#c0ffee"
"""
    )
    ctx = Context.open(home, clock=FakeClock(at(2026, 11, 25, 8), tz="Europe/Berlin"))
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        await pilot.press("g")  # a category added in config: its key works
        assert audit.running(ctx).category == "grant"
        ctx.clock.advance(60)
        await pilot.press("f2")  # the remapped binding of Modelling
        assert audit.running(ctx).category == "model"
        ctx.clock.advance(60)
        await pilot.press("d")  # no category has this key any more: nothing happens
        assert audit.running(ctx).category == "model"
        assert now_text(app).endswith(" Modelling")
        await pilot.press("o")  # the report draws the added category
        await pilot.pause()
        assert "Grant writing" in str(app.screen.query_one("#report-body", Static).render())


async def test_fragments_are_flagged_and_the_editor_links_a_task(berlin_ctx):
    from cockpit.services import mits

    ctx = berlin_ctx
    task = mits.tasks(ctx).insert({"title": "write the paper"})
    audit.add(ctx, at(2026, 11, 25, 6), at(2026, 11, 25, 6, 5), "admin")
    audit.add(ctx, at(2026, 11, 25, 6, 5), at(2026, 11, 25, 7), "docs")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot)
        await pilot.press("z")
        assert [r[1] for r in rows(app)] == ["0h55", "0h05!"]
        await pilot.press("i")  # the newest entry is selected
        await pilot.pause()
        app.screen.query_one("#task").value = "nope"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "no task with id 'nope'" in str(app.screen.query_one("#entry-error", Static).render())
        app.screen.query_one("#task").value = task
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, EntryEditor)
        assert [d["task"] for d in closed(ctx)] == [None, task]
        assert [d["end"] for d in closed(ctx)] == ["2026-11-25T06:05:00+00:00", "2026-11-25T07:00:00+00:00"]


async def test_small_pane_does_not_edit_an_entry_it_does_not_show(berlin_ctx):
    ctx = berlin_ctx
    audit.add(ctx, at(2026, 11, 25, 6), at(2026, 11, 25, 7), "docs")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_pane(pilot)
        assert pane.has_class("-compact")
        await pilot.press("delete")
        await pilot.pause()
        assert len(closed(ctx)) == 1
        await pilot.press("z", "delete")
        await pilot.pause()
        assert closed(ctx) == []


async def test_split_or_merge_of_the_running_entry_says_why_not(berlin_ctx):
    ctx = berlin_ctx
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_pane(pilot)
        await pilot.press("z", "m")  # tracking Model: the running entry is the list's first row
        ctx.clock.advance(600)
        await pilot.pause(0.3)
        for key in ("slash", "j"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, EntryEditor)
        said = [n.message for n in app._notifications]
        assert "the running entry cannot be split: switch category (or s to stop) first" in said
        assert "the running entry cannot be merged: stop it (s) first" in said
        assert audit.running(ctx).category == "model" and closed(ctx) == []
