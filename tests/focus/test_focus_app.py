"""The Focus pane driven by keys in Pilot, with a FakeClock and a real store."""

from textual.widgets import Digits

from cockpit.context import Context
from cockpit.services import audit, mits
from cockpit.services import focus as svc
from cockpit.tui.app import CockpitApp
from cockpit.tui.focus.prompt import ChoiceScreen, TextScreen
from cockpit.tui.focus.start import StartScreen
from tests.harness.pilot import settle


def add_mit(ctx, title="Train the baseline"):
    today = ctx.clock.now().astimezone(ctx.clock.tz).date().isoformat()
    return mits.tasks(ctx).insert(
        {"title": title, "category": "model", "mit_date": today, "mit_order": 0, "done": None}
    )


def pane_text(app):
    pane = app.main.pane("focus")
    return {k: v for k, v in pane._texts.items()}


async def test_sprint_by_keys_start_pause_interrupt_extend_finish_skip(home, clock, write_config):
    write_config('[notify]\nchannels = ["toast"]\n')
    ctx = Context.open(home, clock=clock)
    task = add_mit(ctx)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.press("enter")  # the highlighted task: today's MIT
        await settle(app, pilot)
        s = svc.raw(ctx)
        assert s.task == task and s.category == "model" and s.planned_s == 5400
        t = pane_text(app)
        assert t["focus-line"] == "1:30:00 left" and t["focus-task"] == "Train the baseline"
        clock.advance(600)
        await pilot.press("space")
        await settle(app, pilot, 1.1)
        assert app.main.pane("focus").has_class("-paused")
        assert pane_text(app)["focus-head"] == "Sprint · paused"
        clock.advance(300)
        await pilot.press("space")
        await settle(app, pilot)
        clock.advance(300)
        await pilot.press("i")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("e")
        assert isinstance(app.screen, TextScreen)
        await pilot.press(*"phone call", "enter")
        await settle(app, pilot)
        (i,) = svc.raw(ctx).interruptions
        assert (i.kind, i.note) == ("external", "phone call")
        await pilot.press("e")
        await settle(app, pilot, 1.1)
        assert pane_text(app)["focus-line"] == "1:25:00 left"  # 90 - 15 done + 10 extended
        await pilot.press("d")
        await settle(app, pilot, 1.1)
        assert pane_text(app)["focus-head"] == "Break after sprint"
        assert app.main.pane("focus").has_class("-break")
        clock.advance(60)
        await pilot.press("k")
        await settle(app, pilot, 1.1)
        assert svc.raw(ctx) is None
        assert pane_text(app)["focus-head"] == "No sprint running."
        assert pane_text(app)["focus-day"].startswith("Today ○○○ 0/3")  # 15 of 100 minutes: not a sprint
    e = sorted(audit.entries(ctx).all(), key=lambda x: x["start"])
    # split by the pause; after the break tracking resumes in the sprint's category
    assert [x["source"] for x in e] == ["sprint", "sprint", "break", "manual"]
    assert e[1]["interruptions"][0]["note"] == "phone call"
    assert mits.get_task(ctx, task).focus_s == 900


async def test_sprint_end_toasts_and_counts_today(home, clock, write_config):
    write_config('[notify]\nchannels = ["toast"]\n')
    ctx = Context.open(home, clock=clock)
    svc.start(ctx, minutes=30)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        clock.advance(30 * 60 + 1)
        await settle(app, pilot, 1.2)
        messages = [(n.title, n.message) for n in app._notifications]
        assert ("Sprint done", "30 min of focus. Break: 7 min.") in messages
        assert pane_text(app)["focus-day"].startswith("Today ●○○ 1/3")
        assert pane_text(app)["focus-head"] == "Break after sprint"


async def test_compact_in_the_grid_big_digits_when_zoomed(home, clock):
    ctx = Context.open(home, clock=clock)
    svc.start(ctx, mode="timebox", minutes=120)
    app = CockpitApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        pane = app.main.pane("focus")
        assert pane.has_class("-compact")
        assert not pane.query(Digits)  # the big clock is built only when the pane can show it
        await pilot.press("z")
        await settle(app, pilot)
        assert not pane.has_class("-compact")
        digits = pane.query_one(Digits)
        assert digits.display and digits.size.height == 3
        assert digits.value == "120"  # whole minutes, big; the exact time on the line below
        assert pane_text(app)["focus-line"] == "2:00:00 left"


async def test_another_process_starting_shows_up_within_a_second(home, clock):
    ctx = Context.open(home, clock=clock)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert pane_text(app)["focus-head"] == "No sprint running."
        other = Context.open(home, clock=clock)
        svc.start(other, mode="pomodoro")
        await settle(app, pilot, 1.3)
        assert pane_text(app)["focus-head"] == "Pomodoro 1/4"
        assert pane_text(app)["focus-line"] == "25:00 left"


async def test_start_while_running_offers_replace(home, clock):
    ctx = Context.open(home, clock=clock)
    svc.start(ctx, minutes=50)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert svc.raw(ctx).mode == "sprint"
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, StartScreen)
        await pilot.press("tab", "tab", *"45", "enter")
        await settle(app, pilot)
        s = svc.raw(ctx)
        assert s.mode == "timebox" and s.planned_s == 45 * 60


async def test_unclean_stop_asks_keep_or_discard(home, clock):
    ctx = Context.open(home, clock=clock)
    svc.start(ctx, minutes=90)
    clock.advance(600)
    svc.heartbeat(ctx)
    clock.advance(2 * 3600)  # killed, back two hours later
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("d")
        await settle(app, pilot, 1.1)
        assert pane_text(app)["focus-line"] == "1:20:00 left"
    # the sprint is tracking's running entry: nothing closed yet
    assert [(e["source"], e["end"]) for e in audit.entries(ctx).all()] == [("sprint", None)]


async def test_hostile_task_title_shown_literally_layout_intact(home, clock):
    ctx = Context.open(home, clock=clock)
    task = add_mit(ctx, "[bold red]x[/] [link=http://e.x]y[/link] \x1b[31mred\x1b[0m عربي 漢字" + "z" * 10000)
    svc.start(ctx, task=task)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("z")
        await settle(app, pilot)
        pane = app.main.pane("focus")
        shown = pane.query_one("#focus-task")
        text = str(shown.render())
        assert text.startswith("[bold red]x[/] [link=http://e.x]y[/link] red عربي 漢字")
        assert "\x1b" not in text
        assert shown.size.height == 1  # one line, cut with an ellipsis; nothing pushed off
        day = pane.query_one("#focus-day")
        assert day.region.height == 1 and pane.region.contains_region(day.region)


async def test_other_panes_can_alert_from_the_ui_thread_or_a_worker(home, clock, write_config):
    from cockpit.core.alerts import Alert

    write_config('[notify]\nchannels = ["toast", "bell"]\n')
    ctx = Context.open(home, clock=clock)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        results = ctx.notifier.send(Alert("GPU idle", "gpu3 idle for 30 min"))  # from the UI thread
        assert [(r.channel, r.ok) for r in results] == [("toast", True), ("bell", True)]
        worker = app.run_worker(lambda: ctx.notifier.send(Alert("Job failed", "exit 7")), thread=True)
        await worker.wait()
        await pilot.pause(0.1)
        assert [n.title for n in app._notifications] == ["GPU idle", "Job failed"]
