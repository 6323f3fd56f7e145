"""The type check of every stored record, run once where a file is read (store boundary).

Each collection and document names the typed record of ``cockpit.core`` its records must build;
a record that does not (a wrong-typed value, a missing field, an empty ``{}`` record) makes its
file a problem just like structural damage: ``BadRecordError`` names the file, the record and the
field, and the file is never written over. The core modules are imported on the first check only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from cockpit.errors import RecordError

Doc = dict[str, Any]
Check = Callable[[Doc], object]

# collection (or "doc-<name>") -> (module, class) whose ``from_doc`` checks one record
_TYPES: dict[str, tuple[str, str]] = {
    "tasks": ("cockpit.core.mits_records", "Task"),
    "retros": ("cockpit.core.rituals", "Retro"),
    "time_entries": ("cockpit.core.audit.records", "Entry"),
    "focus_sessions": ("cockpit.core.focus_records", "FocusRecord"),
    "papers": ("cockpit.core.papers", "Paper"),
    "paper_queue": ("cockpit.core.papers", "QueueItem"),
    "paper_decisions": ("cockpit.core.papers", "Decision"),
    "jobs": ("cockpit.core.gpu_records", "Job"),
    "doc-focus": ("cockpit.core.focus_records", "FocusDoc"),
    "doc-mits": ("cockpit.core.mits_records", "MitsDay"),
    "doc-settings": ("cockpit.core.shell", "Settings"),
}


def _audit_track(doc: Doc) -> object:
    entry = doc.get("entry")
    if entry is not None and not isinstance(entry, str):
        raise RecordError(f"audit-track document: entry must be a time entry id, not {type(entry).__name__}")
    return doc


_EXTRA: dict[str, Check] = {"doc-audit-track": _audit_track}


def checker(collection: str) -> Check | None:
    """The check of one record of ``collection`` (None: its records are free-form)."""
    if collection in _EXTRA:
        return _EXTRA[collection]
    where = _TYPES.get(collection)
    if where is None:
        return None
    cache: list[Check] = []

    def check(doc: Doc) -> object:
        if not cache:
            module, name = where
            cache.append(getattr(importlib.import_module(module), name).from_doc)
        return cache[0](doc)

    return check


def problem(check: Check | None, doc: Doc, document: bool) -> str | None:
    """What is wrong with one stored record (``doc`` without its id for a single document), or
    None. Any record must have fields; a typed one must build its record."""
    fields = [k for k in doc if k != "id"]
    if not fields and not document:
        return "an empty record (no fields)"
    if check is None:
        return None
    try:
        check(doc)
    except RecordError as e:
        return str(e)
    except (TypeError, ValueError, KeyError, AttributeError) as e:  # a check that missed a type
        return f"{type(e).__name__}: {e}"
    return None
