"""CLI subcommands of the focus instrument: ``cockpit focus ...`` and ``cockpit notify test``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cockpit.core.text import dumps_clean

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.focus_view import SessionView


def _minutes(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of minutes: {text!r}") from None
    if not 0 < v <= 24 * 60:
        raise argparse.ArgumentTypeError(f"minutes must be between 0 and 1440, got {text}")
    return v


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("focus", help="focus sprints, blocks, pomodoros and time-boxes")
    fs = p.add_subparsers(dest="focus_cmd", metavar="ACTION", required=True)

    s = fs.add_parser("start", help="start a session (refused while one runs, unless --replace)")
    s.add_argument("--mode", choices=["sprint", "block", "pomodoro", "timebox"], default="sprint")
    s.add_argument("--minutes", type=_minutes, help="length (a block: its total focus time)")
    s.add_argument("--task", metavar="ID", help="task id (default: today's first open MIT)")
    s.add_argument("--category", metavar="C", help="category id, name or key (default: last used)")
    s.add_argument("--paper", metavar="ARXIV_ID", help="book the time to this paper (source reading)")
    s.add_argument("--replace", action="store_true", help="stop the running session and start anew")
    s.set_defaults(func=_start)

    for name, help_text in (
        ("pause", "pause the running session"),
        ("resume", "resume a paused session"),
        ("stop", "end the session now, keeping what was done"),
        ("finish", "finish the focus phase early and start the break"),
        ("skip", "skip the break"),
    ):
        c = fs.add_parser(name, help=help_text)
        c.set_defaults(func=_simple, action=name)

    a = fs.add_parser("abandon", help="end the session now as abandoned")
    a.add_argument("--reason", default="", help="why (kept in the sprint's record)")
    a.set_defaults(func=_abandon)

    e = fs.add_parser("extend", help="add minutes to the current phase (default [focus] extend_minutes)")
    e.add_argument("--minutes", type=_minutes)
    e.set_defaults(func=_extend)

    i = fs.add_parser("interrupt", help="log an interruption without stopping the sprint")
    g = i.add_mutually_exclusive_group()
    g.add_argument("--internal", dest="kind", action="store_const", const="internal")
    g.add_argument("--external", dest="kind", action="store_const", const="external")
    i.add_argument("--note", default="")
    i.set_defaults(func=_interrupt, kind="external")

    st = fs.add_parser("status", help="the current session and today's sprints")
    st.add_argument("--json", action="store_true", help="machine-readable")
    st.set_defaults(func=_status)

    n = sub.add_parser("notify", help="the alert channels")
    ns = n.add_subparsers(dest="notify_cmd", metavar="ACTION", required=True)
    t = ns.add_parser("test", help="send one alert through every enabled channel; report which worked")
    t.set_defaults(func=_notify_test)


def _line(ctx: Context, v: SessionView | None) -> str:
    from cockpit.core import focus as core
    from cockpit.core.text import clean
    from cockpit.services import focus

    if v is None:
        return "no session running"
    what = core.MODE_LABELS.get(v.mode, v.mode)
    if v.rounds > 1:
        what += f" {v.round}/{v.rounds}"
    state = v.state
    if state == "break":
        head = f"break after {what}: {core.fmt_clock(v.remaining_s)} left"
    elif state == "overrun":
        head = f"{what} over by {core.fmt_clock(-v.remaining_s)}"
    else:
        head = f"{what} {state}: {core.fmt_clock(v.remaining_s)} left of {core.fmt_clock(v.planned_s)}"
    bits = [head]
    if v.task:
        bits.append(f"task {v.task} {clean(v.task_title or '', 60)}".rstrip())
    if v.paper:
        bits.append(f"paper {clean(v.paper, 40)}")
    bits.append(focus.category_name(ctx, v.category))
    if v.interruptions:
        bits.append(f"{v.interruptions} interruption(s)")
    return " · ".join(bits)


def _start(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import focus

    v = focus.start(
        ctx,
        mode=args.mode,
        minutes=args.minutes,
        task=args.task,
        category=args.category,
        paper=args.paper,
        replace=args.replace,
    )
    print("started " + _line(ctx, v))
    return 0


def _simple(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import focus

    if args.action == "pause":
        s = focus.pause(ctx)
    elif args.action == "resume":
        s = focus.resume(ctx)
    elif args.action == "finish":
        s, _ = focus.finish(ctx)
    elif args.action == "skip":
        s, _ = focus.skip_break(ctx)
    else:
        records = focus.stop(ctx)
        mins = sum(r.active_s for r in records) // 60
        print(f"stopped; {mins} min booked")
        return 0
    print(_line(ctx, focus.view(ctx, s) if s else None))
    return 0


def _abandon(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import focus

    focus.abandon(ctx, args.reason)
    print("abandoned" + (f": {args.reason}" if args.reason else ""))
    return 0


def _extend(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import focus

    s = focus.extend(ctx, args.minutes)
    print(_line(ctx, focus.view(ctx, s) if s else None))
    return 0


def _interrupt(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import focus

    s = focus.interrupt(ctx, args.kind, args.note)
    print(f"{args.kind} interruption logged; " + _line(ctx, focus.view(ctx, s) if s else None))
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import focus

    v = focus.current(ctx)
    day = focus.today(ctx)
    if args.json:
        out: dict[str, object] = {
            "state": v.state if v else "idle",
            "mode": v.mode if v else None,
            "phase": v.phase if v else None,
            "remaining_s": v.remaining_s if v else None,
            "planned_s": v.planned_s if v else None,
            "elapsed_s": v.elapsed_s if v else None,
            "ends": v.ends if v else None,
            "round": v.round if v else None,
            "rounds": v.rounds if v else None,
            "task": v.task if v else None,
            "task_title": v.task_title if v else None,
            "category": v.category if v else None,
            "paper": v.paper if v else None,
            "interruptions": v.interruptions if v else 0,
            "today": day.to_dict(),
        }
        print(dumps_clean(out, ensure_ascii=False))
        return 0
    print(_line(ctx, v))
    print(
        f"today: {day.sprints}/{day.goal} sprints, {day.focus_s // 60} min focus, "
        f"{day.internal} internal + {day.external} external interruptions; streak {day.streak} day(s)"
    )
    return 0


def _notify_test(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core.alerts import Alert

    results = ctx.notifier.send(
        Alert("cockpit test alert", "If you can read this, this channel reaches you.", "normal", "cockpit")
    )
    for r in results:
        if not r.available:  # not a failure: the channel does not apply here
            why = r.detail.removeprefix("unavailable: ")
            print(f"--   {r.channel:8s} not available here: {why}".rstrip())
            continue
        print(f"{'ok  ' if r.ok else 'FAIL'} {r.channel:8s} {r.detail}".rstrip())
    if not results:
        print("no channels enabled ([notify] channels is empty)")
    return 0 if any(r.ok for r in results) else 1
