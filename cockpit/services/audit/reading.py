"""Reading entries: a span of them, the report of a period, and the export as CSV or JSON."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cockpit.core import audit as core
from cockpit.core.clock import to_stamp
from cockpit.services.audit.common import RUNNING_ID, categories, entries, names, tracked_id, zone

if TYPE_CHECKING:
    from cockpit.context import Context


def month_parts(first: dt.datetime, end: dt.datetime) -> list[str]:
    """Partitions that can hold entries touching [first, end): their months and the one before."""
    y, m = first.year, first.month - 1
    if m == 0:
        y, m = y - 1, 12
    out = []
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _entry(doc: dict[str, Any], rid: str | None) -> core.Entry:
    """The record of a stored entry; the tracked one gets the id ``running``."""
    if doc.get("end") is None and rid is not None and doc.get("id") == rid:
        doc = {**doc, "id": RUNNING_ID}
    return core.Entry.from_doc(doc)


def load(ctx: Context, first: dt.datetime, end: dt.datetime) -> list[core.Entry]:
    """Entries touching [first, end); the tracked one has the id ``running``."""
    c = entries(ctx)
    have = set(c.parts())
    rid = tracked_id(ctx)
    lo, hi = to_stamp(first), to_stamp(end)
    out = []
    for p in month_parts(first, end):
        if p in have:
            for d in c.read_part(p):
                e = d.get("end")
                if d["start"] < hi and (e is None or e > lo):
                    out.append(_entry(d, rid))
    out.sort(key=lambda e: e.start)
    return out


def report(
    ctx: Context, first: dt.date, end: dt.date, with_previous: bool = True, kind: str = "range"
) -> core.Report:
    tz = zone(ctx)
    now = ctx.clock.now()
    cfg = ctx.config.audit

    def one(a: dt.date, b: dt.date) -> core.Report:
        lo, hi = core.local_midnight(a, tz), core.local_midnight(b, tz)
        return core.build_report(load(ctx, lo, hi), categories(ctx), a, b, tz, now, cfg.fragment_minutes)

    r = one(first, end)
    if with_previous:
        pa, pb = core.previous(first, end, kind)
        r.previous = one(pa, pb)
    return r


# ------------------------------------------------------------------ export

EXPORT_FIELDS = (
    "id",
    "start",
    "end",
    "local_start",
    "local_end",
    "seconds",
    "category",
    "category_name",
    "source",
    "note",
    "task",
    "tz",
)


def export_rows(ctx: Context, first: dt.date | None, end: dt.date | None) -> list[dict[str, Any]]:
    """Entries as the rows of ``audit export`` and ``audit list --json`` (keys: EXPORT_FIELDS)."""
    tz = zone(ctx)
    now = ctx.clock.now()
    if first is None or end is None:
        rid = tracked_id(ctx)
        items = sorted((_entry(d, rid) for d in entries(ctx).all()), key=lambda e: e.start)
        if first is not None:
            lo = core.local_midnight(first, tz)
            items = [e for e in items if e.end_or(now) > lo]
        if end is not None:
            hi = core.local_midnight(end, tz)
            items = [e for e in items if e.start < hi]
    else:
        items = load(ctx, core.local_midnight(first, tz), core.local_midnight(end, tz))
    nm = names(ctx)
    out = []
    for e in items:
        t = e.end_or(now)
        out.append(
            {
                "id": e.id,
                "start": to_stamp(e.start),
                "end": to_stamp(e.end) if e.end else None,
                "local_start": e.start.astimezone(tz).isoformat(timespec="seconds"),
                "local_end": t.astimezone(tz).isoformat(timespec="seconds") if e.end else None,
                "seconds": int(round((t - e.start).total_seconds())),
                "category": e.category,
                "category_name": nm.get(e.category, e.category),
                "source": e.source,
                "note": e.note,
                "task": e.task,
                "tz": e.tz,
            }
        )
    return out


def export(ctx: Context, first: dt.date | None, end: dt.date | None, fmt: str) -> str:
    import csv
    import io
    import json

    rows = export_rows(ctx, first, end)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(EXPORT_FIELDS), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()
