"""Small parsers of Slurm's field values: durations, exit codes, node lists, GPU specs, job ids,
times. Pure functions over text (no I/O); the SlurmJob they feed lives in ``cockpit.core.slurm``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

UTC = dt.UTC

_NONE_WORDS = frozenset({"", "N/A", "NONE", "NULL", "(NULL)", "UNKNOWN", "INVALID", "NOT_SET", "NOTSET"})


def parse_duration(text: str | None) -> int | None:
    """Slurm durations to seconds: ``M:SS``, ``MM:SS``, ``H:MM:SS``, ``D-HH``, ``D-HH:MM``,
    ``D-HH:MM:SS`` (and ``.fff`` fractions). ``UNLIMITED``, ``Partition_Limit``, ``N/A`` -> None."""
    if text is None:
        return None
    s = text.strip()
    if not s or s.upper() in _NONE_WORDS or s.upper() in ("UNLIMITED", "INFINITE", "PARTITION_LIMIT"):
        return None
    days = 0
    if "-" in s:
        d, _, s = s.partition("-")
        if not d.isdigit():
            return None
        days = int(d)
        fields = s.split(":")
        # D-HH, D-HH:MM, D-HH:MM:SS
        while len(fields) < 3:
            fields.append("0")
    else:
        fields = s.split(":")
        if len(fields) == 1:  # plain minutes (jobcomp TimeLimit=60)
            fields = ["0", fields[0], "0"]
        elif len(fields) == 2:  # M:SS
            fields = ["0", *fields]
    if len(fields) != 3:
        return None
    try:
        h, m = int(fields[0]), int(fields[1])
        sec = float(fields[2])
    except ValueError:
        return None
    if h < 0 or m < 0 or sec < 0:
        return None
    return days * 86400 + h * 3600 + m * 60 + int(sec)


def parse_exit_code(text: str | None) -> tuple[int | None, int | None]:
    """``"7:0"`` -> (7, 0); ``"0:15"`` -> (0, 15); ``""`` -> (None, None)."""
    if text is None:
        return None, None
    s = text.strip()
    if not s or s.upper() in _NONE_WORDS:
        return None, None
    rc, _, sig = s.partition(":")
    try:
        return int(rc), (int(sig) if sig else 0)
    except ValueError:
        return None, None


def split_wait_status(status: int) -> tuple[int, int]:
    """A raw wait status (what 22.05's ``squeue --json`` calls exit_code) -> (exit, signal)."""
    return (status >> 8) & 0xFF, status & 0x7F


def expand_nodelist(text: str | None) -> list[str]:
    """``n[1-3,7],gpu[01-02]`` -> ``[n1, n2, n3, n7, gpu01, gpu02]`` (zero padding kept)."""
    if not text or text.strip().upper() in _NONE_WORDS or text.strip().lower() == "none assigned":
        return []
    out: list[str] = []
    for item in _split_outside_brackets(text.strip()):
        out.extend(_expand_one(item))
    return out


def _split_outside_brackets(text: str) -> list[str]:
    items, depth, cur = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    items.append("".join(cur))
    return [i for i in (x.strip() for x in items) if i]


def _expand_one(item: str) -> list[str]:
    m = re.search(r"\[([^\[\]]*)\]", item)
    if not m:
        return [item]
    head, tail = item[: m.start()], item[m.end() :]
    values: list[str] = []
    for part in m.group(1).split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        if sep and lo.isdigit() and hi.isdigit():
            width = len(lo) if lo.startswith("0") else 0
            a, b = int(lo), int(hi)
            if b - a > 100_000:  # a hostile or absurd range: do not explode
                values.append(part)
                continue
            values.extend(str(n).zfill(width) for n in range(a, b + 1))
        elif part:
            values.append(part)
    return [x for v in values for x in _expand_one(head + v + tail)]


_GPU_RE = re.compile(r"(?:^|[,/:\s])gpu(?::([A-Za-z][\w.-]*))?[:=](\d+)", re.IGNORECASE)
_IDX_RE = re.compile(r"IDX:([\d,\-]+)")


def gpu_count(*specs: str | None) -> int | None:
    """GPUs from the first spec that names any: TRES (``gres/gpu=4``, ``gres/gpu:a100=2``),
    gres (``gpu:h100:4(IDX:0-3)``, ``gres:gpu:2``, ``gres/gpu:4``). Per-node specs go through
    :func:`gpu_count_per_node`."""
    for spec in specs:
        n = _gpus_in(spec)
        if n is not None:
            return n
    return None


def gpu_count_per_node(spec: str | None, node_count: int | None) -> int | None:
    n = _gpus_in(spec)
    if n is None:
        return None
    return n * (node_count or 1)


def _gpus_in(spec: str | None) -> int | None:
    if not spec or spec.strip().upper() in _NONE_WORDS:
        return None
    untyped: int | None = None
    typed = 0
    found = False
    for m in _GPU_RE.finditer(spec):
        found = True
        if m.group(1):
            typed += int(m.group(2))
        else:
            untyped = (untyped or 0) + int(m.group(2))
    if not found:
        return None
    return untyped if untyped is not None else typed


def gpu_ids(spec: str | None) -> str:
    m = _IDX_RE.search(spec or "")
    return m.group(1) if m else ""


@dataclass(frozen=True)
class JobId:
    """The parts of a Slurm job id as sacct/squeue print it."""

    text: str  # first-level id: "42", "42_3", "42_[5-9]", "42+1"
    step: str | None  # "batch", "extern", "0", ... or None for the job itself
    array_job_id: str = ""
    array_task: str = ""
    het_job_id: str = ""
    het_offset: str = ""


_ID_RE = re.compile(r"^(\d+)(?:_(\[[^\]]*\]|[\d\-,]+))?(?:\+(\d+))?(?:\.(.+))?$")


def split_job_id(text: str) -> JobId | None:
    """``123`` / ``123_4`` / ``123_[5-1024]`` / ``123+0`` / ``123.batch`` / ``123+0.0``."""
    s = text.strip()
    m = _ID_RE.match(s)
    if not m:
        return None
    base, task, het, step = m.groups()
    first = s if step is None else s[: -(len(step) + 1)]
    return JobId(
        text=first,
        step=step,
        array_job_id=base if task is not None else "",
        array_task=task or "",
        het_job_id=base if het is not None else "",
        het_offset=het or "",
    )


def parse_time(text: str | int | float | None, tz: dt.tzinfo = UTC) -> dt.datetime | None:
    """Epoch seconds (``SLURM_TIME_FORMAT=%s``) or ISO local time (``2026-11-25T23:02:31``,
    read in ``tz``, the remote zone) -> aware UTC; ``Unknown``/``None``/``0`` -> None."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return dt.datetime.fromtimestamp(text, UTC) if text > 0 else None
    s = text.strip()
    if not s or s.upper() in _NONE_WORDS:
        return None
    if re.fullmatch(r"\d{9,11}", s):
        return dt.datetime.fromtimestamp(int(s), UTC)
    if s == "0":
        return None
    try:
        t = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=tz)
    return t.astimezone(UTC)


def parse_utc_offset(text: str | None) -> dt.tzinfo:
    """``date +%z`` output (``+0100``) -> a fixed offset; anything else -> UTC."""
    m = re.fullmatch(r"\s*([+-])(\d{2}):?(\d{2})\s*", text or "")
    if not m:
        return UTC
    sign = 1 if m.group(1) == "+" else -1
    return dt.timezone(sign * dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))


def _str(v: Any) -> str:
    return "" if v is None else str(v)


def _int(text: str | int | None) -> int | None:
    if text is None:
        return None
    if isinstance(text, int):
        return text
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def _num(v: Any) -> int | float | None:
    """A JSON number in either shape: ``5`` / ``null`` (22.05) or ``{set, infinite, number}``."""
    if isinstance(v, Mapping):
        if not v.get("set", True) or v.get("infinite"):
            return None
        v = v.get("number")
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return v


def _is_infinite(v: Any) -> bool:
    return isinstance(v, Mapping) and bool(v.get("infinite"))
