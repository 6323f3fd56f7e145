"""The texts the Focus pane shows, computed from the session, today's stats and the time.

Pure functions (no widgets): the pane writes only the texts that changed.
"""

from __future__ import annotations

import datetime as dt
import math

from cockpit.core import focus as core
from cockpit.tui.shell.safe import safe

BAR_WIDTH = 20


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = max(0, min(width, int(fraction * width)))
    return "█" * filled + "░" * (width - filled) + f" {int(fraction * 100):3d}%"


def day_line(today: core.DayStats | None, goal: int, s: core.Session | None) -> str:
    """ "Today ●●○ 2/3 · streak 4d · 1 int." (``goal`` is used until today's stats are read)."""
    done = today.sprints if today else 0
    goal = today.goal if today else goal
    marks = "●" * min(done, goal) + "○" * max(0, goal - done) + ("+" if done > goal else "")
    day = f"Today {marks} {done}/{goal}"
    if today and today.streak:
        day += f" · streak {today.streak}d"
    interruptions = today.internal + today.external if today else 0
    if s:
        interruptions += len(s.interruptions)
    if interruptions:
        day += f" · {interruptions} int."
    return day


def session_texts(s: core.Session, now: dt.datetime, width: int, category: str) -> dict[str, str]:
    """The texts of a running session, by widget id, in the order the pane shows them."""
    st = core.state(s, now)
    rem = core.remaining_s(s, now)
    label = core.MODE_LABELS.get(s.mode, s.mode)
    if s.rounds > 1:
        label += f" {s.round}/{s.rounds}"
    title = label[0].upper() + label[1:]
    head = {
        "break": f"Break after {label}",
        "paused": f"{title} · paused",
        "overrun": f"{title} · over time",
    }.get(st, title)
    # big digits: whole minutes (they change once a minute; the exact time is the line below)
    mins = math.ceil(rem / 60) if rem >= 0 else -math.ceil(-rem / 60)
    task = safe(s.task_title or "", 200) or (f"task {s.task}" if s.task else "")
    if s.paper:
        task = f"paper {safe(s.paper, 60)}"
    return {
        "focus-head": head,
        "focus-clock": f"{mins}",
        "focus-line": f"{core.fmt_clock(rem)} {'left' if rem >= 0 else 'over'}",
        "focus-bar": bar(core.progress(s, now), max(5, min(30, width - 5))),
        "focus-task": task or "(no task)",
        "focus-cat": category,
    }


def timeline_text(
    day: list[core.FocusRecord], s: core.Session | None, now: dt.datetime, tz: dt.tzinfo, width: int
) -> str:
    """The day's timeline (the wide form): a title with the day's totals, the hours, the bar, a legend."""
    from cockpit.core.focus_day import LEGEND, timeline

    t = timeline(day, s, now, tz, max(24, width))
    return "\n".join((f"Timeline: {t.summary}", t.axis, t.bar, LEGEND))
