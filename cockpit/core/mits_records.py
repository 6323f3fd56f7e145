"""The task record of the mits instrument, built from (and back to) the store's dict in one place;
and the day document (doc "mits": ``MitsDay``, ``ClosedDay``), which the app reads at start-up.

A stored task (collection "tasks", files of 100 ids) holds: title, notes, impact "high"|"low", effort
"quick"|"hours"|"days", stage None|"hypothesis"|"data"|"training"|"evaluation"|"deployment",
category (category id), estimate (sprints), project, created (stamp), done (stamp|None),
mit_date (local ISO date it is an MIT for, or None), mit_order, focus_s (seconds),
mit_since (local date the MIT was first picked) and mit_days (every local date it was an MIT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from cockpit.core.record import record
from cockpit.errors import RecordError


def _where(what: str, doc: Mapping[str, Any], key: str) -> str:
    return f"{what} {doc.get('id')!r}: {key}"


def text(doc: Mapping[str, Any], key: str, what: str, default: str = "") -> str:
    v = doc.get(key)
    if v is None:
        return default
    if isinstance(v, str):
        return v
    raise RecordError(f"{_where(what, doc, key)} must be text, got {type(v).__name__} {v!r}")


def opt_text(doc: Mapping[str, Any], key: str, what: str) -> str | None:
    v = doc.get(key)
    if v is None or isinstance(v, str):
        return v
    raise RecordError(f"{_where(what, doc, key)} must be text or null, got {type(v).__name__} {v!r}")


def number(doc: Mapping[str, Any], key: str, what: str) -> int:
    v = doc.get(key)
    if v is None:
        return 0
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise RecordError(f"{_where(what, doc, key)} must be a whole number, got {type(v).__name__} {v!r}")


def _days(doc: Mapping[str, Any]) -> tuple[str, ...]:
    v = doc.get("mit_days")
    if v is None:
        return ()
    if isinstance(v, list | tuple) and all(isinstance(d, str) for d in v):
        return tuple(v)
    raise RecordError(f"{_where('task', doc, 'mit_days')} must be a list of dates, got {v!r}")


@record
class Task:
    id: str
    title: str = ""
    notes: str = ""
    impact: str = "high"
    effort: str = "hours"
    stage: str | None = None
    category: str | None = None
    estimate: int = 0
    project: str = ""
    created: str | None = None
    done: str | None = None
    mit_date: str | None = None
    mit_order: int = 0
    mit_since: str | None = None
    mit_days: tuple[str, ...] = ()
    focus_s: int = 0

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Task:
        """The task of a stored dict (with its "id"); RecordError names a wrong-typed field."""
        tid = doc.get("id")
        if not isinstance(tid, str | int) or isinstance(tid, bool):
            raise RecordError(f"task record without a valid id: {tid!r}")
        return cls(
            str(tid),
            text(doc, "title", "task"),
            text(doc, "notes", "task"),
            text(doc, "impact", "task", "high"),
            text(doc, "effort", "task", "hours"),
            opt_text(doc, "stage", "task"),
            opt_text(doc, "category", "task"),
            number(doc, "estimate", "task"),
            text(doc, "project", "task"),
            opt_text(doc, "created", "task"),
            opt_text(doc, "done", "task"),
            opt_text(doc, "mit_date", "task"),
            number(doc, "mit_order", "task"),
            opt_text(doc, "mit_since", "task"),
            _days(doc),
            number(doc, "focus_s", "task"),
        )

    def to_doc(self) -> dict[str, Any]:
        """The stored dict (with "id"; the store keeps it out of the body)."""
        return {
            "id": self.id,
            "title": self.title,
            "notes": self.notes,
            "impact": self.impact,
            "effort": self.effort,
            "stage": self.stage,
            "category": self.category,
            "estimate": self.estimate,
            "project": self.project,
            "created": self.created,
            "done": self.done,
            "mit_date": self.mit_date,
            "mit_order": self.mit_order,
            "mit_since": self.mit_since,
            "mit_days": list(self.mit_days),
            "focus_s": self.focus_s,
        }

    def updated(self, fields: Mapping[str, Any]) -> Task:
        """This task with some stored fields changed (as the store would give it back)."""
        return Task.from_doc({**self.to_doc(), **fields}) if fields else self


def tasks_of(docs: list[dict[str, Any]]) -> list[Task]:
    return [Task.from_doc(d) for d in docs]


@record
class ClosedDay:
    """An evening shutdown: when the day was closed and its MITs done of planned."""

    closed: str
    mits_done: int = 0
    mits_total: int = 0

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> ClosedDay:
        return cls(
            text(doc, "closed", "closed day"),
            number(doc, "mits_done", "closed day"),
            number(doc, "mits_total", "closed day"),
        )

    def to_doc(self) -> dict[str, Any]:
        return {"closed": self.closed, "mits_done": self.mits_done, "mits_total": self.mits_total}


@record
class MitsDay:
    """The doc "mits": the local date of the last app start and the closed days."""

    last_start: str | None = None
    closed: dict[str, ClosedDay] = field(default_factory=dict)

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> MitsDay:
        closed = doc.get("closed") or {}
        if not isinstance(closed, dict) or not all(isinstance(v, dict) for v in closed.values()):
            raise RecordError(f"mits document: closed must map dates to records, got {closed!r}")
        return cls(
            opt_text(doc, "last_start", "mits document"),
            {str(d): ClosedDay.from_doc(v) for d, v in closed.items()},
        )
