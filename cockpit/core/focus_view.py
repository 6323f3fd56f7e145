"""A focus session as shown at one moment: its state and times computed from the stamps."""

from __future__ import annotations

import datetime as dt

from cockpit.core.clock import to_stamp
from cockpit.core.focus import elapsed_s, phase_end, remaining_s, state
from cockpit.core.focus_records import MODE_LABELS, Session
from cockpit.core.focus_stats import fmt_clock
from cockpit.core.record import record


@record
class SessionView:
    """The session as shown at one moment: its state and times computed from the stamps."""

    id: str
    state: str
    mode: str
    phase: str
    round: int
    rounds: int
    remaining_s: int
    planned_s: int
    elapsed_s: int
    ends: str
    task: str | None
    task_title: str
    category: str
    paper: str | None
    interruptions: int  # how many were logged in this phase
    session: Session


def view(s: Session, now: dt.datetime) -> SessionView:
    return SessionView(
        id=s.id,
        state=state(s, now),
        mode=s.mode,
        phase=s.phase,
        round=s.round,
        rounds=s.rounds,
        remaining_s=int(round(remaining_s(s, now))),
        planned_s=int(s.planned_s),
        elapsed_s=int(elapsed_s(s, now)),
        ends=to_stamp(phase_end(s, now)),
        task=s.task,
        task_title=s.task_title,
        category=s.category,
        paper=s.paper,
        interruptions=len(s.interruptions),
        session=s,
    )


def describe(s: Session, now: dt.datetime) -> str:
    """ "a sprint is running (42:10 left)", "a time-box is over by 05:00"."""
    v = view(s, now)
    what = "break" if v.state == "break" else MODE_LABELS.get(s.mode, s.mode)
    left = fmt_clock(v.remaining_s)
    return f"a {what} is {v.state} ({left} left)" if v.remaining_s >= 0 else f"a {what} is over by {left[1:]}"
