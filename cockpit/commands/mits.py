"""CLI subcommands of the mits instrument: ``cockpit task add|list|done|undone|mit|rm|history``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cockpit.core.text import dumps_clean

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.mits_records import Task


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("task", help="tasks and today's MITs (Most Important Tasks)")
    tsub = p.add_subparsers(dest="task_cmd", metavar="ACTION", required=True)

    a = tsub.add_parser("add", help="add a task (with --mit: one of today's MITs)")
    a.add_argument("title", metavar="TITLE")
    a.add_argument("--mit", action="store_true", help="make it one of today's MITs (cap: 3)")
    a.add_argument("--impact", default="high", metavar="high|low")
    a.add_argument("--effort", default="hours", metavar="quick|hours|days")
    a.add_argument(
        "--stage",
        default=None,
        metavar="S",
        help="hypothesis, data prep, training, evaluation, deployment, none",
    )
    a.add_argument("--category", default=None, metavar="C", help="a time-audit category: id, name or key")
    a.add_argument("--estimate", default=0, metavar="N", help="estimate in sprints")
    a.add_argument("--project", default="", metavar="TAG")
    a.add_argument("--notes", default="", metavar="TEXT")
    a.add_argument("--json", action="store_true", help="print the new task as JSON")
    a.set_defaults(func=_add)

    ls = tsub.add_parser("list", help="open tasks, MITs first")
    g = ls.add_mutually_exclusive_group()
    g.add_argument("--today", action="store_true", help="only today's MITs (done ones too)")
    g.add_argument("--all", action="store_true", help="done tasks too")
    ls.add_argument("--json", action="store_true", help="a JSON list")
    ls.set_defaults(func=_list)

    d = tsub.add_parser("done", help="mark a task done")
    d.add_argument("id", metavar="ID")
    d.set_defaults(func=_done)

    u = tsub.add_parser("undone", help="mark a done task open again")
    u.add_argument("id", metavar="ID")
    u.set_defaults(func=_undone)

    m = tsub.add_parser("mit", help="make a task one of today's MITs (--off: not any more)")
    m.add_argument("id", metavar="ID")
    m.add_argument("--off", action="store_true", help="unpick it instead")
    m.set_defaults(func=_mit)

    r = tsub.add_parser("rm", help="delete a task")
    r.add_argument("id", metavar="ID")
    r.set_defaults(func=_rm)

    h = tsub.add_parser("history", help="MITs planned vs done per day")
    h.add_argument("--days", type=int, default=14, metavar="N")
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=_history)


def public(t: Task, today: str) -> dict[str, Any]:
    """The JSON shape of a task in ``task list --json`` / ``task add --json``."""
    from cockpit.core import tasks as core

    mit = t.mit_date == today
    return {
        "id": t.id,
        "title": t.title,
        "mit": mit,
        "mit_order": t.mit_order if mit else None,
        "carried_days": core.carried_days(t, today) if mit else 0,
        "done": bool(t.done),
        "done_at": t.done,
        "impact": t.impact,
        "effort": t.effort,
        "quadrant": core.quadrant_of(t),
        "stage": t.stage,
        "category": t.category,
        "estimate": t.estimate,
        "focus_s": t.focus_s,
        "project": t.project,
        "notes": t.notes,
        "created": t.created,
    }


def line(t: Task, today: str) -> str:
    from cockpit.core import tasks as core
    from cockpit.core.text import clean

    mark = "x" if t.done else ("*" if t.mit_date == today else " ")
    carried = core.carried_days(t, today) if t.mit_date == today and not t.done else 0
    extra = f" (carried {carried}d)" if carried else ""
    stage = f" [{core.STAGE_NAMES[t.stage]}]" if t.stage in core.STAGE_NAMES else ""
    return f"{t.id:>5} [{mark}] {clean(t.title, 200)}{extra}{stage}"


def _add(args: argparse.Namespace, ctx: Context) -> int:

    from cockpit.services import mits

    t = mits.add_task(
        ctx,
        args.title,
        mit=args.mit,
        impact=args.impact,
        effort=args.effort,
        stage=args.stage,
        category=args.category,
        estimate=args.estimate,
        project=args.project,
        notes=args.notes,
    )
    if args.json:
        print(dumps_clean(public(t, mits.today(ctx)), ensure_ascii=False))
    else:
        print(
            f"added task {t.id}{' as an MIT' if args.mit else ''}: {line(t, mits.today(ctx)).split('] ', 1)[1]}"
        )
    return 0


def _list(args: argparse.Namespace, ctx: Context) -> int:

    from cockpit.services import mits

    mits.carry_over(ctx)
    which = "today" if args.today else "all" if args.all else "open"
    items = mits.list_tasks(ctx, which)
    day = mits.today(ctx)
    if args.json:
        print(dumps_clean([public(t, day) for t in items], ensure_ascii=False))
        return 0
    if not items:
        print("no MITs picked for today" if which == "today" else "no tasks")
    for t in items:
        print(line(t, day))
    return 0


def _done(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import mits

    mits.resolve_id(ctx, args.id)
    t, _ = mits.complete(ctx, args.id, True)
    print(f"done: {line(t, mits.today(ctx)).split('] ', 1)[1]}")
    return 0


def _undone(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import mits

    mits.resolve_id(ctx, args.id)
    t, _ = mits.complete(ctx, args.id, False)
    print(f"open again: {line(t, mits.today(ctx)).split('] ', 1)[1]}")
    return 0


def _mit(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import mits

    mits.resolve_id(ctx, args.id)
    if args.off:
        t, _ = mits.unmake_mit(ctx, args.id)
        print(f"not an MIT any more: {line(t, mits.today(ctx)).split('] ', 1)[1]}")
        return 0
    t, _ = mits.make_mit(ctx, args.id)
    print(f"MIT {t.mit_order} of today: {line(t, mits.today(ctx)).split('] ', 1)[1]}")
    return 0


def _rm(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import mits

    old = mits.resolve_id(ctx, args.id)
    mits.delete(ctx, args.id)
    print(f"deleted task {args.id}: {line(old, mits.today(ctx)).split('] ', 1)[1]}")
    return 0


def _history(args: argparse.Namespace, ctx: Context) -> int:

    from cockpit.errors import UsageError
    from cockpit.services import mits

    if not 1 <= args.days <= 366:
        raise UsageError("--days must be between 1 and 366")
    rows = mits.history(ctx, args.days)
    if args.json:
        print(dumps_clean(rows))
        return 0
    for r in rows:
        print(f"{r['date']}  planned {r['planned']}  done {r['done']}")
    return 0
