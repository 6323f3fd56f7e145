"""Focus sessions as stamps: pure transitions, no I/O, the time always passed in.

A session is a frozen ``Session`` (cockpit.core.focus_records). Its current *phase* (a focus
sprint or a break) is described by ``phase_start`` (UTC stamp), ``planned_s`` (length, including
extensions) and ``pauses`` (``((from, to|None), ...)``). Everything else (remaining time, state,
the phase's end) is computed from those stamps and ``now``: nothing is counted by ticks, so a
restart, a kill or a detached tmux changes nothing. All stamps are UTC, so DST never touches a
duration; a step of the wall clock seen while cockpit runs is taken out with ``shift``.

When a phase runs out, ``advance`` closes it at its planned end (not at the time somebody
noticed) and starts the next phase there, so a sprint that ended while cockpit was down is
recorded as ended at its planned end. Transitions return new sessions and ``FocusRecord``s.

Starting (the lengths of each mode) is in ``focus_plan``; a session as shown at one moment
(``SessionView``) in ``focus_view``: neither is needed to draw the first frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.focus_records import (
    ABANDONED,
    COMPLETED,
    DONE_OUTCOMES,
    EARLY,
    MODE_LABELS,
    MODES,
    SKIPPED,
    STOPPED,
    FocusDoc,
    FocusRecord,
    Interruption,
    RecordError,
    Session,
)
from cockpit.core.focus_stats import (
    DayStats,
    alert_for,
    booking_note,
    break_length,
    counts_as_sprint,
    day_stats,
    fmt_clock,
    local_day,
    status_alerts,
    streak,
    timebox_alert,
)

__all__ = [
    "ABANDONED",
    "COMPLETED",
    "DONE_OUTCOMES",
    "EARLY",
    "MODES",
    "MODE_LABELS",
    "SKIPPED",
    "STOPPED",
    "DayStats",
    "FocusDoc",
    "FocusError",
    "FocusRecord",
    "RecordError",
    "Interruption",
    "Session",
    "alert_for",
    "booking_note",
    "break_length",
    "counts_as_sprint",
    "day_stats",
    "fmt_clock",
    "local_day",
    "status_alerts",
    "streak",
    "timebox_alert",
]


#: no break after a sprint with fewer focused seconds than this
MIN_BREAK_FOCUS_S = 5 * 60


class FocusError(ValueError):
    """A control that does not apply now (resume when not paused, skip outside a break, ...)."""


# ---------------------------------------------------------------------------- reading


def _t(stamp: str) -> dt.datetime:
    return from_stamp(stamp)


def paused_s(s: Session, now: dt.datetime) -> float:
    total = 0.0
    for a, b in s.pauses:
        end = _t(b) if b else now
        total += max(0.0, (end - _t(a)).total_seconds())
    return total


def is_paused(s: Session) -> bool:
    return s.is_paused


def elapsed_s(s: Session, now: dt.datetime) -> float:
    return max(0.0, (now - _t(s.phase_start)).total_seconds() - paused_s(s, now))


def remaining_s(s: Session, now: dt.datetime) -> float:
    """Seconds left in the current phase; negative in a time-box's overrun."""
    return s.planned_s - elapsed_s(s, now)


def state(s: Session | None, now: dt.datetime) -> str:
    """idle | running | paused | break | overrun."""
    if not s:
        return "idle"
    if s.is_paused:
        return "paused"
    if s.phase == "break":
        return "break"
    if remaining_s(s, now) < 0:
        return "overrun"
    return "running"


def phase_end(s: Session, now: dt.datetime) -> dt.datetime:
    """When the current phase runs out if nothing else happens (paused: as if resumed now)."""
    return _t(s.phase_start) + dt.timedelta(seconds=s.planned_s + paused_s(s, now))


def progress(s: Session, now: dt.datetime) -> float:
    if s.planned_s <= 0:
        return 1.0
    return min(1.0, elapsed_s(s, now) / s.planned_s)


def next_phases(s: Session, now: dt.datetime, limit: int = 40) -> list[dict[str, Any]]:
    """The phases that follow if nothing is touched: [{"state", "ends"}...], ending with idle."""
    if s.is_paused or s.mode == "timebox":
        return []
    out: list[dict[str, Any]] = []
    cur = s
    end = phase_end(cur, now)
    for _ in range(limit):
        nxt = _following(cur, end)
        if nxt is None:
            out.append({"state": "idle", "ends": None})
            break
        cur = nxt
        end = phase_end(cur, end)
        state = "break" if cur.phase == "break" else "running"
        out.append({"state": state, "ends": to_stamp(end), "round": cur.round})
    return out


# ---------------------------------------------------------------------------- transitions


def _record(s: Session, end: dt.datetime, outcome: str, reason: str = "") -> FocusRecord:
    """The finished phase, as kept in the sessions collection and booked as time."""
    start = _t(s.phase_start)
    end = max(end, start)
    closed = tuple((a, b or to_stamp(end)) for a, b in s.pauses)
    active = max(0.0, (end - start).total_seconds() - paused_s(replace(s, pauses=closed), end))
    return FocusRecord(
        session=s.id,
        mode=s.mode,
        phase=s.phase,
        round=s.round,
        start=s.phase_start,
        end=to_stamp(end),
        planned_s=s.planned_s,
        active_s=round(active),
        pauses=closed,
        task=s.task,
        category=s.category,
        paper=s.paper,
        interruptions=s.interruptions if s.phase == "focus" else (),
        outcome=outcome,
        reason=reason,
    )


def _following(s: Session, at: dt.datetime) -> Session | None:
    """The phase after the current one, starting at ``at``; None when the session is over."""
    mode, rnd = s.mode, s.round
    if mode == "timebox":
        return None
    base = replace(s, pauses=(), interruptions=(), phase_start=to_stamp(at))
    if s.phase == "focus":
        last = rnd >= s.rounds
        if mode == "block" and last:
            return None
        long = mode == "pomodoro" and rnd % s.long_every == 0
        length = s.long_break_s if long else s.break_s
        if mode == "sprint":
            # the break is in proportion to the focused time (break_minutes per sprint_minutes),
            # and there is none under MIN_BREAK_FOCUS_S
            focused = elapsed_s(s, at)
            if focused < MIN_BREAK_FOCUS_S or s.focus_s <= 0:
                return None
            length = round(focused * s.break_s / s.focus_s)
        if length <= 0:
            return None
        return replace(base, phase="break", planned_s=length)
    # a break ends
    if mode == "sprint" or rnd >= s.rounds:
        return None
    return replace(base, phase="focus", round=rnd + 1, planned_s=s.focus_s)


def advance(s: Session | None, now: dt.datetime) -> tuple[Session | None, list[FocusRecord]]:
    """Close every phase that ran out by ``now`` at its planned end; chain the next ones."""
    records: list[FocusRecord] = []
    cur = s
    for _ in range(1000):
        if cur is None or cur.is_paused or cur.mode == "timebox":
            break
        end = phase_end(cur, now)
        if end > now:
            break
        records.append(_record(cur, end, COMPLETED))
        cur = _following(cur, end)
    return cur, records


def pause(s: Session, now: dt.datetime) -> Session:
    if s.is_paused:
        raise FocusError("already paused")
    return replace(s, pauses=(*s.pauses, (to_stamp(now), None)))


def resume(s: Session, now: dt.datetime) -> Session:
    if not s.is_paused:
        raise FocusError("not paused")
    began = s.pauses[-1][0]
    return replace(s, pauses=(*s.pauses[:-1], (began, to_stamp(max(now, _t(began))))))


def extend(s: Session, seconds: int) -> Session:
    if seconds <= 0:
        raise FocusError("extend by a positive number of minutes")
    # a time-box extended past its end alerts again
    return replace(
        s, planned_s=int(s.planned_s + seconds), extended_s=int(s.extended_s + seconds), alerted=False
    )


def _close_pause(s: Session, now: dt.datetime) -> Session:
    return resume(s, now) if s.is_paused else s


def finish(s: Session, now: dt.datetime) -> tuple[Session | None, list[FocusRecord]]:
    """Finish the focus phase now (early or in overrun) and go on to the break."""
    if s.phase != "focus":
        raise FocusError("not in a focus phase (skip the break instead)")
    cur = _close_pause(s, now)
    outcome = EARLY if remaining_s(cur, now) > 0 else COMPLETED
    return _following(cur, now), [_record(cur, now, outcome)]


def skip_break(s: Session, now: dt.datetime) -> tuple[Session | None, list[FocusRecord]]:
    if s.phase != "break":
        raise FocusError("not on a break")
    cur = _close_pause(s, now)
    return _following(cur, now), [_record(cur, now, SKIPPED)]


def stop(s: Session, now: dt.datetime) -> list[FocusRecord]:
    """End the whole session now, keeping what was done."""
    cur = _close_pause(s, now)
    outcome = COMPLETED if cur.phase == "focus" and remaining_s(cur, now) <= 0 else STOPPED
    return [_record(cur, now, outcome)]


def abandon(s: Session, now: dt.datetime, reason: str = "") -> list[FocusRecord]:
    cur = _close_pause(s, now)
    return [_record(cur, now, ABANDONED if cur.phase == "focus" else STOPPED, reason)]


def interrupt(s: Session, now: dt.datetime, kind: str = "external", note: str = "") -> Session:
    if kind not in ("internal", "external"):
        raise FocusError("an interruption is internal or external")
    if s.phase != "focus":
        raise FocusError("interruptions are logged during a focus phase")
    return replace(s, interruptions=(*s.interruptions, Interruption(to_stamp(now), kind, note)))


def shift(s: Session, seconds: float) -> Session:
    """Move every stamp of the session by ``seconds`` (undo a wall-clock step seen while running)."""
    d = dt.timedelta(seconds=seconds)

    def mv(stamp: str) -> str:
        return to_stamp(_t(stamp) + d)

    return replace(
        s,
        phase_start=mv(s.phase_start),
        session_start=mv(s.session_start),
        pauses=tuple((mv(a), mv(b) if b else b) for a, b in s.pauses),
        interruptions=tuple(replace(i, at=mv(i.at)) for i in s.interruptions),
    )


def discard_gap(s: Session, since: dt.datetime, now: dt.datetime) -> Session:
    """Do not count ``since``..``now`` (cockpit was down): it becomes a pause of the phase."""
    s = _close_pause(s, since)
    ends = [_t(b) for _, b in s.pauses if b]
    since = max([since, _t(s.phase_start), *ends])  # never count a pause twice
    if now > since:
        s = replace(s, pauses=(*s.pauses, (to_stamp(since), to_stamp(now))))
    return s


def active_spans(r: FocusRecord) -> list[tuple[dt.datetime, dt.datetime]]:
    """The spans of a finished phase that were not paused (each becomes one time entry)."""
    start, end = _t(r.start), _t(r.end)
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    cur = start
    for a, b in sorted((_t(a), _t(b)) for a, b in r.pauses):
        a, b = max(a, start), min(b, end)
        if a > cur:
            spans.append((cur, a))
        cur = max(cur, b)
    if end > cur:
        spans.append((cur, end))
    return [(a, b) for a, b in spans if (b - a).total_seconds() >= 1]
