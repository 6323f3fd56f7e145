"""What finished focus phases add up to (today's sprints, the streak), and the alerts they earn."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cockpit.core.clock import from_stamp
from cockpit.core.focus_records import COMPLETED, MODE_LABELS, FocusRecord, Session
from cockpit.core.record import record

if TYPE_CHECKING:
    from cockpit.core.alerts import Alert


@record
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
    done = [
        r
        for r in records
        if r.outcome == COMPLETED and (now - from_stamp(r.end)).total_seconds() < ALERT_WINDOW_S
    ]
    if not done:
        return None
    r = done[-1]
    nxt = (s.phase, s.round, s.planned_s) if s else None
    return ended_alert(r.mode, r.phase, r.end, r.active_s, nxt)


#: a phase that ran out longer ago than this is recorded, not announced
ALERT_WINDOW_S = 300


def ended_alert(
    mode: str, phase: str, end: str, active_s: float, nxt: tuple[str, int, float] | None
) -> Alert:
    """The alert for a ``phase`` of ``mode`` that ran out at ``end`` after ``active_s`` focused
    seconds; ``nxt`` is the phase that follows (phase, round, planned seconds) or None."""
    from cockpit.core.alerts import Alert, phase_end_key

    label = MODE_LABELS.get(mode, mode)
    label = label[:1].upper() + label[1:]  # it starts the alert's sentence
    key = phase_end_key(phase, end)
    if phase == "break":
        if nxt and nxt[0] == "focus":
            return Alert("Break over", f"{label} {nxt[1]} starts now.", "normal", "focus", key)
        return Alert("Break over", "Ready for the next sprint?", "normal", "focus", key)
    body = f"{round(active_s / 60)} min of focus."
    if nxt and nxt[0] == "break":
        body += f" Break: {break_length(nxt[2])}."
    return Alert(f"{label} done", body, "normal", "focus", key)


def status_alerts(focus: dict[str, object], now: dt.datetime) -> list[Alert]:
    """The alerts for the phases of a status-file ``focus`` section (see ``cockpit.status``) that
    ran out in the last ``ALERT_WINDOW_S`` seconds: what the status line announces when no
    cockpit process closed them. The same keys as ``alert_for``'s, so each goes out once."""
    state, mode, ends = focus.get("state"), focus.get("mode"), focus.get("ends")
    if state not in ("running", "break", "overrun") or not isinstance(mode, str) or not isinstance(ends, str):
        return []
    planned = focus.get("planned_s")
    if mode == "timebox":
        if state != "running" and state != "overrun":
            return []
        return [timebox_alert(ends)] if _recent(ends, now) else []
    phases: list[tuple[str, int, float, str]] = []  # phase, round, planned seconds, end
    phase = "break" if state == "break" else "focus"
    rnd = focus.get("round")
    phases.append((phase, rnd if isinstance(rnd, int) else 1, _num(planned), ends))
    for item in focus.get("then") or []:
        if not isinstance(item, dict) or item.get("state") not in ("running", "break"):
            break
        end, start = item.get("ends"), phases[-1][3]
        if not isinstance(end, str):
            break
        try:
            length = (from_stamp(end) - from_stamp(start)).total_seconds()
        except (TypeError, ValueError):
            break
        rnd = item.get("round")
        phase = "break" if item["state"] == "break" else "focus"
        phases.append((phase, rnd if isinstance(rnd, int) else 1, length, end))
    out: list[Alert] = []
    for i, (phase, _rnd, length, end) in enumerate(phases):
        try:
            ended = from_stamp(end) <= now
        except (TypeError, ValueError):
            break
        if not ended:
            break
        if not _recent(end, now):
            continue
        nxt = phases[i + 1][:3] if i + 1 < len(phases) else None
        out.append(ended_alert(mode, phase, end, length, nxt))
    return out


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _recent(end: str, now: dt.datetime) -> bool:
    try:
        return 0 <= (now - from_stamp(end)).total_seconds() < ALERT_WINDOW_S
    except (TypeError, ValueError):
        return False


def break_length(seconds: float) -> str:
    """ "5 min", or "40 s" under a minute: never "0 min"."""
    if seconds >= 60:
        return f"{round(seconds / 60)} min"
    return f"{max(1, round(seconds))} s"


def timebox_alert(end: str = "") -> Alert:
    from cockpit.core.alerts import Alert, phase_end_key

    key = phase_end_key("timebox", end) if end else ""
    return Alert("Time-box is up", "Step away, or extend it.", "critical", "focus", key)


def booking_note(r: FocusRecord) -> str:
    """The note of the time entries a finished phase books: "sprint", "pomodoro 2 (stopped)"..."""
    label = MODE_LABELS.get(r.mode, r.mode)
    if r.mode in ("block", "pomodoro"):
        label += f" {r.round}"
    note = label if r.phase == "focus" else f"break after {label}"
    if r.outcome != COMPLETED:
        note += f" ({r.outcome.replace('_', ' ')}{': ' + r.reason if r.reason else ''})"
    return note
