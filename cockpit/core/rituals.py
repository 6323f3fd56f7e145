"""The mits rituals' numbers and records: the evening shutdown, the weekly retro, the day document.

Pure: functions take time entries (stored dicts), tasks and dates. Records are built from the
store's dicts here (``from_doc``) and turned back into them (``to_doc``), nowhere else.
Collection "retros": one per ISO week (week, saved, numbers, worked, didnt, drop). The doc "mits":
``{"last_start": local date of the last app start, "closed": {date: {closed, mits_done, mits_total}}}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import Any

from cockpit.core.focus_records import FocusRecord
from cockpit.core.focus_stats import MIN_SPRINT_MINUTES, counts_as_sprint, local_day
from cockpit.core.mits_records import Task, number, opt_text, text
from cockpit.core.record import record
from cockpit.core.tasks import (
    add_days,
    effective_mits,
    history,
    is_open,
    local_date,
    week_label,
    week_start,
)
from cockpit.errors import RecordError


def _by_category(doc: Mapping[str, Any], what: str) -> dict[str, float]:
    v = doc.get("by_category") or {}
    if isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(s, int | float) and not isinstance(s, bool) for k, s in v.items()
    ):
        return dict(v)
    raise RecordError(f"{what}: by_category must map categories to seconds, got {v!r}")


@record
class WeekNumbers:
    """The weekly retro's numbers for one ISO week (also stored inside its retro)."""

    week: str
    first: str  # stored as "from"
    last: str  # stored as "to"
    sprints: int = 0
    sprint_s: int = 0
    mits_planned: int = 0
    mits_done: int = 0
    tasks_done: int = 0
    by_category: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> WeekNumbers:
        what = "retro numbers"
        return cls(
            text(doc, "week", what),
            text(doc, "from", what),
            text(doc, "to", what),
            number(doc, "sprints", what),
            number(doc, "sprint_s", what),
            number(doc, "mits_planned", what),
            number(doc, "mits_done", what),
            number(doc, "tasks_done", what),
            _by_category(doc, what),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "from": self.first,
            "to": self.last,
            "sprints": self.sprints,
            "sprint_s": self.sprint_s,
            "mits_planned": self.mits_planned,
            "mits_done": self.mits_done,
            "tasks_done": self.tasks_done,
            "by_category": dict(self.by_category),
        }


@record
class Retro:
    """A saved weekly retro (collection "retros")."""

    id: str
    week: str
    saved: str | None = None
    numbers: WeekNumbers | None = None
    worked: str = ""
    didnt: str = ""
    drop: str = ""

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Retro:
        numbers = doc.get("numbers")
        if numbers is not None and not isinstance(numbers, dict):
            raise RecordError(f"retro {doc.get('id')!r}: numbers must be a mapping, got {numbers!r}")
        return cls(
            str(doc.get("id")),
            text(doc, "week", "retro"),
            opt_text(doc, "saved", "retro"),
            WeekNumbers.from_doc({"id": doc.get("id"), **numbers}) if numbers else None,
            text(doc, "worked", "retro"),
            text(doc, "didnt", "retro"),
            text(doc, "drop", "retro"),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "saved": self.saved,
            "numbers": self.numbers.to_doc() if self.numbers else None,
            "worked": self.worked,
            "didnt": self.didnt,
            "drop": self.drop,
        }

    def answer(self, key: str) -> str:
        """The answer to one prompt: ``worked``, ``didnt`` or ``drop``."""
        return {"worked": self.worked, "didnt": self.didnt, "drop": self.drop}[key]


@record
class DaySummary:
    """The evening shutdown's numbers for one local day."""

    date: str
    sprints: int
    sprint_s: int
    mit_focus_s: int
    mit_share: float | None
    mits_total: int
    mits_done: int
    mits: tuple[Task, ...]
    tasks_done: int
    by_category: dict[str, float]


def _focus_numbers(
    records: Iterable[FocusRecord], first: str, last: str, tz: dt.tzinfo, min_s: float, mit_ids: set[str]
) -> tuple[int, float, float]:
    """(sprints, focus seconds, focus seconds on MITs) of the focus phases that ended between
    the local days ``first`` and ``last``: the same rule as ``focus status`` and the Focus pane."""
    sprints = 0
    focus_s = mit_s = 0.0
    for r in records:
        if r.phase != "focus" or not (first <= local_day(r.end, tz).isoformat() <= last):
            continue
        sprints += counts_as_sprint(r, min_s)
        focus_s += r.active_s
        if r.task in mit_ids:
            mit_s += r.active_s
    return sprints, focus_s, mit_s


def day_summary(
    by_category: Mapping[str, float],
    tasks: Iterable[Task],
    day: str,
    tz: dt.tzinfo,
    now: dt.datetime,
    cap: int,
    focus: Iterable[FocusRecord] = (),
    min_s: float = MIN_SPRINT_MINUTES * 60,
) -> DaySummary:
    """The evening shutdown's numbers for one local day. Sprints and their time come from the
    focus records (``focus``), never from time entries (a paused sprint is two entries); the time
    by category is the time audit's report of the day (``by_category``), so the two agree."""
    items = list(tasks)
    mits = effective_mits(items, day, cap)
    mit_ids = {t.id for t in mits}
    sprints, sprint_s, mit_s = _focus_numbers(focus, day, day, tz, min_s, mit_ids)
    done_today = [t for t in items if local_date(t.done, tz) == day]
    return DaySummary(
        date=day,
        sprints=sprints,
        sprint_s=int(sprint_s),
        mit_focus_s=int(mit_s),
        mit_share=round(mit_s / sprint_s, 2) if sprint_s else None,
        mits_total=len(mits),
        mits_done=sum(1 for t in mits if not is_open(t)),
        mits=tuple(mits),
        tasks_done=len(done_today),
        by_category=dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
    )


def week_summary(
    by_category: Mapping[str, float],
    tasks: Iterable[Task],
    day: str,
    tz: dt.tzinfo,
    now: dt.datetime,
    focus: Iterable[FocusRecord] = (),
    min_s: float = MIN_SPRINT_MINUTES * 60,
) -> WeekNumbers:
    """The weekly retro's numbers for the ISO week holding ``day`` (sprints from ``focus``, the
    time by category from the time audit's report of the week, ``by_category``)."""
    first = week_start(day)
    items = list(tasks)
    sprints, sprint_s, _ = _focus_numbers(focus, first, add_days(first, 6), tz, min_s, set())
    hist = history(items, tz, 7, add_days(first, 6))
    done = [t for t in items if (d := local_date(t.done, tz)) and first <= d <= add_days(first, 6)]
    return WeekNumbers(
        week=week_label(day),
        first=first,
        last=add_days(first, 6),
        sprints=sprints,
        sprint_s=int(sprint_s),
        mits_planned=sum(h["planned"] for h in hist),
        mits_done=sum(h["done"] for h in hist),
        tasks_done=len(done),
        by_category=dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
    )
