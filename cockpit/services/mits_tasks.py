"""Where the mits service finds tasks: the collection, one task by id, and the few tasks that
carry-over and the MIT cap decide on.

Tasks live in files of 100 ids (``store/schema.py``). A change reads the one file of its task
and, for its decisions, only the tasks that are today's MITs or open MITs of earlier days: each
file's matches are remembered by the store until the file changes, so at years of history a
task write costs a stat per file, not a pass over every task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cockpit.core.mits_records import Task
from cockpit.store import Batch, Collection, schema

if TYPE_CHECKING:
    from cockpit.context import Context


def tasks(ctx: Context) -> Collection:
    return schema.tasks(ctx.store)


def get_task(ctx: Context, task_id: str) -> Task | None:
    doc = tasks(ctx).get(task_id)
    return None if doc is None else Task.from_doc(doc)


def fingerprint(ctx: Context) -> int:
    """Changes whenever a tasks file changes (this process or another)."""
    return tasks(ctx).fingerprint()


def tasks_bytes(ctx: Context) -> int:
    c = tasks(ctx)
    total = 0
    for p in c.parts():
        try:
            total += c.path(p).stat().st_size
        except FileNotFoundError:
            pass
    return total


def _mit_test(day: str) -> Callable[[dict[str, Any]], bool]:
    def needed(doc: dict[str, Any]) -> bool:
        mit_date = doc.get("mit_date")
        return bool(mit_date) and (not doc.get("done") or str(mit_date) >= day)

    return needed


def mit_records(source: Collection | Batch, day: str) -> list[Task]:
    """The tasks carry-over and the MIT cap look at on ``day``: its MITs (open or done) and the
    open MITs of earlier days. Done MITs of earlier days change neither, so they are skipped."""
    return [Task.from_doc(d) for d in source.select(("mits", day), _mit_test(day))]
