"""Focus use cases (sprints, blocks, pomodoros, time-boxes). Owned by the Focus instrument.

Other instruments start a session through ``start``; the reading passes of Papers start a
time-box in Research/Learning with ``paper=`` set, so its time is booked to the paper.

Storage:
- ``ctx.store.doc("focus")``: {"session": the live session (see cockpit.core.focus) or None,
  "last": {"task", "category"}}. Every change is one locked read-modify-write, so two
  cockpit instances (and the CLI) share one session and a phase that runs out is closed once.
- collection ``focus_sessions`` (one file per month): one record per finished phase (focus or
  break) with its stamps, pauses, interruptions and outcome.
- Every finished phase is booked through ``services.audit.add_entry`` (source "sprint",
  "break", or "reading" when a paper is set), one entry per unpaused span; a focus phase
  linked to a task adds its active seconds to the task via ``services.mits.add_focus_time``.
- The ``focus`` section of the status file (cockpit.status) is rewritten on every change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cockpit.core import focus as core
from cockpit.core.clock import SystemClock, from_stamp, to_stamp
from cockpit.core.text import clean
from cockpit.errors import CockpitError, UsageError
from cockpit.store import Collection, schema

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.alerts import Alert

JUMP_TOLERANCE_S = 5.0


class FocusStateError(CockpitError):
    """A control that does not apply to the current session (one line, exit 1)."""


# ---------------------------------------------------------------------------- storage


def sessions(ctx: Context) -> Collection:
    return schema.focus_sessions(ctx.store)


def _doc(ctx: Context):  # noqa: ANN202 - DocRef
    return schema.doc(ctx.store, schema.DOC_FOCUS)


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return ""


def _steady(ctx: Context) -> float:
    """A clock that never steps: CLOCK_BOOTTIME for the real clock (counts suspend), else monotonic."""
    if isinstance(ctx.clock, SystemClock) and hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    return ctx.clock.monotonic()


def _anchor(ctx: Context, now: dt.datetime) -> dict[str, Any]:
    return {"boot": _boot_id(), "offset": now.timestamp() - _steady(ctx)}


# ---------------------------------------------------------------------------- the commit loop


def _fix_jump(ctx: Context, s: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Take a wall-clock step out of the session.

    The session keeps ``anchor`` = wall minus a clock that never steps, taken when it last
    changed. If, on the same boot, that difference moved by more than a few seconds, the wall
    clock was stepped (NTP, a user, a VM restore): every stamp moves by the step, so elapsed
    time follows real time. Idempotent across processes: the first one to see it re-anchors.
    """
    a = s.get("anchor") or {}
    cur = _anchor(ctx, now)
    if a.get("boot") and a.get("boot") == cur["boot"] and "offset" in a:
        step = cur["offset"] - a["offset"]
        if abs(step) > JUMP_TOLERANCE_S:
            s = core.shift(s, step)
            s["anchor"] = cur
            return s
    if not a or a.get("boot") != cur["boot"]:
        s = dict(s, anchor=cur)
    return s


def _commit(
    ctx: Context, fn: Callable[[dict[str, Any] | None, dt.datetime], tuple[Any, list[dict[str, Any]]]]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Run ``fn(session, now) -> (new session or None, finished records)`` under the lock.

    Phases that ran out are closed first (at their planned end). Records are kept and booked
    after the write; only the process that made a transition books it (and alerts: the
    alerts of the transition are left in ``ctx``'s outbox, see ``take_alerts``).
    """
    now = ctx.clock.now()
    out: dict[str, Any] = {}

    def update(doc: dict[str, Any]) -> dict[str, Any]:
        s = doc.get("session")
        records: list[dict[str, Any]] = []
        timebox_up = False
        if s:
            s = _fix_jump(ctx, s, now)
            s, records = core.advance(s, now)
            if s and _timebox_due(s, now):
                s = dict(s, alerted=True)
                timebox_up = True
        s, more = fn(s, now)
        if s is not None and "anchor" not in s:
            s["anchor"] = _anchor(ctx, now)
        doc["session"] = s
        if s is not None:
            doc["last"] = {"task": s.get("task"), "category": s.get("category")}
        out.update(session=s, records=records + more, auto=records, timebox_up=timebox_up)
        return doc

    _doc(ctx).update(update)
    _book(ctx, out["records"])
    publish(ctx, out["session"])
    alert = alert_for(ctx, out["auto"], out["session"], now)
    if out["timebox_up"]:
        alert = timebox_alert()
    if alert is not None:
        ctx.__dict__.setdefault("_focus_alerts", []).append(alert)
    return out["session"], out["records"]


def take_alerts(ctx: Context) -> list[Alert]:
    """Alerts for transitions this process made (a phase ran out, a time-box is up)."""
    return ctx.__dict__.pop("_focus_alerts", [])


def _timebox_due(s: dict[str, Any], now: dt.datetime) -> bool:
    return (
        s["mode"] == "timebox"
        and not s.get("alerted")
        and not core.is_paused(s)
        and core.remaining_s(s, now) <= 0
    )


def _book(ctx: Context, records: list[dict[str, Any]]) -> None:
    from cockpit.services import audit, mits

    for r in records:
        sessions(ctx).insert(r)
        focus = r["phase"] == "focus"
        source = ("reading" if r.get("paper") else "sprint") if focus else "break"
        label = core.MODE_LABELS.get(r["mode"], r["mode"])
        if r.get("rounds", 1) > 1 or r["mode"] in ("block", "pomodoro"):
            label += f" {r.get('round', 1)}"
        note = label if focus else f"break after {label}"
        if r["outcome"] not in (core.COMPLETED,):
            note += f" ({r['outcome'].replace('_', ' ')}{': ' + r['reason'] if r.get('reason') else ''})"
        spans = core.active_spans(r)
        left = list(r.get("interruptions", []))
        for i, (a, b) in enumerate(spans):
            last = i == len(spans) - 1
            mine = [x for x in left if last or from_stamp(x["at"]) < b]
            left = [x for x in left if x not in mine]
            audit.add_entry(
                ctx,
                start=a,
                end=b,
                category=r.get("category") or _default_category(ctx),
                source=source,
                note=note,
                task=r.get("task"),
                paper=r.get("paper"),
                interruptions=mine,
                extra={"focus_session": r["session"]},
            )
        if focus and r.get("task") and r.get("active_s", 0) > 0:
            try:
                mits.add_focus_time(ctx, r["task"], int(r["active_s"]))
            except (UsageError, ValueError):
                pass  # the task id no longer parses; the time entry still holds the time


# ---------------------------------------------------------------------------- reading


def raw(ctx: Context) -> dict[str, Any] | None:
    return _doc(ctx).read().get("session")


def sync(ctx: Context) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Close phases that ran out (and take out a wall-clock step); write only when needed."""
    s = raw(ctx)
    if not s:
        return None, []
    now = ctx.clock.now()
    fixed = _fix_jump(ctx, s, now)
    after, records = core.advance(fixed, now)
    if not records and fixed is s and not (after and _timebox_due(after, now)):
        return s, []
    return _commit(ctx, lambda cur, _now: (cur, []))


def current(ctx: Context) -> dict[str, Any] | None:
    """The running (or paused, or on-break) session as a view, or None."""
    s, _ = sync(ctx)
    return view(ctx, s) if s else None


def view(ctx: Context, s: dict[str, Any], now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or ctx.clock.now()
    remaining = core.remaining_s(s, now)
    return {
        "id": s["id"],
        "state": core.state(s, now),
        "mode": s["mode"],
        "phase": s["phase"],
        "round": s.get("round", 1),
        "rounds": s.get("rounds", 1),
        "remaining_s": int(round(remaining)),
        "planned_s": int(s["planned_s"]),
        "elapsed_s": int(core.elapsed_s(s, now)),
        "ends": to_stamp(core.phase_end(s, now)),
        "task": s.get("task"),
        "task_title": s.get("task_title", ""),
        "category": s.get("category"),
        "paper": s.get("paper"),
        "interruptions": len(s.get("interruptions", [])),
        "session": s,
    }


def today(ctx: Context) -> dict[str, Any]:
    """Sprints done today (against the daily goal), focus time, interruptions, streak."""
    tz = ctx.clock.tz
    now = ctx.clock.now()
    day = now.astimezone(tz).date()
    coll = sessions(ctx)
    # this month and the previous ones back to ~60 days (enough for any streak shown)
    months = sorted(coll.parts())[-3:]
    records = coll.all(months)
    stats = core.day_stats(records, day, tz)
    stats["goal"] = ctx.config.focus.daily_goal
    stats["streak"] = core.streak(records, day, tz, ctx.config.focus.daily_goal)
    return stats


def records_for_day(ctx: Context, day: dt.date | None = None) -> list[dict[str, Any]]:
    tz = ctx.clock.tz
    day = day or ctx.clock.now().astimezone(tz).date()
    coll = sessions(ctx)
    out = [r for r in coll.all(sorted(coll.parts())[-2:]) if core.local_day(r["end"], tz) == day]
    return sorted(out, key=lambda r: r["start"])


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


def defaults(ctx: Context) -> dict[str, Any]:
    """What the start dialog proposes: the last used task if it is still an open MIT today,
    else today's first open MIT; the task's category, else the last used one."""
    from cockpit.services import mits

    last = _doc(ctx).read().get("last") or {}
    try:
        open_mits = [t for t in mits.todays_mits(ctx) if not t.get("done")]
    except CockpitError:
        open_mits = []
    ids = [t["id"] for t in open_mits]
    task = last.get("task") if last.get("task") in ids else (ids[0] if ids else None)
    cat = None
    if task:
        cat = next((t.get("category") for t in open_mits if t["id"] == task), None)
    valid = {c.id for c in ctx.config.categories}
    if cat not in valid:
        cat = last.get("category") if last.get("category") in valid else _default_category(ctx)
    return {"task": task, "category": cat, "mits": open_mits}


# ---------------------------------------------------------------------------- controls


def _describe(ctx: Context, s: dict[str, Any]) -> str:
    v = view(ctx, s)
    what = core.MODE_LABELS.get(s["mode"], s["mode"])
    if v["state"] == "break":
        what = "break"
    left = core.fmt_clock(v["remaining_s"])
    return (
        f"a {what} is {v['state']} ({left} left)"
        if v["remaining_s"] >= 0
        else f"a {what} is over by {left[1:]}"
    )


def start(
    ctx: Context,
    mode: str = "sprint",
    minutes: float | None = None,
    task: str | None = None,
    category: str | None = None,
    paper: str | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Start a session; returns its state. Raises UsageError when one runs and not replace."""
    from cockpit.services import mits

    if mode not in core.MODES:
        raise UsageError(f"unknown mode {mode!r}; use sprint, block, pomodoro or timebox")
    title = ""
    if task is not None:
        t = mits.get_task(ctx, str(task)) if _valid_id(mits.tasks(ctx), str(task)) else None
        if t is None:
            raise UsageError(f"no task with id {task}")
        title = clean(t.get("title", ""), 200)
    d = defaults(ctx) if (task is None and paper is None) or category is None else {}
    if task is None and paper is None and d.get("task"):
        task = d["task"]
        title = clean(next((t.get("title", "") for t in d["mits"] if t["id"] == task), ""), 200)
    if category is None:
        if paper:
            category = "research" if any(c.id == "research" for c in ctx.config.categories) else d["category"]
        else:
            tcat = (mits.get_task(ctx, task) or {}).get("category") if task else None
            category = tcat if tcat in {c.id for c in ctx.config.categories} else d["category"]
    else:
        category = resolve_category(ctx, category)
    try:
        new = core.new_session(
            mode, ctx.clock.now(), ctx.config.focus, minutes, task=task, category=category, paper=paper
        )
    except core.FocusError as e:
        raise UsageError(str(e)) from None
    new["task_title"] = title

    def fn(cur: dict[str, Any] | None, now: dt.datetime) -> tuple[Any, list[dict[str, Any]]]:
        records: list[dict[str, Any]] = []
        if cur is not None:
            if not replace:
                raise UsageError(
                    f"{_describe(ctx, cur)}; stop it first (cockpit focus stop) or start with --replace"
                )
            records = core.stop(cur, now)
        n = core.new_session(
            mode,
            now,
            ctx.config.focus,
            minutes,
            task=task,
            category=category,
            paper=paper,
            session_id=new["id"],
        )
        n["task_title"] = title
        return n, records

    s, _ = _commit(ctx, fn)
    return view(ctx, s)  # type: ignore[arg-type]


def _valid_id(coll: Collection, task_id: str) -> bool:
    try:
        coll.split_id(task_id)
    except (UsageError, ValueError):
        return False
    return True


def _control(
    ctx: Context, name: str, fn: Callable[[dict[str, Any], dt.datetime], tuple[Any, list[dict[str, Any]]]]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    def wrapped(cur: dict[str, Any] | None, now: dt.datetime) -> tuple[Any, list[dict[str, Any]]]:
        if cur is None:
            raise FocusStateError(f"nothing to {name}: no session is running (cockpit focus start)")
        try:
            return fn(cur, now)
        except core.FocusError as e:
            raise FocusStateError(f"cannot {name}: {e}") from None

    return _commit(ctx, wrapped)


def pause(ctx: Context) -> dict[str, Any] | None:
    return _control(ctx, "pause", lambda s, now: (core.pause(s, now), []))[0]


def resume(ctx: Context) -> dict[str, Any] | None:
    return _control(ctx, "resume", lambda s, now: (core.resume(s, now), []))[0]


def toggle_pause(ctx: Context) -> dict[str, Any] | None:
    return _control(
        ctx,
        "pause",
        lambda s, now: (core.resume(s, now) if core.is_paused(s) else core.pause(s, now), []),
    )[0]


def extend(ctx: Context, minutes: float | None = None) -> dict[str, Any] | None:
    secs = round((minutes if minutes is not None else ctx.config.focus.extend_minutes) * 60)
    return _control(ctx, "extend", lambda s, now: (core.extend(s, secs), []))[0]


def finish(ctx: Context) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Finish the focus phase now; the break (if the mode has one) starts."""
    return _control(ctx, "finish", core.finish)


def skip_break(ctx: Context) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    return _control(ctx, "skip the break", core.skip_break)


def stop(ctx: Context) -> list[dict[str, Any]]:
    return _control(ctx, "stop", lambda s, now: (None, core.stop(s, now)))[1]


def abandon(ctx: Context, reason: str = "") -> list[dict[str, Any]]:
    reason = clean(reason, 500)
    return _control(ctx, "abandon", lambda s, now: (None, core.abandon(s, now, reason)))[1]


def interrupt(ctx: Context, kind: str = "external", note: str = "") -> dict[str, Any] | None:
    note = clean(note, 500)
    return _control(ctx, "log an interruption", lambda s, now: (core.interrupt(s, now, kind, note), []))[0]


# ---------------------------------------------------------------------------- unclean stops


def _heartbeat_path(ctx: Context):  # noqa: ANN202 - Path
    return ctx.paths.state_dir / "focus-heartbeat.json"


def heartbeat(ctx: Context, clean_exit: bool = False) -> None:
    """The app writes this every few seconds, and ``clean_exit`` when it quits normally."""
    from cockpit.store.fs import atomic_write

    data = {"beat": to_stamp(ctx.clock.now()), "clean": clean_exit, "pid": os.getpid()}
    try:
        atomic_write(_heartbeat_path(ctx), json.dumps(data).encode())
    except CockpitError:
        pass


def unclean_gap(ctx: Context) -> tuple[dt.datetime, float] | None:
    """(last heartbeat, gap seconds) when the app stopped uncleanly during a running session
    longer than [focus] gap_minutes ago; else None."""
    try:
        hb = json.loads(_heartbeat_path(ctx).read_bytes())
        beat = from_stamp(hb["beat"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if hb.get("clean"):
        return None
    s = raw(ctx)
    if not s or core.is_paused(s) or from_stamp(s["phase_start"]) >= beat:
        return None
    gap = (ctx.clock.now() - beat).total_seconds()
    if gap < ctx.config.focus.gap_minutes * 60:
        return None
    return beat, gap


def resolve_gap(ctx: Context, keep: bool, since: dt.datetime) -> dict[str, Any] | None:
    """Keep the time cockpit was down (the session ran on), or discard it (it becomes a pause).

    Discarding takes the gap out before phases that "ran out" during it are closed."""
    if not keep:

        def update(doc: dict[str, Any]) -> dict[str, Any]:
            cur = doc.get("session")
            if cur:
                doc["session"] = core.discard_gap(cur, since, ctx.clock.now())
            return doc

        _doc(ctx).update(update)
    s, _ = sync(ctx)
    heartbeat(ctx)
    publish(ctx, s)
    return s


# ---------------------------------------------------------------------------- status file, alerts


def publish(ctx: Context, s: dict[str, Any] | None) -> None:
    """Rewrite the ``focus`` section of the status file (what ``cockpit status`` shows)."""
    from cockpit import status

    if not s:
        value: dict[str, Any] = {"state": "idle"}
    else:
        now = ctx.clock.now()
        st = core.state(s, now)
        value = {
            "state": st,
            "mode": s["mode"],
            "phase": s["phase"],
            "started": s["phase_start"],
            "ends": to_stamp(core.phase_end(s, now)),
            "paused_remaining_s": int(core.remaining_s(s, now)) if st == "paused" else None,
            "planned_s": int(s["planned_s"]),
            "task": s.get("task"),
            "task_title": s.get("task_title", ""),
            "category": s.get("category"),
            "then": core.next_phases(s, now),
        }
    try:
        status.update_section(ctx.paths, "focus", value)
    except (OSError, CockpitError):
        pass  # the status line is a convenience; never fail a control because of it


def alert_for(
    ctx: Context, records: list[dict[str, Any]], s: dict[str, Any] | None, now: dt.datetime
) -> Alert | None:
    """The alert a phase that ran out deserves; None when nothing ran out, or long ago
    (a sprint that ended while cockpit was down is recorded, not announced)."""
    from cockpit.core.alerts import Alert

    done = [
        r
        for r in records
        if r["outcome"] == core.COMPLETED and (now - from_stamp(r["end"])).total_seconds() < 300
    ]
    if not done:
        return None
    r = done[-1]
    label = core.MODE_LABELS.get(r["mode"], r["mode"])
    if r["phase"] == "break":
        if s and s["phase"] == "focus":
            return Alert("Break over", f"{label} {s.get('round', 1)} starts now.", "normal", "focus")
        return Alert("Break over", "Ready for the next sprint?", "normal", "focus")
    mins = round(r["active_s"] / 60)
    body = f"{mins} min of focus."
    if s and s["phase"] == "break":
        body += f" Break: {round(s['planned_s'] / 60)} min."
    return Alert(f"{label[0].upper() + label[1:]} done", body, "normal", "focus")


def timebox_alert() -> Alert:
    from cockpit.core.alerts import Alert

    return Alert("Time-box is up", "Step away, or extend it.", "critical", "focus")
