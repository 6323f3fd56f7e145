"""Time-audit use cases. Other instruments book time through ``add_entry``.

The tracked (running) entry is a time entry with ``end`` None; the small doc ``audit-track``
holds its id (``{"entry": id}``). A switch closes it at the same instant the next one starts,
so there is no gap and no overlap. The records handed out are ``cockpit.core.audit``'s
``Entry`` and ``Tracking``; ``from cockpit.services import audit; audit.start(...)``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

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

# Loaded on first use, not at start-up: the app's first frame does not need them. The imports
# are spelled out below, so the import graph (and lint-imports) sees every one of them.
_LAZY = {
    # editing
    "Deleted": "editing",
    "OverlapRefused": "editing",
    "add": "editing",
    "delete": "editing",
    "edit": "editing",
    "get": "editing",
    "merge": "editing",
    "split": "editing",
    "undo_delete": "editing",
    # importing
    "ImportResult": "importing",
    "import_file": "importing",
}

if TYPE_CHECKING:
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
    from cockpit.services.audit.importing import (
        ImportResult,
        import_file,
    )


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where == "editing":
        import cockpit.services.audit.editing
    elif where == "importing":
        import cockpit.services.audit.importing  # noqa: F401 - reached through sys.modules below
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(sys.modules[f"{__name__}.{where}"], name)
    globals()[name] = value
    return value


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
