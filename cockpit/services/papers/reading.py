"""Decisions and the reading queue: keep / skip / later (with undo), the week's queue, reading
passes booked as focus time-boxes or time entries, BibTeX, notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit.core import papers as core
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.record import record
from cockpit.errors import CockpitError, UsageError
from cockpit.services.atomic import atomic
from cockpit.services.papers.base import (
    DECISIONS,
    QueueFull,
    current_week,
    decisions,
    find_paper,
    parse_id,
    queue,
    queue_items,
)
from cockpit.store import SINGLE

if TYPE_CHECKING:
    from cockpit.context import Context

Doc = dict[str, Any]


@record
class Undo:
    """What one ``decide`` changed (the store's records as they were): pass it back to ``undo``."""

    decision_id: str
    decision_before: Doc | None
    queue_before: tuple[tuple[str, Doc | None], ...]


@record
class DecideResult:
    decision: str
    paper: core.Paper
    week: str | None = None
    warning: str = ""
    undo: Undo | None = None
    swapped: str | None = None


def _require_paper(ctx: Context, arxiv_id: str) -> core.Paper:
    p = find_paper(ctx, arxiv_id)
    if p is None:
        raise UsageError(f"no paper {arxiv_id} in the store; fetch or ingest it first")
    return p


@atomic
def decide(
    ctx: Context,
    arxiv_id: str,
    decision: str,
    swap: str | None = None,
    defer: bool = False,
    paper: core.Paper | None = None,
    via_new: str = "",
) -> DecideResult:
    """keep / skip / later / like one paper. A like takes no queue slot (it puts the paper in
    the library; a queued paper stays queued). A keep beyond the week's limit raises QueueFull
    unless ``swap`` (the id to drop) or ``defer`` (to the first later week with room) is given."""
    if decision not in DECISIONS:
        raise UsageError(f"decision must be one of {', '.join(DECISIONS)}")
    paper = paper or _require_paper(ctx, arxiv_id)
    now = ctx.clock.now()
    stamp = to_stamp(now)
    week = current_week(ctx)
    limit = ctx.config.papers.queue_size
    warning = ""
    swapped: str | None = None
    kept_for: str | None = None
    queue_before: list[tuple[str, Doc | None]] = []
    with queue(ctx).transaction(SINGLE) as q:
        docs = {d["id"]: d for d in q.all()}
        items = [core.QueueItem.from_doc(d) for d in docs.values()]
        mine = [i for i in items if i.arxiv_id == arxiv_id]
        open_mine = [i for i in mine if i.status != "dropped"]
        if decision == "keep" and not open_mine:
            check = core.can_keep(items, arxiv_id, week, limit)
            warning = check.warning
            target = week
            if not check.ok:
                if swap:
                    swap_id = parse_id(swap)
                    victim = next((o for o in check.occupants if o.arxiv_id == swap_id), None)
                    if victim is None:
                        raise UsageError(f"{swap_id} is not in the queue for {week}")
                    queue_before.append((victim.id, dict(docs[victim.id])))
                    q.update(victim.id, {"status": "dropped", "dropped": stamp, "reason": "swapped"})
                    swapped = swap_id
                elif defer:
                    target = core.first_week_with_room(items, core.shift_week(week, 1), limit)
                else:
                    raise QueueFull(week, limit, check.occupants)
            elif defer:
                target = core.first_week_with_room(items, core.shift_week(week, 1), limit)
            item = core.new_item(paper, target, stamp).to_doc()
            if mine:  # kept before, dropped since: reuse its record
                queue_before.append((mine[0].id, dict(docs[mine[0].id])))
                q.put(mine[0].id, item)
            else:
                qid = q.insert(item)
                queue_before.append((qid, None))
            kept_for = target
        elif decision in ("skip", "later"):
            for i in open_mine:
                if i.status == "queued":
                    queue_before.append((i.id, dict(docs[i.id])))
                    q.update(i.id, {"status": "dropped", "dropped": stamp, "reason": decision})
        elif open_mine:  # kept already (a keep again, or a like: it joins the library, stays queued)
            kept_for = open_mine[0].week
    recorded = "keep" if decision == "like" and open_mine else decision
    week_of_paper = core.iso_week(dt.date.fromisoformat(paper.announced[:10]))
    with decisions(ctx).transaction(week_of_paper) as part:
        cur = next((d for d in part.all() if d["arxiv_id"] == arxiv_id), None)
        liked, via = str((cur or {}).get("liked") or ""), str((cur or {}).get("via") or "")
        if decision == "like":
            liked, via = liked or stamp, via or via_new
        elif decision != "keep":
            liked = via = ""  # skip / later take a paper out of the library
        record = core.Decision(arxiv_id, paper.announced, recorded, stamp, liked=liked, via=via)
        if cur is None:
            did, before = part.insert(record.to_doc()), None
        else:
            did, before = cur["id"], {k: v for k, v in cur.items() if k != "id"}
            part.put(did, record.to_doc())
    return DecideResult(
        recorded,
        replace(paper, decision=recorded),
        kept_for,
        warning,
        Undo(did, before, tuple(queue_before)),
        swapped,
    )


@atomic
def undo(ctx: Context, u: Undo) -> None:
    """Put the decision and the queue back as they were before one ``decide``."""
    coll = decisions(ctx)
    part, _ = coll.split_id(u.decision_id)
    with coll.transaction(part) as p:
        if u.decision_before is None:
            if p.get(u.decision_id) is not None:
                p.remove(u.decision_id)
        else:
            p.put(u.decision_id, u.decision_before)
    if u.queue_before:
        with queue(ctx).transaction(SINGLE) as q:
            for qid, before in reversed(u.queue_before):
                if before is None:
                    if q.get(qid) is not None:
                        q.remove(qid)
                else:
                    q.put(qid, before)


@record
class QueueView:
    week: str
    limit: int
    current: list[core.QueueItem]  # counting against this week (kept this week + rolled over)
    later: list[core.QueueItem]  # deferred to later weeks
    finished: list[core.QueueItem]  # done (any week), newest first
    warning: str


def queue_view(ctx: Context) -> QueueView:
    week = current_week(ctx)
    items = queue_items(ctx)
    cur = core.occupants(items, week)
    rolled = core.rolled_over(items, week)
    warn = ""
    if rolled:
        warn = f"{len(rolled)} unread paper(s) rolled over from earlier weeks and count against {week}"
    if len(cur) > ctx.config.papers.queue_size:
        warn = (warn + "; " if warn else "") + f"over the limit ({len(cur)}/{ctx.config.papers.queue_size})"
    later = sorted((i for i in items if i.week > week and i.status != "dropped"), key=lambda i: i.week)
    done = sorted((i for i in items if i.status == "done" and i not in cur), key=lambda i: i.kept)
    return QueueView(week, ctx.config.papers.queue_size, cur, later, done[::-1], warn)


def _queue_item(ctx: Context, arxiv_id: str) -> core.QueueItem:
    items = [i for i in queue_items(ctx) if i.arxiv_id == arxiv_id and i.status != "dropped"]
    if not items:
        raise UsageError(f"{arxiv_id} is not in the queue")
    return items[0]


def _save_passes(ctx: Context, item: core.QueueItem) -> None:
    queue(ctx).update(item.id, {"passes": [p.to_doc() for p in item.passes], "status": item.status})


class PassBlocked(UsageError):
    """A reading pass did not start because another focus session runs (nothing was written)."""


@atomic
def start_pass(
    ctx: Context, arxiv_id: str, n: int | None = None, replace: bool = False
) -> tuple[core.QueueItem, str]:
    """Start a reading pass: a focus time-box in Research/Learning booked to the paper.

    ``replace`` stops a running focus session first (its time is kept). Returns (item,
    message). While another focus session runs and ``replace`` is off, nothing starts
    (``PassBlocked``): the session's tracking already holds those minutes, and a pass beside it
    would book them twice. When the time-box cannot start for another reason, the pass start is
    recorded here and its time is booked when it finishes.
    """
    item = _queue_item(ctx, arxiv_id)
    n = n or core.next_pass(item)
    if n is None:
        raise UsageError(f"{arxiv_id}: all three passes are done")
    now = to_stamp(ctx.clock.now())
    try:
        started = core.start_pass(item, n, now)
    except ValueError as e:
        raise UsageError(f"{arxiv_id}: {e}") from None
    i = core.pass_index(started, n)
    planned = started.passes[i].planned
    msg = f"pass {n} of {arxiv_id} started ({planned} min planned)"
    timebox = False
    try:
        from cockpit.services import focus

        focus.start(
            ctx, mode="timebox", minutes=planned, category="research", paper=arxiv_id, replace=replace
        )
        timebox = True
        msg += "; focus time-box running"
    except NotImplementedError:
        pass
    except focus.SessionRunning as e:
        raise PassBlocked(f"pass {n} of {arxiv_id} not started: {e.running}") from None
    except CockpitError as e:
        msg += f"; no time-box ({e}); the time is booked when the pass ends"
    passes = list(started.passes)
    passes[i] = dataclasses.replace(passes[i], timebox=timebox)
    started = dataclasses.replace(started, passes=tuple(passes))
    _save_passes(ctx, started)
    return started, msg


@atomic
def finish_pass(ctx: Context, arxiv_id: str, minutes: float | None = None) -> tuple[core.QueueItem, str]:
    item = _queue_item(ctx, arxiv_id)
    n = core.running_pass(item)
    if n is None:
        raise UsageError(f"{arxiv_id}: no pass is running")
    i = core.pass_index(item, n)
    p = item.passes[i]
    start = from_stamp(p.started or "")
    end = ctx.clock.now()
    if minutes is not None:
        end = start + dt.timedelta(minutes=minutes)
    done = core.finish_pass(item, n, start, end, minutes)
    booked_s = 0.0
    if p.timebox:
        from cockpit.services import focus

        running = focus.current(ctx)
        if running is not None and running.paper == arxiv_id:
            # End the pass's time-box; focus books the span it timed to the paper.
            records = focus.stop(ctx)
            booked_s = sum(r.active_s for r in records if r.phase == "focus")
    if not p.timebox or (minutes is not None and minutes * 60 > booked_s + 1):
        # No time-box timed this pass, or the reader states more minutes than it timed.
        from cockpit.services import audit

        audit.add_entry(
            ctx,
            start=start + dt.timedelta(seconds=booked_s),
            end=end,
            category="research",
            source="reading",
            note=f"pass {n}: {core.collapse(item.title)[:80]}",
            paper=arxiv_id,
        )
    _save_passes(ctx, done)
    actual = done.passes[i].actual or 0.0
    msg = f"pass {n} of {arxiv_id} finished: {actual:g} of {p.planned} min"
    if done.status == "done":
        msg += "; paper read"
    return done, msg


@atomic
def drop(ctx: Context, arxiv_id: str) -> core.QueueItem:
    item = _queue_item(ctx, arxiv_id)
    doc = queue(ctx).update(
        item.id, {"status": "dropped", "dropped": to_stamp(ctx.clock.now()), "reason": "dropped"}
    )
    return core.QueueItem.from_doc(doc)


# ------------------------------------------------------------------ notes


def note_path(ctx: Context, arxiv_id: str, create: bool = True) -> Path:
    """``<data>/notes/<id>.md`` (``/`` in old-style ids becomes ``_``), created with a header."""
    from cockpit.paths import make_private_dir

    safe = arxiv_id.replace("/", "_")
    path = ctx.paths.notes_dir / f"{safe}.md"
    if create and not path.exists():
        make_private_dir(ctx.paths.notes_dir)
        paper = find_paper(ctx, arxiv_id)
        title = (core.collapse(paper.title) if paper else "") or arxiv_id
        authors = ", ".join(paper.authors) if paper else ""
        body = f"# {title}\n\narXiv:{arxiv_id} · {authors}\nhttps://arxiv.org/abs/{arxiv_id}\n\n"
        body += (
            "## Pass 1 (title, abstract, figures)\n\n## Pass 2 (method and results)\n\n## Pass 3 (the math)\n"
        )
        path.write_text(body, encoding="utf-8")
        path.chmod(0o600)
    return path
