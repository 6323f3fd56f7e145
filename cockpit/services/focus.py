"""Focus use cases (sprints, blocks, pomodoros, time-boxes). Owned by the Focus instrument.

Other instruments start a session through ``start``; the reading passes of Papers start a
time-box in Research/Learning with ``paper=`` set, so its time is booked to the paper.

Storage (see ``services.focus_state``, the one place focus records meet the store):
- the ``focus`` document (``core.FocusDoc``): the live ``Session`` or None, and the last used
  task and category. Every change is one locked read-modify-write, so two cockpit instances
  (and the CLI) share one session and a phase that runs out is closed once.
- collection ``focus_sessions`` (one file per month): one ``FocusRecord`` per finished phase
  (focus or break) with its stamps, pauses, interruptions and outcome.
- Every finished phase is booked through ``services.audit.add_entry`` (source "sprint",
  "break", or "reading" when a paper is set), one entry per unpaused span; a focus phase
  linked to a task adds its active seconds to the task via ``services.mits.add_focus_time``.
- The ``focus`` section of the status file (cockpit.status) is rewritten on every change.

The alerts of the transitions this process made wait in ``ctx.focus_alerts`` until the app
takes them (``take_alerts``) and sends them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cockpit.core import focus as core
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.focus import FocusDoc, FocusRecord, Session
from cockpit.core.text import clean
from cockpit.errors import CockpitError, UsageError
from cockpit.services import focus_track
from cockpit.services.atomic import atomic
from cockpit.services.focus_gap import heartbeat, unclean_gap
from cockpit.services.focus_state import (
    JUMP_TOLERANCE_S,
    anchor,
    fix_jump,
    publish,
    raw,
    read_doc,
    sessions,
    stored_records,
    update_doc,
)
from cockpit.store import Collection

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.alerts import Alert
    from cockpit.core.focus_plan import StartDefaults, TaskChoice
    from cockpit.core.focus_view import SessionView
    from cockpit.core.mits_records import Task

__all__ = [
    "JUMP_TOLERANCE_S",
    "FocusStateError",
    "SessionRunning",
    "heartbeat",
    "publish",
    "raw",
    "sessions",
    "unclean_gap",
]

Step = Callable[[Session | None, dt.datetime], tuple[Session | None, list[FocusRecord]]]


class FocusStateError(CockpitError):
    """A control that does not apply to the current session (one line, exit 1)."""


class SessionRunning(UsageError):
    """A start found a session running and was not asked to replace it; ``running`` says what runs."""

    def __init__(self, message: str, running: str) -> None:
        super().__init__(message)
        self.running = running


# ---------------------------------------------------------------------------- the commit loop


@atomic
def _commit(ctx: Context, fn: Step) -> tuple[Session | None, list[FocusRecord]]:
    """Run ``fn(session, now) -> (new session or None, finished records)`` under the lock.

    Phases that ran out are closed first (at their planned end). Records are kept and booked
    after the write; only the process that made a transition books it (and alerts: the
    alerts of the transition wait in ``ctx.focus_alerts``, see ``take_alerts``).
    """
    now = ctx.clock.now()
    out: dict[str, Any] = {}

    def update(doc: FocusDoc) -> FocusDoc:
        s = doc.session
        records: list[FocusRecord] = []
        timebox_up = False
        if s:
            s = fix_jump(ctx, s, now)
            out["before"] = s
            s, records = core.advance(s, now)
            if s and _timebox_due(s, now):
                out["timebox_end"] = to_stamp(core.phase_end(s, now))
                s = replace(s, alerted=True)
                timebox_up = True
        s, more = fn(s, now)
        if s is not None and s.anchor is None:
            s = replace(s, anchor=anchor(ctx, now))
        out.update(session=s, records=records + more, auto=records, timebox_up=timebox_up)
        if s is None:
            return replace(doc, session=None)
        return FocusDoc(session=s, last_task=s.task, last_category=s.category)

    update_doc(ctx, update)
    before = out.get("before")
    _book(ctx, [r for r in out["records"] if not focus_track.tracked(before, r)], out["records"])
    focus_track.follow(ctx, before, out["records"], out["session"])
    publish(ctx, out["session"])
    if out["timebox_up"]:
        alert = core.timebox_alert(out["timebox_end"])
    else:
        alert = core.alert_for(out["auto"], out["session"], now)
    if alert is not None:
        ctx.focus_alerts.append(alert)
    return out["session"], out["records"]


def take_alerts(ctx: Context) -> list[Alert]:
    """Alerts for transitions this process made (a phase ran out, a time-box is up)."""
    taken: list[Alert] = []
    while ctx.focus_alerts:
        try:
            taken.append(ctx.focus_alerts.popleft())
        except IndexError:  # another thread took the last one
            break
    return taken


def _timebox_due(s: Session, now: dt.datetime) -> bool:
    return s.mode == "timebox" and not s.alerted and not s.is_paused and core.remaining_s(s, now) <= 0


def _book(ctx: Context, records: list[FocusRecord], finished: list[FocusRecord]) -> None:
    """Keep every finished phase; book as time entries the ``records`` tracking did not hold
    (breaks, reading passes, phases that ran out while cockpit was down)."""
    from cockpit.services import audit, mits

    for r in finished:
        sessions(ctx).insert(r.to_doc())
        if r.phase == "focus" and r.task and r.active_s > 0:
            try:
                mits.add_focus_time(ctx, r.task, int(r.active_s))
            except (UsageError, ValueError):
                pass  # the task id no longer parses; the time entry still holds the time
    for r in records:
        focus = r.phase == "focus"
        source = ("reading" if r.paper else "sprint") if focus else "break"
        note = core.booking_note(r)
        spans = core.active_spans(r)
        left = list(r.interruptions)
        for i, (a, b) in enumerate(spans):
            last = i == len(spans) - 1
            mine = [x for x in left if last or from_stamp(x.at) < b]
            left = [x for x in left if x not in mine]
            audit.add_entry(
                ctx,
                start=a,
                end=b,
                category=r.category or _default_category(ctx),
                source=source,
                note=note,
                task=r.task,
                paper=r.paper,
                interruptions=[x.to_doc() for x in mine],
                extra={"focus_session": r.session},
            )


# ---------------------------------------------------------------------------- reading


def sync(ctx: Context) -> tuple[Session | None, list[FocusRecord]]:
    """Close phases that ran out (and take out a wall-clock step); write only when needed."""
    s = raw(ctx)
    if not s:
        return None, []
    now = ctx.clock.now()
    fixed = fix_jump(ctx, s, now)
    after, records = core.advance(fixed, now)
    if not records and fixed is s and not (after and _timebox_due(after, now)):
        return s, []
    return _commit(ctx, lambda cur, _now: (cur, []))


def current(ctx: Context) -> SessionView | None:
    """The running (or paused, or on-break) session as a view, or None."""
    s, _ = sync(ctx)
    return view(ctx, s) if s else None


def view(ctx: Context, s: Session, now: dt.datetime | None = None) -> SessionView:
    from cockpit.core.focus_view import view

    return view(s, now or ctx.clock.now())


def today(ctx: Context) -> core.DayStats:
    """Sprints done today (against the daily goal), focus time, interruptions, streak."""
    tz = ctx.clock.tz
    day = ctx.clock.now().astimezone(tz).date()
    goal = ctx.config.focus.daily_goal
    # this month and the previous ones back to ~60 days (enough for any streak shown)
    records = stored_records(ctx, 3)
    min_s = ctx.config.focus.min_sprint_minutes * 60
    stats = core.day_stats(records, day, tz, goal, min_s)
    return replace(stats, streak=core.streak(records, day, tz, goal, min_s))


def records_for_day(ctx: Context, day: dt.date | None = None) -> list[FocusRecord]:
    tz = ctx.clock.tz
    day = day or ctx.clock.now().astimezone(tz).date()
    out = [r for r in stored_records(ctx, 2) if core.local_day(r.end, tz) == day]
    return sorted(out, key=lambda r: r.start)


# ---------------------------------------------------------------------------- defaults


def category_name(ctx: Context, cat_id: str | None) -> str:
    for c in ctx.config.categories:
        if c.id == cat_id:
            return c.name
    return cat_id or ""


def resolve_category(ctx: Context, text: str) -> str:
    """A category id from its id, name or key, case-insensitively."""
    t = text.strip().casefold()
    for c in ctx.config.categories:
        if t in (c.id.casefold(), c.name.casefold(), c.key.casefold()):
            return c.id
    options = ", ".join(f"{c.id} ({c.key})" for c in ctx.config.categories)
    raise UsageError(f"unknown category {text!r}; use one of: {options}")


def _default_category(ctx: Context) -> str:
    cats = [c for c in ctx.config.categories if c.active] or list(ctx.config.categories)
    deep = [c for c in cats if c.deep]
    return (deep or cats)[0].id if cats else "focus"


def _tracked_category(ctx: Context) -> str | None:
    from cockpit.services import audit

    try:
        cur = audit.running(ctx)
    except CockpitError:
        return None
    return cur.category if cur is not None else None


def _choice(task: Task) -> TaskChoice:
    from cockpit.core.focus_plan import TaskChoice

    return TaskChoice(task.id, clean(task.title, 200), task.category)


def _open_mits(ctx: Context) -> tuple[TaskChoice, ...]:
    from cockpit.services import mits

    try:
        return tuple(_choice(t) for t in mits.todays_mits(ctx) if not t.done)
    except CockpitError:
        return ()


def defaults(ctx: Context, mode: str = "sprint") -> StartDefaults:
    """What the start dialog proposes: the last used task if it is still an open MIT today,
    else today's first open MIT; the task's category, else the tracked one, else the last
    used one; the mode's
    length (``focus_plan.default_minutes``)."""
    from cockpit.core.focus_plan import StartDefaults, default_minutes

    doc = read_doc(ctx)
    open_mits = _open_mits(ctx)
    ids = [t.id for t in open_mits]
    task = doc.last_task if doc.last_task in ids else (ids[0] if ids else None)
    cat = next((t.category for t in open_mits if t.id == task), None) if task else None
    valid = {c.id for c in ctx.config.categories}
    if cat not in valid:
        cat = _tracked_category(ctx)
    if cat not in valid:
        cat = doc.last_category if doc.last_category in valid else _default_category(ctx)
    try:
        minutes = default_minutes(mode, ctx.config.focus)
    except core.FocusError as e:
        raise UsageError(str(e)) from None
    return StartDefaults(task=task, category=cat or "", minutes=minutes, mits=open_mits)


# ---------------------------------------------------------------------------- controls


def start(
    ctx: Context,
    mode: str = "sprint",
    minutes: float | None = None,
    task: str | None = None,
    category: str | None = None,
    paper: str | None = None,
    replace: bool = False,
) -> SessionView:
    """Start a session; returns its state. Raises UsageError when one runs and not replace."""
    from cockpit.core.focus_plan import new_session
    from cockpit.core.focus_view import describe
    from cockpit.services import mits

    if mode not in core.MODES:
        raise UsageError(f"unknown mode {mode!r}; use sprint, block, pomodoro or timebox")
    title = ""
    if task is not None:
        t = mits.get_task(ctx, str(task)) if _valid_id(mits.tasks(ctx), str(task)) else None
        if t is None:
            raise UsageError(f"no task with id {task}")
        title = clean(t.title, 200)
    d = defaults(ctx, mode) if (task is None and paper is None) or category is None else None
    if task is None and paper is None and d is not None and d.task:
        task = d.task
        title = next((t.title for t in d.mits if t.id == task), "")
    if category is None:
        assert d is not None
        if paper:
            category = "research" if any(c.id == "research" for c in ctx.config.categories) else d.category
        else:
            found = mits.get_task(ctx, task) if task else None
            tcat = found.category if found is not None else None
            category = tcat if tcat in {c.id for c in ctx.config.categories} else d.category
    else:
        category = resolve_category(ctx, category)
    cfg = ctx.config.focus

    def new(now: dt.datetime, session_id: str | None = None) -> Session:
        return new_session(
            mode, now, cfg, minutes, task, category or "", paper, session_id=session_id, task_title=title
        )

    try:
        first = new(ctx.clock.now())
    except core.FocusError as e:
        raise UsageError(str(e)) from None

    def fn(cur: Session | None, now: dt.datetime) -> tuple[Session | None, list[FocusRecord]]:
        records: list[FocusRecord] = []
        if cur is not None:
            if not replace:
                what = describe(cur, ctx.clock.now())
                raise SessionRunning(
                    f"{what}; stop it first (cockpit focus stop) or start with --replace", what
                )
            records = core.stop(cur, now)
        return new(now, first.id), records

    s, _ = _commit(ctx, fn)
    assert s is not None
    return view(ctx, s)


def _valid_id(coll: Collection, task_id: str) -> bool:
    try:
        coll.split_id(task_id)
    except (UsageError, ValueError):
        return False
    return True


def _control(
    ctx: Context,
    name: str,
    fn: Callable[[Session, dt.datetime], tuple[Session | None, list[FocusRecord]]],
) -> tuple[Session | None, list[FocusRecord]]:
    def wrapped(cur: Session | None, now: dt.datetime) -> tuple[Session | None, list[FocusRecord]]:
        if cur is None:
            raise FocusStateError(f"nothing to {name}: no session is running (cockpit focus start)")
        try:
            return fn(cur, now)
        except core.FocusError as e:
            raise FocusStateError(f"cannot {name}: {e}") from None

    return _commit(ctx, wrapped)


def pause(ctx: Context) -> Session | None:
    return _control(ctx, "pause", lambda s, now: (core.pause(s, now), []))[0]


def resume(ctx: Context) -> Session | None:
    return _control(ctx, "resume", lambda s, now: (core.resume(s, now), []))[0]


def toggle_pause(ctx: Context) -> Session | None:
    return _control(
        ctx,
        "pause",
        lambda s, now: (core.resume(s, now) if s.is_paused else core.pause(s, now), []),
    )[0]


def extend(ctx: Context, minutes: float | None = None) -> Session | None:
    secs = round((minutes if minutes is not None else ctx.config.focus.extend_minutes) * 60)
    return _control(ctx, "extend", lambda s, now: (core.extend(s, secs), []))[0]


def finish(ctx: Context) -> tuple[Session | None, list[FocusRecord]]:
    """Finish the focus phase now; the break (if the mode has one) starts."""
    return _control(ctx, "finish", core.finish)


def skip_break(ctx: Context) -> tuple[Session | None, list[FocusRecord]]:
    return _control(ctx, "skip the break", core.skip_break)


def stop(ctx: Context) -> list[FocusRecord]:
    return _control(ctx, "stop", lambda s, now: (None, core.stop(s, now)))[1]


def abandon(ctx: Context, reason: str = "") -> list[FocusRecord]:
    reason = clean(reason, 500)
    return _control(ctx, "abandon", lambda s, now: (None, core.abandon(s, now, reason)))[1]


def interrupt(ctx: Context, kind: str = "external", note: str = "") -> Session | None:
    note = clean(note, 500)
    return _control(ctx, "log an interruption", lambda s, now: (core.interrupt(s, now, kind, note), []))[0]


# ---------------------------------------------------------------------------- unclean stops


@atomic
def resolve_gap(ctx: Context, keep: bool, since: dt.datetime) -> Session | None:
    """Keep the time cockpit was down (the session ran on), or discard it (it becomes a pause).

    Discarding takes the gap out before phases that "ran out" during it are closed."""
    if not keep:

        def update(doc: FocusDoc) -> FocusDoc:
            if doc.session:
                return replace(doc, session=core.discard_gap(doc.session, since, ctx.clock.now()))
            return doc

        update_doc(ctx, update)
    s, _ = sync(ctx)
    heartbeat(ctx)
    publish(ctx, s)
    return s


# ---------------------------------------------------------------------------- end of the day


def still_running(ctx: Context) -> list[str]:
    """What still runs, one line each (the shutdown lists it): a focus session, tracking."""
    from cockpit.core.focus_view import describe
    from cockpit.services import audit

    out: list[str] = []
    s, _ = sync(ctx)
    if s is not None:
        out.append(describe(s, ctx.clock.now()))
    cur = audit.running(ctx)
    if cur is not None:
        since = cur.since.astimezone(ctx.clock.tz).strftime("%H:%M")
        out.append(f"tracking {category_name(ctx, cur.category)} since {since}")
    return out


def stop_all(ctx: Context) -> None:
    """Stop the focus session (its time is kept) and tracking: the workday is closed."""
    from cockpit.services import audit

    if raw(ctx) is not None:
        try:
            stop(ctx)
        except FocusStateError:
            pass  # it ended meanwhile
    audit.stop(ctx)
