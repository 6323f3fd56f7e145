"""Editing time entries: overlaps, the adjust plan, split and merge. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cockpit.core.audit.records import Entry
from cockpit.core.clock import to_stamp


class OverlapError(ValueError):
    """A new or edited entry would overlap existing ones."""

    def __init__(self, message: str, clashes: list[Entry]) -> None:
        super().__init__(message)
        self.clashes = clashes


def overlaps(
    entries: Iterable[Entry],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    exclude: Sequence[str] = (),
) -> list[Entry]:
    """Entries sharing some positive-length time with [start, end)."""
    out = [e for e in entries if e.id not in exclude and e.start < end and e.end_or(now) > start]
    return sorted(out, key=lambda e: e.start)


@dataclass(frozen=True)
class Change:
    """One store operation planned by the pure logic: ``update``, ``remove`` or ``insert``."""

    op: str
    id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


def adjust_plan(
    clashes: Iterable[Entry], start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> list[Change]:
    """Make room for [start, end): trim, cut in two, or remove each clashing entry."""
    plan: list[Change] = []
    for e in clashes:
        e_end = e.end_or(now)
        if e.start >= start and e_end <= end:
            plan.append(Change("remove", e.id))
        elif e.start < start and e_end > end:
            plan.append(Change("update", e.id, {"end": to_stamp(start)}))
            tail = {
                "start": to_stamp(end),
                "end": to_stamp(e_end) if e.end is not None else None,
                "category": e.category,
                "source": e.source,
                "note": e.note,
                "task": e.task,
                "tz": e.tz,
            }
            plan.append(Change("insert", e.id, tail))
        elif e.start < start:
            plan.append(Change("update", e.id, {"end": to_stamp(start)}))
        else:
            plan.append(Change("update", e.id, {"start": to_stamp(end)}))
    return plan


def describe(e: Entry, tz: dt.tzinfo, names: dict[str, str], now: dt.datetime) -> str:
    s = e.start.astimezone(tz)
    en = e.end_or(now).astimezone(tz)
    when = (
        f"{s:%Y-%m-%d %H:%M}-{en:%H:%M}"
        if s.date() == en.date()
        else f"{s:%Y-%m-%d %H:%M}-{en:%Y-%m-%d %H:%M}"
    )
    return f"{names.get(e.category, e.category)} {when}"


def overlap_message(clashes: list[Entry], tz: dt.tzinfo, names: dict[str, str], now: dt.datetime) -> str:
    first = "; ".join(f"{describe(e, tz, names, now)} ({e.id or 'running'})" for e in clashes[:3])
    more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
    return f"overlaps {first}{more}; --adjust (Adjust in the app) trims the other entries"


def split_at(e: Entry, at: dt.datetime, now: dt.datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields for the first part, doc of the second part)."""
    if not e.start < at < e.end_or(now):
        raise ValueError("the split time must lie inside the entry")
    second = {
        "start": to_stamp(at),
        "end": to_stamp(e.end) if e.end is not None else None,
        "category": e.category,
        "source": e.source,
        "note": e.note,
        "task": e.task,
        "tz": e.tz,
    }
    return {"end": to_stamp(at)}, second


def merge_pair(a: Entry, b: Entry, between: Iterable[Entry], now: dt.datetime) -> dict[str, Any]:
    """Fields for ``a`` after absorbing ``b`` (kept: a's category; notes joined)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    end = second.end_or(now)
    others = [
        x for x in between if x.id not in (a.id, b.id) and x.start < end and x.end_or(now) > first.start
    ]
    if others:
        raise ValueError("another entry lies between them; merge neighbours only")
    notes = " / ".join(n for n in (first.note, second.note) if n)
    return {
        "start": to_stamp(first.start),
        "end": to_stamp(second.end) if second.end is not None else None,
        "category": first.category,
        "note": notes,
    }
