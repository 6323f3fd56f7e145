"""The one way the Pilot tests wait for the app to come to rest before they read it."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.pilot import Pilot


async def settle(app: App[Any], pilot: Pilot[Any], delay: float = 0.0, *, clear_toasts: bool = False) -> None:
    """Let ``app`` come to rest:

    1. ``delay`` seconds of real time pass, for timers that fire by themselves (1.1 lets a
       once-a-second tick, such as a sprint's, fire);
    2. its workers finish, three rounds over (a worker's result may queue another store write);
    3. the app's once-a-second store poll runs now, as it would (a poll that fires while the test
       app is closing trips over the half-removed main screen);
    4. with ``clear_toasts``, the toasts go (a toast may sit over a border; check it on its own);
    5. the screen redraws.
    """
    if delay > 0:
        await pilot.pause(delay)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    app._poll_store()  # type: ignore[attr-defined]
    await pilot.pause()
    if clear_toasts:
        app.clear_notifications()
        await pilot.pause(0.2)
    else:
        await pilot.pause(0.05)
