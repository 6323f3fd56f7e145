"""Starting a focus session: the lengths of each mode, decided once from the [focus] config.

The TUI's start dialog and the CLI both get a mode's default length from ``default_minutes``.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

from cockpit.core.clock import to_stamp
from cockpit.core.focus import FocusError
from cockpit.core.focus_records import MODES, Session
from cockpit.core.record import record


@record
class Plan:
    """The lengths of a session: its focus phases, breaks, and how many rounds."""

    focus_s: int
    break_s: int
    long_break_s: int
    rounds: int
    long_every: int


def default_minutes(mode: str, cfg: Any) -> float:
    """The length a mode gets when none is given, from the [focus] config (a FocusConfig):
    sprint_minutes, block_hours (a block's total), pomodoro_minutes or timebox_minutes."""
    if mode not in MODES:
        raise FocusError(f"unknown mode {mode!r} (sprint, block, pomodoro or timebox)")
    return {
        "sprint": cfg.sprint_minutes,
        "block": cfg.block_hours * 60,
        "pomodoro": cfg.pomodoro_minutes,
        "timebox": cfg.timebox_minutes,
    }[mode]


def plan(mode: str, cfg: Any, minutes: float | None = None) -> Plan:
    """Lengths for a mode from the [focus] config (``cfg`` is a FocusConfig) and an optional length
    (default: ``default_minutes``).

    - sprint: one focus of ``minutes``, then a break proportional to it (break_minutes per
      sprint_minutes).
    - block: ``minutes`` of focus cut into equal sprints no longer than sprint_minutes, with
      block_break_minutes between them.
    - pomodoro: a set of pomodoro_long_every pomodoros of ``minutes``, short breaks, and the long
      break after the last.
    - timebox: one countdown of ``minutes``; then overrun until stopped.
    """
    length = default_minutes(mode, cfg)
    if minutes is not None and not (0 < minutes <= 24 * 60):
        raise FocusError(f"minutes must be between 0 and 1440, got {minutes:g}")
    total = round((minutes or length) * 60)
    if mode == "sprint":
        brk = round(total * cfg.break_minutes / cfg.sprint_minutes)
        return Plan(total, brk, brk, 1, 1)
    if mode == "block":
        rounds = max(1, math.ceil(total / (cfg.sprint_minutes * 60)))
        return Plan(round(total / rounds), cfg.block_break_minutes * 60, 0, rounds, rounds)
    if mode == "pomodoro":
        every = max(1, cfg.pomodoro_long_every)
        return Plan(
            total, cfg.pomodoro_break_minutes * 60, cfg.pomodoro_long_break_minutes * 60, every, every
        )
    return Plan(total, 0, 0, 1, 1)


def new_session(
    mode: str,
    now: dt.datetime,
    cfg: Any,
    minutes: float | None = None,
    task: str | None = None,
    category: str = "",
    paper: str | None = None,
    session_id: str | None = None,
    task_title: str = "",
) -> Session:
    p = plan(mode, cfg, minutes)
    stamp = to_stamp(now)
    return Session(
        id=session_id or uuid.uuid4().hex[:12],
        mode=mode,
        session_start=stamp,
        phase="focus",
        round=1,
        phase_start=stamp,
        planned_s=p.focus_s,
        focus_s=p.focus_s,
        break_s=p.break_s,
        long_break_s=p.long_break_s,
        rounds=p.rounds,
        long_every=p.long_every,
        task=task,
        task_title=task_title,
        category=category,
        paper=paper,
    )


@record
class TaskChoice:
    """One of today's open MITs, as the start dialog offers it."""

    id: str
    title: str
    category: str | None = None


@record
class StartDefaults:
    """What the start dialog proposes: a task, a category, the mode's length, today's open MITs."""

    task: str | None
    category: str
    minutes: float
    mits: tuple[TaskChoice, ...] = ()
