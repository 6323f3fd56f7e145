"""MIT and task use cases. Other instruments read tasks and add focus time through these."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cockpit.store import Collection

if TYPE_CHECKING:
    from cockpit.context import Context

# A task (collection "tasks", one file): title, notes, impact "high"|"low",
# effort "quick"|"hours"|"days", stage None|"hypothesis"|"data"|"training"|"evaluation"|"deployment",
# category (category id), estimate (sprints, int), project, created (stamp), done (stamp|None),
# mit_date (local ISO date it is an MIT for, or None), mit_order (int), focus_s (int seconds).


def tasks(ctx: Context) -> Collection:
    return ctx.store.collection("tasks", label="task")


def get_task(ctx: Context, task_id: str) -> dict[str, Any] | None:
    return tasks(ctx).get(task_id)


def todays_mits(ctx: Context) -> list[dict[str, Any]]:
    """Today's MITs (local date), open ones first, in their order."""
    today = ctx.clock.now().astimezone(ctx.clock.tz).date().isoformat()
    mits = [t for t in tasks(ctx).all() if t.get("mit_date") == today]
    return sorted(mits, key=lambda t: (t.get("done") is not None, t.get("mit_order", 0)))


def add_focus_time(ctx: Context, task_id: str, seconds: int) -> None:
    c = tasks(ctx)
    part, _ = c.split_id(task_id)
    with c.transaction(part) as p:
        t = p.get(task_id)
        if t is not None:
            p.update(task_id, {"focus_s": int(t.get("focus_s", 0)) + int(seconds)})
