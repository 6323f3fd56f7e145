"""Time-audit use cases. Other instruments book time through ``add_entry``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cockpit.core.clock import to_stamp
from cockpit.store import Collection, by_month

if TYPE_CHECKING:
    from cockpit.context import Context

# A time entry (collection "time_entries", one file per month of its start):
#   start, end: ISO UTC stamps (end None while running)
#   tz: IANA zone in force when it was recorded
#   category: a category id from config (audit.categories[].id)
#   source: "manual" | "sprint" | "break" | "reading" | "job" | "import:<tool>"
#   note, task (task id or None), paper (versionless arXiv id or None),
#   interruptions: [{"at": stamp, "kind": "internal"|"external", "note": str}]


def entries(ctx: Context) -> Collection:
    return ctx.store.collection("time_entries", by_month("start"), label="time entry")


def add_entry(
    ctx: Context,
    *,
    start: dt.datetime,
    end: dt.datetime | None,
    category: str,
    source: str,
    note: str = "",
    task: str | None = None,
    paper: str | None = None,
    interruptions: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """Book a span of time; returns the entry id."""
    tz = getattr(ctx.clock.tz, "key", "UTC")
    doc: dict[str, Any] = {
        "start": to_stamp(start),
        "end": to_stamp(end) if end is not None else None,
        "tz": tz,
        "category": category,
        "source": source,
        "note": note,
        "task": task,
        "paper": paper,
        "interruptions": interruptions or [],
    }
    doc.update(extra or {})
    return entries(ctx).insert(doc)
