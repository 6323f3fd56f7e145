"""Focus sessions as stamps: pure transitions, no I/O, the time always passed in.

A session is a JSON-able dict. Its current *phase* (a focus sprint or a break) is described by
``phase_start`` (UTC stamp), ``planned_s`` (length, including extensions) and ``pauses``
(``[[from, to|None], ...]``). Everything else (remaining time, state, the phase's end) is
computed from those stamps and ``now``: nothing is counted by ticks, so a restart, a kill or a
detached tmux changes nothing. All stamps are UTC, so DST never touches a duration; a step of
the wall clock seen while cockpit runs is taken out with ``shift``.

When a phase runs out, ``advance`` closes it at its planned end (not at the time somebody
noticed) and starts the next phase there, so a sprint that ended while cockpit was down is
recorded as ended at its planned end.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import uuid
from collections.abc import Iterable
from typing import Any

from cockpit.core.clock import from_stamp, to_stamp

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

Session = dict[str, Any]
Record = dict[str, Any]


class FocusError(ValueError):
    """A control that does not apply now (resume when not paused, skip outside a break, ...)."""


# ---------------------------------------------------------------------------- building


def plan(mode: str, cfg: Any, minutes: float | None = None) -> dict[str, Any]:
    """Lengths for a mode from the [focus] config (``cfg`` is a FocusConfig) and an optional length.

    - sprint: one focus of ``minutes`` (default sprint_minutes), then a break proportional to it
      (break_minutes per sprint_minutes).
    - block: ``minutes`` (default block_hours) of focus cut into equal sprints no longer than
      sprint_minutes, with block_break_minutes between them.
    - pomodoro: a set of pomodoro_long_every pomodoros of ``minutes`` (default 25), short breaks,
      and the long break after the last.
    - timebox: one countdown of ``minutes`` (default timebox_minutes); then overrun until stopped.
    """
    if mode not in MODES:
        raise FocusError(f"unknown mode {mode!r} (sprint, block, pomodoro or timebox)")
    if minutes is not None and not (0 < minutes <= 24 * 60):
        raise FocusError(f"minutes must be between 0 and 1440, got {minutes:g}")
    if mode == "sprint":
        focus = round((minutes or cfg.sprint_minutes) * 60)
        brk = round(focus * cfg.break_minutes / cfg.sprint_minutes)
        return {"focus_s": focus, "break_s": brk, "long_break_s": brk, "rounds": 1, "long_every": 1}
    if mode == "block":
        total = round((minutes or cfg.block_hours * 60) * 60)
        rounds = max(1, math.ceil(total / (cfg.sprint_minutes * 60)))
        return {
            "focus_s": round(total / rounds),
            "break_s": cfg.block_break_minutes * 60,
            "long_break_s": 0,
            "rounds": rounds,
            "long_every": rounds,
        }
    if mode == "pomodoro":
        every = max(1, cfg.pomodoro_long_every)
        return {
            "focus_s": round((minutes or cfg.pomodoro_minutes) * 60),
            "break_s": cfg.pomodoro_break_minutes * 60,
            "long_break_s": cfg.pomodoro_long_break_minutes * 60,
            "rounds": every,
            "long_every": every,
        }
    focus = round((minutes or cfg.timebox_minutes) * 60)
    return {"focus_s": focus, "break_s": 0, "long_break_s": 0, "rounds": 1, "long_every": 1}


def new_session(
    mode: str,
    now: dt.datetime,
    cfg: Any,
    minutes: float | None = None,
    task: str | None = None,
    category: str = "",
    paper: str | None = None,
    session_id: str | None = None,
) -> Session:
    p = plan(mode, cfg, minutes)
    stamp = to_stamp(now)
    return {
        "id": session_id or uuid.uuid4().hex[:12],
        "mode": mode,
        "session_start": stamp,
        "phase": "focus",
        "round": 1,
        "phase_start": stamp,
        "planned_s": p["focus_s"],
        "pauses": [],
        "task": task,
        "category": category,
        "paper": paper,
        "interruptions": [],
        **p,
    }


# ---------------------------------------------------------------------------- reading


def _t(stamp: str) -> dt.datetime:
    return from_stamp(stamp)


def paused_s(s: Session, now: dt.datetime) -> float:
    total = 0.0
    for a, b in s.get("pauses", []):
        end = _t(b) if b else now
        total += max(0.0, (end - _t(a)).total_seconds())
    return total


def is_paused(s: Session) -> bool:
    return bool(s.get("pauses")) and s["pauses"][-1][1] is None


def elapsed_s(s: Session, now: dt.datetime) -> float:
    return max(0.0, (now - _t(s["phase_start"])).total_seconds() - paused_s(s, now))


def remaining_s(s: Session, now: dt.datetime) -> float:
    """Seconds left in the current phase; negative in a time-box's overrun."""
    return s["planned_s"] - elapsed_s(s, now)


def state(s: Session | None, now: dt.datetime) -> str:
    """idle | running | paused | break | overrun."""
    if not s:
        return "idle"
    if is_paused(s):
        return "paused"
    if s["phase"] == "break":
        return "break"
    if remaining_s(s, now) < 0:
        return "overrun"
    return "running"


def phase_end(s: Session, now: dt.datetime) -> dt.datetime:
    """When the current phase runs out if nothing else happens (paused: as if resumed now)."""
    return _t(s["phase_start"]) + dt.timedelta(seconds=s["planned_s"] + paused_s(s, now))


def progress(s: Session, now: dt.datetime) -> float:
    if s["planned_s"] <= 0:
        return 1.0
    return min(1.0, elapsed_s(s, now) / s["planned_s"])


def next_phases(s: Session, now: dt.datetime, limit: int = 40) -> list[dict[str, Any]]:
    """The phases that follow if nothing is touched: [{"state", "ends"}...], ending with idle."""
    if is_paused(s) or s["mode"] == "timebox":
        return []
    out: list[dict[str, Any]] = []
    cur = copy.deepcopy(s)
    end = phase_end(cur, now)
    for _ in range(limit):
        nxt = _following(cur, end)
        if nxt is None:
            out.append({"state": "idle", "ends": None})
            break
        cur = nxt
        end = phase_end(cur, end)
        out.append({"state": "break" if cur["phase"] == "break" else "running", "ends": to_stamp(end)})
    return out


# ---------------------------------------------------------------------------- transitions


def _record(s: Session, end: dt.datetime, outcome: str, reason: str = "") -> Record:
    """The finished phase, as kept in the sessions collection and booked as time."""
    start = _t(s["phase_start"])
    end = max(end, start)
    pauses = [[a, b or to_stamp(end)] for a, b in s.get("pauses", [])]
    closed = dict(s, pauses=pauses)
    active = max(0.0, (end - start).total_seconds() - paused_s(closed, end))
    return {
        "session": s["id"],
        "mode": s["mode"],
        "phase": s["phase"],
        "round": s.get("round", 1),
        "start": s["phase_start"],
        "end": to_stamp(end),
        "planned_s": s["planned_s"],
        "active_s": round(active),
        "pauses": pauses,
        "task": s.get("task"),
        "category": s.get("category", ""),
        "paper": s.get("paper"),
        "interruptions": list(s.get("interruptions", [])) if s["phase"] == "focus" else [],
        "outcome": outcome,
        "reason": reason,
    }


def _following(s: Session, at: dt.datetime) -> Session | None:
    """The phase after the current one, starting at ``at``; None when the session is over."""
    mode, rnd = s["mode"], s.get("round", 1)
    if mode == "timebox":
        return None
    base = {k: v for k, v in s.items() if k not in ("pauses", "interruptions")}
    base.update(pauses=[], interruptions=[], phase_start=to_stamp(at))
    if s["phase"] == "focus":
        last = rnd >= s.get("rounds", 1)
        if mode == "block" and last:
            return None
        long = mode == "pomodoro" and rnd % s.get("long_every", 4) == 0
        length = s["long_break_s"] if long else s["break_s"]
        if length <= 0:
            return None
        return dict(base, phase="break", planned_s=length)
    # a break ends
    if mode == "sprint" or rnd >= s.get("rounds", 1):
        return None
    return dict(base, phase="focus", round=rnd + 1, planned_s=s["focus_s"])


def advance(s: Session | None, now: dt.datetime) -> tuple[Session | None, list[Record]]:
    """Close every phase that ran out by ``now`` at its planned end; chain the next ones."""
    records: list[Record] = []
    cur = copy.deepcopy(s) if s else None
    for _ in range(1000):
        if cur is None or is_paused(cur) or cur["mode"] == "timebox":
            break
        end = phase_end(cur, now)
        if end > now:
            break
        records.append(_record(cur, end, COMPLETED))
        cur = _following(cur, end)
    return cur, records


def pause(s: Session, now: dt.datetime) -> Session:
    if is_paused(s):
        raise FocusError("already paused")
    s = copy.deepcopy(s)
    s["pauses"].append([to_stamp(now), None])
    return s


def resume(s: Session, now: dt.datetime) -> Session:
    if not is_paused(s):
        raise FocusError("not paused")
    s = copy.deepcopy(s)
    s["pauses"][-1][1] = to_stamp(max(now, _t(s["pauses"][-1][0])))
    return s


def extend(s: Session, seconds: int) -> Session:
    if seconds <= 0:
        raise FocusError("extend by a positive number of minutes")
    s = copy.deepcopy(s)
    s["planned_s"] = int(s["planned_s"] + seconds)
    s["extended_s"] = int(s.get("extended_s", 0) + seconds)
    s.pop("alerted", None)  # a time-box extended past its end alerts again
    return s


def _close_pause(s: Session, now: dt.datetime) -> Session:
    if is_paused(s):
        return resume(s, now)
    return copy.deepcopy(s)


def finish(s: Session, now: dt.datetime) -> tuple[Session | None, list[Record]]:
    """Finish the focus phase now (early or in overrun) and go on to the break."""
    if s["phase"] != "focus":
        raise FocusError("not in a focus phase (skip the break instead)")
    cur = _close_pause(s, now)
    outcome = EARLY if remaining_s(cur, now) > 0 else COMPLETED
    return _following(cur, now), [_record(cur, now, outcome)]


def skip_break(s: Session, now: dt.datetime) -> tuple[Session | None, list[Record]]:
    if s["phase"] != "break":
        raise FocusError("not on a break")
    cur = _close_pause(s, now)
    return _following(cur, now), [_record(cur, now, SKIPPED)]


def stop(s: Session, now: dt.datetime) -> list[Record]:
    """End the whole session now, keeping what was done."""
    cur = _close_pause(s, now)
    outcome = COMPLETED if cur["phase"] == "focus" and remaining_s(cur, now) <= 0 else STOPPED
    return [_record(cur, now, outcome)]


def abandon(s: Session, now: dt.datetime, reason: str = "") -> list[Record]:
    cur = _close_pause(s, now)
    return [_record(cur, now, ABANDONED if cur["phase"] == "focus" else STOPPED, reason)]


def interrupt(s: Session, now: dt.datetime, kind: str = "external", note: str = "") -> Session:
    if kind not in ("internal", "external"):
        raise FocusError("an interruption is internal or external")
    if s["phase"] != "focus":
        raise FocusError("interruptions are logged during a focus phase")
    s = copy.deepcopy(s)
    s["interruptions"].append({"at": to_stamp(now), "kind": kind, "note": note})
    return s


def shift(s: Session, seconds: float) -> Session:
    """Move every stamp of the session by ``seconds`` (undo a wall-clock step seen while running)."""
    d = dt.timedelta(seconds=seconds)

    def mv(stamp: str | None) -> str | None:
        return to_stamp(_t(stamp) + d) if stamp else stamp

    s = copy.deepcopy(s)
    s["phase_start"] = mv(s["phase_start"])
    s["session_start"] = mv(s.get("session_start"))
    s["pauses"] = [[mv(a), mv(b)] for a, b in s["pauses"]]
    for i in s.get("interruptions", []):
        i["at"] = mv(i["at"])
    return s


def discard_gap(s: Session, since: dt.datetime, now: dt.datetime) -> Session:
    """Do not count ``since``..``now`` (cockpit was down): it becomes a pause of the phase."""
    s = _close_pause(s, since) if is_paused(s) else copy.deepcopy(s)
    ends = [_t(b) for _, b in s["pauses"] if b]
    since = max([since, _t(s["phase_start"]), *ends])  # never count a pause twice
    if now > since:
        s["pauses"].append([to_stamp(since), to_stamp(now)])
    return s


def active_spans(r: Record) -> list[tuple[dt.datetime, dt.datetime]]:
    """The spans of a finished phase that were not paused (each becomes one time entry)."""
    start, end = _t(r["start"]), _t(r["end"])
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    cur = start
    for a, b in sorted((_t(a), _t(b)) for a, b in r.get("pauses", [])):
        a, b = max(a, start), min(b, end)
        if a > cur:
            spans.append((cur, a))
        cur = max(cur, b)
    if end > cur:
        spans.append((cur, end))
    return [(a, b) for a, b in spans if (b - a).total_seconds() >= 1]


# ---------------------------------------------------------------------------- stats


def counts_as_sprint(r: Record) -> bool:
    """A sprint (or a block's sprint) that ran its course, or was finished with at least half done."""
    if r.get("phase") != "focus" or r.get("mode") not in ("sprint", "block"):
        return False
    if r.get("outcome") == COMPLETED:
        return True
    return r.get("outcome") == EARLY and r.get("active_s", 0) >= 0.5 * r.get("planned_s", 0)


def local_day(stamp: str, tz: dt.tzinfo) -> dt.date:
    return _t(stamp).astimezone(tz).date()


def day_stats(records: Iterable[Record], day: dt.date, tz: dt.tzinfo) -> dict[str, Any]:
    sprints = focus_s = internal = external = 0
    for r in records:
        if r.get("phase") != "focus" or local_day(r["end"], tz) != day:
            continue
        focus_s += int(r.get("active_s", 0))
        sprints += counts_as_sprint(r)
        for i in r.get("interruptions", []):
            if i.get("kind") == "internal":
                internal += 1
            else:
                external += 1
    return {"sprints": sprints, "focus_s": focus_s, "internal": internal, "external": external}


def streak(records: Iterable[Record], today: dt.date, tz: dt.tzinfo, goal: int) -> int:
    """Days in a row that reached the daily goal, up to today (today counts once it is reached)."""
    per_day: dict[dt.date, int] = {}
    for r in records:
        if counts_as_sprint(r):
            d = local_day(r["end"], tz)
            per_day[d] = per_day.get(d, 0) + 1
    day = today if per_day.get(today, 0) >= goal else today - dt.timedelta(days=1)
    n = 0
    while per_day.get(day, 0) >= goal:
        n += 1
        day -= dt.timedelta(days=1)
    return n


def fmt_clock(seconds: float) -> str:
    """42:10, 1:29:59, or -05:00 in overrun."""
    s = int(math.ceil(seconds)) if seconds >= 0 else -int(math.ceil(-seconds))
    sign = "-" if s < 0 else ""
    s = abs(s)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{sign}{h}:{m:02d}:{sec:02d}" if h else f"{sign}{m:02d}:{sec:02d}"
