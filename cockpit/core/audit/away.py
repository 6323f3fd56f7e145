"""Away detection: idle, detached and suspended spans while tracking, and how to book them. Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from cockpit.core.audit.records import Tracking
from cockpit.core.record import record


@record
class Away:
    """A stretch while tracking with no input (or the tmux client detached)."""

    start: dt.datetime
    end: dt.datetime
    reason: str  # "idle" | "detached"

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


class AwayDetector:
    """Feed it observations; it reports an Away span once the user is back.

    ``observe(now, last_input, attached)``: ``last_input`` is the latest input instant known
    (cockpit keys or tmux ``client_activity``), ``attached`` whether a tmux client is attached
    (None outside tmux). Returns an Away when the user returns after being away, else None.
    """

    def __init__(self, away_minutes: int) -> None:
        self.limit = dt.timedelta(minutes=away_minutes)
        self.away_since: dt.datetime | None = None
        self.reason = ""
        self._clock: tuple[dt.datetime, float] | None = None

    def observe(
        self,
        now: dt.datetime,
        last_input: dt.datetime | None,
        attached: bool | None,
        tracking_since: dt.datetime | None,
    ) -> Away | None:
        if tracking_since is None:
            self.away_since = None
            return None
        anchor = tracking_since if last_input is None else max(last_input, tracking_since)
        if self.away_since is None:
            if attached is False:
                self.away_since, self.reason = anchor, "detached"
            elif now - anchor >= self.limit:
                self.away_since, self.reason = anchor, "idle"
            return None
        if attached is False:
            return None
        typed = last_input is not None and last_input > self.away_since
        if not typed and not (self.reason == "detached" and attached):
            return None
        end = last_input if typed and last_input is not None else now
        gap = Away(self.away_since, end, self.reason)
        self.away_since = None
        return gap if gap.end > gap.start else None

    def reset(self) -> None:
        self.away_since = None

    def observe_clock(
        self, wall: dt.datetime, mono: float, tracking_since: dt.datetime | None, slack_s: float = 30.0
    ) -> Away | None:
        """A wall-clock jump the monotonic clock did not see (suspend, NTP step) while tracking."""
        last = self._clock
        self._clock = (wall, mono)
        if last is None or tracking_since is None:
            return None
        jump = (wall - last[0]).total_seconds() - (mono - last[1])
        if jump <= slack_s:
            return None
        start = max(wall - dt.timedelta(seconds=jump), tracking_since)
        return Away(start, wall, "suspended") if wall > start else None


def away_plan(
    running: Tracking, away: Away, choice: str, category: str | None = None
) -> tuple[list[dict[str, Any]], Tracking]:
    """How to book an away span inside the running entry.

    Returns (closed entry docs to insert, the new running state). ``keep`` changes nothing,
    ``discard`` closes the entry at the start of the gap and restarts it at its end,
    ``book`` does the same and books the gap to ``category``.
    """
    since = running.since
    start = max(away.start, since)
    if choice == "keep" or start >= away.end:
        return [], running
    closed = []
    if start > since:
        closed.append(running.closed_doc(since, start))
    if choice == "book":
        if not category:
            raise ValueError("book needs a category")
        closed.append(
            {**running.closed_doc(start, away.end), "category": category, "note": f"away ({away.reason})"}
        )
    elif choice != "discard":
        raise ValueError(f"unknown choice {choice!r}")
    return closed, replace(running, since=away.end)
