"""Time-audit use cases. Other instruments book time through ``add_entry``.

The tracked (running) entry is a time entry with ``end`` None; the small doc ``audit-track``
holds its id (``{"entry": id}``). A switch closes it at the same instant the next one starts,
so there is no gap and no overlap. The records handed out are ``cockpit.core.audit``'s
``Entry`` and ``Tracking``; ``from cockpit.services import audit; audit.start(...)``.
"""

from __future__ import annotations

from cockpit.services.audit.common import (
    RUNNING_ID,
    add_entry,
    by_key,
    categories,
    category,
    check_task,
    entries,
    fingerprint,
    names,
    parse_date,
    parse_local,
    period,
    today,
    zone,
)
from cockpit.services.audit.editing import (
    Deleted,
    OverlapRefused,
    add,
    delete,
    edit,
    get,
    merge,
    split,
    undo_delete,
)
from cockpit.services.audit.importing import ImportResult, import_file
from cockpit.services.audit.reading import EXPORT_FIELDS, export, export_rows, load, month_parts, report
from cockpit.services.audit.tracking import (
    away_signals,
    resolve_away,
    running,
    running_entry,
    set_running,
    start,
    stop,
)

__all__ = [
    "EXPORT_FIELDS",
    "RUNNING_ID",
    "Deleted",
    "ImportResult",
    "OverlapRefused",
    "add",
    "add_entry",
    "away_signals",
    "by_key",
    "categories",
    "category",
    "check_task",
    "delete",
    "edit",
    "entries",
    "export",
    "export_rows",
    "fingerprint",
    "get",
    "import_file",
    "load",
    "merge",
    "month_parts",
    "names",
    "parse_date",
    "parse_local",
    "period",
    "report",
    "resolve_away",
    "running",
    "running_entry",
    "set_running",
    "split",
    "start",
    "stop",
    "today",
    "undo_delete",
    "zone",
]
