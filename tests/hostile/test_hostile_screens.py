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
    ("3", ["z", "i"], "EntryEditor"),
    ("3", ["z", "down", "slash"], "EntryEditor"),  # split: the first row is the running sprint
    ("3", ["n"], "EntryEditor"),
    ("3", ["o"], "ReportScreen"),
    ("4", ["t"], "TriageScreen"),
    ("4", ["t", "v"], "TriageScreen"),
    ("1", ["i"], "ChoiceScreen"),
    ("1", ["question_mark"], "HelpScreen"),
]


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
