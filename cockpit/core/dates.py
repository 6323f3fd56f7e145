"""Dates and times as users type them, with one wording for what goes wrong: a well-formed date or
time that is not on the calendar (2026-02-30, month 13, 24:61) "does not exist"; anything else is
"not" the format asked for. Errors are ValueError; callers turn them into usage errors."""

from __future__ import annotations

import datetime as dt
import re

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HM = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DAY_HM = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)")


def not_a_day(text: str) -> str:
    """Why ``text`` is no date: it does not exist (well-formed) or is not YYYY-MM-DD."""
    s = text.strip()
    if _DAY.fullmatch(s):
        return f"date {s!r} does not exist"
    return f"date {s!r} is not YYYY-MM-DD"


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` (and the other forms ``date.fromisoformat`` reads) -> date."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(not_a_day(text)) from None


def parse_hm(text: str) -> dt.time:
    """``HH:MM`` or ``HH:MM:SS`` -> time."""
    s = text.strip()
    m = _HM.fullmatch(s)
    if not m:
        raise ValueError(f"time {s!r} is not HH:MM")
    try:
        return dt.time(int(m[1]), int(m[2]), int(m[3] or 0))
    except ValueError:
        raise ValueError(f"time {s!r} does not exist") from None


def parse_day_time(text: str, base: dt.date) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` (any ISO-8601 form, an offset kept) or ``HH:MM`` on ``base`` -> a
    datetime, naive unless the text gave an offset."""
    s = text.strip()
    if ":" in s and len(s) <= 5:
        try:
            return dt.datetime.combine(base, parse_hm(s))
        except ValueError as e:
            if "does not exist" in str(e):
                raise
    else:
        try:
            return dt.datetime.fromisoformat(s.replace("T", " "))
        except ValueError:
            m = _DAY_HM.fullmatch(s)
            if m:
                day = parse_day(m[1])  # raises "date ... does not exist"
                return dt.datetime.combine(day, parse_hm(m[2]))
    raise ValueError(f"time {s!r} is not YYYY-MM-DD HH:MM or HH:MM")
