"""CLI subcommands of the papers instrument: ``cockpit papers ...``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cockpit.core.text import dumps_clean

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.papers import Paper, QueueItem
    from cockpit.services.papers import StoreReport


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("papers", help="the weekly arXiv digest, ranked, and the two-paper queue")
    ps = p.add_subparsers(dest="papers_command", metavar="ACTION", required=True)

    f = ps.add_parser("fetch", help="fetch today's RSS announcements (and backfill missed weekdays)")
    f.add_argument(
        "--category", "-c", action="append", metavar="C", help="a category (repeatable); default: config"
    )
    f.set_defaults(func=cmd_fetch)

    i = ps.add_parser("ingest", help="read saved RSS / Atom / API responses")
    i.add_argument("files", nargs="+", metavar="FILE")
    i.set_defaults(func=cmd_ingest)

    r = ps.add_parser("rank", help="the week's papers, best first, with why")
    r.add_argument("--week", metavar="W", help="ISO week like 2026-W48 (default: this week)")
    r.add_argument("--limit", type=int, default=20, metavar="N", help="how many (default 20; 0 = all)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_rank)

    d = ps.add_parser("keep", help="keep a paper (queues it)")
    d.add_argument("id", metavar="ID", help="arXiv id (version optional)")
    d.add_argument("--swap", metavar="ID", help="when the week is full: drop this queued paper instead")
    d.add_argument("--defer", action="store_true", help="queue it for the next week with room")
    d.set_defaults(func=cmd_decide, decision="keep")
    for name, text in (
        ("skip", "skip papers"),
        ("later", "decide later"),
        ("like", "like papers: interesting, not for this week's reading (the library; no queue slot)"),
    ):
        d = ps.add_parser(name, help=text)
        d.add_argument("ids", nargs="+", metavar="ID", help="arXiv ids (version optional)")
        d.set_defaults(func=cmd_decide_many, decision=name)

    lb = ps.add_parser("library", help="the liked and imported papers")
    lb.add_argument("--search", metavar="TEXT", default="", help="only papers with every word of TEXT")
    lb.add_argument("--json", action="store_true")
    lb.set_defaults(func=cmd_library)

    im = ps.add_parser("import", help="like the arXiv papers of a BibTeX / Zotero CSV / id list file")
    im.add_argument("file", metavar="FILE")
    im.set_defaults(func=cmd_import)

    q = ps.add_parser("queue", help="this week's queue, rolled-over and deferred papers")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_queue)

    rd = ps.add_parser("read", help="start the next reading pass of a queued paper (a focus time-box)")
    rd.add_argument("id", metavar="ID")
    rd.add_argument(
        "--pass", dest="pass_n", type=int, choices=(1, 2, 3), help="which pass (default: the next)"
    )
    rd.add_argument(
        "--replace",
        action="store_true",
        help="stop a running focus session (its time is kept) and time the pass",
    )
    rd.set_defaults(func=cmd_read)

    fin = ps.add_parser("finish", help="finish the running pass (books its minutes to the paper)")
    fin.add_argument("id", metavar="ID")
    fin.add_argument("--minutes", type=float, help="actual minutes (default: since the pass started)")
    fin.set_defaults(func=cmd_finish)

    dr = ps.add_parser("drop", help="drop a queued paper")
    dr.add_argument("id", metavar="ID")
    dr.set_defaults(func=cmd_drop)

    b = ps.add_parser("bibtex", help="BibTeX of the kept and read papers and the library")
    b.add_argument("--library", action="store_true", help="only the library (liked papers)")
    b.set_defaults(func=cmd_bibtex)

    se = ps.add_parser("search", help="search arXiv through the API; the results are stored")
    se.add_argument("query", help='an arXiv API query, e.g. "ti:diffusion AND cat:cs.LG"')
    se.add_argument("--limit", type=int, default=20, help="results at most (default 20)")
    se.add_argument("--json", action="store_true")
    se.set_defaults(func=cmd_search)

    ad = ps.add_parser("add", help="look papers up on arXiv by id and store them (then keep or seed them)")
    ad.add_argument("ids", nargs="+", metavar="ID")
    ad.add_argument("--json", action="store_true")
    ad.set_defaults(func=cmd_add)


def _clean(text: Any, n: int | None = None) -> str:
    from cockpit.core.text import clean

    return clean(str(text or ""), n)


def cmd_fetch(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    def progress(what: str, step: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{step}/{total} {what}\x1b[K", end="", file=sys.stderr, flush=True)

    rep = svc.fetch(ctx, args.category, progress=progress)
    if sys.stderr.isatty():
        print("\r\x1b[K", end="", file=sys.stderr)
    for line in rep.lines:
        print(_clean(line))
    s = rep.stored
    print(f"{s.added} new, {s.updated} updated; {len(s.replacements)} newer versions of kept papers")
    return 1 if rep.errors and not (s.added or s.updated) else 0


def cmd_ingest(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    rep, lines = svc.ingest(ctx, args.files)
    for line in lines:
        print(_clean(line))
    weeks = ", ".join(sorted(rep.weeks)) or "none"
    print(f"{rep.added} new, {rep.updated} updated (weeks: {weeks})")
    for aid, v in sorted(rep.replacements.items()):
        print(f"{aid}: v{v} available")
    return 0


def cmd_rank(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    if args.limit < 0:
        from cockpit.errors import UsageError

        raise UsageError("--limit must be 0 or more")
    week = svc.resolve_week(ctx, args.week)
    rows = svc.ranked(ctx, week)
    if args.limit:
        rows = rows[: args.limit]
    if args.json:
        out = [
            {
                "id": r.paper.arxiv_id,
                "version": r.paper.version,
                "title": r.paper.title,
                "authors": list(r.paper.authors),
                "categories": list(r.paper.categories),
                "announced": r.paper.announced,
                "score": r.score,
                "why": r.why,
                "decision": r.paper.decision,
            }
            for r in rows
        ]
        print(dumps_clean(out, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print(f"no papers for {week}; run `cockpit papers fetch` or `cockpit papers ingest FILE`")
        return 0
    print(f"{week}: {len(rows)} papers")
    for r in rows:
        mark = {"keep": "K", "skip": "-", "later": "?", "like": "L"}.get(r.paper.decision or "", " ")
        print(f"{mark} {r.score:7.3f}  {r.paper.arxiv_id:<16} {_clean(r.paper.title, 90)}")
        if r.why:
            print(f"{'':27}why: {_clean(', '.join(r.why), 80)}")
    return 0


def cmd_decide(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    aid = svc.parse_id(args.id)
    res = svc.decide(
        ctx, aid, args.decision, swap=getattr(args, "swap", None), defer=getattr(args, "defer", False)
    )
    title = _clean(res.paper.title, 70)
    if args.decision == "keep":
        print(f"kept {aid} for {res.week}: {title}")
        if res.swapped:
            print(f"dropped {res.swapped} from the queue")
    else:
        print(f"{args.decision} {aid}: {title}")
    if res.warning:
        print(f"warning: {res.warning}", file=sys.stderr)
    return 0


def cmd_decide_many(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    outcomes = svc.decide_many(ctx, args.ids, args.decision)
    verb = {"skip": "skipped", "later": "later", "like": "liked"}[args.decision]
    for o in outcomes:
        title = _clean(o.paper.title if o.paper else "", 70)
        if not o.ok:
            print(f"{o.arxiv_id}: not decided: {_clean(o.message, 200)}", file=sys.stderr)
        elif args.decision == "like" and o.message == "keep":
            print(f"liked {o.arxiv_id} (still queued): {title}")
        else:
            print(f"{verb} {o.arxiv_id}: {title}")
    return 1 if any(not o.ok for o in outcomes) else 0


def cmd_library(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    rows = svc.library(ctx, args.search)
    if args.json:
        out = [
            {
                "id": x.paper.arxiv_id,
                "title": x.paper.title,
                "authors": list(x.paper.authors),
                "categories": list(x.paper.categories),
                "announced": x.paper.announced,
                "liked": x.liked,
                "imported": x.via == "import",
                "queued": x.queued,
            }
            for x in rows
        ]
        print(dumps_clean(out, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        what = (
            f"no liked paper matches {_clean(args.search, 60)!r}" if args.search else "the library is empty"
        )
        print(f"{what}; like papers with `cockpit papers like ID` or `cockpit papers import FILE`")
        return 0
    print(f"{len(rows)} liked papers")
    for x in rows:
        mark = "K" if x.queued else ("I" if x.via == "import" else " ")
        print(f"{mark} {x.liked[:10]}  {x.paper.arxiv_id:<16} {_clean(x.paper.title, 90)}")
    return 0


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    def progress(done: int, total: int) -> None:
        end = "\n" if done == total or not sys.stderr.isatty() else ""
        print(
            f"\rlooking up on arXiv: {done}/{total}\x1b[K"
            if sys.stderr.isatty()
            else f"looking up on arXiv: {done}/{total}",
            end=end,
            file=sys.stderr,
            flush=True,
        )

    rep = svc.import_file(ctx, args.file, progress=progress)
    for line in rep.problems:
        print(_clean(line, 300), file=sys.stderr)
    skipped = f"; {rep.without_id} entries without an arXiv id skipped" if rep.without_id else ""
    print(
        f"{args.file}: {rep.total} arXiv papers ({rep.kind}): {len(rep.liked)} liked, "
        f"{len(rep.already)} already in the library, {rep.looked_up} looked up on arXiv{skipped}"
    )
    return 1 if rep.problems else 0


def _item_json(item: QueueItem, week: str) -> dict[str, object]:
    return {
        "id": item.arxiv_id,
        "title": item.title,
        "week": item.week,
        "status": item.status,
        "version": item.version,
        "latest_version": item.latest_version,
        "rolled_over": item.rolled_over(week),
        "passes": [
            {"n": p.n, "planned": p.planned, "actual": p.actual, "started": p.started, "finished": p.finished}
            for p in item.passes
        ],
    }


def cmd_queue(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.core import papers as core
    from cockpit.services import papers as svc

    v = svc.queue_view(ctx)
    if args.json:
        out = {
            "week": v.week,
            "limit": v.limit,
            "items": [_item_json(i, v.week) for i in v.current],
            "later": [_item_json(i, v.week) for i in v.later],
            "done": [_item_json(i, v.week) for i in v.finished],
            "warning": v.warning,
        }
        print(dumps_clean(out, ensure_ascii=False, indent=1))
        return 0
    print(f"{v.week}: {len(v.current)}/{v.limit} queued")
    if v.warning:
        print(f"warning: {v.warning}")
    for i in v.current:
        newer = f"  [v{i.newer_version} available]" if i.newer_version else ""
        rolled = "  (rolled over)" if i.rolled_over(v.week) else ""
        print(f"  {i.arxiv_id:<16} {i.status:<8} {_clean(i.title, 60)}{newer}{rolled}")
        print(f"  {'':16} {core.minutes_summary(i)}")
    for i in v.later:
        print(f"  {i.arxiv_id:<16} deferred to {i.week}: {_clean(i.title, 50)}")
    return 0


def cmd_read(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc
    from cockpit.services.papers.reading import PassBlocked

    try:
        item, msg = svc.start_pass(ctx, svc.parse_id(args.id), args.pass_n, replace=args.replace)
    except PassBlocked as e:
        print(f"cockpit: error: {e}", file=sys.stderr)
        print("(--replace stops the running session, its time kept, and starts the pass)", file=sys.stderr)
        return e.exit_code
    print(msg)
    return 0


def cmd_finish(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    if args.minutes is not None and args.minutes < 0:
        from cockpit.errors import UsageError

        raise UsageError("--minutes must be 0 or more")
    _, msg = svc.finish_pass(ctx, svc.parse_id(args.id), args.minutes)
    print(msg)
    return 0


def cmd_drop(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    item = svc.drop(ctx, svc.parse_id(args.id))
    print(f"dropped {item.arxiv_id}")
    return 0


def cmd_bibtex(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    text = svc.bibtex(ctx, library_only=args.library)
    if not text:
        print("no liked papers" if args.library else "no kept or liked papers", file=sys.stderr)
        return 0
    sys.stdout.write(text)
    return 0


def _print_found(
    args: argparse.Namespace, ctx: Context, result: tuple[StoreReport, list[Paper], list[str]]
) -> int:
    rep, found, problems = result
    if args.json:
        out = {
            "papers": [
                {
                    "id": p.arxiv_id,
                    "version": p.version,
                    "title": p.title,
                    "authors": list(p.authors),
                    "categories": list(p.categories),
                }
                for p in found
            ],
            "added": rep.added,
            "problems": problems,
        }
        print(dumps_clean(out, ensure_ascii=False, indent=1))
    else:
        for p in found:
            print(f"{p.arxiv_id}  {_clean(p.title, 100)}")
        for line in problems:
            print(_clean(line))
        print(f"{len(found)} found, {rep.added} new in the store")
    return 1 if problems and not found else 0


def cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.errors import UsageError
    from cockpit.services import papers as svc

    if args.limit < 1:
        raise UsageError("--limit must be 1 or more")
    return _print_found(args, ctx, svc.lookup(ctx, query=args.query, limit=args.limit))


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    from cockpit.services import papers as svc

    return _print_found(args, ctx, svc.lookup(ctx, ids=args.ids))
