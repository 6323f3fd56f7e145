"""Issue 14, the shell: what Ctrl+C says."""

from __future__ import annotations

from cockpit.tui.app import CockpitApp


async def test_ctrl_c_says_how_to_quit_without_raw_markup(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        (note,) = [n for n in app._notifications if n.title == "Do you want to quit?"]
        assert note.message == "Press ctrl+q to quit the app"
        assert not note.markup
