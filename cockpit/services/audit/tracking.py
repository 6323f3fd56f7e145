"""Tracking: start, switch and stop the running entry, and book away spans inside it.

The running entry is an ordinary time entry with ``end`` None; the small doc ``audit-track``
holds its id. A switch copies the running entry out, closed at this instant, and gives the
running entry (same id) the new category and start: one write of the month file, and the
doc only changes on start, stop, or a move to a new month. So there is no gap and no overlap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cockpit.core import audit as core
from cockpit.core.clock import UTC, to_stamp
from cockpit.services.atomic import atomic
from cockpit.services.audit.common import (
    RUNNING_ID,
    category,
    check_task,
    entries,
    names,
    track_doc,
    tracked_id,
    tz_name,
    update_entry,
)
from cockpit.store import NotFound

if TYPE_CHECKING:
    from cockpit.context import Context


def _running_doc(ctx: Context) -> dict[str, Any] | None:
    rid = tracked_id(ctx)
    if not rid:
        return None
    try:
        doc = entries(ctx).get(rid)
    except NotFound:
        return None
    return doc if doc is not None and doc.get("end") is None else None


def running(ctx: Context) -> core.Tracking | None:
    """What is being tracked, or None."""
    doc = _running_doc(ctx)
    return None if doc is None else core.Tracking.from_doc(doc)


def running_entry(ctx: Context) -> core.Entry | None:
    """The running entry as an Entry with the id ``running`` (as ``load`` gives it)."""
    cur = running(ctx)
    return None if cur is None else cur.entry(RUNNING_ID)


def _publish(ctx: Context, state: core.Tracking | None) -> None:
    from cockpit import status

    if state is None:
        status.update_section(ctx.paths, "track", None)
        return
    status.update_section(
        ctx.paths,
        "track",
        {"category": names(ctx).get(state.category, state.category), "since": to_stamp(state.since)},
    )


def _unchanged(
    state: core.Tracking, category: str, note: str, task: str | None, source: str, force: bool
) -> bool:
    """Whether a start asks for what already runs (same category, nothing new to note)."""
    return state.category == category and not note and not task and not (force and state.source != source)


@atomic
def start(
    ctx: Context,
    cat: str,
    note: str = "",
    task: str | None = None,
    source: str = "manual",
    at: dt.datetime | None = None,
    force: bool = False,
) -> core.Tracking:
    """Start tracking ``cat`` (now, or ``at``: a sprint that began at its break's planned end);
    a running entry is closed at the same instant. Returns the new state. The same category
    keeps the running entry, unless ``force`` and it has another source (a sprint's entry ends)."""
    c = category(ctx, cat)
    check_task(ctx, task)
    now = (at or ctx.clock.now()).astimezone(UTC)
    new = core.Tracking("", now, c.id, note, task, tz_name(ctx), source)
    col = entries(ctx)
    rid = tracked_id(ctx)
    try:
        part = col.split_id(rid)[0] if rid else ""
    except NotFound:
        part = ""
    if rid and part:
        if part == col.part_of({"start": to_stamp(now)}):
            switched = False
            with col.transaction(part) as p:
                cur = p.get(rid)
                if cur is not None and cur.get("end") is None:
                    state = core.Tracking.from_doc(cur)
                    if _unchanged(state, c.id, note, task, source, force):
                        return state
                    if state.since < now:
                        p.insert(state.closed_doc(state.since, now))
                    p.update(rid, new.to_doc())
                    switched = True
            if switched:
                _publish(ctx, new)
                return replace(new, id=rid)
        else:
            cur = col.get(rid)
            if cur is not None and cur.get("end") is None:
                state = core.Tracking.from_doc(cur)
                if _unchanged(state, c.id, note, task, source, force):
                    return state
                if state.since < now:
                    col.update(rid, {"end": to_stamp(now)})
                else:
                    col.remove(rid)
    new_id = col.insert(new.to_doc())
    track_doc(ctx).set({"entry": new_id})
    _publish(ctx, new)
    return replace(new, id=new_id)


@atomic
def stop(ctx: Context, at: dt.datetime | None = None) -> core.Entry | None:
    """Stop tracking (now, or at ``at``: a sprint that ran out before anybody looked);
    returns the closed entry (with its id) or None when nothing ran."""
    now = to_stamp(at or ctx.clock.now())
    col = entries(ctx)
    rid = tracked_id(ctx)
    closed: dict[str, Any] | None = None
    if rid:
        try:
            part = col.split_id(rid)[0]
        except NotFound:
            part = ""
        if part:
            with col.transaction(part) as p:
                cur = p.get(rid)
                if cur is not None and cur.get("end") is None:
                    if cur["start"] < now:
                        closed = p.update(rid, {"end": now})
                    else:
                        p.remove(rid)
    track_doc(ctx).set({})
    _publish(ctx, None)
    return None if closed is None else core.Entry.from_doc(closed)


@atomic
def set_running(ctx: Context, state: core.Tracking | None) -> None:
    """Replace the running entry's fields (``since``, ``category``, ...); None deletes it."""
    col = entries(ctx)
    doc = _running_doc(ctx)
    if state is None:
        if doc is not None:
            col.remove(doc["id"])
        track_doc(ctx).set({})
        _publish(ctx, None)
        return
    fields = state.to_doc()
    if doc is None:
        new_id = col.insert(fields)
    else:
        new_id = update_entry(ctx, doc["id"], fields)
    if doc is None or new_id != doc["id"]:
        track_doc(ctx).set({"entry": new_id})
    _publish(ctx, state)


@atomic
def resolve_away(ctx: Context, away: core.Away, choice: str, cat: str | None = None) -> None:
    """Apply keep / discard / book-to-another-category for an away span of the running entry."""
    cur = running(ctx)
    if cur is None:
        return
    cat_id = category(ctx, cat).id if cat else None
    closed, state = core.away_plan(cur, away, choice, cat_id)
    for doc in closed:
        entries(ctx).insert(doc)
    if state is not cur:
        set_running(ctx, state)


def away_signals() -> tuple[dt.datetime | None, bool | None]:
    """(the latest input seen: tmux client or our terminal; is a tmux client attached)."""
    from cockpit.sources import presence

    return presence.away_signals()
