"""Parsers of tmux output: ``list-panes`` rows, and the last line and tqdm progress of a
``capture-pane`` dump. Pure functions over text; ``Pane`` and ``Progress`` live in
``cockpit.core.jobs``.
"""

from __future__ import annotations

import re

from cockpit.core.jobs import Pane, Progress
from cockpit.core.text import clean
from cockpit.sources.parse_ps import _toint

# One place for the tmux fields: the probe builds ``list-panes -F`` from this, joined by TABs
# (literal TABs: tmux does not expand ``\t``). Same order as the corpus capture.
TMUX_FIELDS: tuple[str, ...] = (
    "session_name",
    "session_id",
    "window_index",
    "window_id",
    "window_name",
    "pane_index",
    "pane_id",
    "pane_pid",
    "pane_current_command",
    "pane_current_path",
    "pane_tty",
    "pane_active",
    "pane_dead",
    "pane_dead_status",
)
TMUX_FORMAT = "\t".join("#{" + f + "}" for f in TMUX_FIELDS)


def parse_panes(text: str) -> list[Pane]:
    """``tmux list-panes -a -F TMUX_FORMAT`` output; malformed lines are skipped."""
    out = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < len(TMUX_FIELDS):
            continue
        r = dict(zip(TMUX_FIELDS, parts[: len(TMUX_FIELDS)], strict=True))
        if not r["pane_id"].startswith("%"):
            continue
        out.append(
            Pane(
                pane_id=r["pane_id"],
                pane_pid=_toint(r["pane_pid"]),
                session=r["session_name"],
                window_index=r["window_index"],
                pane_index=r["pane_index"],
                window_name=r["window_name"],
                command=r["pane_current_command"],
                path=r["pane_current_path"],
                dead=r["pane_dead"].strip() == "1",
                dead_status=_toint(r["pane_dead_status"]),
            )
        )
    return out


# ---------------------------------------------------------------- output lines and progress

_DEAD_LINE = re.compile(r"^Pane is dead( \(.*\))?$")


def last_line(captured: str, max_len: int = 200) -> str:
    """The last non-empty line of a ``capture-pane`` dump, cleaned; tmux's own 'Pane is dead' skipped."""
    for raw in reversed(captured.splitlines()):
        # a tqdm bar redraws with \r: keep what is shown last
        line = clean(raw.rsplit("\r", 1)[-1]).strip()
        if line and not _DEAD_LINE.match(line):
            return clean(line, max_len=max_len)
    return ""


def as_shown(text: str) -> str:
    """Output as a terminal shows it: each line keeps what follows its last carriage return (a
    tqdm bar redrawn with ``\r`` shows its last state, not every state), trailing spaces are
    dropped, and so are the blank rows after the last output (a pane's empty screen)."""
    rows = [raw.rstrip("\r").rsplit("\r", 1)[-1].rstrip() for raw in text.split("\n")]
    while rows and not rows[-1]:
        rows.pop()
    return "\n".join(rows)


_PCT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)%\|")
_COUNT = re.compile(r"\|\s*(\d+(?:\.\d+)?[kMG]?)/(\d+(?:\.\d+)?[kMG]?)\s*\[")
_TIMES = re.compile(r"\[(?P<elapsed>[\d:]+)<(?P<eta>[\d:]+|\?)(?:,\s*(?P<rate>[^,\]]+))?")


def hms_seconds(text: str) -> int | None:
    """``MM:SS``, ``H:MM:SS`` or ``D-HH:MM:SS`` (also tqdm ``1d, 02:03:04`` not used) -> seconds."""
    text = text.strip()
    days = 0
    if "-" in text:
        d, _, text = text.partition("-")
        if not d.isdigit():
            return None
        days = int(d)
    parts = text.split(":")
    if not parts or not all(p.isdigit() for p in parts) or len(parts) > 3:
        return None
    secs = 0
    for p in parts:
        secs = secs * 60 + int(p)
    return days * 86400 + secs


def _qty(s: str) -> float:
    mult = {"k": 1e3, "M": 1e6, "G": 1e9}.get(s[-1:], 1.0)
    return float(s.rstrip("kMG")) * mult


def parse_progress(line: str) -> Progress | None:
    """tqdm-style progress in a line: `` 45%|████▌ | 450/1000 [00:30<00:36, 15.0it/s]``."""
    m = _PCT.search(line)
    pct = float(m.group(1)) if m else None
    if pct is None:
        c = _COUNT.search(line)
        if c:
            total = _qty(c.group(2))
            pct = round(_qty(c.group(1)) / total * 100, 1) if total else None
    t = _TIMES.search(line)
    if pct is None and t is None:
        return None
    eta = rate = None
    if t:
        eta = None if t.group("eta") == "?" else hms_seconds(t.group("eta"))
        r = (t.group("rate") or "").strip()
        rate = r if r and not r.startswith("?") and "/" in r else None
    return Progress(pct=min(pct, 100.0) if pct is not None else None, rate=rate, eta_s=eta)
