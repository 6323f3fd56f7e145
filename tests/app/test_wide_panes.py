"""Wide terminals: at 160×48 each pane shows its extra view, drawn from a real store; at 80×24 none.

Focus shows the day's timeline, the audit the week's bars, Papers the queue's passes. (The GPU
pane's utilisation history needs hosts: tests/gpu/test_gpu_wide.py.)
"""

from __future__ import annotations

import datetime as dt

from cockpit.core.clock import FakeClock
from cockpit.services import audit
from cockpit.services import focus as focus_svc
from cockpit.services import papers as papers_svc
from cockpit.sources import arxiv as src
from cockpit.tui.app import CockpitApp
from tests.papers import feeds

WIDE, SMALL = (160, 48), (80, 24)


def pane_text(app: CockpitApp, pane_id: str) -> str:
    """The pane's lines as drawn on the screen (its region of the composed frame)."""
    region = app.main.pane(pane_id).region
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    return "\n".join(line[region.x : region.right] for line in lines[region.y : region.bottom])


def seed_focus(ctx, clock: FakeClock) -> None:  # noqa: ANN001
    """10:00-10:50 a sprint (an interruption at 10:20), its break, then a sprint running from 11:30."""
    focus_svc.start(ctx, "sprint", 50)
    clock.advance(20 * 60)
    focus_svc.interrupt(ctx, "external", "phone [bold]x[/]")
    clock.advance(30 * 60)
    focus_svc.sync(ctx)  # the sprint ends: its break starts
    clock.advance(10 * 60 + 1)
    focus_svc.sync(ctx)
    focus_svc.stop(ctx)
    clock.advance(30 * 60)
    focus_svc.start(ctx, "sprint", 50)
    clock.advance(10 * 60)


async def test_focus_shows_the_days_timeline_when_wide_only(ctx, clock):
    seed_focus(ctx, clock)
    for size in (WIDE, SMALL):
        app = CockpitApp(ctx)
        async with app.run_test(size=size) as pilot:
            for _ in range(50):
                await pilot.pause(0.05)
                if "Timeline:" in pane_text(app, "focus") or size == SMALL:
                    break
            await pilot.pause(0.1)
            text = pane_text(app, "focus")
            if size == SMALL:
                assert "timeline" not in text and "█ focus" not in text
                continue
            assert "Timeline: focus 1h00 · breaks 0h10 · 1 int." in text
            lines = text.splitlines()
            axis = next(i for i, line in enumerate(lines) if "08" in line and "10" in line and "12" in line)
            bar = lines[axis + 1]
            # 10:00-10:50 focus with the interruption at 10:20, the break, a gap, the running sprint
            runs = "".join(c for i, c in enumerate(bar) if i == 0 or bar[i - 1] != c).strip(" │")
            assert runs == "·█!█░·█", bar
            assert bar.index("█") == lines[axis].index("10")  # the first sprint starts under its hour
            assert "[bold]" not in text  # the note is never drawn: only the mark


def seed_week(ctx) -> None:  # noqa: ANN001
    tz = audit.zone(ctx)

    def add(day: int, hour: int, hours: float, cat: str) -> None:
        start = dt.datetime(2026, 11, day, hour, tzinfo=tz)
        audit.add_entry(
            ctx, start=start, end=start + dt.timedelta(hours=hours), category=cat, source="manual"
        )

    add(23, 9, 4, "research")  # Monday: the longest day
    add(23, 14, 2, "admin")
    add(24, 9, 3, "model")  # Tuesday
    add(25, 8, 0.5, "data")  # Wednesday (today, until 10:00)
    add(16, 9, 8, "research")  # the week before: not in this week's bars


async def test_audit_shows_the_weeks_bars_when_wide_only(ctx, clock):
    seed_week(ctx)
    keys = {c.id: c.key for c in ctx.config.audit.categories}
    for size in (WIDE, SMALL):
        app = CockpitApp(ctx)
        async with app.run_test(size=size) as pilot:
            for _ in range(50):
                await pilot.pause(0.05)
                if "This week" in pane_text(app, "audit") or size == SMALL:
                    break
            text = pane_text(app, "audit")
            if size == SMALL:
                assert "This week" not in text and "Mon 23" not in text
                await pilot.press("3", "z")  # zoomed at 80×24: the entry list keeps the room
                await pilot.pause(0.2)
                text = pane_text(app, "audit")
                assert app.main.pane("audit").region.width == 80 and "Time" in text
                assert "This week" not in text and "Mon 23" not in text
                continue
            assert "This week 2026-W48 · 9h30 tracked" in text
            days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
            rows = [line.strip("│ ") for line in text.splitlines()]
            lines = {row[:6]: row for row in rows if row[:3] in days}
            assert list(lines) == ["Mon 23", "Tue 24", "Wed 25", "Thu 26", "Fri 27", "Sat 28", "Sun 29"]
            mon, tue, wed = lines["Mon 23"], lines["Tue 24"], lines["Wed 25"]
            assert mon.endswith("6h00") and tue.endswith("3h00")
            # each block starts with its category key; Monday's bar is the longest
            assert (
                keys["research"] in mon
                and keys["admin"] in mon
                and keys["model"] in tue
                and keys["data"] in wed
            )
            blocks = [line.count("█") for line in (mon, tue, wed)]
            assert blocks[0] > blocks[1] > blocks[2]
            assert lines["Thu 26"].endswith("-")


def seed_queue(ctx, clock: FakeClock) -> None:  # noqa: ANN001
    items = [feeds.item(f"2611.{i:05d}", f"Paper number {i}", abstract=f"Abstract {i}.") for i in (1, 2)]
    items.append(feeds.item("2611.00003", feeds.HOSTILE_TITLE))
    papers_svc.store_papers(ctx, src.parse_bytes(feeds.rss(items)).papers)
    for i in (1, 2, 3):
        papers_svc.decide(ctx, f"2611.{i:05d}", "keep")
    papers_svc.start_pass(ctx, "2611.00001")
    clock.advance(14 * 60)
    papers_svc.finish_pass(ctx, "2611.00001")
    papers_svc.start_pass(ctx, "2611.00001")
    clock.advance(20 * 60)


async def test_papers_shows_the_queues_passes_when_wide_only(home, clock, write_config):
    write_config("[papers]\nqueue_size = 3\n")
    from cockpit.context import Context

    ctx = Context.open(home, clock=clock)
    seed_queue(ctx, clock)
    for size in (WIDE, SMALL):
        app = CockpitApp(ctx)
        async with app.run_test(size=size) as pilot:
            for _ in range(50):
                await pilot.pause(0.05)
                if "Passes" in pane_text(app, "papers") or size == SMALL:
                    break
            text = pane_text(app, "papers")
            if size == SMALL:
                assert "Passes" not in text and "pass 1" not in text
                continue
            lines = text.splitlines()
            head = next(line for line in lines if "Passes" in line)
            assert "pass 1" in head and "pass 2" in head and "pass 3" in head
            row = {n: next(line for line in lines if f"{n} 2611.0000" in line) for n in (1, 2, 3)}
            assert "✓ 14/15m" in row[1] and "▶ 20/45m" in row[1] and "· 120m" in row[1]
            assert "· 15m" in row[2] and "· 45m" in row[2] and "· 120m" in row[2]
            assert "2611.00003" in row[3]
