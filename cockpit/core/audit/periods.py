"""Local days and report periods: midnight splits that stay exact on DST days (23 h / 25 h). Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cockpit.core.audit.records import Entry
from cockpit.core.clock import UTC
from cockpit.core.record import record

DAY = dt.timedelta(days=1)


def local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The UTC instant of 00:00 local on ``day`` (first occurrence if ambiguous)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(UTC)


def day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(day, tz), local_midnight(day + DAY, tz)


def day_length_s(day: dt.date, tz: dt.tzinfo) -> float:
    a, b = day_bounds(day, tz)
    return (b - a).total_seconds()


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Days from start up to, not including, end."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days)]


@record
class Segment:
    """The part of an entry inside one local day."""

    entry: Entry
    day: dt.date
    start: dt.datetime
    end: dt.datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def segments(
    entries: Iterable[Entry], first: dt.date, end: dt.date, tz: dt.tzinfo, now: dt.datetime
) -> list[Segment]:
    """Cut entries at local midnights, keeping the parts within [first, end)."""
    bounds = [local_midnight(d, tz) for d in days(first, end + DAY)]
    lo, hi = bounds[0], bounds[-1]
    out: list[Segment] = []
    for e in entries:
        e_end = e.end_or(now)
        s, t = max(e.start, lo), min(e_end, hi)
        if t <= s:
            continue
        d = e.start.astimezone(tz).date() if e.start >= lo else first
        i = (d - first).days
        while s < t and i < len(bounds) - 1:
            seg_end = min(t, bounds[i + 1])
            if seg_end > s:
                out.append(Segment(e, first + dt.timedelta(days=i), s, seg_end))
            s = seg_end
            i += 1
    out.sort(key=lambda g: g.start)
    return out


# ------------------------------------------------------------------ periods


def period(
    kind: str, today: dt.date, audit_start: dt.date | None = None, audit_days: int = 14
) -> tuple[dt.date, dt.date]:
    """[first, end) of the day/week/month/audit period containing ``today``."""
    if kind == "day":
        return today, today + DAY
    if kind == "week":
        first = today - dt.timedelta(days=today.weekday())
        return first, first + dt.timedelta(days=7)
    if kind == "month":
        first = today.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return first, nxt
    if kind == "audit":
        first = audit_start or today - dt.timedelta(days=audit_days - 1)
        return first, first + dt.timedelta(days=audit_days)
    raise ValueError(f"unknown period {kind!r}")


def previous(first: dt.date, end: dt.date, kind: str = "range") -> tuple[dt.date, dt.date]:
    if kind == "month":
        p_first = (first - DAY).replace(day=1)
        return p_first, first
    n = end - first
    return first - n, first


def shift(kind: str, first: dt.date, end: dt.date, step: int) -> tuple[dt.date, dt.date]:
    if kind == "month":
        d = first
        for _ in range(abs(step)):
            d = (d - DAY).replace(day=1) if step < 0 else (d + dt.timedelta(days=32)).replace(day=1)
        return period("month", d)
    n = end - first
    return first + n * step, end + n * step
