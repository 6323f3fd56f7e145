"""Parsers for other time trackers' exports: Toggl, Clockify, Timewarrior, Watson. Pure.

Each parser takes the file's text and returns ``Parsed(rows, errors, notes)``: a row is one
interval with a stable import key (re-importing the same data gives the same keys), the
names that may map to a category (project first, then tags), and a note. A row that cannot
be read becomes an error naming its line; the other rows are still returned.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cockpit.core.clock import UTC
from cockpit.core.dates import parse_day
from cockpit.core.import_categories import (  # noqa: F401 - re-exported: importers.map_category
    COMMON_NAMES,
    explain_category,
    map_category,
    resolve_category,
    valid_categories,
)

TOOLS = ("toggl", "clockify", "timewarrior", "watson")


@dataclass(frozen=True)
class Row:
    key: str
    start: dt.datetime
    end: dt.datetime
    names: tuple[str, ...]
    note: str = ""
    line: int = 0
    where: str = ""

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ImportFormatError(ValueError):
    """The whole file is not in the expected format."""


def parse(tool: str, text: str, tz: dt.tzinfo | None, date_order: str | None = None) -> Parsed:
    text = text.lstrip("\ufeff")
    if tool == "toggl":
        return parse_toggl(text, tz)
    if tool == "clockify":
        return parse_clockify(text, tz, date_order)
    if tool == "timewarrior":
        return parse_timew_export(text) if text.lstrip().startswith("[") else parse_timew_data(text)
    if tool == "watson":
        return parse_watson(text)
    raise ImportFormatError(f"unknown tool {tool!r} (known: {', '.join(TOOLS)})")


# ------------------------------------------------------------------ helpers


def _key(tool: str, *parts: Any) -> str:
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return f"{tool}:{h}"


def localize(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Local wall time -> aware UTC (first occurrence in a fold; a gap time moves forward)."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError("the file is empty") from None
    header = [h.strip() for h in header]
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append(
            (
                reader.line_num,
                {h.lower(): (values[i] if i < len(values) else "") for i, h in enumerate(header)},
            )
        )
    return [h.lower() for h in header], rows


def _need(header: Sequence[str], names: Iterable[str], tool: str) -> None:
    missing = [n for n in names if n not in header]
    if missing:
        raise ImportFormatError(
            f"not a {tool} detailed CSV: missing column(s) {', '.join(repr(m) for m in missing)}"
        )


def _split_tags(s: str) -> list[str]:
    return [t.strip() for t in s.split(",") if t.strip()]


_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?\s*$")


def parse_time(s: str) -> tuple[dt.time, bool]:
    """``10:23``, ``10:23:52``, ``10:23 AM``, ``10:23:52 PM`` -> (time, was 12-hour)."""
    m = _TIME_RE.match(s)
    if not m:
        raise ValueError(f"time {s.strip()!r} is not HH:MM[:SS] [AM|PM]")
    h, mi, sec = int(m[1]), int(m[2]), int(m[3] or 0)
    ampm = m[4]
    if ampm:
        if not 1 <= h <= 12:
            raise ValueError(f"time {s.strip()!r} does not exist (the hour is 1-12 with AM/PM)")
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    if h > 23 or mi > 59 or sec > 59:
        raise ValueError(f"time {s.strip()!r} does not exist")
    return dt.time(h, mi, sec), bool(ampm)


def _need_tz(tz: dt.tzinfo | None, tool: str) -> dt.tzinfo:
    if tz is None:
        raise ImportFormatError(
            f"{tool} CSV times carry no timezone: pass --tz ZONE (e.g. --tz Europe/Berlin)"
        )
    return tz


# ------------------------------------------------------------------ Toggl


def parse_toggl(text: str, tz: dt.tzinfo | None) -> Parsed:
    header, rows = _csv_rows(text)
    _need(header, ("start date", "start time", "end date", "end time"), "Toggl")
    zone = _need_tz(tz, "Toggl")
    return _csv_intervals("toggl", rows, zone, _iso_date, Parsed())


def _csv_intervals(
    tool: str,
    rows: Iterable[tuple[int, dict[str, str]]],
    zone: dt.tzinfo,
    read_date: Callable[[str], dt.date],
    out: Parsed,
) -> Parsed:
    """Rows of a Toggl or Clockify detailed CSV (same columns; dates read by ``read_date``)."""
    seen: dict[str, int] = {}
    for line, r in rows:
        try:
            start = localize(
                dt.datetime.combine(read_date(r["start date"]), parse_time(r["start time"])[0]), zone
            )
            end = localize(dt.datetime.combine(read_date(r["end date"]), parse_time(r["end time"])[0]), zone)
            if end < start:
                raise ValueError("the end is before the start")
        except ValueError as e:
            out.errors.append(f"line {line}: {e}")
            continue
        names = [n for n in (r.get("project", "").strip(), r.get("client", "").strip()) if n]
        names += _split_tags(r.get("tags", ""))
        base = (
            start.isoformat(),
            end.isoformat(),
            r.get("project", ""),
            r.get("description", ""),
            r.get("email", ""),
        )
        n = seen.get(repr(base), 0)
        seen[repr(base)] = n + 1
        desc = r.get("description", "")
        out.rows.append(Row(_key(tool, *base, n), start, end, tuple(names), desc, line, f"line {line}"))
    return out


def _iso_date(s: str) -> dt.date:
    return parse_day(s)


# ------------------------------------------------------------------ Clockify

_DATE_RE = re.compile(r"^\s*(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})\s*$")


def _date_parts(s: str) -> tuple[int, int, int] | None:
    m = _DATE_RE.match(s)
    if not m:
        return None
    a, b, c = int(m[1]), int(m[2]), int(m[3])
    return a, b, c


def _date_in_order(s: str, order: str) -> dt.date:
    s = s.strip()
    parts = _date_parts(s)
    if parts is None:
        raise ValueError(f"date {s!r} is not a date")
    a, b, c = parts
    if len(s.split("/")[0]) == 4 or a > 999:  # YYYY-MM-DD
        y, mo, d = a, b, c
        fmt = "YYYY-MM-DD"
    elif order == "mdy":
        mo, d, y = a, b, c
        fmt = "MM/DD/YYYY"
    else:
        d, mo, y = a, b, c
        fmt = "DD/MM/YYYY"
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"date {s!r} does not exist (read as {fmt})") from None


def detect_date_order(values: Iterable[str]) -> str | None:
    """'mdy' or 'dmy' when some date in the file shows it, 'conflict' when dates disagree."""
    mdy = dmy = False
    for v in values:
        p = _date_parts(v)
        if p is None or p[0] > 999:
            continue
        a, b, _ = p
        if a > 12 and b <= 12:
            dmy = True
        elif b > 12 and a <= 12:
            mdy = True
    if mdy and dmy:
        return "conflict"
    return "mdy" if mdy else "dmy" if dmy else None


def parse_clockify(text: str, tz: dt.tzinfo | None, date_order: str | None = None) -> Parsed:
    header, rows = _csv_rows(text)
    _need(header, ("start date", "start time", "end date", "end time"), "Clockify")
    zone = _need_tz(tz, "Clockify")
    out = Parsed()
    order = date_order
    if order is None:
        order = detect_date_order(v for _, r in rows for v in (r["start date"], r["end date"]))
        if order == "conflict":
            raise ImportFormatError(
                "Clockify dates in this file read both as MM/DD and as DD/MM; pass --date-order mdy or dmy"
            )
        if order is None and any(re.search(r"[AaPp][Mm]\s*$", r["start time"]) for _, r in rows):
            order = "mdy"
            out.notes.append(
                "dates read as MM/DD/YYYY (12-hour clock, US format); pass --date-order dmy if not"
            )
    if order is None:
        for line, r in rows:
            sd = r["start date"].strip()
            out.errors.append(
                f"line {line}: date {sd!r} is ambiguous (MM/DD or DD/MM?); pass --date-order mdy or dmy"
            )
        return out
    fixed: str = order
    return _csv_intervals("clockify", rows, zone, lambda s: _date_in_order(s, fixed), out)


# ------------------------------------------------------------------ Timewarrior


_TIMEW_RE = re.compile(r"\d{8}T\d{6}Z")
_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


def _timew_stamp(s: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (ValueError, TypeError):
        if isinstance(s, str) and _TIMEW_RE.fullmatch(s):
            raise ValueError(f"time {s!r} does not exist") from None
        raise ValueError(f"time {s!r} is not YYYYMMDDTHHMMSSZ") from None


def _timew_row(
    start: dt.datetime, end: dt.datetime, tags: Sequence[str], note: str, line: int, where: str
) -> Row:
    if end < start:
        raise ValueError("the end is before the start")
    # keyed on the start instant: ids renumber, and the export and the data files then agree
    return Row(_key("timew", start.isoformat()), start, end, tuple(tags), note, line, where)


def parse_timew_export(text: str) -> Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportFormatError(f"not a timew export (invalid JSON: {e.msg} at line {e.lineno})") from None
    if not isinstance(data, list):
        raise ImportFormatError("not a timew export (expected a JSON list of intervals)")
    out = Parsed()
    for i, item in enumerate(data, start=1):
        where = f"interval {i}" + (
            f" (id {item.get('id')})" if isinstance(item, dict) and "id" in item else ""
        )
        try:
            if not isinstance(item, dict) or "start" not in item:
                raise ValueError("not an interval object")
            start = _timew_stamp(item["start"])
            if not item.get("end"):
                out.notes.append(f"{where}: still running; not imported")
                continue
            tags = [str(t) for t in item.get("tags") or []]
            out.rows.append(
                _timew_row(
                    start, _timew_stamp(item["end"]), tags, str(item.get("annotation") or ""), i, where
                )
            )
        except ValueError as e:
            out.errors.append(f"{where}: {e}")
    return out


def _tokens(s: str) -> list[str]:
    """Split a .data tail on spaces; double-quoted tokens may hold spaces and escaped quotes."""
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        if s[i].isspace():
            i += 1
            continue
        if s[i] == '"':
            j, buf = i + 1, []
            while j < n and s[j] != '"':
                if s[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(s[j])
                j += 1
            if j >= n:
                raise ValueError("unterminated quote")
            out.append("\x00" + "".join(buf))  # marks a quoted token (never the separator)
            i = j + 1
        else:
            j = i
            while j < n and not s[j].isspace():
                j += 1
            out.append(s[i:j])
            i = j
    return out


def parse_timew_data(text: str) -> Parsed:
    out = Parsed()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            if not line.startswith("inc "):
                raise ValueError(f"not an interval line: {line[:40]!r}")
            toks = _tokens(line[4:])
            if not toks:
                raise ValueError("no start time")
            start = _timew_stamp(toks[0])
            rest = toks[1:]
            end = None
            if rest[:1] == ["-"]:
                if len(rest) < 2:
                    raise ValueError("missing end time after '-'")
                end = _timew_stamp(rest[1])
                rest = rest[2:]
            tags: list[str] = []
            note = ""
            if rest:
                if rest[0] != "#":
                    raise ValueError(f"unexpected {rest[0].lstrip(chr(0))!r} after the times")
                rest = rest[1:]
                if "#" in rest:
                    k = rest.index("#")
                    note = " ".join(t.lstrip("\x00") for t in rest[k + 1 :])
                    rest = rest[:k]
                tags = [t.lstrip("\x00") for t in rest]
            if end is None:
                out.notes.append(f"line {line_no}: still running; not imported")
                continue
            out.rows.append(_timew_row(start, end, tags, note, line_no, f"line {line_no}"))
        except ValueError as e:
            out.errors.append(f"line {line_no}: {e}")
    if not out.rows and not out.errors and not out.notes:
        raise ImportFormatError(
            "no Timewarrior intervals found (expected `timew export` JSON or a YYYY-MM.data file)"
        )
    return out


# ------------------------------------------------------------------ Watson


def _epoch(v: Any) -> dt.datetime:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"time {v!r} is not a Unix timestamp")
    return dt.datetime.fromtimestamp(v, UTC)


def _iso_offset(v: Any) -> dt.datetime:
    try:
        t = dt.datetime.fromisoformat(str(v))
    except ValueError:
        if _ISO_RE.fullmatch(str(v)):
            raise ValueError(f"time {v!r} does not exist") from None
        raise ValueError(f"time {v!r} is not ISO-8601") from None
    if t.tzinfo is None:
        raise ValueError(f"time {v!r} has no UTC offset")
    return t.astimezone(UTC)


def parse_watson(text: str) -> Parsed:
    """Watson's ``frames`` file (lists) or ``watson log --json`` (objects)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportFormatError(
            f"not a Watson frames file or `watson log --json` output (invalid JSON: {e.msg} at line {e.lineno})"
        ) from None
    if not isinstance(data, list):
        raise ImportFormatError(
            "not a Watson frames file or `watson log --json` output (expected a JSON list)"
        )
    out = Parsed()
    for i, item in enumerate(data, start=1):
        try:
            if isinstance(item, list):
                if len(item) < 3:
                    raise ValueError("a frame needs start, stop and project")
                start, end, project = _epoch(item[0]), _epoch(item[1]), str(item[2])
                fid = str(item[3]) if len(item) > 3 else f"{item[0]}-{project}"
                tags = [str(t) for t in item[4]] if len(item) > 4 and isinstance(item[4], list) else []
            elif isinstance(item, dict):
                start, end = _iso_offset(item.get("start")), _iso_offset(item.get("stop"))
                project = str(item.get("project") or "")
                fid = str(item.get("id") or f"{start.isoformat()}-{project}")
                tags = [str(t) for t in item.get("tags") or []]
            else:
                raise ValueError("not a frame")
            if end < start:
                raise ValueError("the stop is before the start")
            out.rows.append(Row(f"watson:{fid}", start, end, (project, *tags), "", i, f"frame {i}"))
        except ValueError as e:
            out.errors.append(f"frame {i}: {e}")
    return out
