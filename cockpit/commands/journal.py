"""``cockpit jobs show|note|export|diff``: the experiment journal on the command line."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cockpit.core.text import clean, dumps_clean

if TYPE_CHECKING:
    from cockpit.context import Context


def register(jobs: argparse.ArgumentParser) -> None:
    sub = jobs.add_subparsers(dest="jobs_command", metavar="COMMAND")
    c = sub.add_parser("show", help="one run's journal entry")
    c.add_argument("id", metavar="ID", help="job id (or run id, session, name)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_show)
    c = sub.add_parser("note", help="set a run's outcome note")
    c.add_argument("id", metavar="ID")
    c.add_argument("text", metavar="TEXT", nargs="+")
    c.set_defaults(func=cmd_note)
    c = sub.add_parser("export", help="every run, one row each (csv or json)")
    c.add_argument("--format", choices=("csv", "json"), default="csv")
    c.set_defaults(func=cmd_export)
    c = sub.add_parser("diff", help="two runs side by side: config, code, data, params, metrics")
    c.add_argument("a", metavar="A")
    c.add_argument("b", metavar="B")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=cmd_diff)


def _v(v: Any, digits: int = 4) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}g}"
    return clean(str(v), max_len=200)


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services.gpu import runs

    if args.json:
        print(dumps_clean({"job": runs.show(ctx, args.id).to_doc()}, ensure_ascii=False))
        return 0
    print("\n".join(runs.entry(ctx, args.id)))
    return 0


def cmd_note(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services.gpu import runs

    job = runs.note(ctx, args.id, " ".join(args.text))
    print(f"noted on {clean(str(job.id))}: {clean(' '.join(args.text), max_len=100)}")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    import sys

    from cockpit.core.journal_table import csv_text
    from cockpit.services.gpu import runs

    rows = runs.rows(ctx)
    if args.format == "json":
        print(dumps_clean({"runs": rows}, ensure_ascii=False))
    else:
        sys.stdout.write(csv_text(rows))
    return 0


def cmd_diff(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services.gpu import runs

    d = runs.diff(ctx, args.a, args.b)
    if args.json:
        print(dumps_clean(d, ensure_ascii=False))
        return 0
    print(f"A = {clean(str(d['a']))}   B = {clean(str(d['b']))}")
    if d["fields"]:
        print("differs:")
        for f, a, b in d["fields"]:
            print(f"  {f + ':':18}A {_v(a)}\n  {'':18}B {_v(b)}")
    for c in d["configs"]:
        print(f"config {clean(c['path'])}: {c['change']}")
        for line in c.get("diff") or []:
            print(f"  {clean(line)}")
    for p, a, b in d["data"]:
        print(f"data {clean(p)}: A {_v(a)}  B {_v(b)}")
    for k, a, b in d["params"]:
        print(f"param {clean(k)}: A {_v(a)}  B {_v(b)}")
    if d["metrics"]:
        print("metrics:")
        for k, a, b, delta in d["metrics"]:
            change = f"  ({delta:+.4g})" if delta is not None else ""
            print(f"  {clean(k, max_len=40):40} A {_v(a, 6):>12}  B {_v(b, 6):>12}{change}")
    return 0
