"""Every screen and modal, opened by the user's keys over a home whose stored text is hostile in
every field (tests/hostile/conftest.py: raw escape sequences, as imports and hand edits leave
them): not one escape or control byte on the screen or in any input, and the app keeps working."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cockpit.tui.app import CockpitApp
from tests.harness.pilot import settle
from tests.hostile.strings import FORBIDDEN, control_bytes

# (pane key, keys that open it, the screen that must be open)
SCREENS = [
    ("2", ["e"], "TaskForm"),
    ("2", ["a"], "TaskForm"),
    ("2", ["M"], "MatrixScreen"),
    ("2", ["b"], "BoardScreen"),
    ("2", ["p"], "MorningPlanScreen"),
    ("2", ["r"], "RetroScreen"),
    ("2", ["s"], "ShutdownScreen"),
    ("2", ["end", "m"], "SwapScreen"),  # a fourth MIT past the cap: the swap lists today's MITs
    # the matrix opens on the empty "Do first"; l goes to "Schedule", J moves its first task down
    # into "Eliminate", which asks whether to drop it
    ("2", ["M", "l", "J"], "ConfirmScreen"),
    ("3", ["z", "i"], "EntryEditor"),
    ("3", ["z", "down", "slash"], "EntryEditor"),  # split: the first row is the running sprint
    ("3", ["n"], "EntryEditor"),
    ("3", ["o"], "ReportScreen"),
    ("4", ["t"], "TriageScreen"),
    ("4", ["t", "v"], "TriageScreen"),
    ("4", ["t", "k", "k", "k"], "SwapScreen"),  # a third keep: the week's queue (2) is full
    ("1", ["i"], "ChoiceScreen"),
    ("1", ["question_mark"], "HelpScreen"),
]

# What a screen must show literally (markup as typed), by its keys.
SHOWS = {
    ("2", "M l J"): "Eliminate: drop “[bold red]boom[/]”?",
    ("4", "t k k k"): "Swap out: [bold red]boom[/]",
}


def frame(app: CockpitApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_clean(app: CockpitApp, where: str) -> None:
    text = frame(app)
    assert control_bytes(text) == [], f"{where}: escape or control bytes on the screen"
    for bad in FORBIDDEN:
        assert bad not in text, f"{where}: {bad!r} on the screen"
    for box in app.screen.query(Input):
        assert control_bytes(box.value) == [], f"{where}: input #{box.id} holds {box.value!r}"


@pytest.mark.parametrize(
    ("pane", "keys", "screen"), SCREENS, ids=[f"{s}-{'+'.join(k)}" for _, k, s in SCREENS]
)
async def test_every_screen_and_modal_shows_hostile_stored_text_cleaned(hostile_fake_ctx, pane, keys, screen):
    app = CockpitApp(hostile_fake_ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press(pane)
        await settle(app, pilot, 0.2, clear_toasts=True)
        await pilot.press(*keys)
        await settle(app, pilot, 0.5)
        where = f"{pane} {' '.join(keys)}"
        assert type(app.screen).__name__ == screen, f"{where}: {type(app.screen).__name__} is open"
        assert_clean(app, where)
        if (pane, " ".join(keys)) in SHOWS:
            assert SHOWS[pane, " ".join(keys)] in frame(app), f"{where}: the text is not shown literally"
        for _ in range(3):  # a list or a paged view: the next items too
            await pilot.press("down")
            await settle(app, pilot, 0.1)
            assert_clean(app, where)
        await pilot.press("escape")
        await settle(app, pilot, 0.3)
        assert_clean(app, f"{where}, closed")


@pytest.mark.parametrize(
    ("pane", "zoom", "key", "screen"),
    [("2", False, "e", "TaskForm"), ("3", True, "i", "EntryEditor")],
    ids=["task-form", "entry-editor"],
)
async def test_each_stored_record_in_its_edit_form(hostile_fake_ctx, pane, zoom, key, screen):
    """The edit form of every hostile task and time entry, one after another."""
    from tests.hostile.strings import HOSTILE

    app = CockpitApp(hostile_fake_ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press(pane, *(["z"] if zoom else []))
        await settle(app, pilot, 0.2, clear_toasts=True)
        for n in range(len(HOSTILE)):
            await pilot.press(key)
            await settle(app, pilot, 0.2)
            assert type(app.screen).__name__ == screen
            assert_clean(app, f"{screen} of record {n}")
            await pilot.press("escape")
            await settle(app, pilot, 0.1)
            await pilot.press("down")


async def test_each_task_title_in_the_eliminate_question(hostile_fake_ctx):
    """Every hostile task moved into "Eliminate" in turn: the question quotes its title cleaned."""
    from tests.hostile.strings import HOSTILE, VISIBLE

    app = CockpitApp(hostile_fake_ctx)
    seen = []
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("2")
        await settle(app, pilot, 0.2, clear_toasts=True)
        await pilot.press("M", "l")  # "Schedule", where the seeded tasks are
        for n in range(len(HOSTILE)):
            await pilot.press("J")  # the first task left in "Schedule" moves down to "Eliminate"
            await settle(app, pilot, 0.2)
            assert type(app.screen).__name__ == "ConfirmScreen", f"record {n}: no question"
            assert_clean(app, f"eliminate question of record {n}")
            seen.append(frame(app))
            await pilot.press("n")  # keep it (in "Eliminate"); the matrix follows the task there
            await settle(app, pilot, 0.1)
            await pilot.press("ctrl+up")  # back to "Schedule"
    shown = "\n".join(seen)
    for key in ("markup", "link", "close", "wide", "nul"):
        assert VISIBLE[key] in shown, f"{key}: {VISIBLE[key]!r} not quoted literally"
    assert "L" * 100 not in shown  # the 10,000-character title is cut


async def test_away_dialog_shows_hostile_categories_cleaned(home, tmp_path, write_config, clock):
    """Back after an idle spell while tracking a category whose stored id is hostile (a hand edit)
    and whose configured names hold markup: the welcome-back dialog shows both as text."""
    import json

    from cockpit.config import DEFAULT_CATEGORIES
    from cockpit.context import Context
    from cockpit.services import audit
    from cockpit.services.audit.common import tracked_id
    from tests.hostile.conftest import HOSTILE_THEME, seed
    from tests.hostile.strings import ALL_IN_ONE, LINK, MARKUP

    cats = "".join(
        f"[[audit.categories]]\nid = {json.dumps(c.id)}\nkey = {json.dumps(c.key)}\n"
        f"name = {json.dumps(f'{MARKUP} {LINK}' if c.id == 'data' else c.name)}\n"
        for c in DEFAULT_CATEGORIES
    )
    write_config(f'[gpu]\nlocal = false\n[ui]\ntheme = "{HOSTILE_THEME}"\n{cats}')
    ctx = Context.open(home, clock=clock)
    seed(ctx, tmp_path)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("3")
        await settle(app, pilot, 0.2, clear_toasts=True)
        await pilot.press("m")  # track "model" (the sprint's entry ends)
        await settle(app, pilot, 0.2)
        audit.entries(ctx).update(tracked_id(ctx), {"category": ALL_IN_ONE[:300]})
        pane = app.query_one("#audit")
        clock.advance(16 * 60)
        pane.observe_away(None, None)  # no key for 16 minutes (outside tmux)
        clock.advance(20 * 60)
        await pilot.press("down")  # the user is back
        pane.observe_away(None, None)
        await settle(app, pilot, 0.3)
        assert type(app.screen).__name__ == "AwayScreen"
        assert_clean(app, "away dialog")
        text = frame(app)
        assert "while tracking" in text and "[bold red]boom[/] [link=https://evil.ex" in text
        await pilot.press("b")  # book it elsewhere: the category list shows
        await settle(app, pilot, 0.2)
        assert_clean(app, "away dialog, booking")
        cats_line = str(app.screen.query_one("#away-cats").render())
        assert f"d {MARKUP} {LINK}" in cats_line, cats_line  # the configured name, as typed
        await pilot.press("escape")
        await settle(app, pilot, 0.3)
        assert type(app.screen).__name__ == "MainScreen"
        assert_clean(app, "away dialog, closed")
