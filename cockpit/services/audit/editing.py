"""Editing entries: add a past one, edit, split, merge, delete and undo. Overlaps are refused
unless the caller asks to adjust (trim) the other entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cockpit.core import audit as core
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.record import record
from cockpit.errors import CockpitError, UsageError
from cockpit.services.atomic import atomic
from cockpit.services.audit.common import (
    RUNNING_ID,
    add_entry,
    category,
    check_task,
    entries,
    names,
    update_entry,
    zone,
)
from cockpit.services.audit.reading import load
from cockpit.services.audit.tracking import running, set_running

if TYPE_CHECKING:
    from cockpit.context import Context


class OverlapRefused(CockpitError):
    pass


@record
class Deleted:
    """A deleted entry, and what ``undo_delete`` needs to put it back exactly as it was."""

    entry: core.Entry
    _doc: Mapping[str, Any]


def _clashes(
    ctx: Context, start: dt.datetime, end: dt.datetime, exclude: tuple[str, ...] = ()
) -> list[core.Entry]:
    return core.overlaps(load(ctx, start, end), start, end, ctx.clock.now(), exclude)


def _apply(ctx: Context, plan: list[core.Change], start: dt.datetime, end: dt.datetime) -> None:
    c = entries(ctx)
    for ch in plan:
        if ch.id == RUNNING_ID:
            cur = running(ctx)
            if cur is None:
                continue
            if ch.op == "update" and "end" in ch.fields:  # the new span starts inside the running one
                c.insert(cur.closed_doc(cur.since, from_stamp(ch.fields["end"])))
                if end >= ctx.clock.now():
                    set_running(ctx, None)
                else:
                    set_running(ctx, replace(cur, since=end))
            elif ch.op == "update" and "start" in ch.fields:
                set_running(ctx, replace(cur, since=from_stamp(ch.fields["start"])))
            elif ch.op == "remove":
                set_running(ctx, None)
            continue
        if ch.op == "remove":
            c.remove(ch.id)
        elif ch.op == "insert":
            doc = c.require(ch.id) if ch.id else {}
            doc.pop("id", None)
            doc.pop("import_key", None)
            c.insert({**doc, **ch.fields})
        elif ch.op == "update":
            update_entry(ctx, ch.id, ch.fields)


def _guard(
    ctx: Context, start: dt.datetime, end: dt.datetime, exclude: tuple[str, ...], adjust: bool
) -> None:
    if end <= start:
        raise UsageError("the end must be after the start")
    clashes = _clashes(ctx, start, end, exclude)
    if not clashes:
        return
    now = ctx.clock.now()
    if not adjust:
        raise OverlapRefused(core.overlap_message(clashes, zone(ctx), names(ctx), now))
    _apply(ctx, core.adjust_plan(clashes, start, end, now), start, end)


@atomic
def add(
    ctx: Context,
    start: dt.datetime,
    end: dt.datetime,
    cat: str,
    note: str = "",
    task: str | None = None,
    adjust: bool = False,
) -> str:
    """Add a past entry; an overlap is refused unless ``adjust`` trims the others."""
    c = category(ctx, cat)
    check_task(ctx, task)
    if end > ctx.clock.now():
        raise UsageError("a past entry cannot end in the future")
    _guard(ctx, start, end, (), adjust)
    return add_entry(ctx, start=start, end=end, category=c.id, source="manual", note=note, task=task)


@atomic
def edit(
    ctx: Context,
    id: str,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    cat: str | None = None,
    note: str | None = None,
    task: str | None = None,
    adjust: bool = False,
) -> str:
    """Change an entry's start, end, category, note or task ("" unlinks); returns its (possibly new) id."""
    if task:
        check_task(ctx, task)
    cur = running(ctx)
    if cur is not None and id == cur.id:
        id = RUNNING_ID
    if id == RUNNING_ID:
        if cur is None:
            raise UsageError("nothing is being tracked")
        new = cur
        if start is not None:
            if start > ctx.clock.now():
                raise UsageError("the start of the running entry cannot be in the future")
            _guard(ctx, start, ctx.clock.now(), (RUNNING_ID,), adjust)
            new = replace(new, since=start)
        if cat is not None:
            new = replace(new, category=category(ctx, cat).id)
        if note is not None:
            new = replace(new, note=note)
        if task is not None:
            new = replace(new, task=task or None)
        set_running(ctx, new)
        return RUNNING_ID
    e = core.Entry.from_doc(entries(ctx).require(id))
    s = start or e.start
    t = end or e.end_or(ctx.clock.now())
    fields: dict[str, Any] = {}
    if start is not None or end is not None:
        _guard(ctx, s, t, (id,), adjust)
        fields["start"], fields["end"] = to_stamp(s), to_stamp(t)
    if cat is not None:
        fields["category"] = category(ctx, cat).id
    if note is not None:
        fields["note"] = note
    if task is not None:
        fields["task"] = task or None
    return update_entry(ctx, id, fields) if fields else id


@atomic
def split(ctx: Context, id: str, at: dt.datetime) -> tuple[str, str]:
    doc = entries(ctx).require(id)
    e = core.Entry.from_doc(doc)
    try:
        first, second = core.split_at(e, at, ctx.clock.now())
    except ValueError as err:
        raise UsageError(str(err)) from None
    entries(ctx).update(id, first)
    rest = {k: v for k, v in doc.items() if k not in ("id", "import_key")}
    return id, entries(ctx).insert({**rest, **second})


@atomic
def merge(ctx: Context, a: str, b: str) -> str:
    c = entries(ctx)
    ea, eb = core.Entry.from_doc(c.require(a)), core.Entry.from_doc(c.require(b))
    first, second = (ea, eb) if ea.start <= eb.start else (eb, ea)
    now = ctx.clock.now()
    try:
        fields = core.merge_pair(first, second, load(ctx, first.start, second.end_or(now)), now)
    except ValueError as err:
        raise UsageError(str(err)) from None
    c.remove(second.id)
    return update_entry(ctx, first.id, fields)


def get(ctx: Context, id: str) -> core.Entry:
    """One entry by id (``NotFound`` when there is none)."""
    return core.Entry.from_doc(entries(ctx).require(id))


@atomic
def delete(ctx: Context, id: str) -> Deleted:
    """Remove an entry; returns it, so that ``undo_delete`` can put it back."""
    doc = entries(ctx).remove(id)
    return Deleted(core.Entry.from_doc(doc), dict(doc))


@atomic
def undo_delete(ctx: Context, gone: Deleted) -> str:
    doc = dict(gone._doc)
    entries(ctx).put(doc["id"], doc)
    return str(doc["id"])
