"""`r` in the Papers pane starts a reading pass as a focus time-box; while a sprint runs it asks
first, as the Focus pane's `s` does (Pilot, real store, keys a user presses)."""

from cockpit.services import audit, focus
from cockpit.services import papers as svc
from cockpit.sources import arxiv as src
from cockpit.tui.app import CockpitApp
from cockpit.tui.focus.prompt import ChoiceScreen
from tests.harness.pilot import settle
from tests.papers import feeds

PAPER = "2611.00001"


def queue_one(ctx) -> None:
    items = [feeds.item(PAPER, "Sparse attention at scale", abstract="A.")]
    svc.store_papers(ctx, src.parse_bytes(feeds.rss(items)).papers)
    svc.decide(ctx, PAPER, "keep")


def status_line(app) -> str:
    return str(app.main.pane("papers").query_one("#papers-status").render())


def focus_texts(app) -> dict[str, str]:
    return dict(app.main.pane("focus")._texts)


def shown(app) -> str:
    """Every text on the current screen, as the user reads it."""
    return "\n".join(str(w.render()) for w in app.screen.query("Static"))


async def test_r_with_nothing_running_starts_the_pass_as_a_time_box(ctx):
    queue_one(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4", "r")
        await settle(app, pilot, 1.1)
        assert not isinstance(app.screen, ChoiceScreen)
        s = focus.raw(ctx)
        assert s is not None and s.mode == "timebox" and s.paper == PAPER and s.category == "research"
        assert svc.queue_items(ctx)[0].status == "reading"
        assert focus_texts(app)["focus-head"].startswith("Time-box")
        assert status_line(app) == "Pass 1 started: 15-min time-box"


async def test_r_during_a_sprint_asks_and_replace_ends_the_sprint_for_the_pass(ctx, clock):
    queue_one(ctx)
    focus.start(ctx, mode="sprint", category="model")
    clock.advance(600)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("4", "r")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        text = shown(app)
        assert "sprint is running" in text and "Stop it (its time is kept)" in text
        assert "cockpit " not in text and "--replace" not in text
        await pilot.press("y")
        await settle(app, pilot, 1.1)
        s = focus.raw(ctx)
        assert s.mode == "timebox" and s.paper == PAPER and s.category == "research"
        assert focus_texts(app)["focus-head"].startswith("Time-box")
        item = svc.queue_items(ctx)[0]
        assert item.status == "reading" and item.passes[0].timebox
        # the sprint's ten minutes are kept in its category; the sprint's tracking ended with it
        # (the pass books its own time when it ends: no double count)
        records = focus.records_for_day(ctx)
        assert [(r.mode, r.category, round(r.active_s)) for r in records] == [("sprint", "model", 600)]
        assert audit.running(ctx) is None
        msg = status_line(app)
        assert msg == "Pass 1 started: 15-min time-box"
        tip = str(app.main.pane("papers").query_one("#papers-status").tooltip)
        assert "pass 1 of 2611.00001 started" in tip and "cockpit " not in tip and "--replace" not in tip


async def test_r_during_a_sprint_then_cancel_leaves_the_sprint_alone(ctx, clock):
    queue_one(ctx)
    before = focus.start(ctx, mode="sprint", category="model")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for answer in ("n", "escape"):
            await pilot.press("4", "r")
            await settle(app, pilot)
            assert isinstance(app.screen, ChoiceScreen)
            await pilot.press(answer)
            await settle(app, pilot)
            assert not isinstance(app.screen, ChoiceScreen)
            s = focus.raw(ctx)
            assert s.mode == "sprint" and s.id == before.id and s.paper is None
            assert svc.queue_items(ctx)[0].status == "queued"
            assert focus.records_for_day(ctx) == []
            msg = status_line(app)
            assert msg == "Pass 1 not started; the sprint runs on"
