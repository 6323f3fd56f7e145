"""Focus use cases (sprints, blocks, pomodoros, time-boxes). Owned by the Focus instrument.

Other instruments start a session through ``start``; the reading passes of Papers start a
time-box in Research/Learning with ``paper=`` set, so its time is booked to the paper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cockpit.context import Context


def start(
    ctx: Context,
    mode: str = "sprint",
    minutes: float | None = None,
    task: str | None = None,
    category: str | None = None,
    paper: str | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Start a session; returns its state. Raises UsageError when one runs and not replace."""
    raise NotImplementedError("filled in by the Focus issue")


def current(ctx: Context) -> dict[str, Any] | None:
    """The running (or paused, or on-break) session, or None."""
    return None
