"""Papers: pure domain logic (no I/O, no Textual, clock passed in).

- the records: a paper (``Paper``), its queue item (``QueueItem``, with its ``Pass``es) and the
  decision (``Decision``), each built from the store's dict in one place (``from_doc``/``to_doc``);
- the weekly digest: the union of a week's announcements deduplicated on the versionless id;
- replacements ("v3 available") shown only for papers already kept;
- the queue of at most N papers per ISO week (swap, defer, rollover of unread papers);
- three reading passes with planned and actual minutes; statuses queued -> reading -> done/dropped;
- BibTeX export.

arXiv ids, text, ISO weeks and feed checks live in ``core.papers_text`` and are re-exported here.

A paper (collection ``papers``, one file per ISO week of ``announced``)::

    arxiv_id      versionless id ("2609.26811", "solv-int/9901001")
    version       int or None          title, abstract: whitespace collapsed, TeX kept as is
    authors       [name]               affiliations: [str] (same length, "" when unknown)
    categories    [cat], primary first primary: str
    announce_type new|cross|replace|replace-cross|api
    announced     YYYY-MM-DD (announcement date, ET)   published: YYYY-MM-DD or ""
    doi, journal_ref, link, source ("rss"|"api"|"ingest"), fetched (stamp)

Its decision (collection ``paper_decisions``, same week partition): arxiv_id, announced,
decision ("keep"|"skip"|"later"|"like"), decided (stamp), liked (stamp, only while the paper is
in the library: set by a like, kept by a later keep), via ("import" for imported seeds).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from cockpit.core import papers_text as _text
from cockpit.core.record import record
from cockpit.errors import RecordError

Doc = dict[str, Any]

# re-exported: ids, text, weeks, feed checks, the digest merge and BibTeX (``core.papers_text``)
EASTERN = _text.EASTERN
ID_PATTERN = _text.ID_PATTERN
FeedCheck = _text.FeedCheck
Merge = _text.Merge
bibtex = _text.bibtex
bibtex_key = _text.bibtex_key
check_feed = _text.check_feed
collapse = _text.collapse
expected_announcement = _text.expected_announcement
find_id = _text.find_id
id_sort_key = _text.id_sort_key
is_valid_id = _text.is_valid_id
iso_week = _text.iso_week
merge_week = _text.merge_week
normalize_id = _text.normalize_id
parse_description = _text.parse_description
parse_week = _text.parse_week
shift_week = _text.shift_week
split_authors = _text.split_authors
strip_version = _text.strip_version
version_of = _text.version_of
week_monday = _text.week_monday

# ------------------------------------------------------------------ records


def _bad(what: str, key: str, value: object, kind: str) -> RecordError:
    return RecordError(f"{what}: field {key!r} must be {kind}, not {type(value).__name__}")


def _str(doc: Doc, key: str, what: str, default: str = "") -> str:
    v = doc.get(key)
    if v is None:
        return default
    if type(v) is not str:
        raise _bad(what, key, v, "a string")
    return v


def _opt_str(doc: Doc, key: str, what: str) -> str | None:
    v = doc.get(key)
    if v is not None and type(v) is not str:
        raise _bad(what, key, v, "a string or null")
    return v


def _opt_int(doc: Doc, key: str, what: str) -> int | None:
    v = doc.get(key)
    if v is not None and type(v) is not int:
        raise _bad(what, key, v, "an integer or null")
    return v


def _strs(doc: Doc, key: str, what: str) -> tuple[str, ...]:
    v = doc.get(key)
    if v is None:
        return ()
    if type(v) is not list and type(v) is not tuple:
        raise _bad(what, key, v, "a list of strings")
    for x in v:
        if type(x) is not str:
            raise _bad(what, key, x, "a list of strings")
    return tuple(v)


def _what(kind: str, doc: Any) -> str:
    if not isinstance(doc, dict):
        raise RecordError(f"{kind}: expected a JSON object, not {type(doc).__name__}")
    aid = doc.get("arxiv_id")
    if type(aid) is not str:
        raise _bad(kind, "arxiv_id", aid, "a string")
    return f"{kind} {aid}"


@record
class Paper:
    """One announced paper of the weekly digest, with the user's decision (None until decided)."""

    arxiv_id: str
    version: int | None = None
    title: str = ""
    authors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    abstract: str = ""
    categories: tuple[str, ...] = ()
    primary: str = ""
    announce_type: str = ""
    announced: str = ""
    published: str = ""
    doi: str = ""
    journal_ref: str = ""
    link: str = ""
    source: str = ""
    fetched: str = ""
    decision: str | None = None
    id: str = ""  # the store id ("" for a paper not read from the store)

    @classmethod
    def from_doc(cls, doc: Doc, decisions: Mapping[str, str] | None = None) -> Paper:
        """The paper of a store (or parser) dict; its decision from ``decisions`` (arxiv_id ->
        decision) when given, else the dict's own."""
        w = _what("paper", doc)
        return cls(
            doc["arxiv_id"],
            _opt_int(doc, "version", w),
            _str(doc, "title", w),
            _strs(doc, "authors", w),
            _strs(doc, "affiliations", w),
            _str(doc, "abstract", w),
            _strs(doc, "categories", w),
            _str(doc, "primary", w),
            _str(doc, "announce_type", w),
            _str(doc, "announced", w),
            _str(doc, "published", w),
            _str(doc, "doi", w),
            _str(doc, "journal_ref", w),
            _str(doc, "link", w),
            _str(doc, "source", w),
            _str(doc, "fetched", w),
            _opt_str(doc, "decision", w) if decisions is None else decisions.get(doc["arxiv_id"]),
            _str(doc, "id", w),
        )

    def to_doc(self) -> Doc:
        """The stored form (no store id, no decision: decisions are their own records)."""
        return {
            "arxiv_id": self.arxiv_id,
            "version": self.version,
            "title": self.title,
            "authors": list(self.authors),
            "affiliations": list(self.affiliations),
            "abstract": self.abstract,
            "categories": list(self.categories),
            "primary": self.primary,
            "announce_type": self.announce_type,
            "announced": self.announced,
            "published": self.published,
            "doi": self.doi,
            "journal_ref": self.journal_ref,
            "link": self.link,
            "source": self.source,
            "fetched": self.fetched,
        }


@record
class Decision:
    """keep / skip / later / like for one paper, stored in the paper's ISO week partition."""

    arxiv_id: str
    announced: str
    decision: str
    decided: str
    id: str = ""
    liked: str = ""  # in the library since (a like; a keep after it keeps it)
    via: str = ""  # "import": liked by ``papers import`` (a seed of the profile)

    @classmethod
    def from_doc(cls, doc: Doc) -> Decision:
        w = _what("decision", doc)
        return cls(
            doc["arxiv_id"],
            _str(doc, "announced", w),
            _str(doc, "decision", w),
            _str(doc, "decided", w),
            _str(doc, "id", w),
            _str(doc, "liked", w),
            _str(doc, "via", w),
        )

    def to_doc(self) -> Doc:
        d: Doc = {
            "arxiv_id": self.arxiv_id,
            "announced": self.announced,
            "decision": self.decision,
            "decided": self.decided,
        }
        d.update({k: v for k, v in (("liked", self.liked), ("via", self.via)) if v})
        return d


@record
class Pass:
    """One reading pass: planned and actual minutes, start and finish stamps."""

    n: int
    planned: int
    actual: float | None = None
    started: str | None = None
    finished: str | None = None
    timebox: bool | None = None  # whether a focus time-box timed it (stored once started)

    @classmethod
    def from_doc(cls, doc: Any, what: str) -> Pass:
        if not isinstance(doc, dict):
            raise RecordError(f"{what}: a pass must be a JSON object, not {type(doc).__name__}")
        w = f"{what} pass"
        n, planned, actual, timebox = doc.get("n"), doc.get("planned"), doc.get("actual"), doc.get("timebox")
        if type(n) is not int:
            raise _bad(w, "n", n, "an integer")
        if type(planned) is not int and type(planned) is not float:
            raise _bad(w, "planned", planned, "a number")
        if actual is not None and type(actual) is not int and type(actual) is not float:
            raise _bad(w, "actual", actual, "a number or null")
        if timebox is not None and type(timebox) is not bool:
            raise _bad(w, "timebox", timebox, "true, false or null")
        return cls(n, planned, actual, _opt_str(doc, "started", w), _opt_str(doc, "finished", w), timebox)  # type: ignore[arg-type]

    def to_doc(self) -> Doc:
        d: Doc = {
            "n": self.n,
            "planned": self.planned,
            "actual": self.actual,
            "started": self.started,
            "finished": self.finished,
        }
        if self.timebox is not None:
            d["timebox"] = self.timebox
        return d


@record
class QueueItem:
    """A kept paper in the reading queue (enough metadata for BibTeX and the pane)."""

    arxiv_id: str
    title: str = ""
    authors: tuple[str, ...] = ()
    primary: str = ""
    categories: tuple[str, ...] = ()
    doi: str = ""
    version: int | None = None
    latest_version: int | None = None
    year: str = ""
    link: str = ""
    week: str = ""
    kept: str = ""
    status: str = "queued"
    passes: tuple[Pass, ...] = ()
    dropped: str | None = None
    reason: str | None = None
    id: str = ""

    @classmethod
    def from_doc(cls, doc: Doc) -> QueueItem:
        w = _what("queue item", doc)
        passes = doc.get("passes")
        if passes is not None and type(passes) is not list and type(passes) is not tuple:
            raise _bad(w, "passes", passes, "a list")
        return cls(
            doc["arxiv_id"],
            _str(doc, "title", w),
            _strs(doc, "authors", w),
            _str(doc, "primary", w),
            _strs(doc, "categories", w),
            _str(doc, "doi", w),
            _opt_int(doc, "version", w),
            _opt_int(doc, "latest_version", w),
            _str(doc, "year", w),
            _str(doc, "link", w),
            _str(doc, "week", w),
            _str(doc, "kept", w),
            _str(doc, "status", w, "queued"),
            tuple(Pass.from_doc(p, w) for p in passes or ()),
            _opt_str(doc, "dropped", w),
            _opt_str(doc, "reason", w),
            _str(doc, "id", w),
        )

    def to_doc(self) -> Doc:
        d: Doc = {
            "arxiv_id": self.arxiv_id,
            "title": self.title,
            "authors": list(self.authors),
            "primary": self.primary,
            "categories": list(self.categories),
            "doi": self.doi,
            "version": self.version,
            "latest_version": self.latest_version,
            "year": self.year,
            "link": self.link,
            "week": self.week,
            "kept": self.kept,
            "status": self.status,
            "passes": [p.to_doc() for p in self.passes],
        }
        if self.dropped is not None:
            d["dropped"] = self.dropped
        if self.reason is not None:
            d["reason"] = self.reason
        return d

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def newer_version(self) -> int | None:
        """The newer version announced since it was kept ("v3 available"), else None."""
        if (self.latest_version or 0) > (self.version or 0):
            return self.latest_version
        return None

    def rolled_over(self, week: str) -> bool:
        """Kept in an earlier week and still unread: it counts against ``week``."""
        return self.week < week and self.status in OPEN


def year_of(paper: Paper) -> str:
    """The v1 year: from a new- or old-style id (``2205.06398`` -> 2022), else the dates."""
    m = re.match(r"^(\d{2})\d{2}\.", paper.arxiv_id) or re.search(r"/(\d{2})\d{5}$", paper.arxiv_id)
    if m:
        yy = int(m.group(1))
        return str(1900 + yy if yy >= 91 else 2000 + yy)
    for v in (paper.published, paper.announced):
        if re.match(r"^\d{4}-", v):
            return v[:4]
    return ""


# ------------------------------------------------------------------ the queue

STATUSES = ("queued", "reading", "done", "dropped")
PASSES = (
    (1, 15, "title, abstract, figures"),
    (2, 45, "method and results"),
    (3, 120, "the math"),
)
OPEN = ("queued", "reading")


def new_item(paper: Paper, week: str, now: str) -> QueueItem:
    """A queue item for a kept paper (enough metadata for BibTeX and the pane)."""
    return QueueItem(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        authors=paper.authors,
        primary=paper.primary or (paper.categories[0] if paper.categories else ""),
        categories=paper.categories,
        doi=paper.doi,
        version=paper.version,
        latest_version=paper.version,
        year=year_of(paper),
        link=paper.link or f"https://arxiv.org/abs/{paper.arxiv_id}",
        week=week,
        kept=now,
        status="queued",
        passes=tuple(Pass(n, m) for n, m, _ in PASSES),
    )


def counts_against(item: QueueItem, week: str) -> bool:
    """Kept that week (not dropped), or unread from an earlier week (rolled over)."""
    if item.status == "dropped":
        return False
    if item.week == week:
        return True
    return item.rolled_over(week)


def occupants(items: Iterable[QueueItem], week: str) -> list[QueueItem]:
    return [i for i in items if counts_against(i, week)]


def rolled_over(items: Iterable[QueueItem], week: str) -> list[QueueItem]:
    return [i for i in items if i.rolled_over(week)]


@record
class KeepResult:
    ok: bool
    week: str
    occupants: list[QueueItem]
    warning: str = ""


def can_keep(items: list[QueueItem], arxiv_id: str, week: str, limit: int) -> KeepResult:
    """Whether one more paper fits in ``week`` (its unread rollovers count against it)."""
    occ = occupants(items, week)
    warn = ""
    old = rolled_over(items, week)
    if old:
        warn = f"{len(old)} unread paper(s) from earlier weeks count against {week}"
    if any(i.arxiv_id == arxiv_id for i in occ):
        return KeepResult(True, week, occ, warn)
    return KeepResult(len(occ) < limit, week, occ, warn)


def first_week_with_room(items: list[QueueItem], week: str, limit: int, horizon: int = 52) -> str:
    """The first week from ``week`` on with fewer than ``limit`` papers queued for it (deferral)."""
    w = week
    for _ in range(horizon):
        if sum(1 for i in items if i.week == w and i.status != "dropped") < limit:
            return w
        w = shift_week(w, 1)
    return w


def pass_index(item: QueueItem, n: int) -> int:
    for i, p in enumerate(item.passes):
        if p.n == n:
            return i
    raise ValueError(f"no pass {n} (passes are 1, 2, 3)")


def next_pass(item: QueueItem) -> int | None:
    for p in item.passes:
        if p.finished is None:
            return p.n
    return None


def running_pass(item: QueueItem) -> int | None:
    for p in item.passes:
        if p.started and not p.finished:
            return p.n
    return None


def start_pass(item: QueueItem, n: int, now: str) -> QueueItem:
    """Return the item with pass ``n`` started (status reading)."""
    if item.status in ("done", "dropped"):
        raise ValueError(f"{item.arxiv_id} is {item.status}")
    i = pass_index(item, n)
    for p in item.passes:
        if p.started and not p.finished and p.n != n:
            raise ValueError(f"pass {p.n} is still running; finish it first")
    passes = list(item.passes)
    passes[i] = replace(passes[i], started=now, finished=None)
    return replace(item, passes=tuple(passes), status="reading")


def finish_pass(
    item: QueueItem, n: int, start: dt.datetime, end: dt.datetime, minutes: float | None = None
) -> QueueItem:
    """Pass ``n`` finished: actual minutes from its start (or given); after pass 3 the paper is done."""
    i = pass_index(item, n)
    actual = minutes if minutes is not None else max(0.0, (end - start).total_seconds() / 60)
    p = item.passes[i]
    passes = list(item.passes)
    passes[i] = replace(
        p,
        actual=round(float(actual), 1),
        finished=end.astimezone(dt.UTC).isoformat(),
        started=p.started or start.astimezone(dt.UTC).isoformat(),
    )
    return replace(item, passes=tuple(passes), status="done" if n == 3 else "reading")


def minutes_summary(item: QueueItem) -> str:
    """``P1 15/12 · P2 45/– · P3 120/–`` (planned / actual)."""
    bits = []
    for p in item.passes:
        actual = "–" if p.actual is None else f"{p.actual:g}"
        mark = "▶" if p.started and not p.finished else ""
        bits.append(f"P{p.n}{mark} {p.planned}/{actual}")
    return " · ".join(bits)
