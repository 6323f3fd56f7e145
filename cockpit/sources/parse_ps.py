"""Parsers of ``ps`` output: one row per process, and the whole process tree (pid -> ppid).
Pure functions over text; the ``Proc`` value lives in ``cockpit.core.jobs``.
"""

from __future__ import annotations

from cockpit.core.jobs import Proc


def _toint(s: str) -> int | None:
    s = s.strip()
    return int(s) if s.lstrip("-").isdigit() else None


def parse_ps(text: str) -> dict[int, Proc]:
    """``ps -eo pid=,ppid=,user:32=,etimes=,args=``."""
    out: dict[int, Proc] = {}
    for line in text.splitlines():
        parts = line.split(None, 4)
        if len(parts) < 4:
            continue
        pid, ppid = _toint(parts[0]), _toint(parts[1])
        if pid is None or ppid is None:
            continue
        out[pid] = Proc(pid, ppid, parts[2], _toint(parts[3]), parts[4] if len(parts) > 4 else "")
    return out


def parse_tree(tree: str, details: str) -> dict[int, Proc]:
    """``ps -e -o pid= -o ppid=`` for every process, plus full rows for a few (``parse_ps`` format)."""
    full = parse_ps(details)
    out: dict[int, Proc] = {}
    for line in tree.splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        pid, ppid = _toint(parts[0]), _toint(parts[1])
        if pid is None or ppid is None:
            continue
        out[pid] = full.get(pid) or Proc(pid, ppid, "", None, "")
    for pid, proc in full.items():
        out.setdefault(pid, proc)
    return out
