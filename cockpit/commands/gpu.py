"""CLI subcommands of the gpu instrument: gpu, jobs, launch, hosts check."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cockpit.core.text import dumps_clean

if TYPE_CHECKING:
    from cockpit.context import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gpu", help="one snapshot of the GPUs and jobs on every host")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--host", action="append", metavar="H", help="only this host (repeatable)")
    p.set_defaults(func=cmd_gpu)

    p = sub.add_parser("jobs", help="jobs launched from cockpit (running and lost; --all: history)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--all", action="store_true", help="include finished and failed jobs")
    p.set_defaults(func=cmd_jobs)
    from cockpit.commands import journal

    journal.register(p)

    p = sub.add_parser(
        "launch",
        help="run a command in a detached tmux session on a host, recording it",
        usage=LAUNCH_USAGE,
        description="Options go before --; everything after -- is the command.",
    )
    _launch_options(p)
    p.set_defaults(func=cmd_launch)

    p = sub.add_parser("hosts", help="the configured GPU hosts")
    hs = p.add_subparsers(dest="hosts_command", metavar="COMMAND")
    c = hs.add_parser("check", help="reachability, host key, nvidia-smi, tmux and Slurm per host")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_hosts_check)
    p.set_defaults(func=cmd_hosts_check, json=False)


LAUNCH_USAGE = "cockpit launch HOST [--name N] [--note TEXT] [--gpus 0,1] [--cwd DIR] -- CMD..."


def _launch_options(p: argparse.ArgumentParser, rest: bool = True) -> None:
    if rest:
        # argparse cannot mix a positional HOST, options and a REMAINDER: take it all, split at --
        p.add_argument("rest", nargs=argparse.REMAINDER, metavar="HOST [options] -- CMD...")
        return
    p.add_argument("host", metavar="HOST", help="a [[hosts]] name, or 'local'")
    p.add_argument("--name", help="tmux session name (default job-DATE-TIME)")
    p.add_argument("--note", default="", help="hypothesis / what this run is for")
    p.add_argument("--gpus", help="CUDA_VISIBLE_DEVICES for the job, e.g. 0,1")
    p.add_argument(
        "--cwd", help="working directory on the host (default: the current one; home on an SSH host)"
    )


def parse_launch(rest: list[str]) -> tuple[argparse.Namespace, list[str] | str]:
    """Options and command: one argument after ``--`` is a command line for the user's shell
    (``$SHELL -c``, as ``ssh host 'cmd; cmd'``); several keep exec semantics."""
    from cockpit.argv import Parser
    from cockpit.errors import UsageError

    if "--" not in rest:
        raise UsageError("launch: give the command after --, e.g. cockpit launch HOST -- python train.py")
    i = rest.index("--")
    p = Parser(prog="cockpit launch", usage=LAUNCH_USAGE)
    _launch_options(p, rest=False)
    opts = p.parse_args(rest[:i])
    cmd = rest[i + 1 :]
    if not cmd:
        raise UsageError("launch: the command after -- is empty")
    return opts, (cmd[0] if len(cmd) == 1 else cmd)


def _fmt(v: Any, unit: str = "", digits: int = 0) -> str:
    if v is None:
        return "-"
    return f"{v:.{digits}f}{unit}"


def cmd_gpu(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core.text import clean
    from cockpit.services import gpu as svc

    poller = svc.Poller(ctx, only=args.host)
    try:
        states = poller.poll()
        try:
            svc.record(ctx, states, poller=poller)
        except svc.StoreWriteError as e:  # a read-only or full disk: the snapshot is still right
            print(f"cockpit: warning: the job state could not be saved: {e}", file=sys.stderr)
    finally:
        poller.close()
    if args.json:
        print(dumps_clean({"hosts": [s.to_json() for s in states]}, ensure_ascii=False))
        return 0
    if not states:
        print("no hosts: add [[hosts]] to config.toml, or set [gpu] local = true")
        return 0
    for s in states:
        head = f"{clean(s.name, max_len=40)}: " + ("ok" if s.ok else f"ERROR {s.error}")
        if not s.ok and s.last_seen:
            head += f" (last seen {s.last_seen[:19].replace('T', ' ')} UTC)"
        if s.ok and s.error:
            head += f" ({s.error})"
        print(head)
        for n in s.notes:
            print(f"  note: {clean(n, max_len=120)}")
        for g in s.gpus:
            mem = f"{_fmt(g.mem_used_mib)}/{_fmt(g.mem_total_mib)} MiB"
            print(
                f"  GPU{g.index} {clean(g.name, max_len=28):28} util {_fmt(g.util_pct, '%'):>5} "
                f"mem {mem:>17} {_fmt(g.temp_c, 'C'):>4} {_fmt(g.power_w, 'W'):>5}"
            )
        for j in s.jobs:
            where = j.tmux_target or (f"pid {j.pid}" if j.pid else "-")
            prog = f" {j.progress_pct:.0f}%" if j.progress_pct is not None else ""
            print(f"  [{j.state}] {clean(where, max_len=30)} {clean(j.command or '', max_len=60)}{prog}")
            if j.last_line:
                print(f"      {clean(j.last_line, max_len=100)}")
    return 0


def cmd_jobs(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core.jobs import describe_exit, fmt_span
    from cockpit.core.text import clean
    from cockpit.services import gpu as svc

    jobs = svc.list_jobs(ctx, all=args.all)
    if args.json:
        print(dumps_clean({"jobs": [j.to_doc() for j in jobs]}, ensure_ascii=False))
        return 0
    if not jobs:
        print("no jobs" + ("" if args.all else " running (--all for history)"))
        return 0
    for j in jobs:
        where = j.session or (f"slurm {j.slurm_id}" if j.slurm_id else f"pid {j.pid}")
        extra = f" {describe_exit(j.exit_code)} after {fmt_span(j.duration_s)}" if j.is_ended else ""
        print(
            f"{j.id:>10} {j.state or '':8} {clean(j.host or '', max_len=20)}:"
            f"{clean(where, max_len=30)} {clean(j.command or '', max_len=50)}{extra}"
        )
        if j.note:
            print(f"{'':>10} note: {clean(j.note, max_len=90)}")
    return 0


def cmd_launch(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import gpu as svc

    opts, cmd = parse_launch(list(args.rest))
    poller = svc.Poller(ctx, only=[opts.host])
    try:
        job = svc.launch(ctx, poller, opts.host, cmd, opts.name, opts.note, opts.gpus, opts.cwd)
    finally:
        poller.close()
    commit = job.git_commit
    git = f" at {commit[:10]}{' (dirty)' if job.git_dirty else ''}" if commit else ""
    print(f"launched {job.id} as tmux session {job.session} on {opts.host}{git}")
    return 0


def cmd_hosts_check(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import gpu as svc

    poller = svc.Poller(ctx)
    try:
        results = [svc.check_host(poller, h) for h in poller.hosts]
    finally:
        poller.close()
    if getattr(args, "json", False):
        print(dumps_clean({"hosts": results}))
    else:
        if not results:
            print("no hosts configured")
        for r in results:
            if not r["reachable"]:
                print(f"{r['name']}: UNREACHABLE - {r['error']}")
                continue
            yn = {True: "yes", False: "no"}
            print(
                f"{r['name']}: reachable, host key {r['host_key']}, nvidia-smi {yn[r['nvidia_smi']]}, "
                f"tmux {yn[r['tmux']]}, slurm {yn[r['slurm']]}"
            )
    return 0 if all(r["reachable"] for r in results) else 1
