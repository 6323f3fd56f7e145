"""What a cut text looks like at 80x24 (issue 14): cut titles end in "…", the title has the room
first, and the whole text is one look away (the detail line, a tooltip); help ids stay on their
key's line; the audit report shows category names whole when there is room."""

from __future__ import annotations

import datetime as dt
import re

from cockpit.services import audit, mits
from cockpit.tui.app import CockpitApp
from cockpit.tui.mits.board import BoardScreen
from cockpit.tui.shell.help import HelpScreen
from tests.harness.pilot import settle

LONG = "Rerun the ablation on the long-context retrieval benchmark"
OTHER = "Write the related-work section of the workshop paper draft"


def screen_lines(app: CockpitApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def add_tasks(ctx) -> None:
    today = ctx.clock.now().astimezone(ctx.clock.tz).date().isoformat()
    tasks = mits.tasks(ctx)
    tasks.insert({"title": LONG, "category": "model", "mit_date": today, "mit_order": 0, "estimate": 3})
    tasks.insert({"title": "Short one", "category": "model", "mit_date": today, "mit_order": 1})
    tasks.insert({"title": OTHER, "category": "research", "stage": "training"})


def row_with(lines: list[str], start: str) -> str:
    """The cell text of the MITs row whose title starts with ``start`` (between the borders)."""
    for line in lines:
        for cell in line.split("│"):
            if start in cell:
                return cell.strip()
    raise AssertionError(f"no row with {start!r} in\n" + "\n".join(lines))


async def test_long_mit_title_is_ellipsised_with_the_room_first_and_shown_whole_below(ctx):
    add_tasks(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        lines = screen_lines(app)
        row = row_with(lines, "Rerun the abl")
        title = row.removeprefix("★ ")
        assert title.endswith("…") and len(title) > 19  # more than 18 characters of the title
        assert LONG.startswith(title[:-1])
        assert "0/3" not in row  # the sprints give way to the title in a narrow pane
        assert row_with(lines, "Short one").endswith("Short one")  # a short title is not cut
        # the whole title: in the detail line under the list, and as the list's tooltip
        text = "\n".join(lines)
        assert "Rerun the ablation on" in text and "retrieval benchmark" in text
        pane = app.main.pane("mits")
        detail = str(pane.query_one("#mits-detail").render())
        assert " ".join(detail.split()) == LONG
        assert str(pane.tasklist.tooltip) == LONG
        # a title that fits needs neither
        await pilot.press("down")
        await settle(app, pilot)
        assert not pane.query_one("#mits-detail").display and pane.tasklist.tooltip is None


async def test_wide_pane_keeps_the_sprints_beside_a_cut_title(ctx):
    add_tasks(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        row = row_with(screen_lines(app), "Rerun the abl")
        assert row.endswith("… 0/3") and len(row) > 30
        detail = str(app.main.pane("mits").query_one("#mits-detail").render())
        assert LONG in " ".join(detail.split()) and "Training" not in detail


async def test_board_columns_ellipsise_and_the_line_below_shows_the_whole_title(ctx):
    add_tasks(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "b")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("l", "l")  # to the training column
        await settle(app, pilot)
        lines = screen_lines(app)
        cell = row_with(lines, "Write the")
        assert cell.endswith("…") and OTHER.startswith(cell.removeprefix("· ")[:-1])
        assert any(line.strip() == f"· {OTHER}" for line in lines)


async def test_help_ids_stay_on_their_keys_line_at_80x24(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("?")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        lines = screen_lines(app)
        for desc, bid in (
            ("Next pane", "app.next_pane"),
            ("Sprint", "focus.start"),
            ("Pause", "focus.pause"),
        ):
            line = next(ln for ln in lines if f" {desc} " in ln)
            assert bid in line, line
        # every row of the help, the long ids' too, is one line: key, description and id
        rows = [w for w in app.screen.query("VerticalScroll > *")]
        assert len(rows) > 100
        wrapped = [str(w.render()).split() for w in rows if w.outer_size.height != 1]
        assert wrapped == []
        longest = max(
            (r for r in rows if "." in str(r.render())), key=lambda r: len(str(r.render()).split()[-1])
        )
        assert len(str(longest.render()).split()[-1]) > 16 and longest.outer_size.height == 1


async def test_report_category_names_whole_at_160x48(ctx):
    from cockpit.tui.audit.report import ReportScreen

    tz = ctx.clock.tz
    day = ctx.clock.now().astimezone(tz).date() - dt.timedelta(days=1)  # a Tuesday: this week
    for i, cat in enumerate(("m", "d", "r")):
        start = dt.datetime.combine(day, dt.time(8 + 2 * i), tz)
        audit.add(ctx, start, start + dt.timedelta(hours=1, minutes=30), cat)
    names = [c.name for c in audit.categories(ctx) if c.key in ("m", "d", "r")]
    assert max(len(n) for n in names) > 20  # the old 20-cell column cut them
    app = CockpitApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        app.push_screen(ReportScreen(ctx, "week"))
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        for name in names:
            assert re.search(rf"^ {re.escape(name)} +█", text, re.M), name
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ReportScreen(ctx, "week"))
        await settle(app, pilot)
        lines = screen_lines(app)
        bars = [ln for ln in lines if "█" in ln and "%" in ln]
        assert len(bars) == 3 and all(len(ln.rstrip()) <= 80 for ln in bars)
