"""Where the Focus instrument keeps its state: the ``focus`` document, the ``focus_sessions``
collection, the clock anchor that finds wall-clock steps, and the ``focus`` section of the status
file. The one place the focus records are read from and written to the store.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cockpit.core import focus as core
from cockpit.core.clock import SystemClock, to_stamp
from cockpit.core.focus_records import Anchor, FocusDoc, FocusRecord, Session
from cockpit.errors import CockpitError
from cockpit.store import Collection, schema

if TYPE_CHECKING:
    from cockpit.context import Context

JUMP_TOLERANCE_S = 5.0


# ---------------------------------------------------------------------------- storage


def sessions(ctx: Context) -> Collection:
    """The ``focus_sessions`` collection (one file per month) of finished phases."""
    return schema.focus_sessions(ctx.store)


def read_doc(ctx: Context) -> FocusDoc:
    return FocusDoc.from_doc(schema.doc(ctx.store, schema.DOC_FOCUS).read())


def update_doc(ctx: Context, fn: Callable[[FocusDoc], FocusDoc]) -> None:
    """One locked read-modify-write of the ``focus`` document."""

    def update(doc: dict[str, Any]) -> dict[str, Any]:
        return fn(FocusDoc.from_doc(doc)).to_doc(doc)

    schema.doc(ctx.store, schema.DOC_FOCUS).update(update)


def raw(ctx: Context) -> Session | None:
    """The stored session as it is (phases that ran out are not closed: see ``sync``)."""
    return read_doc(ctx).session


def keep_records(ctx: Context, records: list[FocusRecord]) -> None:
    coll = sessions(ctx)
    for r in records:
        coll.insert(r.to_doc())


def stored_records(ctx: Context, months: int) -> list[FocusRecord]:
    """The finished phases of the last ``months`` month files."""
    coll = sessions(ctx)
    return [FocusRecord.from_doc(d) for d in coll.all(sorted(coll.parts())[-months:])]


# ---------------------------------------------------------------------------- clock steps


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


def anchor(ctx: Context, now: dt.datetime) -> Anchor:
    return Anchor(boot=_boot_id(), offset=now.timestamp() - _steady(ctx))


def fix_jump(ctx: Context, s: Session, now: dt.datetime) -> Session:
    """Take a wall-clock step out of the session.

    The session keeps ``anchor`` = wall minus a clock that never steps, taken when it last
    changed. If, on the same boot, that difference moved by more than a few seconds, the wall
    clock was stepped (NTP, a user, a VM restore): every stamp moves by the step, so elapsed
    time follows real time. Idempotent across processes: the first one to see it re-anchors.
    """
    a = s.anchor
    cur = anchor(ctx, now)
    if a is not None and a.boot and a.boot == cur.boot:
        step = cur.offset - a.offset
        if abs(step) > JUMP_TOLERANCE_S:
            return replace(core.shift(s, step), anchor=cur)
    if a is None or a.boot != cur.boot:
        s = replace(s, anchor=cur)
    return s


# ---------------------------------------------------------------------------- status file


def publish(ctx: Context, s: Session | None) -> None:
    """Rewrite the ``focus`` section of the status file (what ``cockpit status`` shows)."""
    from cockpit import status

    if not s:
        value: dict[str, Any] = {"state": "idle"}
    else:
        now = ctx.clock.now()
        st = core.state(s, now)
        value = {
            "state": st,
            "mode": s.mode,
            "phase": s.phase,
            "started": s.phase_start,
            "ends": to_stamp(core.phase_end(s, now)),
            "paused_remaining_s": int(core.remaining_s(s, now)) if st == "paused" else None,
            "planned_s": int(s.planned_s),
            "round": s.round,
            "task": s.task,
            "task_title": s.task_title,
            "category": s.category,
            "then": core.next_phases(s, now),
        }
    try:
        status.update_section(ctx.paths, "focus", value)
    except (OSError, CockpitError):
        pass  # the status line is a convenience; never fail a control because of it
