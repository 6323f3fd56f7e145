"""Pure task logic: MIT cap and carry-over, matrix quadrants, lifecycle board, planned vs actual.

No I/O and no Textual: functions take ``Task`` records and dates, and return new values or the
stored fields to change. Dates are local ISO dates (``2026-11-25``); stamps are ISO
UTC strings as stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from cockpit.core.clock import from_stamp
from cockpit.core.mits_records import Task

HARD_CAP = 3

STAGES: tuple[str, ...] = ("hypothesis", "data", "training", "evaluation", "deployment")
STAGE_NAMES: dict[str, str] = {
    "hypothesis": "Hypothesis",
    "data": "Data prep",
    "training": "Training",
    "evaluation": "Evaluation",
    "deployment": "Deployment",
}
IMPACTS: tuple[str, ...] = ("high", "low")
EFFORTS: tuple[str, ...] = ("quick", "hours", "days")

# Quadrants of the impact x effort matrix, laid out as a 2x2 grid (row, column).
QUADRANTS: tuple[str, ...] = ("do", "schedule", "delegate", "eliminate")
QUADRANT_NAMES: dict[str, str] = {
    "do": "Do first",
    "schedule": "Schedule",
    "delegate": "Automate/delegate",
    "eliminate": "Eliminate",
}
_GRID: dict[str, tuple[int, int]] = {
    "do": (0, 0),
    "schedule": (0, 1),
    "delegate": (1, 0),
    "eliminate": (1, 1),
}
_AT: dict[tuple[int, int], str] = {v: k for k, v in _GRID.items()}

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class BadValue(ValueError):
    """An unknown stage/impact/effort/category; the message lists the valid values."""


def parse_stage(text: str | None) -> str | None:
    """A stage id from its id or readable name (``data prep``, ``Data-Prep``, ``data``); none -> None."""
    if text is None or _norm(text) in ("", "none", "no", "nostage"):
        return None
    key = _norm(text)
    for sid in STAGES:
        if key in (_norm(sid), _norm(STAGE_NAMES[sid])) or (sid == "data" and key == "dataprep"):
            return sid
    valid = ", ".join([*(f"{s} ({STAGE_NAMES[s]})" for s in STAGES), "none"])
    raise BadValue(f"unknown stage {text!r}; valid: {valid}")


def parse_choice(what: str, text: str, choices: Sequence[str]) -> str:
    key = text.strip().lower()
    if key in choices:
        return key
    raise BadValue(f"unknown {what} {text!r}; valid: {', '.join(choices)}")


def parse_category(text: str, categories: Iterable[Any]) -> str:
    """A category id from its id, name or key (case-insensitive). ``categories`` are CategoryConfig."""
    cats = list(categories)
    key = text.strip().lower()
    for c in cats:
        if key in (c.id.lower(), c.name.lower(), c.key.lower()):
            return c.id
    valid = ", ".join(f"{c.id} ({c.name}, key {c.key})" for c in cats)
    raise BadValue(f"unknown category {text!r}; valid: {valid}")


# ---------------------------------------------------------------- dates


def local_date(stamp: str | None, tz: dt.tzinfo) -> str | None:
    if not stamp:
        return None
    try:
        return from_stamp(stamp).astimezone(tz).date().isoformat()
    except (TypeError, ValueError):
        return None


def day_bounds(day: str, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC start and end of a local day."""
    d = dt.date.fromisoformat(day)
    start = dt.datetime.combine(d, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def add_days(day: str, n: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


def week_start(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def week_label(day: str) -> str:
    y, w, _ = dt.date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


def is_weekday(day: str, name: str) -> bool:
    return WEEKDAYS[dt.date.fromisoformat(day).weekday()] == name


# ---------------------------------------------------------------- MITs


def is_open(task: Task) -> bool:
    return not task.done


def carried_days(task: Task, today: str) -> int:
    """How many days an open MIT has been carried over (0 when picked today)."""
    since = task.mit_since or task.mit_date
    if not since:
        return 0
    try:
        return max(0, (dt.date.fromisoformat(today) - dt.date.fromisoformat(since)).days)
    except ValueError:
        return 0


def rollover(tasks: Iterable[Task], today: str, cap: int) -> list[tuple[str, dict[str, Any]]]:
    """Carry unfinished MITs of earlier days to ``today``; return ``(id, fields)`` to write.

    Carried MITs keep their ``mit_since`` (so the days carried show) and their order after the
    ones already picked today. Beyond the cap they fall back to plain tasks.
    """
    cap = min(cap, HARD_CAP)
    items = list(tasks)
    on_today = [t for t in items if t.mit_date == today]
    stale = [t for t in items if t.mit_date and t.mit_date < today and is_open(t)]
    stale.sort(key=lambda t: (t.mit_date or "", t.mit_order))
    slots = cap - len(on_today)
    order = max((t.mit_order for t in on_today), default=0)
    out: list[tuple[str, dict[str, Any]]] = []
    for t in stale:
        if slots > 0:
            order += 1
            slots -= 1
            days = list(t.mit_days or [t.mit_date or today])
            if today not in days:
                days.append(today)
            out.append(
                (
                    t.id,
                    {
                        "mit_date": today,
                        "mit_order": order,
                        "mit_since": t.mit_since or t.mit_date,
                        "mit_days": days,
                    },
                )
            )
        else:
            out.append((t.id, {"mit_date": None, "mit_since": None}))
    return out


def apply(tasks: Iterable[Task], updates: Iterable[tuple[str, dict[str, Any]]]) -> list[Task]:
    changes = dict(updates)
    return [t.updated(changes[t.id]) if t.id in changes else t for t in tasks]


def effective_mits(tasks: Iterable[Task], today: str, cap: int) -> list[Task]:
    """Today's MITs as they are after carry-over (nothing written), open first, in order."""
    items = list(tasks)
    view = apply(items, rollover(items, today, cap))
    mits = [t for t in view if t.mit_date == today]
    return sorted(mits, key=lambda t: (not is_open(t), t.mit_order))


class CapReached(Exception):
    """Picking another MIT would pass the cap; ``mits`` are today's (swap candidates)."""

    def __init__(self, cap: int, mits: list[Task]) -> None:
        self.cap, self.mits = cap, mits
        super().__init__(
            f"today already has {cap} MIT{'s' if cap != 1 else ''} (the cap is {cap}); "
            "finish or unpick one first, or swap"
        )


def pick_mit(tasks: Iterable[Task], task_id: str, today: str, cap: int) -> dict[str, Any]:
    """Fields that make ``task_id`` one of today's MITs; raises CapReached at the cap."""
    cap = min(cap, HARD_CAP)
    mits = effective_mits(tasks, today, cap)
    for t in mits:
        if t.id == task_id:
            return {}
    if len(mits) >= cap:
        raise CapReached(cap, mits)
    order = max((t.mit_order for t in mits), default=0) + 1
    return mit_fields(today, order)


def mit_fields(today: str, order: int, days: Iterable[str] = ()) -> dict[str, Any]:
    days = list(days or [])
    if today not in days:
        days.append(today)
    return {"mit_date": today, "mit_order": order, "mit_since": today, "mit_days": days}


def unpick_fields(task: Task, today: str) -> dict[str, Any]:
    days = [d for d in task.mit_days if d != today]
    return {"mit_date": None, "mit_since": None, "mit_order": 0, "mit_days": days}


def is_mit(task: Task, today: str) -> bool:
    return task.mit_date == today


def sort_key(t: Task, today: str) -> tuple[Any, ...]:
    """MITs of today first (open ones, in order), then open tasks by quadrant and age, then done."""
    mit = is_mit(t, today)
    return (
        not is_open(t),
        not mit,
        t.mit_order if mit else 0,
        QUADRANTS.index(quadrant_of(t)),
        t.created or "",
        _num(t.id),
    )


def sort_tasks(tasks: Iterable[Task], today: str) -> list[Task]:
    """Tasks in the order they are shown everywhere (see ``sort_key``)."""
    return sorted(tasks, key=lambda t: sort_key(t, today))


def _num(id: Any) -> int:
    s = str(id or "").rpartition("-")[2]
    return int(s) if s.isdigit() else 0


def history(tasks: Iterable[Task], tz: dt.tzinfo, days: int, today: str) -> list[dict[str, Any]]:
    """MITs planned and done per local day for the last ``days`` days (oldest first)."""
    first = add_days(today, -(days - 1))
    planned: dict[str, int] = {}
    done: dict[str, int] = {}
    for t in tasks:
        done_day = local_date(t.done, tz)
        for d in t.mit_days or ((t.mit_date,) if t.mit_date else ()):
            if first <= d <= today:
                planned[d] = planned.get(d, 0) + 1
                if done_day == d:
                    done[d] = done.get(d, 0) + 1
    return [
        {"date": (d := add_days(first, i)), "planned": planned.get(d, 0), "done": done.get(d, 0)}
        for i in range(days)
    ]


# ---------------------------------------------------------------- matrix


def quadrant_of(task: Task) -> str:
    high = task.impact != "low"
    quick = task.effort == "quick"
    if high:
        return "do" if quick else "schedule"
    return "delegate" if quick else "eliminate"


def quadrant_fields(task: Task, quadrant: str) -> dict[str, Any]:
    """The impact/effort that put ``task`` into ``quadrant`` (a slow task keeps hours vs days)."""
    impact = "high" if quadrant in ("do", "schedule") else "low"
    if quadrant in ("do", "delegate"):
        effort = "quick"
    else:
        effort = task.effort if task.effort in ("hours", "days") else "hours"
    return {"impact": impact, "effort": effort}


def quadrant_step(quadrant: str, direction: str) -> str:
    """The quadrant left/right/up/down of ``quadrant`` (stays at the edge)."""
    r, c = _GRID[quadrant]
    dr, dc = {"left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}[direction]
    return _AT.get((min(1, max(0, r + dr)), min(1, max(0, c + dc))), quadrant)


# ---------------------------------------------------------------- board


def stage_step(stage: str | None, step: int) -> str | None:
    """The next (+1) or previous (-1) lifecycle stage; a task without a stage enters at hypothesis."""
    if stage not in STAGES:
        return STAGES[0] if step > 0 else None
    i = STAGES.index(stage) + step
    return STAGES[min(len(STAGES) - 1, max(0, i))]


# ---------------------------------------------------------------- planned vs actual


def planned_vs_actual(task: Task, sprint_minutes: int) -> dict[str, Any]:
    """Focus seconds spent on ``task`` against its estimate in sprints."""
    spent = task.focus_s
    est = task.estimate
    planned = est * sprint_minutes * 60
    return {
        "spent_s": spent,
        "planned_s": planned,
        "sprints": round(spent / (sprint_minutes * 60), 2) if sprint_minutes else 0.0,
        "estimate": est,
        "ratio": round(spent / planned, 2) if planned else None,
    }


def fmt_hm(seconds: float) -> str:
    m = int(seconds) // 60
    return f"{m // 60}h{m % 60:02d}" if m >= 60 else f"{m}m"


def tomorrow_candidates(tasks: Iterable[Task], today: str, limit: int = 5) -> list[Task]:
    """Open MITs (they carry over) first, then open Do-first and Schedule tasks."""
    items = [t for t in tasks if is_open(t)]
    carry = sorted((t for t in items if is_mit(t, today)), key=lambda t: t.mit_order)
    rest = [
        t for t in sort_tasks(items, today) if not is_mit(t, today) and quadrant_of(t) in ("do", "schedule")
    ]
    return (carry + rest)[:limit]


def plan_candidates(tasks: Iterable[Task], today: str, cap: int) -> list[Task]:
    """Morning plan: today's MITs (carried ones included), then open Do-first and Schedule tasks."""
    items = list(tasks)
    mits = [t for t in effective_mits(items, today, cap) if is_open(t)]
    ids = {t.id for t in mits}
    rest = [
        t
        for t in sort_tasks(items, today)
        if is_open(t) and t.id not in ids and quadrant_of(t) in ("do", "schedule")
    ]
    return mits + rest
