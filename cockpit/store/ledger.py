"""The alert ledger: one record, shared by every process, of the alerts already sent.

``store/alerts.json`` maps an alert's key (``cockpit.core.alerts.Alert.key``) to the stamp it
was claimed at. ``claim`` checks and sets a key in one step under the store's lock
(``store/.lock``), before anything is sent: so the app, a second app, the CLI and the tmux status
line, which may all see a phase end, send its alert exactly once between them.

The ledger is cockpit's own bookkeeping, not the user's data: a damaged one is moved aside
(``alerts.json.damaged``) and a new one started, so alerts keep working.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from cockpit.store.fs import atomic_write, ensure_dir, held

LEDGER = "alerts.json"
KEEP = dt.timedelta(days=14)  # keys older than this are forgotten (their events are long past)


def _read(path: Path) -> dict[str, str]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        os.replace(path, path.with_name(LEDGER + ".damaged"))
        return {}
    return data


def claimed(root: Path, key: str) -> bool:
    """Whether ``key`` was claimed already (a read without the lock: a hint, not a claim)."""
    try:
        data = json.loads((root / LEDGER).read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and key in data


def claim(root: Path, key: str, now: dt.datetime) -> bool:
    """True for the first caller to claim ``key`` (it sends the alert), False for every later one."""
    ensure_dir(root)
    with held(root / ".lock"):
        path = root / LEDGER
        data = _read(path)
        if key in data:
            return False
        cutoff = now - KEEP
        kept = {k: v for k, v in data.items() if _after(v, cutoff)}
        kept[key] = now.astimezone(dt.UTC).isoformat()
        atomic_write(path, json.dumps(kept, sort_keys=True).encode())
        return True


def _after(stamp: str, cutoff: dt.datetime) -> bool:
    try:
        t = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return False
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)) >= cutoff
