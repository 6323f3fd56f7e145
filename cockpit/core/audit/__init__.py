"""Time-audit domain logic: entries, overlaps, split/merge, context switches, reports, away.

Pure: no store, no Textual, no clock reads. Instants are aware UTC datetimes; local days
are computed in an IANA zone so that midnight splits and DST days (23 h / 25 h) are exact.
The names of the modules below are re-exported here: ``from cockpit.core import audit as core``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from cockpit.core.audit.away import Away, AwayDetector, away_plan
from cockpit.core.audit.charts import cells, text_report
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

# Loaded on first use, not at start-up: the app's first frame does not need them. The imports
# are spelled out below, so the import graph (and lint-imports) sees every one of them.
_LAZY = {
    # edits
    "Change": "edits",
    "OverlapError": "edits",
    "adjust_plan": "edits",
    "describe": "edits",
    "merge_pair": "edits",
    "overlap_message": "edits",
    "overlaps": "edits",
    "split_at": "edits",
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where == "edits":
        import cockpit.core.audit.edits  # noqa: F401 - reached through sys.modules below
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(sys.modules[f"{__name__}.{where}"], name)
    globals()[name] = value
    return value


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
