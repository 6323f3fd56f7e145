"""The library: liked papers ("interesting, not for this week's reading"), decisions on several
ids at once, and the cold start import of the user's own library (BibTeX, Zotero CSV, id list).

A like is a ``Decision`` with ``liked`` set (``core.papers``); it trains the ranker as a positive
and takes no queue slot. Imported papers are liked papers marked ``via = "import"``: they are
also seeds of the profile (``rank.profile``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cockpit.core import papers as core
from cockpit.core.clock import to_stamp
from cockpit.core.record import record
from cockpit.errors import CockpitError, UsageError
from cockpit.services.papers.base import decisions, papers, parse_id, queue_items
from cockpit.services.papers.intake import store_papers
from cockpit.services.papers.reading import decide

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.sources.arxiv import Client

BATCH = 50  # ids per API request (one page of the arXiv API)


@record
class Liked:
    """A paper of the library: liked since ``liked``; ``queued`` when it was kept too."""

    paper: core.Paper
    liked: str
    via: str = ""
    queued: bool = False


def find_papers(ctx: Context, ids: Iterable[str]) -> dict[str, core.Paper]:
    """The stored papers of ``ids`` (one pass over the store, newest week first)."""
    wanted = set(ids)
    out: dict[str, core.Paper] = {}
    coll = papers(ctx)
    for part in reversed(coll.parts()):
        if len(out) == len(wanted):
            break
        for doc in coll.read_part(part):
            aid = doc["arxiv_id"]
            if aid in wanted and aid not in out:
                out[aid] = core.Paper.from_doc(doc)
    return out


def _matches(p: core.Paper, words: list[str]) -> bool:
    hay = " ".join((p.arxiv_id, p.title, p.abstract, " ".join(p.authors), " ".join(p.categories)))
    hay = core.collapse(hay).casefold()
    return all(w in hay for w in words)


def library(ctx: Context, search: str = "") -> list[Liked]:
    """Liked papers, most recently liked first; ``search``: every word in the id, title,
    abstract, authors or categories (case-insensitive)."""
    coll = decisions(ctx)
    out: list[Liked] = []
    for week in coll.parts():
        liked = {d.arxiv_id: d for d in map(core.Decision.from_doc, coll.read_part(week)) if d.liked}
        if not liked:
            continue
        for doc in papers(ctx).read_part(week):
            d = liked.get(doc["arxiv_id"])
            if d is not None:
                p = core.Paper.from_doc(doc, {d.arxiv_id: d.decision})
                out.append(Liked(p, d.liked, d.via, d.decision == "keep"))
    words = search.casefold().split()
    if words:
        out = [x for x in out if _matches(x.paper, words)]
    out.sort(key=lambda x: (x.liked, x.paper.arxiv_id), reverse=True)
    return out


def imported_seeds(ctx: Context) -> list[core.Paper]:
    """Imported papers still in the library: seeds of the profile."""
    return [x.paper for x in library(ctx) if x.via == "import"]


def bibtex(ctx: Context, library_only: bool = False) -> str:
    """BibTeX of the kept and read papers, then the liked ones (the library) not kept."""
    items = [] if library_only else [i for i in queue_items(ctx) if i.status != "dropped"]
    items.sort(key=lambda i: i.kept)
    have = {i.arxiv_id for i in items}
    liked = sorted(library(ctx), key=lambda x: x.liked)
    items += [core.new_item(x.paper, "", x.liked) for x in liked if x.paper.arxiv_id not in have]
    return core.bibtex(items)


# ------------------------------------------------------------------ several ids at once


@record
class Outcome:
    arxiv_id: str
    ok: bool
    message: str
    paper: core.Paper | None = None


def check_ids(ctx: Context, texts: list[str]) -> dict[str, core.Paper]:
    """Every id well-formed, given once and in the store, else UsageError (nothing decided)."""
    ids: list[str] = []
    for t in texts:
        aid = parse_id(t)
        if aid in ids:
            raise UsageError(f"{aid} is given twice")
        ids.append(aid)
    found = find_papers(ctx, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise UsageError(
            f"no paper {', '.join(missing)} in the store; fetch, ingest or add it first (nothing decided)"
        )
    return {i: found[i] for i in ids}


def decide_many(ctx: Context, texts: list[str], decision: str) -> list[Outcome]:
    """skip / later / like each id on its own (one failure does not undo the others)."""
    out = []
    for aid, paper in check_ids(ctx, texts).items():
        try:
            res = decide(ctx, aid, decision, paper=paper)
        except CockpitError as e:
            out.append(Outcome(aid, False, str(e), paper))
            continue
        out.append(Outcome(aid, True, res.decision, res.paper))
    return out


# ------------------------------------------------------------------ import


@dataclass
class ImportReport:
    kind: str = ""
    total: int = 0  # arXiv ids in the file
    liked: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # in the library before
    looked_up: int = 0  # papers fetched from the API
    problems: list[str] = field(default_factory=list)  # per id: not found, lookup failed
    without_id: int = 0  # entries with no arXiv id


def import_file(
    ctx: Context,
    path: str,
    client: Client | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Like every arXiv paper of a BibTeX / Zotero CSV / id-list file; papers not in the store
    are looked up through the API in batches (the client keeps arXiv's rate limit)."""
    from cockpit.core.papers_import import ImportProblem, read_library

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a UTF-8 text file") from None
    try:
        lib = read_library(text)
    except ImportProblem as e:
        raise UsageError(f"{path}: {e}") from None
    if not lib.ids:
        raise UsageError(f"{path}: none of its {lib.without_id} entries has an arXiv id")
    rep = ImportReport(lib.kind, len(lib.ids), without_id=lib.without_id)
    ids = [aid for aid, _ in lib.ids]
    found = find_papers(ctx, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        from cockpit.sources import arxiv as src

        client = client or src.shared(ctx.config.papers)
        stamp = to_stamp(ctx.clock.now())
        unlooked: set[str] = set()
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            if progress:
                progress(start, len(missing))
            try:
                parsed = client.search(ids=batch, max_results=len(batch), fetched=stamp)
            except CockpitError as e:
                rest = missing[start:]
                unlooked.update(rest)
                rep.problems.append(f"arXiv lookup failed ({e}); {len(rest)} papers not imported")
                break
            store_papers(ctx, parsed.papers)
            rep.problems.extend(parsed.problems)
            rep.looked_up += len(parsed.papers)
        if progress:
            progress(len(missing), len(missing))
        found.update(find_papers(ctx, missing))
        rep.problems.extend(
            f"{i}: not found on arXiv" for i in missing if i not in found and i not in unlooked
        )
    in_library = {x.paper.arxiv_id for x in library(ctx)}
    for aid in ids:
        paper = found.get(aid)
        if paper is None:
            continue
        if aid in in_library:
            rep.already.append(aid)
            continue
        try:
            decide(ctx, aid, "like", paper=paper, via_new="import")
        except CockpitError as e:
            rep.problems.append(f"{aid}: {e}")
            continue
        rep.liked.append(aid)
    return rep
