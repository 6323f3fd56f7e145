"""Importing other time trackers' data (Toggl, Clockify, Timewarrior, Watson) as time entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit.core import audit as core
from cockpit.core.clock import to_stamp
from cockpit.errors import CockpitError, UsageError
from cockpit.services.audit.common import entries, tz_name

if TYPE_CHECKING:
    from cockpit.context import Context


@dataclass
class ImportResult:
    tool: str
    new: list[core.Entry] = field(default_factory=list)
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    # name -> (category id, how: "map" for import_map/--map, "category", "common"), first seen first
    mapping: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum((e.end - e.start).total_seconds() for e in self.new if e.end is not None)


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
    zone_name = tz or ctx.config.audit.timezone or tz_name(ctx)
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
            raise UsageError(
                f"--map {name}={target}: unknown category {target!r} (valid: {importers.valid_categories(cats)})"
            )
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
        why = importers.explain_category(row.names, full_map, cats)
        cat = why[0] if why else default
        if why is not None:
            res.mapping.setdefault(why[1], (why[0], why[2]))
        elif default is not None:
            res.mapping.setdefault(", ".join(row.names) or "(no project or tags)", (default, "default"))
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
    with ctx.store.atomic():  # two imports of one file at once book it once
        known = {d.get("import_key") for p in parts for d in c.read_part(p) if d.get("import_key")}
        seen: set[str] = set()
        fresh: list[dict[str, Any]] = []
        for d in docs:
            if d["import_key"] in known or d["import_key"] in seen:
                res.duplicates += 1
                continue
            seen.add(d["import_key"])
            fresh.append(d)
        if not dry_run and fresh:
            ids = c.insert_many(fresh)
            fresh = [{**d, "id": i} for d, i in zip(fresh, ids, strict=True)]
    res.new = [core.Entry.from_doc(d) for d in fresh]
    return res
