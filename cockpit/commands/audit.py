"""CLI subcommands of the audit instrument: ``cockpit track ...`` and ``cockpit audit ...``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cockpit.core.text import dumps_clean
from cockpit.errors import UsageError

if TYPE_CHECKING:
    from cockpit.context import Context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("track", help="time audit: start, switch or stop tracking a category")
    tsub = p.add_subparsers(dest="track_cmd", metavar="ACTION", required=True)
    s = tsub.add_parser("start", help="start (or switch to) CATEGORY: its name, id or key")
    s.add_argument("category")
    s.add_argument("--note", default="")
    s.add_argument("--task", default=None, help="link the entry to a task id")
    s.set_defaults(func=_start)
    s = tsub.add_parser("stop", help="stop tracking")
    s.set_defaults(func=_stop)
    s = tsub.add_parser("status", help="what is being tracked")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=_status)

    p = sub.add_parser("audit", help="time audit: reports, editing, import and export")
    asub = p.add_subparsers(dest="audit_cmd", metavar="ACTION", required=True)

    r = asub.add_parser("report", help="totals per category, deep work, context switches, trend")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--day", action="store_const", const="day", dest="kind")
    g.add_argument("--week", action="store_const", const="week", dest="kind")
    g.add_argument("--month", action="store_const", const="month", dest="kind")
    g.add_argument(
        "--audit", action="store_const", const="audit", dest="kind", help="the audit period from config"
    )
    r.add_argument("--from", dest="first", metavar="DATE")
    r.add_argument("--to", dest="last", metavar="DATE", help="last day, included")
    r.add_argument("--date", metavar="DATE", help="the day the period contains (default today)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=_report)

    i = asub.add_parser("import", help="import Toggl/Clockify CSV, Timewarrior or Watson data")
    i.add_argument("tool", choices=["toggl", "clockify", "timewarrior", "watson"])
    i.add_argument("file")
    i.add_argument(
        "--map", action="append", default=[], metavar="NAME=CATEGORY", help="project or tag -> category"
    )
    i.add_argument("--tz", metavar="ZONE", help="zone of times without one (Toggl, Clockify)")
    i.add_argument("--dry-run", action="store_true", help="show what would be imported; change nothing")
    i.add_argument(
        "--date-order", choices=["mdy", "dmy"], help="Clockify date order when the file does not show it"
    )
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=_import)

    e = asub.add_parser("export", help="entries as CSV or JSON")
    e.add_argument("--from", dest="first", metavar="DATE")
    e.add_argument("--to", dest="last", metavar="DATE", help="last day, included")
    e.add_argument("--format", choices=["csv", "json"], required=True)
    e.set_defaults(func=_export)

    a = asub.add_parser("add", help="add a past entry (local times)")
    a.add_argument("start", help="YYYY-MM-DD HH:MM or HH:MM (today)")
    a.add_argument("end")
    a.add_argument("category")
    a.add_argument("--note", default="")
    a.add_argument("--task", default=None)
    a.add_argument("--adjust", action="store_true", help="trim overlapping entries instead of refusing")
    a.set_defaults(func=_add)

    ls = asub.add_parser("list", help="entries of a day with their ids")
    ls.add_argument("--date", metavar="DATE")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)

    ed = asub.add_parser("edit", help="change an entry's start, end, category or note")
    ed.add_argument("id")
    ed.add_argument("--start")
    ed.add_argument("--end")
    ed.add_argument("--category")
    ed.add_argument("--note")
    ed.add_argument("--task", help="link a task id ('' unlinks)")
    ed.add_argument("--adjust", action="store_true")
    ed.set_defaults(func=_edit)

    sp = asub.add_parser("split", help="cut an entry in two at a local time")
    sp.add_argument("id")
    sp.add_argument("at")
    sp.set_defaults(func=_split)

    mg = asub.add_parser("merge", help="join two neighbouring entries (the earlier one's category wins)")
    mg.add_argument("id")
    mg.add_argument("other")
    mg.set_defaults(func=_merge)

    dl = asub.add_parser("delete", help="delete an entry (prints it, so it can be added back)")
    dl.add_argument("id")
    dl.set_defaults(func=_delete)


# ------------------------------------------------------------------ track


def _start(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import audit

    state = audit.start(ctx, args.category, note=args.note, task=args.task)
    print(f"tracking {audit.names(ctx)[state.category]}")
    return 0


def _stop(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core.audit import fmt_hm
    from cockpit.services import audit

    e = audit.stop(ctx)
    if e is None:
        print("not tracking")
        return 0
    secs = e.seconds(ctx.clock.now())
    print(f"stopped {audit.names(ctx).get(e.category, e.category)} after {fmt_hm(secs)}")
    return 0


def _status(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core.audit import fmt_hm
    from cockpit.core.clock import to_stamp
    from cockpit.core.text import clean
    from cockpit.services import audit

    cur = audit.running(ctx)
    now = ctx.clock.now()
    if args.json:
        if cur is None:
            print(dumps_clean({"tracking": False}))
        else:
            c = cur.category
            print(
                dumps_clean(
                    {
                        "tracking": True,
                        "category": c,
                        "name": audit.names(ctx).get(c, c),
                        "since": to_stamp(cur.since),
                        "elapsed_s": int((now - cur.since).total_seconds()),
                        "note": cur.note,
                        "task": cur.task,
                        "source": cur.source,
                    },
                    ensure_ascii=False,
                )
            )
        return 0
    if cur is None:
        print("not tracking")
        return 0
    since = cur.since.astimezone(audit.zone(ctx))
    note = f" - {clean(cur.note, 60)}" if cur.note else ""
    name = audit.names(ctx).get(cur.category, cur.category)
    print(f"{name} since {since:%H:%M} ({fmt_hm((now - since).total_seconds())}){note}")
    return 0


# ------------------------------------------------------------------ audit


def _range(args: argparse.Namespace, ctx: Context, default: str = "week"):  # noqa: ANN202
    import datetime as dt

    from cockpit.services import audit

    if args.first or args.last:
        if getattr(args, "kind", None):
            raise UsageError("give --day/--week/--month/--audit or --from/--to, not both")
        if not (args.first and args.last):
            raise UsageError("--from and --to go together")
        first, last = audit.parse_date(args.first), audit.parse_date(args.last)
        if last < first:
            raise UsageError("--to is before --from")
        return "range", first, last + dt.timedelta(days=1)
    kind = getattr(args, "kind", None) or default
    day = audit.parse_date(args.date) if getattr(args, "date", None) else None
    first, end = audit.period(ctx, kind, day)
    return kind, first, end


def _width() -> int | None:
    """The terminal's width (``COLUMNS`` first) when writing to one; ``None`` (cut nothing) when the
    output goes to a pipe or a file."""
    import shutil

    if not sys.stdout.isatty():
        return None
    return max(40, shutil.get_terminal_size().columns)


def _report(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core import audit as core
    from cockpit.services import audit

    kind, first, end = _range(args, ctx)
    r = audit.report(ctx, first, end, kind=kind)
    cats = audit.categories(ctx)
    if args.json:
        out = core.report_json(r, cats)
        out["period"] = kind
        print(dumps_clean(out, ensure_ascii=False))
        return 0
    print("\n".join(core.text_report(r, cats, width=_width())))
    return 0


def _parse_map(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, cat = item.partition("=")
        if not sep or not name.strip() or not cat.strip():
            raise UsageError(f"--map {item!r}: expected NAME=CATEGORY")
        out[name.strip()] = cat.strip()
    return out


def _import(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core.audit import fmt_hm
    from cockpit.core.clock import to_stamp
    from cockpit.core.text import clean
    from cockpit.services import audit

    res = audit.import_file(
        ctx,
        args.tool,
        args.file,
        mapping=_parse_map(args.map),
        tz=args.tz,
        dry_run=args.dry_run,
        date_order=args.date_order,
    )
    tz = audit.zone(ctx)
    nm = audit.names(ctx)
    if args.json:
        print(
            dumps_clean(
                {
                    "dry_run": res.dry_run,
                    "imported" if not res.dry_run else "would_import": len(res.new),
                    "duplicates": res.duplicates,
                    "errors": res.errors,
                    "notes": res.notes,
                    "total_s": int(round(res.seconds)),
                    "mapping": [
                        {"name": name, "category": cat, "how": how}
                        for name, (cat, how) in res.mapping.items()
                    ],
                    "entries": [
                        {
                            "id": e.id or None,
                            "start": to_stamp(e.start),
                            "end": to_stamp(e.end) if e.end else None,
                            "category": e.category,
                            "note": e.note,
                            "import_key": e.import_key,
                        }
                        for e in res.new
                    ],
                },
                ensure_ascii=False,
            )
        )
    else:
        verb = "would import" if res.dry_run else "imported"
        for entry in res.new if res.dry_run else []:
            s, e = entry.start.astimezone(tz), (entry.end or entry.start).astimezone(tz)
            label = clean(", ".join(entry.import_names), 40)
            print(
                f"  {s:%Y-%m-%d %H:%M} - {e:%H:%M}  {fmt_hm((e - s).total_seconds()):>6}  {nm.get(entry.category, entry.category)}  ({label})"
            )
        if res.dry_run and res.mapping:
            print("mapping (name -> category):")
            how_said = {"map": "import_map/--map", "category": "category id or name", "common": "common name"}
            for name, (cat, how) in res.mapping.items():
                print(f"  {clean(name, 40)} -> {nm.get(cat, cat)}  ({how_said.get(how, how)})")
        print(
            f"{verb} {len(res.new)} entries ({fmt_hm(res.seconds)}), {res.duplicates} already there, {len(res.errors)} errors"
        )
        for n in res.notes:
            print(f"note: {clean(n, 200)}")
    for err in res.errors:
        print(f"cockpit: import error: {clean(err, 300)}", file=sys.stderr)
    return 1 if res.errors else 0


def _export(args: argparse.Namespace, ctx: Context) -> int:
    import datetime as dt

    from cockpit.services import audit

    first = audit.parse_date(args.first) if args.first else None
    end = audit.parse_date(args.last) + dt.timedelta(days=1) if args.last else None
    sys.stdout.write(audit.export(ctx, first, end, args.format))
    if args.format == "json":
        sys.stdout.write("\n")
    return 0


def _add(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import audit

    start = audit.parse_local(ctx, args.start)
    end = audit.parse_local(ctx, args.end, start.astimezone(audit.zone(ctx)).date())
    new_id = audit.add(ctx, start, end, args.category, note=args.note, task=args.task, adjust=args.adjust)
    print(f"added {new_id}")
    return 0


def _list(args: argparse.Namespace, ctx: Context) -> int:
    import datetime as dt

    from cockpit.core.audit import fmt_hm
    from cockpit.core.text import clean
    from cockpit.services import audit

    day = audit.parse_date(args.date) if args.date else audit.today(ctx)
    rows = audit.export_rows(ctx, day, day + dt.timedelta(days=1))
    if args.json:
        print(dumps_clean(rows, ensure_ascii=False))
        return 0
    if not rows:
        print(f"no entries on {day}")
    for r in rows:
        end = r["local_end"][11:16] if r["local_end"] else "now  "
        note = f"  {clean(r['note'], 40)}" if r["note"] else ""
        print(
            f"{r['id']:>12}  {r['local_start'][11:16]}-{end}  {fmt_hm(r['seconds']):>6}  "
            f"{clean(r['category_name'], 40)}  [{clean(r['source'], 60)}]{note}"
        )
    return 0


def _edit(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import audit

    start = audit.parse_local(ctx, args.start) if args.start else None
    end = audit.parse_local(ctx, args.end) if args.end else None
    new_id = audit.edit(
        ctx,
        args.id,
        start=start,
        end=end,
        cat=args.category,
        note=args.note,
        task=args.task,
        adjust=args.adjust,
    )
    print(f"edited {new_id}")
    return 0


def _split(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import audit

    base = audit.get(ctx, args.id).start.astimezone(audit.zone(ctx)).date()
    a, b = audit.split(ctx, args.id, audit.parse_local(ctx, args.at, base))
    print(f"split into {a} and {b}")
    return 0


def _merge(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import audit

    print(f"merged into {audit.merge(ctx, args.id, args.other)}")
    return 0


def _delete(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core.clock import to_stamp
    from cockpit.services import audit

    e = audit.delete(ctx, args.id).entry
    end = to_stamp(e.end) if e.end else None
    print(f"deleted {e.id} ({to_stamp(e.start)} - {end}, {e.category})")
    return 0
