"""Pilot tests of the MITs pane and its screens, driven by keys at 80x24."""

from __future__ import annotations

from cockpit.core import tasks as core
from cockpit.services import mits
from cockpit.tui.app import CockpitApp
from cockpit.tui.mits.board import BoardScreen
from cockpit.tui.mits.dialogs import ConfirmScreen, SwapScreen
from cockpit.tui.mits.form import TaskForm
from cockpit.tui.mits.matrix import MatrixScreen
from cockpit.tui.mits.plan import MorningPlanScreen
from cockpit.tui.mits.retro import RetroScreen
from cockpit.tui.mits.shutdown import ShutdownScreen
from tests.harness.pilot import settle


def titles(pane) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(r[1], r[2]) for r in pane.tasklist.rows]


async def test_add_complete_delete_undo_by_keys(no_plan):
    ctx = no_plan
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.press("a")
        assert isinstance(app.screen, TaskForm)
        await pilot.press(*"Write the intro")
        await pilot.press("enter")
        await settle(app, pilot)
        pane = app.main.pane("mits")
        assert titles(pane) == [("·", "Write the intro")]
        await pilot.press("m")
        await settle(app, pilot)
        assert titles(pane) == [("★", "Write the intro")]
        await pilot.press("x")
        await settle(app, pilot)
        assert titles(pane) == [("✓", "Write the intro")]
        assert mits.todays_mits(ctx)[0].done
        await pilot.press("u")
        await settle(app, pilot)
        assert titles(pane) == [("★", "Write the intro")]
        assert not mits.todays_mits(ctx)[0].done
        await pilot.press("d")
        await settle(app, pilot)
        assert titles(pane) == [] and mits.tasks(ctx).all() == []
        await pilot.press("u")
        await settle(app, pilot)
        assert titles(pane) == [("★", "Write the intro")]
        assert mits.todays_mits(ctx)[0].title == "Write the intro"


async def test_edit_form_changes_fields_and_refuses_bad_estimate(no_plan):
    ctx = no_plan
    tid = mits.add_task(ctx, "old title").id
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, TaskForm)
        assert not any(box.cursor_blink for box in form.query("Input"))  # no repaint while idle
        form.query_one("#title").value = "new title"
        form.query_one("#estimate").value = "3"
        form.query_one("#stage").value = "evaluation"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        t = mits.get_task(ctx, tid)
        assert (t.title, t.estimate, t.stage) == ("new title", 3, "evaluation")
        await pilot.press("e")
        app.screen.query_one("#title").value = "   "
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TaskForm)  # stays open with the error
        assert "needs a title" in str(app.screen.query_one("#form-error").render())
        await pilot.press("escape")
        assert mits.get_task(ctx, tid).title == "new title"


async def test_fourth_mit_offers_a_swap(no_plan):
    ctx = no_plan
    for i in range(3):
        mits.add_task(ctx, f"mit {i}", mit=True)
    extra = mits.add_task(ctx, "urgent").id
    app = CockpitApp(
        ctx,
    )
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("2", "end", "m")
        await pilot.pause()
        assert isinstance(app.screen, SwapScreen)
        assert any("Cap reached" in n.message for n in app._notifications)
        await pilot.press("down", "enter")  # swap out "mit 1"
        await settle(app, pilot)
        assert [t.title for t in mits.todays_mits(ctx)] == ["mit 0", "urgent", "mit 2"]
        assert mits.get_task(ctx, extra).mit_order == 2
        await pilot.press("end", "m")
        await pilot.press("escape")  # keep today's MITs
        await settle(app, pilot)
        assert [t.title for t in mits.todays_mits(ctx)] == ["mit 0", "urgent", "mit 2"]


async def test_matrix_moves_and_eliminate_offers_to_drop(no_plan):
    ctx = no_plan
    tid = mits.add_task(ctx, "quick win", impact="high", effort="quick").id
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "M")
        assert isinstance(app.screen, MatrixScreen)
        assert app.screen.lists["do"].current_id == tid
        await pilot.press("L")
        await settle(app, pilot)
        assert core.quadrant_of(mits.get_task(ctx, tid)) == "schedule"
        assert app.screen.lists["schedule"].current_id == tid
        await pilot.press("shift+down")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert core.quadrant_of(mits.get_task(ctx, tid)) == "eliminate"
        assert app.screen.lists["eliminate"].current_id == tid
        await pilot.press("K", "J")
        await pilot.press("y")
        await settle(app, pilot)
        assert mits.get_task(ctx, tid) is None
        await pilot.press("u")
        await settle(app, pilot)
        assert mits.get_task(ctx, tid) is not None


async def test_board_moves_through_the_stages(no_plan):
    ctx = no_plan
    tid = mits.add_task(ctx, "lr sweep", stage="hypothesis").id
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "b")
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("L", "L")
        await settle(app, pilot)
        assert mits.get_task(ctx, tid).stage == "training"
        assert app.screen.lists["training"].current_id == tid
        await pilot.press("H")
        await settle(app, pilot)
        assert mits.get_task(ctx, tid).stage == "data"
        await pilot.press("escape")
        assert not isinstance(app.screen, BoardScreen)


async def test_morning_plan_opens_on_first_start_of_the_day_only(ctx, clock):
    mits.add_task(ctx, "carried", mit=True)
    mits.add_task(ctx, "candidate", impact="high", effort="quick")
    mits.add_task(ctx, "not a candidate", impact="low", effort="days")
    clock.advance(86400)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MorningPlanScreen)
        rows = [r[2] for r in app.screen.query_one("#plan-list").rows]
        assert rows == ["carried", "candidate"]
        assert "1 unfinished MIT carried over" in str(app.screen.query_one("#plan-carried").render())
        await pilot.press("down", "space", "enter")
        await settle(app, pilot)
        assert [t.title for t in mits.todays_mits(ctx)] == ["carried", "candidate"]
        await pilot.press("u")  # the plan is one undo step
        await settle(app, pilot)
        assert [t.title for t in mits.todays_mits(ctx)] == ["carried"]
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, MorningPlanScreen)  # second start today
        await pilot.press("2", "p")
        assert isinstance(app.screen, MorningPlanScreen)


async def test_morning_plan_can_be_switched_off(no_plan, clock):
    mits.add_task(no_plan, "x")
    app = CockpitApp(no_plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, MorningPlanScreen)


async def test_morning_plan_enforces_the_cap(no_plan):
    for i in range(4):
        mits.add_task(no_plan, f"c{i}", effort="quick")
    app = CockpitApp(no_plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "p")
        await pilot.press("space", "down", "space", "down", "space", "down", "space")
        status = str(app.screen.query_one("#plan-status").render())
        assert "cap is 3" in status
        await pilot.press("enter")
        await settle(app, pilot)
        assert [t.title for t in mits.todays_mits(no_plan)] == ["c0", "c1", "c2"]


async def test_shutdown_shows_the_day_and_closes_it(no_plan, clock):
    from cockpit.services import audit, focus

    ctx = no_plan
    a = mits.add_task(ctx, "draft section 3", mit=True).id
    mits.add_task(ctx, "tomorrow thing", effort="quick")
    focus.start(ctx, minutes=90, task=a, category="model")  # sprints come from focus records
    clock.advance(90 * 60)
    focus.stop(ctx)
    audit.stop(ctx)
    mits.complete(ctx, a)
    clock.advance(2 * 3600)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("2", "s")
        await settle(app, pilot)
        assert isinstance(app.screen, ShutdownScreen)
        body = str(app.screen.query_one("#shutdown-body").render())
        assert "Sprints today: 1 (1h30)" in body
        assert "MITs done: 1 of 1 · 100% of focus time on MITs" in body
        assert "Model Development/Experimentation" in body
        assert "tomorrow thing" in body
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ShutdownScreen)
        assert "2026-11-25" in mits.state(ctx).closed
        assert any("Workday closed" in n.message for n in app._notifications)


async def test_retro_saves_and_browses_past_weeks(no_plan, clock):
    ctx = no_plan
    mits.save_retro(ctx, {"worked": "last week it worked"}, "2026-11-18")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "r")
        await settle(app, pilot)
        assert isinstance(app.screen, RetroScreen)
        await pilot.press(*"long sprints")
        await pilot.press("tab", *"meetings", "tab", *"lr sweep")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "this week (2026-W48) · saved" in str(app.screen.query_one("#retro-where").render())
        saved = mits.list_retros(ctx)
        assert [(r.week, r.worked, r.drop) for r in saved][0] == (
            "2026-W48",
            "long sprints",
            "lr sweep",
        )
        await pilot.press("pageup", "pageup")
        assert "2026-W47" in str(app.screen.query_one("#retro-where").render())
        assert app.screen.query_one("#retro-worked").value == "last week it worked"
        assert app.screen.query_one("#retro-worked").disabled
        await pilot.press("pagedown", "pagedown")
        assert app.screen.query_one("#retro-worked").value == "long sprints"


async def test_retro_day_hint_in_the_pane(write_config, home, clock):
    from cockpit.context import Context

    write_config('[mits]\nmorning_plan = false\nretro_weekday = "wed"\n')  # 2026-11-25 is a Wednesday
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "z")
        await pilot.pause()
        assert "retro day (r)" in str(app.main.pane("mits").query_one("#mits-head").render())


async def test_hostile_titles_shown_literally_without_breaking_layout(no_plan):
    ctx = no_plan
    mits.add_task(ctx, "[bold red]boom[/] [link=http://evil]x[/link]", mit=True)
    mits.add_task(ctx, "\x1b[2J\x1b]52;c;ZXZpbA==\x07clear" + "A" * 10_000)
    mits.add_task(ctx, "שלום עולם 中文字符 wide")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        from rich.cells import cell_len

        for zoom in (False, True):
            lst = app.main.pane("mits").tasklist
            width = lst.scrollable_content_region.width
            lines = [lst.render_line(y).text for y in range(3)]
            assert "[bold red]boom[/] [link=http://evil]x[/link]" in lines[0] or lines[0].startswith(
                "★ [bold red]boom"
            )
            assert lines[1].startswith("· clearAAAA")  # escapes gone, 10k title cut to the width
            assert "中文" in lines[2] or "שלום" in lines[2]
            assert all(cell_len(line) == width for line in lines)
            assert not any("\x1b" in line or "\x07" in line for line in lines)
            if not zoom:
                await pilot.press("z")
                await pilot.pause()
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("escape", "b", "escape", "s")
        await settle(app, pilot)
        assert "[bold red]boom[/]" in str(app.screen.query_one("#shutdown-body").render())


async def test_other_process_changes_show_up(no_plan):
    ctx = no_plan
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from cockpit.context import Context

        other = Context.open(ctx.paths.home if hasattr(ctx.paths, "home") else None, clock=ctx.clock)
        mits.add_task(other, "from the CLI", mit=True)
        await pilot.pause(1.3)
        await settle(app, pilot)
        assert titles(app.main.pane("mits")) == [("★", "from the CLI")]


async def test_a_new_day_while_running_carries_over_and_offers_the_plan(ctx, clock, monkeypatch):
    from cockpit.tui.mits.pane import MitsPane

    monkeypatch.setattr(MitsPane, "DAY_CHECK_S", 0.2)  # the pane's own timer, sooner than 30 s
    mits.add_task(ctx, "unfinished", mit=True)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")  # today's plan (first start)
        await settle(app, pilot)
        pane = app.main.pane("mits")
        assert titles(pane) == [("★", "unfinished")]
        clock.advance(86400)
        await pilot.pause(0.5)  # the timer sees the new day
        await settle(app, pilot)
        assert isinstance(app.screen, MorningPlanScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert pane.tasklist.rows[0][3].strip() == "↻1d"
        assert mits.get_task(ctx, "1").mit_date == "2026-11-26"


async def test_starting_with_no_tasks_writes_nothing(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, MorningPlanScreen)
        assert "No tasks: a adds one." in app.main.pane("mits").tasklist.render_line(0).text
    store = ctx.paths.store_dir
    assert not (store / "doc-mits").exists() and not (store / "tasks").exists()
    from cockpit import status

    assert "mits" not in status.read(ctx.paths.status_file)  # other panes may keep their own sections


async def test_adding_a_fourth_mit_from_the_form_offers_the_swap(no_plan):
    ctx = no_plan
    for i in range(3):
        mits.add_task(ctx, f"mit {i}", mit=True)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "a", *"late idea")
        app.screen.query_one("#mit").value = True
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SwapScreen)
        assert mits.get_task(ctx, "4").title == "late idea"  # added; not an MIT yet
        await pilot.press("enter")  # swap out the first MIT
        await settle(app, pilot)
        assert [t.title for t in mits.todays_mits(ctx)] == ["late idea", "mit 1", "mit 2"]


async def test_unreadable_tasks_file_is_shown_not_fatal_and_left_untouched(no_plan):
    ctx = no_plan
    mits.add_task(ctx, "precious")
    path = mits.tasks(ctx).path("0000xx")  # task 1 lives in the file of ids 0-99
    path.write_text('{"_default": {"1": {"title": "prec')
    before = path.read_bytes()
    from cockpit.context import Context

    ctx = Context.open(ctx.paths.config_file.parent, clock=ctx.clock)  # a fresh process: no cache
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        pane = app.main.pane("mits")
        assert "Tasks unreadable" in pane.tasklist.render_line(0).text
        assert app.main.query_one("#store-banner").display
        await pilot.press("2", "a", *"new")
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("unreadable" in n.message for n in app._notifications)
    assert path.read_bytes() == before


async def test_matrix_and_board_keys_change_the_active_list(no_plan):
    ctx = no_plan
    mits.add_task(ctx, "a", stage="training")
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "M")
        screen = app.screen
        assert screen.active == "do"
        await pilot.press("right")
        assert screen.active == "schedule"
        await pilot.press("ctrl+down")
        assert screen.active == "eliminate"
        await pilot.press("h")
        assert screen.active == "delegate"
        assert screen.lists["delegate"].has_class("-active")
        assert not screen.lists["eliminate"].has_class("-active")
        await pilot.press("escape", "b")
        board = app.screen
        await pilot.press("l", "l")
        assert board.active == "training" and board.lists["training"].current_id == "1"
