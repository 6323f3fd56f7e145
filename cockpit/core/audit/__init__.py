"""Time-audit domain logic: entries, overlaps, split/merge, context switches, reports, away.

Pure: no store, no Textual, no clock reads. Instants are aware UTC datetimes; local days
are computed in an IANA zone so that midnight splits and DST days (23 h / 25 h) are exact.
The names of the modules below are re-exported here: ``from cockpit.core import audit as core``.
"""

from __future__ import annotations

from cockpit.core.audit.away import Away, AwayDetector, away_plan
from cockpit.core.audit.charts import cells, text_report
from cockpit.core.audit.edits import (
    Change,
    OverlapError,
    adjust_plan,
    describe,
    merge_pair,
    overlap_message,
    overlaps,
    split_at,
)
from cockpit.core.audit.periods import (
    DAY,
    Segment,
    day_bounds,
    day_length_s,
    days,
    local_midnight,
    period,
    previous,
    segments,
    shift,
)
from cockpit.core.audit.records import Entry, RecordError, Tracking
from cockpit.core.audit.reports import (
    CategoryInfo,
    DayStats,
    Report,
    build_report,
    flatten,
    fmt_hm,
    report_json,
)

__all__ = [
    "DAY",
    "Away",
    "AwayDetector",
    "CategoryInfo",
    "Change",
    "DayStats",
    "Entry",
    "OverlapError",
    "RecordError",
    "Report",
    "Segment",
    "Tracking",
    "adjust_plan",
    "away_plan",
    "build_report",
    "cells",
    "day_bounds",
    "day_length_s",
    "days",
    "describe",
    "flatten",
    "fmt_hm",
    "local_midnight",
    "merge_pair",
    "overlap_message",
    "overlaps",
    "period",
    "previous",
    "report_json",
    "segments",
    "shift",
    "split_at",
    "text_report",
]
