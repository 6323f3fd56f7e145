"""What every audit use case shares: the collections, categories, zone, time parsing, one write.

The tracked (running) entry is a time entry with ``end`` None; the small doc ``audit-track``
holds its id (``{"entry": id}``). The stored shape of a time entry is described in
``cockpit.core.audit.records``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cockpit.core import audit as core
from cockpit.core.clock import UTC, to_stamp
from cockpit.errors import UsageError
from cockpit.services.atomic import atomic
from cockpit.store import Collection, DocRef, NotFound, schema

if TYPE_CHECKING:
    from cockpit.config import CategoryConfig
    from cockpit.context import Context

RUNNING_ID = "running"


def entries(ctx: Context) -> Collection:
    return schema.time_entries(ctx.store)


def track_doc(ctx: Context) -> DocRef:
    return schema.doc(ctx.store, schema.DOC_AUDIT_TRACK)


def tracked_id(ctx: Context) -> str | None:
    """The id of the running entry as the ``audit-track`` doc names it (it may be gone)."""
    rid = track_doc(ctx).read().get("entry")
    return rid if isinstance(rid, str) and rid else None


def fingerprint(ctx: Context) -> tuple[int, int]:
    """Changes whenever any time entry or the tracking doc changes (cheap: no file reads)."""
    return entries(ctx).fingerprint(), track_doc(ctx).fingerprint()


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
    """Book a span of time; returns the entry id. Other instruments book time through this."""
    doc: dict[str, Any] = {
        "start": to_stamp(start),
        "end": to_stamp(end) if end is not None else None,
        "tz": tz_name(ctx),
        "category": category,
        "source": source,
        "note": note,
        "task": task,
        "paper": paper,
        "interruptions": interruptions or [],
    }
    doc.update(extra or {})
    return entries(ctx).insert(doc)


@atomic
def update_entry(ctx: Context, id: str, fields: dict[str, Any]) -> str:
    """Update an entry; a new start in another month moves it (new id)."""
    c = entries(ctx)
    doc = c.require(id)
    new = {**doc, **fields}
    if c.part_of(new) != c.part_of(doc):
        c.remove(id)
        new.pop("id", None)
        return c.insert(new)
    c.update(id, fields)
    return id


def check_task(ctx: Context, task: str | None) -> None:
    """A task link must name an existing task (MITs instrument)."""
    if not task:
        return
    from cockpit.services.mits_tasks import get_task

    try:
        found = get_task(ctx, task)
    except NotFound:
        found = None
    if found is None:
        raise UsageError(f"no task with id {task!r} (see the MITs pane or `cockpit mits`)")


# ------------------------------------------------------------------ categories


def tz_name(ctx: Context) -> str:
    return str(getattr(ctx.clock.tz, "key", "UTC"))


def categories(ctx: Context) -> list[core.CategoryInfo]:
    return [
        core.CategoryInfo(c.id, c.name, c.key, c.color, c.active, c.deep) for c in ctx.config.audit.categories
    ]


def names(ctx: Context) -> dict[str, str]:
    return {c.id: c.name for c in ctx.config.audit.categories}


def category(ctx: Context, text: str) -> CategoryConfig:
    """A category by id, name or key, case-insensitively."""
    low = text.strip().lower()
    for c in ctx.config.audit.categories:
        if low in (c.id.lower(), c.name.lower(), c.key.lower()):
            return c
    known = ", ".join(f"{c.key}={c.name}" for c in ctx.config.audit.categories)
    raise UsageError(f"unknown category {text!r} (known: {known})")


def by_key(ctx: Context, key: str) -> CategoryConfig | None:
    for c in ctx.config.audit.categories:
        if c.key.lower() == key.lower():
            return c
    return None


# ------------------------------------------------------------------ days and times


def zone(ctx: Context) -> dt.tzinfo:
    return ctx.clock.tz


def today(ctx: Context) -> dt.date:
    return ctx.clock.now().astimezone(zone(ctx)).date()


def period(ctx: Context, kind: str, day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    cfg = ctx.config.audit
    audit_start = dt.date.fromisoformat(cfg.audit_start) if cfg.audit_start else None
    return core.period(kind, day or today(ctx), audit_start, cfg.audit_days)


def parse_local(ctx: Context, text: str, base: dt.date | None = None) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` or ``HH:MM`` (on ``base`` or today) in local time -> aware UTC."""
    from cockpit.core.dates import parse_day_time

    try:
        naive = parse_day_time(text, base or today(ctx))
    except ValueError as e:
        raise UsageError(str(e)) from None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=zone(ctx)).astimezone(UTC)


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` -> date; a well-formed date not on the calendar "does not exist"."""
    from cockpit.core.dates import parse_day

    try:
        return parse_day(text)
    except ValueError as e:
        raise UsageError(str(e)) from None
