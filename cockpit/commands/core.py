"""Commands that belong to no single instrument: status, doctor, store."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cockpit.context import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="one-line status for scripts and the tmux status bar")
    p.add_argument("--format", choices=["text", "tmux", "json"], default="text")
    p.set_defaults(func=_status)

    p = sub.add_parser("doctor", help="check colours, TERM and tmux options; print the fixes")
    p.set_defaults(func=_doctor)

    p = sub.add_parser("store", help="check the data store or restore a file from its backups")
    ssub = p.add_subparsers(dest="store_cmd", metavar="ACTION", required=True)
    c = ssub.add_parser("check", help="read every store file and report the unreadable ones")
    c.set_defaults(func=_store_check)
    r = ssub.add_parser("restore", help="put the newest good backup of FILE back in place")
    r.add_argument("file", type=Path)
    r.add_argument("--backup", type=Path, help="a specific backup file to restore")
    r.set_defaults(func=_store_restore)
    w = ssub.add_parser("path", help="print where the store lives")
    w.set_defaults(func=lambda args, ctx: print(ctx.paths.store_dir) or 0)


def _status(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit import status

    return status.main_fast(["--format", args.format])


def _doctor(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit import doctor

    env = dict(os.environ)
    findings = doctor.check_env(env) + doctor.check_tmux(doctor.tmux_options(env))
    print(doctor.report(findings))
    return 0 if all(f.ok for f in findings) else 1


def _store_check(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import storecheck

    swept, bad = storecheck.check(ctx)
    if swept:
        print(f"removed {len(swept)} temp file(s) left by interrupted writes")
    for e in bad:
        print(e)
    if not bad:
        print(f"store ok: {ctx.paths.store_dir}")
    return 1 if bad else 0


def _store_restore(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import storecheck

    used = storecheck.restore(ctx, args.file, args.backup)
    print(f"restored {args.file} from {used}; the unreadable copy was kept beside it")
    return 0
