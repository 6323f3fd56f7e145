"""Helpers for the MITs tests."""

from __future__ import annotations

import pytest


async def settle(app, pilot) -> None:  # noqa: ANN001
    """Wait until the pane's queued store writes are done and the screen is redrawn."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    # Run the app's once-a-second store poll now, as it would: a poll that fires while the
    # test app is closing trips over the half-removed main screen (reported to the lead).
    app._poll_store()
    await pilot.pause()


@pytest.fixture
def no_plan(write_config, home, clock):  # noqa: ANN001, ANN201
    """A context whose morning plan does not open by itself."""
    from cockpit.context import Context

    write_config("[mits]\nmorning_plan = false\n")
    return Context.open(home, clock=clock)
