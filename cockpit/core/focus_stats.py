"""What finished focus phases add up to (today's sprints, the streak), and the alerts they earn."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cockpit.core.clock import from_stamp
from cockpit.core.focus_records import COMPLETED, MODE_LABELS, FocusRecord, Session

if TYPE_CHECKING:
    from cockpit.core.alerts import Alert


@dataclass(frozen=True, slots=True)
class DayStats:
    """One day's focus: sprints counted, focus seconds, interruptions; goal and streak."""

    sprints: int = 0
    focus_s: int = 0
    internal: int = 0
    external: int = 0
    goal: int = 0
    streak: int = 0

    def to_dict(self) -> dict[str, int]:
        """The ``today`` object of ``cockpit focus status --json``."""
        return {
            "sprints": self.sprints,
            "focus_s": self.focus_s,
            "internal": self.internal,
            "external": self.external,
            "goal": self.goal,
            "streak": self.streak,
        }


#: a sprint counts toward the daily goal from this many focused minutes ([focus] min_sprint_minutes)
MIN_SPRINT_MINUTES = 25


def counts_as_sprint(r: FocusRecord, min_s: float = MIN_SPRINT_MINUTES * 60) -> bool:
    """A sprint (or a block's sprint) with at least ``min_s`` focused seconds, however it ended."""
    if r.phase != "focus" or r.mode not in ("sprint", "block"):
        return False
    return r.active_s >= min_s


def local_day(stamp: str, tz: dt.tzinfo) -> dt.date:
    return from_stamp(stamp).astimezone(tz).date()


def day_stats(
    records: Iterable[FocusRecord],
    day: dt.date,
    tz: dt.tzinfo,
    goal: int = 0,
    min_s: float = MIN_SPRINT_MINUTES * 60,
) -> DayStats:
    sprints = focus_s = internal = external = 0
    for r in records:
        if r.phase != "focus" or local_day(r.end, tz) != day:
            continue
        focus_s += r.active_s
        sprints += counts_as_sprint(r, min_s)
        for i in r.interruptions:
            if i.kind == "internal":
                internal += 1
            else:
                external += 1
    return DayStats(sprints, focus_s, internal, external, goal)


def streak(
    records: Iterable[FocusRecord],
    today: dt.date,
    tz: dt.tzinfo,
    goal: int,
    min_s: float = MIN_SPRINT_MINUTES * 60,
) -> int:
    """Days in a row that reached the daily goal, up to today (today counts once it is reached)."""
    per_day: dict[dt.date, int] = {}
    for r in records:
        if counts_as_sprint(r, min_s):
            d = local_day(r.end, tz)
            per_day[d] = per_day.get(d, 0) + 1
    day = today if per_day.get(today, 0) >= goal else today - dt.timedelta(days=1)
    n = 0
    while per_day.get(day, 0) >= goal:
        n += 1
        day -= dt.timedelta(days=1)
    return n


def fmt_clock(seconds: float) -> str:
    """42:10, 1:29:59, or -05:00 in overrun."""
    s = int(math.ceil(seconds)) if seconds >= 0 else -int(math.ceil(-seconds))
    sign = "-" if s < 0 else ""
    s = abs(s)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{sign}{h}:{m:02d}:{sec:02d}" if h else f"{sign}{m:02d}:{sec:02d}"


# ---------------------------------------------------------------------------- alerts


def alert_for(records: Iterable[FocusRecord], s: Session | None, now: dt.datetime) -> Alert | None:
    """The alert a phase that ran out deserves; None when nothing ran out, or long ago
    (a sprint that ended while cockpit was down is recorded, not announced)."""
    from cockpit.core.alerts import Alert

    done = [r for r in records if r.outcome == COMPLETED and (now - from_stamp(r.end)).total_seconds() < 300]
    if not done:
        return None
    r = done[-1]
    label = MODE_LABELS.get(r.mode, r.mode)
    if r.phase == "break":
        if s and s.phase == "focus":
            return Alert("Break over", f"{label} {s.round} starts now.", "normal", "focus")
        return Alert("Break over", "Ready for the next sprint?", "normal", "focus")
    mins = round(r.active_s / 60)
    body = f"{mins} min of focus."
    if s and s.phase == "break":
        body += f" Break: {break_length(s.planned_s)}."
    return Alert(f"{label[0].upper() + label[1:]} done", body, "normal", "focus")


def break_length(seconds: float) -> str:
    """ "5 min", or "40 s" under a minute: never "0 min"."""
    if seconds >= 60:
        return f"{round(seconds / 60)} min"
    return f"{max(1, round(seconds))} s"


def timebox_alert() -> Alert:
    from cockpit.core.alerts import Alert

    return Alert("Time-box is up", "Step away, or extend it.", "critical", "focus")


def booking_note(r: FocusRecord) -> str:
    """The note of the time entries a finished phase books: "sprint", "pomodoro 2 (stopped)"..."""
    label = MODE_LABELS.get(r.mode, r.mode)
    if r.mode in ("block", "pomodoro"):
        label += f" {r.round}"
    note = label if r.phase == "focus" else f"break after {label}"
    if r.outcome != COMPLETED:
        note += f" ({r.outcome.replace('_', ' ')}{': ' + r.reason if r.reason else ''})"
    return note
