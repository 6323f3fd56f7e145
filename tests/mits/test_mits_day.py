"""Issue 14, the task form: the MIT checkbox reads on or off in plain text."""

from __future__ import annotations

from cockpit.tui.app import CockpitApp


async def test_mit_checkbox_reads_off_and_on_in_plain_text(no_plan):
    app = CockpitApp(no_plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "a")
        await pilot.pause()
        box = app.screen.query_one("#mit")
        assert box.render().plain.startswith("[ ] Today's MIT")  # off: nothing ticked
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value and box.render().plain.startswith("[x] Today's MIT")
