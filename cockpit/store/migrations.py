"""Store upgrades, each run once (``Store._migrate``), under the store's lock, before any read.

Schema 2: the tasks leave their single file (``tasks/all.json``, rewritten whole by every task
write: 60 ms at 5,000 tasks) for files of 100 ids each (``tasks/0042xx.json`` holds ids
4200-4299). Ids do not change, so time entries, focus records and papers that name a task by
id still name the same task.

Restartable: the old file is copied to the backups first, then every new file is written
(atomically, durably) from the old file's content, and the old file is removed last; the
schema number is written after that. A kill at any instant leaves the old file in place (the
next open runs the move again from it, replacing whatever the killed run wrote) or the move
complete (the next open only writes the schema number).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from cockpit.errors import CockpitError, CorruptFileError
from cockpit.paths import make_private_dir
from cockpit.store.batch import by_id
from cockpit.store.fs import atomic_write, fsync_dir, locked, write_error
from cockpit.store.storage import TABLE, dumps, parse

if TYPE_CHECKING:
    from cockpit.store import Store

OLD_TASKS = "all.json"
BACKUP_NAME = "before-schema-2.json"


def tasks_by_id(store: Store) -> None:
    folder = store.root / "tasks"
    old = folder / OLD_TASKS
    if not old.exists():
        return  # a store without tasks, or a move that only missed its schema number
    with locked(folder / ".lock"):  # a cockpit of schema 1 still running writes under this lock
        try:
            raw = old.read_bytes()
            data = parse(old, raw)
        except (OSError, CorruptFileError) as e:
            detail = e.detail if isinstance(e, CorruptFileError) else e.strerror
            raise CockpitError(
                f"cannot upgrade the store: {old} is unreadable ({detail}); it was left untouched; "
                f"put a good copy in its place (backups: {store.root / '.backups' / 'tasks' / 'all'}) "
                "and start cockpit again"
            ) from None
        keep = store.root / ".backups" / "tasks" / "all"
        try:
            make_private_dir(keep)
        except OSError as e:
            raise write_error(keep, e) from e
        atomic_write(keep / BACKUP_NAME, raw)
        for name, records in _by_bucket(data.get(TABLE, {})).items():
            atomic_write(folder / f"{name}.json", dumps({TABLE: records}))
        buckets = by_id()
        wanted = {f"{n}.json" for n in _by_bucket(data.get(TABLE, {}))}
        try:
            for f in os.listdir(folder):  # files of a killed run from content since changed
                if f.endswith(".json") and buckets.is_part(f[:-5]) and f not in wanted:
                    (folder / f).unlink()
            old.unlink()
            fsync_dir(folder)
        except OSError as e:
            raise write_error(old, e) from e


def _by_bucket(records: dict[str, Any]) -> dict[str, dict[str, Any]]:
    buckets = by_id()
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(records, key=int):
        out.setdefault(buckets.part(int(key)), {})[key] = records[key]
    return out
