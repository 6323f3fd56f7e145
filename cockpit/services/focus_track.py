"""A focus session drives the time audit's tracking: the running entry IS the sprint's time.

- A focus phase that begins (a start, or the next round after a break) switches tracking to the
  session's category (source "sprint", with the task): one running entry, no double count.
- A pause of the focus phase stops tracking at the pause; a resume starts it again.
- A focus phase that ends into a break stops tracking at the phase's end (its planned end when
  it ran out). The break is booked on its own (source "break", in none of the categories).
- When the break ends (run out, skipped or stopped), tracking resumes in the category it had,
  unless the user started tracking something during the break.
- A focus phase that ends the session (stopped, abandoned, no break) stops tracking there, if
  the running entry is still the sprint's.

A reading pass (a time-box with a paper set) keeps its own booking (source "reading", booked to
the paper when the pass ends), so tracking stops while it runs, or the same minutes would count
twice; when the pass ends, tracking resumes in the category that was stopped for it. Tracking is a
convenience of the focus controls: a failure here never fails the control.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cockpit.core.clock import from_stamp
from cockpit.core.focus import MODE_LABELS, booking_note
from cockpit.errors import CockpitError

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.focus import FocusRecord, Interruption, Session


def _label(s: Session) -> str:
    label = MODE_LABELS.get(s.mode, s.mode)
    return f"{label} {s.round}" if s.mode in ("block", "pomodoro") else label


def _track_focus(ctx: Context, s: Session, at: dt.datetime, only_if_idle: bool) -> None:
    from cockpit.services import audit

    if only_if_idle and audit.running(ctx) is not None:
        return  # the user chose what to track meanwhile
    audit.start(ctx, s.category, note=_label(s), task=s.task, source="sprint", at=at)


def _close(ctx: Context, at: dt.datetime, note: str, marks: tuple[Interruption, ...]) -> None:
    """Stop tracking at ``at``; the closed sprint entry gets the phase's note and interruptions."""
    from cockpit.services import audit
    from cockpit.services.audit.common import update_entry

    closed = audit.stop(ctx, at=at)
    if closed is None or closed.source != "sprint" or closed.end is None:
        return
    mine = [i.to_doc() for i in marks if closed.start <= from_stamp(i.at) <= closed.end]
    update_entry(ctx, closed.id, {"note": note, "interruptions": mine})


def _pause(ctx: Context, at: dt.datetime, note: str = "", marks: tuple[Interruption, ...] = ()) -> None:
    from cockpit.services import audit

    cur = audit.running(ctx)
    if cur is not None and cur.since <= at:
        _close(ctx, at, note or cur.note, marks)


def _resume_after_break(ctx: Context, category: str, at: dt.datetime) -> None:
    from cockpit.services import audit

    if audit.running(ctx) is None:
        audit.start(ctx, category, source="manual", at=at)


def _resume_after_pass(ctx: Context, r: FocusRecord) -> None:
    """The pass ``r`` ended: tracking resumes in the category it stopped at the pass's start."""
    from cockpit.services import audit

    start = from_stamp(r.start)
    near = audit.load(ctx, start - dt.timedelta(seconds=1), start + dt.timedelta(seconds=1))
    stopped = [e for e in near if e.end is not None and abs((e.end - start).total_seconds()) < 1]
    if stopped and stopped[-1].source not in ("break", "reading"):
        _resume_after_break(ctx, stopped[-1].category, from_stamp(r.end))


def _end(ctx: Context, r: FocusRecord) -> None:
    from cockpit.services import audit

    at = from_stamp(r.end)
    cur = audit.running(ctx)
    if cur is not None and cur.source == "sprint" and cur.since <= at:
        _close(ctx, at, booking_note(r), r.interruptions)


def _followed_by(phase: str, r: FocusRecord, nxt: FocusRecord | None, after: Session | None) -> bool:
    if nxt is not None:
        return nxt.session == r.session and nxt.phase == phase
    return after is not None and after.id == r.session and after.phase == phase


def tracked(before: Session | None, r: FocusRecord) -> bool:
    """Whether tracking held this finished phase's time: a focus phase (no paper) that was
    running when the transition began. A phase that began and ended while no cockpit process
    looked (cockpit was down) is booked as entries instead."""
    return (
        r.phase == "focus"
        and not r.paper
        and before is not None
        and before.id == r.session
        and before.phase == "focus"
        and before.round == r.round
    )


def follow(ctx: Context, before: Session | None, records: list[FocusRecord], after: Session | None) -> None:
    """Make tracking follow one focus transition (``before`` -> ``records`` -> ``after``)."""
    try:
        _follow(ctx, before, records, after)
    except CockpitError:
        pass  # a category or task that no longer exists: the focus records still hold the time


def _follow(ctx: Context, before: Session | None, records: list[FocusRecord], after: Session | None) -> None:
    for i, r in enumerate(records):
        if r.paper:
            if r.phase == "focus" and not (after is not None and after.id == r.session):
                _resume_after_pass(ctx, r)
            continue
        end = from_stamp(r.end)
        nxt = records[i + 1] if i + 1 < len(records) else None
        if r.phase == "focus":
            if not tracked(before, r):
                continue
            if _followed_by("break", r, nxt, after):
                _pause(ctx, end, booking_note(r), r.interruptions)
            else:
                _end(ctx, r)
        elif r.category and not _followed_by("focus", r, nxt, after):
            _resume_after_break(ctx, r.category, end)
    if after is not None and after.paper and after.phase == "focus":
        if before is None or before.id != after.id:  # a pass begins: its own booking holds the time
            _pause(ctx, from_stamp(after.phase_start))
        return
    if after is None or after.phase != "focus":
        return
    same = before is not None and before.id == after.id
    if not same or before is None or before.phase != "focus" or before.round != after.round:
        # a focus phase begins: a start switches tracking now; the next round after a break
        # takes over at the break's end
        _track_focus(ctx, after, from_stamp(after.phase_start), only_if_idle=same)
        if after.is_paused:
            _pause(ctx, from_stamp(after.pauses[-1][0]))
        return
    if not before.is_paused and after.is_paused:
        _pause(ctx, from_stamp(after.pauses[-1][0]), "", after.interruptions)
    elif before.is_paused and not after.is_paused:
        _track_focus(ctx, after, from_stamp(after.pauses[-1][1] or after.phase_start), only_if_idle=True)
