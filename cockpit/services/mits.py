"""MIT and task use cases. Other instruments read tasks and add focus time through these."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cockpit.core import tasks as core
from cockpit.core.clock import to_stamp
from cockpit.core.mits_records import ClosedDay, MitsDay, Task, tasks_of
from cockpit.core.text import clean
from cockpit.errors import CockpitError, UsageError
from cockpit.services.atomic import atomic
from cockpit.services.mits_tasks import fingerprint as fingerprint
from cockpit.services.mits_tasks import get_task as get_task
from cockpit.services.mits_tasks import mit_records, tasks
from cockpit.services.mits_tasks import tasks_bytes as tasks_bytes
from cockpit.store import Collection, schema
from cockpit.store import CorruptFileError as CorruptFileError  # re-exported for the TUI

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.focus_records import FocusRecord
    from cockpit.core.rituals import DaySummary, Retro, WeekNumbers

# The records: ``Task`` (collection "tasks", core/mits_records.py), ``Retro`` (collection
# "retros"), ``MitsDay`` (the doc "mits") and the ritual numbers (core/rituals.py). Callers get
# these records, never the store's dicts.

# (id, doc) that undoes a change: put ``doc`` back under ``id``, or remove ``id`` when doc is None.
# Opaque to callers: they hand it back to ``undo``.
Undo = tuple[str, dict[str, Any] | None]


class MitCapError(CockpitError):
    """A fourth MIT (or more than the configured cap) was refused; ``mits`` are today's."""

    def __init__(self, err: core.CapReached) -> None:
        super().__init__(str(err))
        self.cap = err.cap
        self.mits = err.mits


def snapshot(ctx: Context) -> tuple[int, str, list[Task]]:
    """(fingerprint, today, every task with today's carry-over applied; nothing written)."""
    c = tasks(ctx)
    stamp = c.fingerprint()
    day = today(ctx)
    items = tasks_of(c.all())
    return stamp, day, core.apply(items, core.rollover(items, day, cap(ctx)))


def has_open_tasks(ctx: Context) -> bool:
    return any(not t.get("done") for t in tasks(ctx).all())


def today(ctx: Context) -> str:
    return ctx.clock.now().astimezone(ctx.clock.tz).date().isoformat()


def cap(ctx: Context) -> int:
    return min(core.HARD_CAP, ctx.config.mits.max_mits)


def todays_mits(ctx: Context) -> list[Task]:
    """Today's MITs (local date), open ones first, in their order (unfinished ones carried over)."""
    day = today(ctx)
    return core.effective_mits(mit_records(tasks(ctx), day), day, cap(ctx))


def add_focus_time(ctx: Context, task_id: str, seconds: int) -> None:
    c = tasks(ctx)
    part, _ = c.split_id(task_id)
    with c.transaction(part) as p:
        t = p.get(task_id)
        if t is not None:
            p.update(task_id, {"focus_s": int(t.get("focus_s", 0)) + int(seconds)})


# ---------------------------------------------------------------- validation


def clean_title(title: str) -> str:
    text = clean(title).strip()
    if not text:
        raise UsageError("a task needs a title")
    return text


def parse(ctx: Context, field: str, value: Any) -> Any:
    """Validate one user-given field; UsageError lists the valid values."""
    try:
        if field == "stage":
            return core.parse_stage(value)
        if field == "impact":
            return core.parse_choice("impact", value, core.IMPACTS)
        if field == "effort":
            return core.parse_choice("effort", value, core.EFFORTS)
        if field == "category":
            return None if value in (None, "") else core.parse_category(value, ctx.config.categories)
    except core.BadValue as e:
        raise UsageError(str(e)) from None
    if field == "estimate":
        try:
            n = int(value or 0)
        except (TypeError, ValueError):
            raise UsageError(f"estimate must be a whole number of sprints, got {value!r}") from None
        if n < 0:
            raise UsageError("estimate must be 0 or more sprints")
        return n
    if field == "title":
        return clean_title(value)
    if field in ("notes", "project"):
        return clean(str(value or ""), keep_newlines=field == "notes")
    return value


def category_name(ctx: Context, cat_id: str | None) -> str:
    for c in ctx.config.categories:
        if c.id == cat_id:
            return c.name
    return cat_id or ""


# ---------------------------------------------------------------- changes


def carry_over(ctx: Context) -> int:
    """Write today's carry-over of unfinished MITs; returns how many tasks changed."""
    c = tasks(ctx)
    day = today(ctx)
    if not any(t.mit_date and t.mit_date < day and not t.done for t in mit_records(c, day)):
        return 0
    with c.batch() as p:
        updates = core.rollover(mit_records(p, day), day, cap(ctx))
        for tid, fields in updates:
            p.update(tid, fields)
    if updates:
        publish_status(ctx)
    return len(updates)


def add_task(
    ctx: Context,
    title: str,
    *,
    notes: str = "",
    impact: str = "high",
    effort: str = "hours",
    stage: str | None = None,
    category: str | None = None,
    estimate: int = 0,
    project: str = "",
    mit: bool = False,
) -> Task:
    """Validate and insert a task; with ``mit`` it becomes one of today's MITs (or MitCapError)."""
    doc: dict[str, Any] = {
        "title": parse(ctx, "title", title),
        "notes": parse(ctx, "notes", notes),
        "impact": parse(ctx, "impact", impact),
        "effort": parse(ctx, "effort", effort),
        "stage": parse(ctx, "stage", stage),
        "category": parse(ctx, "category", category),
        "estimate": parse(ctx, "estimate", estimate),
        "project": parse(ctx, "project", project),
        "created": to_stamp(ctx.clock.now()),
        "done": None,
        "mit_date": None,
        "mit_order": 0,
        "mit_since": None,
        "mit_days": [],
        "focus_s": 0,
    }
    day = today(ctx)
    with tasks(ctx).batch() as p:
        _rollover_in(ctx, p, day)
        if mit:
            mits = core.effective_mits(mit_records(p, day), day, cap(ctx))
            if len(mits) >= cap(ctx):
                raise MitCapError(core.CapReached(cap(ctx), mits))
            order = max((t.mit_order for t in mits), default=0) + 1
            doc.update(core.mit_fields(day, order))
        tid = p.insert(doc)
    if mit:
        publish_status(ctx)
    return Task.from_doc({**doc, "id": tid})


def _rollover_in(ctx: Context, p: Any, day: str) -> None:
    for tid, fields in core.rollover(mit_records(p, day), day, cap(ctx)):
        p.update(tid, fields)


def _change(ctx: Context, task_id: str, fn: Any) -> tuple[Task, Undo]:
    """Apply ``fn(part, task) -> fields`` under the lock; returns the new task and its undo."""
    c = tasks(ctx)
    c.split_id(task_id)  # NotFound (a UsageError) for a malformed id
    day = today(ctx)
    with c.batch() as p:
        _rollover_in(ctx, p, day)
        old = p.get(task_id)
        if old is None:
            raise UsageError(f"no task with id {task_id}; `cockpit task list --all` shows the ids")
        fields = fn(p, Task.from_doc(old))
        new = p.update(task_id, fields) if fields else old
        mits_now = core.effective_mits(mit_records(p, day), day, cap(ctx))
    publish_status(ctx, mits_now)
    return Task.from_doc(new), (task_id, old)


def update_task(ctx: Context, task_id: str, fields: dict[str, Any]) -> tuple[Task, Undo]:
    checked = {k: parse(ctx, k, v) for k, v in fields.items()}
    return _change(ctx, task_id, lambda _p, _t: checked)


def complete(ctx: Context, task_id: str, done: bool = True) -> tuple[Task, Undo]:
    stamp = to_stamp(ctx.clock.now()) if done else None
    return _change(ctx, task_id, lambda _p, t: {"done": stamp} if bool(t.done) != done else {})


@atomic
def toggle_done(ctx: Context, task_id: str) -> tuple[Task, Undo]:
    t = get_task(ctx, task_id)
    return complete(ctx, task_id, not (t and t.done))


def delete(ctx: Context, task_id: str) -> Undo:
    c = tasks(ctx)
    c.split_id(task_id)
    with c.batch() as p:
        if p.get(task_id) is None:
            raise UsageError(f"no task with id {task_id}; `cockpit task list --all` shows the ids")
        old = p.remove(task_id)
    publish_status(ctx)
    return (task_id, old)


def undo(ctx: Context, record: Undo) -> None:
    tid, doc = record
    c = tasks(ctx)
    with c.batch() as p:
        if doc is None:
            if p.get(tid) is not None:
                p.remove(tid)
        else:
            p.put(tid, doc)
    publish_status(ctx)


def make_mit(ctx: Context, task_id: str) -> tuple[Task, Undo]:
    """Make a task one of today's MITs; MitCapError at the cap (nothing changed)."""
    day = today(ctx)

    def fields(p: Any, t: Task) -> dict[str, Any]:
        if t.done:
            raise UsageError(f"task {task_id} is done; an MIT must be open")
        try:
            f = core.pick_mit(mit_records(p, day), task_id, day, cap(ctx))
        except core.CapReached as e:
            raise MitCapError(e) from None
        if f:
            f["mit_days"] = [*[d for d in t.mit_days if d != day], day]
        return f

    return _change(ctx, task_id, fields)


def unmake_mit(ctx: Context, task_id: str) -> tuple[Task, Undo]:
    day = today(ctx)
    return _change(ctx, task_id, lambda _p, t: core.unpick_fields(t, day) if t.mit_date == day else {})


@atomic
def toggle_mit(ctx: Context, task_id: str) -> tuple[Task, Undo]:
    t = get_task(ctx, task_id)
    if t is not None and t.mit_date == today(ctx):
        return unmake_mit(ctx, task_id)
    return make_mit(ctx, task_id)


def swap_mit(ctx: Context, new_id: str, old_id: str) -> list[Undo]:
    """Replace MIT ``old_id`` by ``new_id`` in its place in the order."""
    day = today(ctx)
    c = tasks(ctx)
    with c.batch() as p:
        _rollover_in(ctx, p, day)
        old, new = p.get(old_id), p.get(new_id)
        if old is None or new is None:
            raise UsageError(f"no task with id {old_id if old is None else new_id}")
        old_t, new_t = Task.from_doc(old), Task.from_doc(new)
        p.update(old_id, core.unpick_fields(old_t, day))
        p.update(new_id, core.mit_fields(day, old_t.mit_order, new_t.mit_days))
    publish_status(ctx)
    return [(old_id, old), (new_id, new)]


def set_mits(ctx: Context, ids: list[str]) -> list[Undo]:
    """The morning plan: exactly these tasks (in this order) are today's MITs."""
    if len(ids) > cap(ctx):
        raise MitCapError(core.CapReached(cap(ctx), []))
    day = today(ctx)
    undos: list[Undo] = []
    with tasks(ctx).batch() as p:
        _rollover_in(ctx, p, day)
        for t in mit_records(p, day):
            if t.mit_date == day and t.id not in ids and not t.done:
                undos.append((t.id, p.get(t.id)))
                p.update(t.id, core.unpick_fields(t, day))
        for i, tid in enumerate(ids, 1):
            doc = p.get(tid)
            if doc is None:
                continue
            undos.append((tid, doc))
            t = Task.from_doc(doc)
            since = t.mit_since if t.mit_date == day else day
            fields = core.mit_fields(day, i, t.mit_days)
            fields["mit_since"] = since or day
            p.update(tid, fields)
    publish_status(ctx)
    return undos


def set_quadrant(ctx: Context, task_id: str, quadrant: str) -> tuple[Task, Undo]:
    return _change(ctx, task_id, lambda _p, t: core.quadrant_fields(t, quadrant))


def move_stage(ctx: Context, task_id: str, step: int) -> tuple[Task, Undo]:
    return _change(ctx, task_id, lambda _p, t: {"stage": core.stage_step(t.stage, step)})


# ---------------------------------------------------------------- reading


def resolve_id(ctx: Context, task_id: str) -> Task:
    try:
        t = get_task(ctx, task_id)
    except UsageError:
        t = None
    if t is None:
        ids = [x.id for x in core.sort_tasks(tasks_of(tasks(ctx).all()), today(ctx)) if not x.done][:10]
        hint = f"; open task ids: {', '.join(ids)}" if ids else "; there are no open tasks"
        raise UsageError(f"no task with id {task_id!r}{hint}")
    return t


def list_tasks(ctx: Context, which: str = "open") -> list[Task]:
    """``open`` (default), ``today`` (today's MITs) or ``all``; MITs first."""
    day = today(ctx)
    items = tasks_of(tasks(ctx).all())
    items = core.apply(items, core.rollover(items, day, cap(ctx)))
    if which == "today":
        return core.effective_mits(items, day, cap(ctx))
    if which == "open":
        items = [t for t in items if not t.done]
    return core.sort_tasks(items, day)


def history(ctx: Context, days: int = 14) -> list[dict[str, Any]]:
    return core.history(tasks_of(tasks(ctx).all()), ctx.clock.tz, days, today(ctx))


def day_summary(ctx: Context, day: str | None = None) -> DaySummary:
    from cockpit.core import rituals

    day = day or today(ctx)
    items = tasks_of(tasks(ctx).all())
    return rituals.day_summary(
        _by_category(ctx, day, day), items, day, ctx.clock.tz, ctx.clock.now(), cap(ctx), *_focus_records(ctx)
    )


def _by_category(ctx: Context, first: str, last: str) -> dict[str, float]:
    """Seconds by category from the local day ``first`` to ``last``: the time audit's own report,
    so the shutdown and the retro always say what ``cockpit audit report`` says."""
    from cockpit.services.audit.reading import report

    r = report(ctx, dt.date.fromisoformat(first), dt.date.fromisoformat(last) + dt.timedelta(days=1), False)
    return dict(r.categories)


def _focus_records(ctx: Context) -> tuple[list[FocusRecord], float]:
    """The finished focus phases of the last months, and the minimum that counts as a sprint."""
    from cockpit.services.focus_state import stored_records

    return stored_records(ctx, 3), ctx.config.focus.min_sprint_minutes * 60


def week_summary(ctx: Context, day: str | None = None) -> WeekNumbers:
    from cockpit.core import rituals

    day = day or today(ctx)
    first = core.week_start(day)
    return rituals.week_summary(
        _by_category(ctx, first, core.add_days(first, 6)),
        tasks_of(tasks(ctx).all()),
        day,
        ctx.clock.tz,
        ctx.clock.now(),
        *_focus_records(ctx),
    )


# ---------------------------------------------------------------- rituals


def state(ctx: Context) -> MitsDay:
    return MitsDay.from_doc(schema.doc(ctx.store, schema.DOC_MITS).read())


def first_start_today(ctx: Context) -> bool:
    """Record an app start; True when it is the first one of the local day."""
    day = today(ctx)
    if state(ctx).last_start == day:
        return False  # no write on later starts
    seen: dict[str, bool] = {}

    def fn(cur: dict[str, Any]) -> dict[str, Any]:
        seen["first"] = cur.get("last_start") != day
        return {**cur, "last_start": day}

    schema.doc(ctx.store, schema.DOC_MITS).update(fn)
    return seen["first"]


@atomic
def close_day(ctx: Context) -> ClosedDay:
    """The evening shutdown: record the day as closed with its numbers."""
    day = today(ctx)
    summary = day_summary(ctx, day)
    record = ClosedDay(to_stamp(ctx.clock.now()), summary.mits_done, summary.mits_total)

    def fn(cur: dict[str, Any]) -> dict[str, Any]:
        closed = dict(cur.get("closed") or {})
        closed[day] = record.to_doc()
        return {**cur, "closed": closed}

    schema.doc(ctx.store, schema.DOC_MITS).update(fn)
    return record


def is_retro_day(ctx: Context) -> bool:
    return core.is_weekday(today(ctx), ctx.config.mits.retro_weekday)


def retros(ctx: Context) -> Collection:
    return schema.retros(ctx.store)


def list_retros(ctx: Context) -> list[Retro]:
    """Saved retros, newest week first."""
    from cockpit.core.rituals import Retro

    return sorted((Retro.from_doc(r) for r in retros(ctx).all()), key=lambda r: r.week, reverse=True)


@atomic
def save_retro(ctx: Context, answers: dict[str, str], day: str | None = None) -> Retro:
    """Save (or replace) the retro of the week holding ``day`` with its numbers."""
    from cockpit.core.rituals import Retro

    day = day or today(ctx)
    numbers = week_summary(ctx, day)
    doc = {
        "week": numbers.week,
        "saved": to_stamp(ctx.clock.now()),
        "numbers": numbers.to_doc(),
        **{k: clean(str(answers.get(k, "")), keep_newlines=True) for k in ("worked", "didnt", "drop")},
    }
    with retros(ctx).transaction("all") as p:
        for r in p.all():
            if r.get("week") == doc["week"]:
                p.update(r["id"], doc)
                return Retro.from_doc({**doc, "id": r["id"]})
        rid = p.insert(doc)
    return Retro.from_doc({**doc, "id": rid})


# ---------------------------------------------------------------- status file


def publish_status(ctx: Context, mits: list[Task] | None = None) -> None:
    """Keep the ``mits`` section of the status file current (``mits``: today's, when known)."""
    from cockpit import status

    mits = todays_mits(ctx) if mits is None else mits
    current = next((t.title for t in mits if not t.done), None)
    done = sum(1 for t in mits if t.done)
    value = {"current": current, "done": done, "total": len(mits)}
    empty = {"current": None, "done": 0, "total": 0}
    if status.read(ctx.paths.status_file).get("mits", empty) == value:
        return  # unchanged: no write
    try:
        status.update_section(ctx.paths, "mits", value)
    except OSError:
        pass
