"""The day's focus timeline: today's phases (focus, breaks, pauses, interruptions) as text. Pure.

The Focus pane shows it when it has room (a wide terminal or a zoomed pane):

    08    10    12    14    16    18
    ····████▌░░·███!██░···········
    focus 2h10 · breaks 0h25 · 1 int.   █ focus ░ break ! interruption
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from cockpit.core.clock import from_stamp
from cockpit.core.focus_records import FocusRecord, Session
from cockpit.core.record import record

FOCUS, BREAK, PAUSE, EMPTY, INTERRUPTION, LATER = "█", "░", "-", "·", "!", " "
LEGEND = f"{FOCUS} focus {BREAK} break {PAUSE} paused {INTERRUPTION} interruption"
FIRST_HOUR, LAST_HOUR = 8, 18  # the axis covers at least these hours; it grows to fit the day


@record
class Span:
    kind: str  # "focus" | "break" | "pause"
    start: dt.datetime
    end: dt.datetime


@record
class Timeline:
    axis: str
    bar: str
    summary: str
    focus_s: float
    break_s: float
    interruptions: int


def _pauses(pauses: Iterable[tuple[str, str | None]], end: dt.datetime) -> list[Span]:
    return [Span("pause", from_stamp(a), from_stamp(b) if b else end) for a, b in pauses]


def spans(
    records: Iterable[FocusRecord], session: Session | None, now: dt.datetime
) -> tuple[list[Span], list[dt.datetime]]:
    """Today's phases (finished records, then the live phase up to ``now``) and interruption times."""
    out: list[Span] = []
    marks: list[dt.datetime] = []
    for r in records:
        kind = "break" if r.phase == "break" else "focus"
        out.append(Span(kind, from_stamp(r.start), from_stamp(r.end)))
        out += _pauses(r.pauses, from_stamp(r.end))
        marks += [from_stamp(i.at) for i in r.interruptions]
    if session is not None:
        kind = "break" if session.phase == "break" else "focus"
        start = from_stamp(session.phase_start)
        if start < now:
            out.append(Span(kind, start, now))
            out += _pauses(session.pauses, now)
        marks += [from_stamp(i.at) for i in session.interruptions]
    return out, marks


def _seconds(kind: str, items: Sequence[Span], a: dt.datetime, b: dt.datetime) -> float:
    return sum(max(0.0, (min(b, s.end) - max(a, s.start)).total_seconds()) for s in items if s.kind == kind)


def fmt_hm(seconds: float) -> str:
    m = int(seconds // 60)
    return f"{m // 60}h{m % 60:02d}"


def timeline(
    records: Iterable[FocusRecord],
    session: Session | None,
    now: dt.datetime,
    tz: dt.tzinfo,
    width: int,
) -> Timeline:
    """The day's timeline in ``width`` columns (an axis line, a bar line and a summary line)."""
    items, marks = spans(records, session, now)
    local_now = now.astimezone(tz)
    midnight = dt.datetime.combine(local_now.date(), dt.time(0), tzinfo=tz)
    tomorrow = dt.datetime.combine(local_now.date() + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    items = [Span(s.kind, max(s.start, midnight), min(s.end, tomorrow)) for s in items if s.end > midnight]
    items = [s for s in items if s.end > s.start]
    first = min([FIRST_HOUR] + [s.start.astimezone(tz).hour for s in items])
    last = max([LAST_HOUR, local_now.hour + 1] + [_end_hour(s.end.astimezone(tz), midnight) for s in items])
    last = min(24, max(last, first + 1))
    hours = last - first
    width = max(hours, width)
    per_hour = max(1, width // hours)
    cells = per_hour * hours
    step = dt.timedelta(hours=1) / per_hour
    start = midnight + dt.timedelta(hours=first)
    bar = []
    for i in range(cells):
        a, b = start + i * step, start + (i + 1) * step
        if a >= now:
            bar.append(LATER)
            continue
        focus = _seconds("focus", items, a, b)
        brk = _seconds("break", items, a, b)
        pause = _seconds("pause", items, a, b)
        focus, brk = max(0.0, focus - pause), max(0.0, brk - pause)
        best = max((focus, FOCUS), (brk, BREAK), (pause, PAUSE))
        bar.append(best[1] if best[0] > 0 else EMPTY)
    count = 0
    for t in marks:
        if midnight <= t < tomorrow:
            count += 1
            i = int((t - start) / step)
            if 0 <= i < cells:
                bar[i] = INTERRUPTION
    axis = [" "] * cells
    every = 1 if per_hour >= 3 else 2 if per_hour * 2 >= 3 else 4
    for h in range(first, last, every):
        pos = (h - first) * per_hour
        if pos + 2 <= cells:
            axis[pos : pos + 2] = f"{h:02d}"
    focus_s = sum((s.end - s.start).total_seconds() for s in items if s.kind == "focus")
    focus_s -= _overlap_pauses(items, "focus")
    break_s = sum((s.end - s.start).total_seconds() for s in items if s.kind == "break")
    summary = f"focus {fmt_hm(focus_s)} · breaks {fmt_hm(break_s)}"
    if count:
        summary += f" · {count} int."
    return Timeline("".join(axis), "".join(bar), summary, focus_s, break_s, count)


def _end_hour(t: dt.datetime, midnight: dt.datetime) -> int:
    """The hour the axis must reach to show ``t`` (24 at the next midnight)."""
    hours = (t - midnight).total_seconds() / 3600
    return min(24, int(hours) + (0 if hours == int(hours) else 1))


def _overlap_pauses(items: Sequence[Span], kind: str) -> float:
    pauses = [s for s in items if s.kind == "pause"]
    return sum(_seconds("pause", pauses, s.start, s.end) for s in items if s.kind == kind)
