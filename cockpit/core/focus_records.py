"""The typed records of the Focus instrument, and the one place they are built from store dicts.

- ``Session``: the live session (the ``session`` of the ``focus`` document).
- ``FocusRecord``: one finished phase (focus or break), kept in the ``focus_sessions`` collection.
- ``FocusDoc``: the ``focus`` document (the live session and the last used task and category).

Each has ``from_doc`` (checks the types: a wrong-typed value raises ``RecordError`` naming
the record and the field) and ``to_doc`` (the JSON-able dict the store keeps, in the same shape
as before these classes existed). Stamps stay ISO strings (UTC), as they are stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cockpit.core.record import record
from cockpit.errors import RecordError

Pause = tuple[str, str | None]  # (from, to); to is None while the pause lasts

MODES = ("sprint", "block", "pomodoro", "timebox")
MODE_LABELS = {"sprint": "sprint", "block": "deep-work block", "pomodoro": "pomodoro", "timebox": "time-box"}
# outcomes of a finished phase
COMPLETED, EARLY, STOPPED, ABANDONED, SKIPPED = (
    "completed",
    "finished_early",
    "stopped",
    "abandoned",
    "skipped",
)
DONE_OUTCOMES = (COMPLETED, EARLY)


def _check(doc: Mapping[str, Any], record: str, key: str, kinds: tuple[type, ...], default: Any) -> Any:
    value = doc.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool)):
        return value
    raise RecordError(f"{record}: field {key!r} should be {_names(kinds)}, not {type(value).__name__}")


def _names(kinds: tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in kinds)


def _str(doc: Mapping[str, Any], record: str, key: str, default: Any = "") -> Any:
    return _check(doc, record, key, (str,), default)


def _int(doc: Mapping[str, Any], record: str, key: str, default: Any = 0) -> int:
    return int(_check(doc, record, key, (int, float), default))


def _mapping(value: Any, record: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RecordError(f"{record}: field {key!r} should be an object, not {type(value).__name__}")
    return value


def _pauses(doc: Mapping[str, Any], record: str) -> tuple[Pause, ...]:
    raw = _check(doc, record, "pauses", (list, tuple), [])
    out: list[Pause] = []
    for p in raw:
        ok = isinstance(p, list | tuple) and len(p) == 2 and isinstance(p[0], str)
        if not ok or not (p[1] is None or isinstance(p[1], str)):
            raise RecordError(f"{record}: field 'pauses' should hold [from, to] stamps, not {p!r:.60}")
        out.append((p[0], p[1]))
    return tuple(out)


@record
class Interruption:
    at: str
    kind: str  # "internal" | "external"
    note: str = ""

    @classmethod
    def from_doc(cls, doc: Any) -> Interruption:
        d = _mapping(doc, "focus interruption", "interruptions")
        name = "focus interruption"
        return cls(
            at=_str(d, name, "at", None) or "",
            kind=_str(d, name, "kind", "external"),
            note=_str(d, name, "note"),
        )

    def to_doc(self) -> dict[str, Any]:
        return {"at": self.at, "kind": self.kind, "note": self.note}


def _interruptions(doc: Mapping[str, Any], record: str) -> tuple[Interruption, ...]:
    raw = _check(doc, record, "interruptions", (list, tuple), [])
    return tuple(Interruption.from_doc(i) for i in raw)


@record
class Anchor:
    """Wall clock minus a clock that never steps, on one boot (see services.focus)."""

    boot: str
    offset: float

    def to_doc(self) -> dict[str, Any]:
        return {"boot": self.boot, "offset": self.offset}


@record
class Session:
    """The live session: its current phase is ``phase_start`` + ``planned_s`` + ``pauses``."""

    id: str
    mode: str  # sprint | block | pomodoro | timebox
    session_start: str
    phase: str  # focus | break
    round: int
    phase_start: str
    planned_s: int
    focus_s: int
    break_s: int
    long_break_s: int
    rounds: int
    long_every: int
    pauses: tuple[Pause, ...] = ()
    interruptions: tuple[Interruption, ...] = ()
    task: str | None = None
    task_title: str = ""
    category: str = ""
    paper: str | None = None
    extended_s: int = 0
    alerted: bool = False  # a time-box's "time is up" was sent
    anchor: Anchor | None = None

    @property
    def is_paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None

    @classmethod
    def from_doc(cls, doc: Any) -> Session:
        name = "focus session"
        d = _mapping(doc, name, "session")
        a = d.get("anchor")
        anchor = None
        if a:
            a = _mapping(a, name, "anchor")
            anchor = Anchor(
                boot=_str(a, name, "boot"), offset=float(_check(a, name, "offset", (int, float), 0.0))
            )
        phase_start = _str(d, name, "phase_start", None)
        if phase_start is None:
            raise RecordError(f"{name}: field 'phase_start' is missing")
        return cls(
            id=_str(d, name, "id"),
            mode=_str(d, name, "mode", "sprint"),
            session_start=_str(d, name, "session_start", None) or phase_start,
            phase=_str(d, name, "phase", "focus"),
            round=_int(d, name, "round", 1),
            phase_start=phase_start,
            planned_s=_int(d, name, "planned_s"),
            focus_s=_int(d, name, "focus_s"),
            break_s=_int(d, name, "break_s"),
            long_break_s=_int(d, name, "long_break_s"),
            rounds=_int(d, name, "rounds", 1),
            long_every=_int(d, name, "long_every", 4),
            pauses=_pauses(d, name),
            interruptions=_interruptions(d, name),
            task=_str(d, name, "task", None),
            task_title=_str(d, name, "task_title", None) or "",
            category=_str(d, name, "category", None) or "",
            paper=_str(d, name, "paper", None),
            extended_s=_int(d, name, "extended_s"),
            alerted=bool(_check(d, name, "alerted", (bool,), False)),
            anchor=anchor,
        )

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "mode": self.mode,
            "session_start": self.session_start,
            "phase": self.phase,
            "round": self.round,
            "phase_start": self.phase_start,
            "planned_s": self.planned_s,
            "pauses": [list(p) for p in self.pauses],
            "task": self.task,
            "category": self.category,
            "paper": self.paper,
            "interruptions": [i.to_doc() for i in self.interruptions],
            "focus_s": self.focus_s,
            "break_s": self.break_s,
            "long_break_s": self.long_break_s,
            "rounds": self.rounds,
            "long_every": self.long_every,
            "task_title": self.task_title,
        }
        if self.extended_s:
            doc["extended_s"] = self.extended_s
        if self.alerted:
            doc["alerted"] = True
        if self.anchor is not None:
            doc["anchor"] = self.anchor.to_doc()
        return doc


@record
class FocusRecord:
    """One finished phase, as kept in ``focus_sessions`` and booked as time."""

    session: str
    mode: str
    phase: str
    round: int
    start: str
    end: str
    planned_s: int
    active_s: int
    outcome: str  # see cockpit.core.focus: completed, finished_early, stopped, ...
    pauses: tuple[tuple[str, str], ...] = ()
    interruptions: tuple[Interruption, ...] = ()
    task: str | None = None
    category: str = ""
    paper: str | None = None
    reason: str = ""
    id: str | None = None  # the store's id, once kept

    @classmethod
    def from_doc(cls, doc: Any) -> FocusRecord:
        name = "focus record"
        d = _mapping(doc, name, "record")
        for key in ("start", "end"):
            if not isinstance(d.get(key), str):
                raise RecordError(f"{name}: field {key!r} should be a stamp, not {d.get(key)!r:.40}")
        return cls(
            session=_str(d, name, "session"),
            mode=_str(d, name, "mode", "sprint"),
            phase=_str(d, name, "phase", "focus"),
            round=_int(d, name, "round", 1),
            start=d["start"],
            end=d["end"],
            planned_s=_int(d, name, "planned_s"),
            active_s=_int(d, name, "active_s"),
            outcome=_str(d, name, "outcome"),
            pauses=tuple((a, b or d["end"]) for a, b in _pauses(d, name)),
            interruptions=_interruptions(d, name),
            task=_str(d, name, "task", None),
            category=_str(d, name, "category", None) or "",
            paper=_str(d, name, "paper", None),
            reason=_str(d, name, "reason", None) or "",
            id=_str(d, name, "id", None),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "mode": self.mode,
            "phase": self.phase,
            "round": self.round,
            "start": self.start,
            "end": self.end,
            "planned_s": self.planned_s,
            "active_s": self.active_s,
            "pauses": [list(p) for p in self.pauses],
            "task": self.task,
            "category": self.category,
            "paper": self.paper,
            "interruptions": [i.to_doc() for i in self.interruptions],
            "outcome": self.outcome,
            "reason": self.reason,
        }


@record
class FocusDoc:
    """The ``focus`` document: the live session (or None) and what the last one used."""

    session: Session | None = None
    last_task: str | None = None
    last_category: str | None = None

    @classmethod
    def from_doc(cls, doc: Any) -> FocusDoc:
        name = "focus document"
        d = _mapping(doc or {}, name, "focus")
        s = d.get("session")
        last = _mapping(d.get("last") or {}, name, "last")
        return cls(
            session=Session.from_doc(s) if s else None,
            last_task=_str(last, name, "task", None),
            last_category=_str(last, name, "category", None),
        )

    def to_doc(self, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The document; keys of ``base`` this class does not know are kept."""
        doc = dict(base or {})
        doc["session"] = self.session.to_doc() if self.session is not None else None
        if self.last_task is not None or self.last_category is not None or "last" in doc:
            doc["last"] = {"task": self.last_task, "category": self.last_category}
        return doc
