"""The audit's typed records: a time entry and the tracking state, each built from a store doc here.

A time entry is stored as a dict (collection ``time_entries``, one file per month of its start):
  start, end: ISO UTC stamps (end None while running)
  tz: IANA zone in force when it was recorded
  category: a category id from config (audit.categories[].id)
  source: "manual" | "sprint" | "break" | "reading" | "job" | "import:<tool>"
  note, task (task id or None), paper (versionless arXiv id or None),
  interruptions: [{"at": stamp, "kind": "internal"|"external", "note": str}]
  import_key: stable key of an imported row (re-imports add nothing), import_names
The running entry is a time entry with ``end`` None; ``Tracking`` is its view.
``from_doc`` checks each field's type: a wrong-typed value raises ``RecordError`` naming the
record and the field, rather than failing later somewhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from cockpit.core.clock import from_stamp, to_stamp
from cockpit.core.record import record
from cockpit.errors import RecordError


def _where(kind: str, doc: Mapping[str, Any]) -> str:
    rid = doc.get("id")
    return f"{kind} {rid}" if isinstance(rid, str) and rid else kind


def _str(kind: str, doc: Mapping[str, Any], key: str, default: str | None = None) -> str:
    """A text field; None or missing gives ``default`` (an error when there is none)."""
    v = doc.get(key)
    if v is None and default is not None:
        return default
    if not isinstance(v, str):
        raise RecordError(f"{_where(kind, doc)}: field {key!r} must be text, not {type(v).__name__}")
    return v


def _opt_str(kind: str, doc: Mapping[str, Any], key: str) -> str | None:
    v = doc.get(key)
    if v is not None and not isinstance(v, str):
        raise RecordError(f"{_where(kind, doc)}: field {key!r} must be text or null, not {type(v).__name__}")
    return v


def _stamp(kind: str, doc: Mapping[str, Any], key: str) -> dt.datetime:
    v = _str(kind, doc, key)
    try:
        return from_stamp(v)
    except ValueError:
        raise RecordError(f"{_where(kind, doc)}: field {key!r} is not an ISO time: {v[:40]!r}") from None


def _names(kind: str, doc: Mapping[str, Any]) -> tuple[str, ...]:
    v = doc.get("import_names")
    if v is None:
        return ()
    if not isinstance(v, list | tuple) or not all(isinstance(n, str) for n in v):
        raise RecordError(f"{_where(kind, doc)}: field 'import_names' must be a list of text")
    return tuple(v)


@record
class Entry:
    """One time entry; ``end`` None while it runs."""

    id: str
    start: dt.datetime
    end: dt.datetime | None
    category: str
    source: str = "manual"
    note: str = ""
    task: str | None = None
    tz: str = "UTC"
    paper: str | None = None
    import_key: str | None = None
    import_names: tuple[str, ...] = ()

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Entry:
        k = "time entry"
        end = doc.get("end")
        return cls(
            id=_str(k, doc, "id", ""),
            start=_stamp(k, doc, "start"),
            end=None if end is None or end == "" else _stamp(k, doc, "end"),
            category=_str(k, doc, "category", ""),
            source=_str(k, doc, "source", "manual") or "manual",
            note=_str(k, doc, "note", ""),
            task=_opt_str(k, doc, "task"),
            tz=_str(k, doc, "tz", "UTC") or "UTC",
            paper=_opt_str(k, doc, "paper"),
            import_key=_opt_str(k, doc, "import_key"),
            import_names=_names(k, doc),
        )

    def end_or(self, now: dt.datetime) -> dt.datetime:
        return self.end if self.end is not None else max(now, self.start)

    def seconds(self, now: dt.datetime) -> float:
        return (self.end_or(now) - self.start).total_seconds()


@record
class Tracking:
    """What is being tracked: the running entry's id, start (``since``) and fields."""

    id: str
    since: dt.datetime
    category: str
    note: str = ""
    task: str | None = None
    tz: str = "UTC"
    source: str = "manual"

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Tracking:
        """The state of a running (open) time entry doc."""
        k = "running time entry"
        return cls(
            id=_str(k, doc, "id", ""),
            since=_stamp(k, doc, "start"),
            category=_str(k, doc, "category"),
            note=_str(k, doc, "note", ""),
            task=_opt_str(k, doc, "task"),
            tz=_str(k, doc, "tz", "UTC") or "UTC",
            source=_str(k, doc, "source", "manual") or "manual",
        )

    def closed_doc(self, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
        """A closed time entry doc with this state's fields, over [start, end)."""
        return {
            "start": to_stamp(start),
            "end": to_stamp(end),
            "tz": self.tz,
            "category": self.category,
            "source": self.source,
            "note": self.note,
            "task": self.task,
            "paper": None,
            "interruptions": [],
        }

    def to_doc(self) -> dict[str, Any]:
        """The open time entry doc (no id) that holds this state."""
        return {**self.closed_doc(self.since, self.since), "end": None}

    def entry(self, id: str | None = None) -> Entry:
        """The running entry as an Entry (``id`` defaults to the state's own)."""
        return Entry(
            self.id if id is None else id,
            self.since,
            None,
            self.category,
            self.source,
            self.note,
            self.task,
            self.tz,
        )
