"""Time-audit use cases. Other instruments book time through ``add_entry``.

The tracked (running) entry is a time entry with ``end`` None; the small doc ``audit-track``
holds its id (``{"entry": id}``). A switch closes it at the same instant the next one starts,
so there is no gap and no overlap.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit.core import audit as core
from cockpit.core.clock import UTC, from_stamp, to_stamp
from cockpit.errors import CockpitError, UsageError
from cockpit.store import Collection, NotFound, schema

if TYPE_CHECKING:
    from cockpit.config import CategoryConfig
    from cockpit.context import Context

# A time entry (collection "time_entries", one file per month of its start):
#   start, end: ISO UTC stamps (end None while running)
#   tz: IANA zone in force when it was recorded
#   category: a category id from config (audit.categories[].id)
#   source: "manual" | "sprint" | "break" | "reading" | "job" | "import:<tool>"
#   note, task (task id or None), paper (versionless arXiv id or None),
#   interruptions: [{"at": stamp, "kind": "internal"|"external", "note": str}]
#   import_key: stable key of an imported row (re-imports add nothing)

RUNNING_ID = "running"


def entries(ctx: Context) -> Collection:
    return schema.time_entries(ctx.store)


def add_entry(
    ctx: Context,
    *,
    start: dt.datetime,
    end: dt.datetime | None,
    category: str,
    source: str,
    note: str = "",
    task: str | None = None,
    paper: str | None = None,
    interruptions: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """Book a span of time; returns the entry id."""
    doc: dict[str, Any] = {
        "start": to_stamp(start),
        "end": to_stamp(end) if end is not None else None,
        "tz": _tz_name(ctx),
        "category": category,
        "source": source,
        "note": note,
        "task": task,
        "paper": paper,
        "interruptions": interruptions or [],
    }
    doc.update(extra or {})
    return entries(ctx).insert(doc)


# ------------------------------------------------------------------ categories


def _tz_name(ctx: Context) -> str:
    return str(getattr(ctx.clock.tz, "key", "UTC"))


def categories(ctx: Context) -> list[core.CategoryInfo]:
    return [
        core.CategoryInfo(c.id, c.name, c.key, c.color, c.active, c.deep) for c in ctx.config.audit.categories
    ]


def names(ctx: Context) -> dict[str, str]:
    return {c.id: c.name for c in ctx.config.audit.categories}


def category(ctx: Context, text: str) -> CategoryConfig:
    """A category by id, name or key, case-insensitively."""
    low = text.strip().lower()
    for c in ctx.config.audit.categories:
        if low in (c.id.lower(), c.name.lower(), c.key.lower()):
            return c
    known = ", ".join(f"{c.key}={c.name}" for c in ctx.config.audit.categories)
    raise UsageError(f"unknown category {text!r} (known: {known})")


def by_key(ctx: Context, key: str) -> CategoryConfig | None:
    for c in ctx.config.audit.categories:
        if c.key.lower() == key.lower():
            return c
    return None


# ------------------------------------------------------------------ tracking
#
# The running entry is an ordinary time entry with ``end`` None; the small doc ``audit-track``
# holds its id. A switch copies the running entry out, closed at this instant, and gives the
# running entry (same id) the new category and start: one write of the month file, and the
# doc only changes on start, stop, or a move to a new month.


def _track_doc(ctx: Context):  # noqa: ANN202
    return schema.doc(ctx.store, schema.DOC_AUDIT_TRACK)


def _running_doc(ctx: Context) -> dict[str, Any] | None:
    rid = _track_doc(ctx).read().get("entry")
    if not rid:
        return None
    try:
        doc = entries(ctx).get(rid)
    except NotFound:
        return None
    return doc if doc is not None and doc.get("end") is None else None


def running(ctx: Context) -> dict[str, Any] | None:
    """The tracked entry as ``{id, since, category, note, task, tz, source}``, or None."""
    doc = _running_doc(ctx)
    return None if doc is None else running_state(doc)


def _publish(ctx: Context, state: dict[str, Any] | None) -> None:
    from cockpit import status

    if state is None:
        status.update_section(ctx.paths, "track", None)
        return
    status.update_section(
        ctx.paths,
        "track",
        {"category": names(ctx).get(state["category"], state["category"]), "since": state["since"]},
    )


def _close(doc: dict[str, Any], end: str) -> dict[str, Any]:
    return {
        "start": doc["since"],
        "end": end,
        "tz": doc.get("tz") or "UTC",
        "category": doc["category"],
        "source": doc.get("source") or "manual",
        "note": doc.get("note") or "",
        "task": doc.get("task"),
        "paper": None,
        "interruptions": [],
    }


def _open_doc(state: dict[str, Any]) -> dict[str, Any]:
    return {**_close(state, ""), "end": None}


def check_task(ctx: Context, task: str | None) -> None:
    """A task link must name an existing task (MITs instrument)."""
    if not task:
        return
    from cockpit.services import mits

    try:
        found = mits.get_task(ctx, task)
    except NotFound:
        found = None
    if found is None:
        raise UsageError(f"no task with id {task!r} (see the MITs pane or `cockpit mits`)")


def start(
    ctx: Context, cat: str, note: str = "", task: str | None = None, source: str = "manual"
) -> dict[str, Any]:
    """Start tracking ``cat``; a running entry is closed at the same instant. Returns the new state."""
    c = category(ctx, cat)
    check_task(ctx, task)
    now = to_stamp(ctx.clock.now())
    new = {"category": c.id, "since": now, "note": note, "task": task, "tz": _tz_name(ctx), "source": source}
    col = entries(ctx)
    rid = _track_doc(ctx).read().get("entry")
    try:
        part = col.split_id(rid)[0] if rid else ""
    except NotFound:
        part = ""
    if part:
        if part == col.part_of({"start": now}):
            switched = False
            with col.transaction(part) as p:
                cur = p.get(rid)
                if cur is not None and cur.get("end") is None:
                    state = running_state(cur)
                    if state["category"] == c.id and not note and not task:
                        return state
                    if cur["start"] < now:
                        p.insert(_close(state, now))
                    p.update(rid, _open_doc(new))
                    switched = True
            if switched:
                _publish(ctx, new)
                return {**new, "id": rid}
        else:
            cur = col.get(rid)
            if cur is not None and cur.get("end") is None:
                state = running_state(cur)
                if state["category"] == c.id and not note and not task:
                    return state
                if cur["start"] < now:
                    col.update(rid, {"end": now})
                else:
                    col.remove(rid)
    new_id = col.insert(_open_doc(new))
    _track_doc(ctx).set({"entry": new_id})
    _publish(ctx, new)
    return {**new, "id": new_id}


def running_state(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc.get("id"),
        "since": doc["start"],
        "category": doc["category"],
        "note": doc.get("note") or "",
        "task": doc.get("task"),
        "tz": doc.get("tz") or "UTC",
        "source": doc.get("source") or "manual",
    }


def stop(ctx: Context) -> dict[str, Any] | None:
    """Stop tracking; returns the closed entry (with its id) or None when nothing ran."""
    now = to_stamp(ctx.clock.now())
    col = entries(ctx)
    rid = _track_doc(ctx).read().get("entry")
    closed: dict[str, Any] | None = None
    if rid:
        try:
            part = col.split_id(rid)[0]
        except NotFound:
            part = ""
        if part:
            with col.transaction(part) as p:
                cur = p.get(rid)
                if cur is not None and cur.get("end") is None:
                    if cur["start"] < now:
                        closed = p.update(rid, {"end": now})
                    else:
                        p.remove(rid)
    _track_doc(ctx).set({})
    _publish(ctx, None)
    return closed


def set_running(ctx: Context, state: dict[str, Any] | None) -> None:
    """Replace the running entry's fields (``since``, ``category``, ...); None deletes it."""
    col = entries(ctx)
    doc = _running_doc(ctx)
    if state is None:
        if doc is not None:
            col.remove(doc["id"])
        _track_doc(ctx).set({})
        _publish(ctx, None)
        return
    fields = _open_doc(state)
    if doc is None:
        new_id = col.insert(fields)
    else:
        new_id = _update(ctx, doc["id"], fields)
    if doc is None or new_id != doc["id"]:
        _track_doc(ctx).set({"entry": new_id})
    _publish(ctx, state)


def running_entry(ctx: Context) -> core.Entry | None:
    cur = running(ctx)
    if cur is None:
        return None
    return core.Entry(
        RUNNING_ID,
        from_stamp(cur["since"]),
        None,
        cur["category"],
        cur.get("source") or "manual",
        cur.get("note") or "",
        cur.get("task"),
        cur.get("tz") or "UTC",
    )


def resolve_away(ctx: Context, away: core.Away, choice: str, cat: str | None = None) -> None:
    """Apply keep / discard / book-to-another-category for an away span of the running entry."""
    cur = running(ctx)
    if cur is None:
        return
    cat_id = category(ctx, cat).id if cat else None
    closed, state = core.away_plan(cur, away, choice, cat_id)
    for doc in closed:
        entries(ctx).insert({**doc, "paper": None, "interruptions": []})
    if state is not cur:
        set_running(ctx, state)


# ------------------------------------------------------------------ reading


def month_parts(first: dt.datetime, end: dt.datetime) -> list[str]:
    """Partitions that can hold entries touching [first, end): their months and the one before."""
    y, m = first.year, first.month - 1
    if m == 0:
        y, m = y - 1, 12
    out = []
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def load(ctx: Context, first: dt.datetime, end: dt.datetime) -> list[core.Entry]:
    """Entries touching [first, end); the tracked one has the id ``running``."""
    c = entries(ctx)
    have = set(c.parts())
    rid = _track_doc(ctx).read().get("entry")
    lo, hi = to_stamp(first), to_stamp(end)
    out = []
    for p in month_parts(first, end):
        if p in have:
            for d in c.read_part(p):
                e = d.get("end")
                if d["start"] < hi and (e is None or e > lo):
                    if e is None and d["id"] == rid:
                        d = {**d, "id": RUNNING_ID}
                    out.append(core.Entry.from_doc(d))
    out.sort(key=lambda e: e.start)
    return out


def zone(ctx: Context) -> dt.tzinfo:
    return ctx.clock.tz


def today(ctx: Context) -> dt.date:
    return ctx.clock.now().astimezone(zone(ctx)).date()


def report(
    ctx: Context, first: dt.date, end: dt.date, with_previous: bool = True, kind: str = "range"
) -> core.Report:
    tz = zone(ctx)
    now = ctx.clock.now()
    cfg = ctx.config.audit

    def one(a: dt.date, b: dt.date) -> core.Report:
        lo, hi = core.local_midnight(a, tz), core.local_midnight(b, tz)
        return core.build_report(load(ctx, lo, hi), categories(ctx), a, b, tz, now, cfg.fragment_minutes)

    r = one(first, end)
    if with_previous:
        pa, pb = core.previous(first, end, kind)
        r.previous = one(pa, pb)
    return r


def period(ctx: Context, kind: str, day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    cfg = ctx.config.audit
    audit_start = dt.date.fromisoformat(cfg.audit_start) if cfg.audit_start else None
    return core.period(kind, day or today(ctx), audit_start, cfg.audit_days)


def parse_local(ctx: Context, text: str, base: dt.date | None = None) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` or ``HH:MM`` (on ``base`` or today) in local time -> aware UTC."""
    text = text.strip()
    try:
        if len(text) <= 5 and ":" in text:
            h, m = text.split(":")
            naive = dt.datetime.combine(base or today(ctx), dt.time(int(h), int(m)))
        else:
            naive = dt.datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        raise UsageError(f"time {text!r} is not YYYY-MM-DD HH:MM or HH:MM") from None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=zone(ctx)).astimezone(UTC)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"date {text!r} is not YYYY-MM-DD") from None


# ------------------------------------------------------------------ editing


class OverlapRefused(CockpitError):
    pass


def _clashes(
    ctx: Context, start: dt.datetime, end: dt.datetime, exclude: tuple[str, ...] = ()
) -> list[core.Entry]:
    return core.overlaps(load(ctx, start, end), start, end, ctx.clock.now(), exclude)


def _apply(ctx: Context, plan: list[core.Change], start: dt.datetime, end: dt.datetime) -> None:
    c = entries(ctx)
    for ch in plan:
        if ch.id == RUNNING_ID:
            cur = running(ctx)
            if cur is None:
                continue
            if ch.op == "update" and "end" in ch.fields:  # the new span starts inside the running one
                c.insert(_close(cur, ch.fields["end"]))
                if end >= ctx.clock.now():
                    set_running(ctx, None)
                else:
                    set_running(ctx, {**cur, "since": to_stamp(end)})
            elif ch.op == "update" and "start" in ch.fields:
                set_running(ctx, {**cur, "since": ch.fields["start"]})
            elif ch.op == "remove":
                set_running(ctx, None)
            continue
        if ch.op == "remove":
            c.remove(ch.id)
        elif ch.op == "insert":
            doc = c.require(ch.id) if ch.id else {}
            doc.pop("id", None)
            doc.pop("import_key", None)
            c.insert({**doc, **ch.fields})
        elif ch.op == "update":
            _update(ctx, ch.id, ch.fields)


def _update(ctx: Context, id: str, fields: dict[str, Any]) -> str:
    """Update an entry; a new start in another month moves it (new id)."""
    c = entries(ctx)
    doc = c.require(id)
    new = {**doc, **fields}
    if c.part_of(new) != c.part_of(doc):
        c.remove(id)
        new.pop("id", None)
        return c.insert(new)
    c.update(id, fields)
    return id


def _guard(
    ctx: Context, start: dt.datetime, end: dt.datetime, exclude: tuple[str, ...], adjust: bool
) -> None:
    if end <= start:
        raise UsageError("the end must be after the start")
    clashes = _clashes(ctx, start, end, exclude)
    if not clashes:
        return
    now = ctx.clock.now()
    if not adjust:
        raise OverlapRefused(core.overlap_message(clashes, zone(ctx), names(ctx), now))
    _apply(ctx, core.adjust_plan(clashes, start, end, now), start, end)


def add(
    ctx: Context,
    start: dt.datetime,
    end: dt.datetime,
    cat: str,
    note: str = "",
    task: str | None = None,
    adjust: bool = False,
) -> str:
    """Add a past entry; an overlap is refused unless ``adjust`` trims the others."""
    c = category(ctx, cat)
    check_task(ctx, task)
    if end > ctx.clock.now():
        raise UsageError("a past entry cannot end in the future")
    _guard(ctx, start, end, (), adjust)
    return add_entry(ctx, start=start, end=end, category=c.id, source="manual", note=note, task=task)


def edit(
    ctx: Context,
    id: str,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    cat: str | None = None,
    note: str | None = None,
    task: str | None = None,
    adjust: bool = False,
) -> str:
    """Change an entry's start, end, category, note or task ("" unlinks); returns its (possibly new) id."""
    if task:
        check_task(ctx, task)
    cur = running(ctx)
    if cur is not None and id == cur["id"]:
        id = RUNNING_ID
    if id == RUNNING_ID:
        if cur is None:
            raise UsageError("nothing is being tracked")
        new = dict(cur)
        if start is not None:
            if start > ctx.clock.now():
                raise UsageError("the start of the running entry cannot be in the future")
            _guard(ctx, start, ctx.clock.now(), (RUNNING_ID,), adjust)
            new["since"] = to_stamp(start)
        if cat is not None:
            new["category"] = category(ctx, cat).id
        if note is not None:
            new["note"] = note
        if task is not None:
            new["task"] = task or None
        set_running(ctx, new)
        return RUNNING_ID
    e = core.Entry.from_doc(entries(ctx).require(id))
    s = start or e.start
    t = end or e.end_or(ctx.clock.now())
    fields: dict[str, Any] = {}
    if start is not None or end is not None:
        _guard(ctx, s, t, (id,), adjust)
        fields["start"], fields["end"] = to_stamp(s), to_stamp(t)
    if cat is not None:
        fields["category"] = category(ctx, cat).id
    if note is not None:
        fields["note"] = note
    if task is not None:
        fields["task"] = task or None
    return _update(ctx, id, fields) if fields else id


def split(ctx: Context, id: str, at: dt.datetime) -> tuple[str, str]:
    doc = entries(ctx).require(id)
    e = core.Entry.from_doc(doc)
    try:
        first, second = core.split_at(e, at, ctx.clock.now())
    except ValueError as err:
        raise UsageError(str(err)) from None
    entries(ctx).update(id, first)
    rest = {k: v for k, v in doc.items() if k not in ("id", "import_key")}
    return id, entries(ctx).insert({**rest, **second})


def merge(ctx: Context, a: str, b: str) -> str:
    c = entries(ctx)
    ea, eb = core.Entry.from_doc(c.require(a)), core.Entry.from_doc(c.require(b))
    first, second = (ea, eb) if ea.start <= eb.start else (eb, ea)
    now = ctx.clock.now()
    try:
        fields = core.merge_pair(first, second, load(ctx, first.start, second.end_or(now)), now)
    except ValueError as err:
        raise UsageError(str(err)) from None
    c.remove(second.id)
    return _update(ctx, first.id, fields)


def delete(ctx: Context, id: str) -> dict[str, Any]:
    """Remove an entry; returns it (with its id) so that ``undo_delete`` can put it back."""
    return entries(ctx).remove(id)


def undo_delete(ctx: Context, doc: dict[str, Any]) -> str:
    entries(ctx).put(doc["id"], doc)
    return str(doc["id"])


# ------------------------------------------------------------------ import / export


@dataclass
class ImportResult:
    tool: str
    new: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def seconds(self) -> float:
        return sum((from_stamp(d["end"]) - from_stamp(d["start"])).total_seconds() for d in self.new)


def import_file(
    ctx: Context,
    tool: str,
    path: Path,
    mapping: dict[str, str] | None = None,
    tz: str | None = None,
    dry_run: bool = False,
    date_order: str | None = None,
) -> ImportResult:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from cockpit.core import importers

    if tool not in importers.TOOLS:
        raise UsageError(f"unknown tool {tool!r} (known: {', '.join(importers.TOOLS)})")
    zone_obj: dt.tzinfo | None = None
    zone_name = tz or ctx.config.audit.timezone or _tz_name(ctx)
    try:
        zone_obj = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {zone_name!r} (use an IANA name like Europe/Berlin)") from None
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise CockpitError(f"cannot read {path}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CockpitError(f"{path} is not UTF-8 text") from None
    try:
        parsed = importers.parse(tool, text, zone_obj, date_order)
    except importers.ImportFormatError as e:
        raise CockpitError(f"{path}: {e}") from None
    cats = ctx.config.audit.categories
    full_map = {**ctx.config.audit.import_map, **(mapping or {})}
    for name, target in (mapping or {}).items():
        if importers.resolve_category(target, cats) is None:
            raise UsageError(f"--map {name}={target}: unknown category {target!r}")
    for name, target in ctx.config.audit.import_map.items():
        if importers.resolve_category(target, cats) is None:
            raise UsageError(f"config.toml: audit.import_map.{name}: unknown category {target!r}")
    if (
        ctx.config.audit.import_default
        and importers.resolve_category(ctx.config.audit.import_default, cats) is None
    ):
        raise UsageError(
            f"config.toml: audit.import_default: unknown category {ctx.config.audit.import_default!r}"
        )
    res = ImportResult(tool, errors=list(parsed.errors), notes=list(parsed.notes), dry_run=dry_run)
    if tool in ("toggl", "clockify") and not tz:
        res.notes.insert(0, f"times read as {zone_name} (the file has no zone; pass --tz ZONE to change)")
    default = (
        importers.resolve_category(ctx.config.audit.import_default, cats)
        if ctx.config.audit.import_default
        else None
    )
    docs: list[dict[str, Any]] = []
    for row in parsed.rows:
        cat = importers.map_category(row.names, full_map, cats) or default
        if cat is None:
            shown = ", ".join(repr(n) for n in row.names) or "(no project or tags)"
            res.errors.append(f"{row.where}: no category for {shown}; add --map NAME=CATEGORY")
            continue
        if row.seconds <= 0:
            res.notes.append(f"{row.where}: zero duration; skipped")
            continue
        docs.append(
            {
                "start": to_stamp(row.start),
                "end": to_stamp(row.end),
                "tz": zone_name,
                "category": cat,
                "source": f"import:{tool}",
                "note": row.note,
                "task": None,
                "paper": None,
                "interruptions": [],
                "import_key": row.key,
                "import_names": list(row.names),
            }
        )
    c = entries(ctx)
    parts = sorted({c.part_of(d) for d in docs})
    known = {d.get("import_key") for p in parts for d in c.read_part(p) if d.get("import_key")}
    seen: set[str] = set()
    for d in docs:
        if d["import_key"] in known or d["import_key"] in seen:
            res.duplicates += 1
            continue
        seen.add(d["import_key"])
        res.new.append(d)
    if not dry_run and res.new:
        ids = c.insert_many(res.new)
        for d, i in zip(res.new, ids, strict=True):
            d["id"] = i
    return res


EXPORT_FIELDS = (
    "id",
    "start",
    "end",
    "local_start",
    "local_end",
    "seconds",
    "category",
    "category_name",
    "source",
    "note",
    "task",
    "tz",
)


def export_rows(ctx: Context, first: dt.date | None, end: dt.date | None) -> list[dict[str, Any]]:
    tz = zone(ctx)
    now = ctx.clock.now()
    if first is None or end is None:
        rid = _track_doc(ctx).read().get("entry")
        items = sorted(
            (
                core.Entry.from_doc({**d, "id": RUNNING_ID} if d["id"] == rid and d.get("end") is None else d)
                for d in entries(ctx).all()
            ),
            key=lambda e: e.start,
        )
        if first is not None:
            lo = core.local_midnight(first, tz)
            items = [e for e in items if e.end_or(now) > lo]
        if end is not None:
            hi = core.local_midnight(end, tz)
            items = [e for e in items if e.start < hi]
    else:
        items = load(ctx, core.local_midnight(first, tz), core.local_midnight(end, tz))
    nm = names(ctx)
    out = []
    for e in items:
        t = e.end_or(now)
        out.append(
            {
                "id": e.id,
                "start": to_stamp(e.start),
                "end": to_stamp(e.end) if e.end else None,
                "local_start": e.start.astimezone(tz).isoformat(timespec="seconds"),
                "local_end": t.astimezone(tz).isoformat(timespec="seconds") if e.end else None,
                "seconds": int(round((t - e.start).total_seconds())),
                "category": e.category,
                "category_name": nm.get(e.category, e.category),
                "source": e.source,
                "note": e.note,
                "task": e.task,
                "tz": e.tz,
            }
        )
    return out


def export(ctx: Context, first: dt.date | None, end: dt.date | None, fmt: str) -> str:
    rows = export_rows(ctx, first, end)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(EXPORT_FIELDS), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return buf.getvalue()
