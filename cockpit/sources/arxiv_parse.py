"""arXiv documents -> paper dicts: RSS 2.0 and Atom feeds (feedparser), API Atom (the ``arxiv``
package's parser), the mailing-list text and ``.abs`` files, metadata JSON lines.

``parse_bytes`` turns any saved or fetched document into paper docs (the store's form, see
``core.papers``): the network path (``sources.arxiv.Client``) and ``cockpit papers ingest`` share it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from cockpit.core import papers_text as core
from cockpit.errors import CockpitError

Doc = dict[str, Any]


class ArxivError(CockpitError):
    """A request or a document that failed; one line for the user."""


# ------------------------------------------------------------------ parsing


@dataclass
class Parsed:
    kind: str  # "rss" | "atom" | "api"
    papers: list[Doc] = field(default_factory=list)
    feed_date: dt.date | None = None
    title: str = ""
    total: int | None = None
    problems: list[str] = field(default_factory=list)
    weekend_skip: bool = False


_LISTING_ID = re.compile(r"^(?:arXiv|Paper):\s*(\S+)", re.M)


def _sniff(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "jsonl"
    if not head.startswith(b"<"):
        text = data[:20000].decode("utf-8", "replace")
        return "listing" if _LISTING_ID.search(text) and "\n\\\\" in text else ""
    if b"<rss" in head or b"<rdf:rdf" in head:
        return "rss"
    if b"<feed" in head:
        if b"opensearch" in head or b"arxiv.org/api" in head or b"arxiv query" in head:
            return "api"
        return "atom"
    return ""


def _truncated(data: bytes, kind: str) -> bool:
    tail = data.rstrip().lower()
    closing = b"</rss>" if kind == "rss" else b"</feed>"
    return not (tail.endswith(closing) or tail.endswith(b"</rdf:rdf>"))


def _date_of(value: str | None) -> dt.date | None:
    """RFC 822 (keeps its own offset, so midnight ET stays that ET date) or ISO."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_bytes(
    data: bytes, source: str = "ingest", fetched: str = "", announced: dt.date | None = None
) -> Parsed:
    """Parse one saved or fetched arXiv document; raises ArxivError when it is none of the formats.

    Formats: RSS 2.0 and Atom feeds (rss.arxiv.org), API Atom (export.arxiv.org), the daily
    mailing-list text and arXiv ``.abs`` files, and metadata JSON lines (the Kaggle/OAI snapshot).
    """
    if not data.strip():
        raise ArxivError("empty file")
    kind = _sniff(data)
    if not kind:
        raise ArxivError("not an arXiv RSS, Atom or API document")
    if kind == "api":
        parsed = _parse_api(data, source, fetched, announced)
    elif kind == "listing":
        parsed = _parse_listing(data.decode("utf-8", "replace"), source, fetched)
    elif kind == "jsonl":
        parsed = _parse_jsonl(data.decode("utf-8", "replace"), source, fetched)
    else:
        parsed = _parse_feed(data, kind, source, fetched)
    return parsed


def _parse_feed(data: bytes, kind: str, source: str, fetched: str) -> Parsed:
    from cockpit.sources import arxiv_rss

    fast = arxiv_rss.parse(data) if kind == "rss" else None
    if fast is not None:  # arXiv's own RSS shape, well-formed: read directly
        feed, entries = fast
        bozo, exc = False, None
    else:  # any other feed, or a malformed one: feedparser reads what it can
        import feedparser

        d = feedparser.parse(data)
        feed, entries = d.feed, list(d.entries)
        bozo, exc = bool(d.get("bozo")), d.get("bozo_exception")
    out = Parsed(kind=kind)
    out.title = core.collapse(feed.get("title"))
    out.feed_date = _date_of(feed.get("published") or feed.get("updated"))
    skip = f"{feed.get('skipdays') or ''} {feed.get('day') or ''}".lower()  # feedparser keeps the last <day>
    out.weekend_skip = "saturday" in skip or "sunday" in skip
    if bozo:
        if _truncated(data, kind) and entries:
            entries = entries[:-1]  # the last item may be cut: keep only complete ones
            out.problems.append(f"truncated feed ({exc}); kept the {len(entries)} complete items")
        else:
            out.problems.append(f"malformed feed ({exc}); kept {len(entries)} items")
    for e in entries:
        paper = _paper_from_entry(e, out.feed_date, source, fetched)
        if paper is None:
            out.problems.append("skipped an item without an arXiv id")
            continue
        out.papers.append(paper)
    return out


def _paper_from_entry(e: Any, feed_date: dt.date | None, source: str, fetched: str) -> Doc | None:
    found = core.find_id(e.get("id") or "") or core.find_id(e.get("link") or "")
    desc = core.parse_description(e.get("summary") or e.get("description") or "")
    if not found and desc.get("id"):
        found = desc["id"] + desc.get("version", "")
    if not found:
        return None
    version = core.version_of(found)
    if version is None and desc.get("version"):
        version = int(desc["version"][1:])
    authors_raw: list[tuple[str, str]] = []
    names = [a.get("name", "") for a in e.get("authors") or [] if a.get("name")]
    if len(names) == 1:
        authors_raw = core.split_authors(names[0])
    else:
        for n in names:
            authors_raw.extend(core.split_authors(n) or [(n, "")])
    cats = [t.get("term") for t in e.get("tags") or [] if t.get("term")]
    announced = _date_of(e.get("published")) or feed_date
    aid = core.strip_version(found)
    return {
        "arxiv_id": aid,
        "version": version,
        "title": core.collapse(e.get("title")),
        "authors": [n for n, _ in authors_raw],
        "affiliations": [a for _, a in authors_raw],
        "abstract": desc.get("abstract", ""),
        "categories": cats,
        "primary": cats[0] if cats else "",
        "announce_type": e.get("arxiv_announce_type") or desc.get("type") or "new",
        "announced": announced.isoformat() if announced else "",
        "published": "",
        "doi": core.collapse(e.get("arxiv_doi")),
        "journal_ref": core.collapse(e.get("arxiv_journal_reference") or e.get("arxiv_journal_ref")),
        "link": f"https://arxiv.org/abs/{aid}",
        "source": source,
        "fetched": fetched,
    }


_SPLIT = re.compile(r"^\\\\[ \t]*$", re.M)
_FIELD = re.compile(r"^([A-Za-z][A-Za-z-]*):[ \t]*(.*)$")
_RECEIVED = re.compile(r"received from .*?\bto\s+\w{3}\s+(\d{1,2} \w{3} \d{2})")


def _listing_fields(header: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in header.splitlines():
        m = _FIELD.match(line)
        if m and not line.startswith((" ", "\t")):
            key = m.group(1).lower()
            fields[key] = m.group(2).strip()
        elif key and line.strip():
            fields[key] += " " + line.strip()
    return {k: core.collapse(v) for k, v in fields.items()}


def _parse_listing(text: str, source: str, fetched: str) -> Parsed:
    """arXiv's mailing-list text and ``.abs`` files: header fields, then the abstract, between ``\\`` lines."""
    out = Parsed(kind="listing")
    announced: dt.date | None = None
    m = _RECEIVED.search(text)
    if m:
        day = dt.datetime.strptime(m.group(1), "%d %b %y").date() + dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        announced = day
    out.feed_date = announced
    chunks = _SPLIT.split(text)
    for i, chunk in enumerate(chunks):
        idm = _LISTING_ID.search(chunk)
        if not idm:
            continue
        f = _listing_fields(chunk)
        found = core.find_id(idm.group(1))
        if not found or "title" not in f:
            out.problems.append(f"skipped a listing entry without id or title near {idm.group(1)[:30]!r}")
            continue
        abstract = chunks[i + 1] if i + 1 < len(chunks) else ""
        abstract = re.split(r"^\\\\ \(|^-{20,}", abstract, flags=re.M)[0]
        published = _date_of(re.sub(r"\s*\(.*$", "", f.get("date", "")))
        authors = core.split_authors(f.get("authors", ""))
        cats = f.get("categories", "").split()
        aid = core.strip_version(found)
        day = announced or published
        out.papers.append(
            {
                "arxiv_id": aid,
                "version": core.version_of(found),
                "title": f["title"],
                "authors": [n for n, _ in authors],
                "affiliations": [a for _, a in authors],
                "abstract": core.collapse(abstract),
                "categories": cats,
                "primary": cats[0] if cats else "",
                "announce_type": "new",
                "announced": day.isoformat() if day else "",
                "published": published.isoformat() if published else "",
                "doi": f.get("doi", ""),
                "journal_ref": f.get("journal-ref", ""),
                "link": f"https://arxiv.org/abs/{aid}",
                "source": source,
                "fetched": fetched,
            }
        )
    return out


def _parse_jsonl(text: str, source: str, fetched: str) -> Parsed:
    """Metadata JSON lines (Kaggle/OAI snapshot: ``id, title, authors, categories, abstract, versions``)."""
    import json

    out = Parsed(kind="jsonl")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            found = core.find_id(str(rec["id"]))
            if not found:
                raise ValueError("no arXiv id")
        except (ValueError, KeyError, TypeError) as e:
            out.problems.append(f"line {n}: skipped ({type(e).__name__})")
            continue
        dates = [v.get("created", "") for v in rec.get("versions") or [] if isinstance(v, dict)]
        dates += [d for d in rec.get("dates") or [] if isinstance(d, str)]
        published = _date_of(re.sub(r"\s*\(.*$", "", dates[0])) if dates else None
        authors = core.split_authors(str(rec.get("authors") or ""))
        cats = str(rec.get("categories") or "").split()
        aid = core.strip_version(found)
        out.papers.append(
            {
                "arxiv_id": aid,
                "version": core.version_of(found) or len(rec.get("versions") or []) or None,
                "title": core.collapse(rec.get("title")),
                "authors": [a for a, _ in authors],
                "affiliations": [f for _, f in authors],
                "abstract": core.collapse(rec.get("abstract")),
                "categories": cats,
                "primary": cats[0] if cats else "",
                "announce_type": "new",
                "announced": published.isoformat() if published else "",
                "published": published.isoformat() if published else "",
                "doi": core.collapse(rec.get("doi")),
                "journal_ref": core.collapse(rec.get("journal-ref") or rec.get("journal_ref")),
                "link": f"https://arxiv.org/abs/{aid}",
                "source": source,
                "fetched": fetched,
            }
        )
    return out


_API_ERROR = re.compile(rb"<summary[^>]*>([^<]*)</summary>")


def _parse_api(data: bytes, source: str, fetched: str, announced: dt.date | None) -> Parsed:
    out = Parsed(kind="api")
    try:
        from arxiv import _feed  # the arxiv package's own parser (4.x)
    except ImportError:  # pragma: no cover - arxiv < 4 parses with feedparser
        return _parse_feed(data, "atom", source, fetched)
    logging.getLogger("arxiv").setLevel(logging.ERROR)  # error entries are reported below, once
    feed = _feed.parse(bytes(data))
    if feed.malformed:
        out.problems.append(f"malformed API response ({feed.error})")
    elif _truncated(data, "api"):
        out.problems.append("truncated API response; kept the complete entries")
        feed.results = feed.results[:-1] if feed.results else []
    out.total = feed.header.total_results
    if b"arxiv.org/api/errors" in data:
        m = _API_ERROR.search(data)
        msg = m.group(1).decode("utf-8", "replace").strip() if m else "error entry"
        out.problems.append(f"arXiv API error: {core.collapse(msg)}")
    for r in feed.results:
        out.papers.append(paper_from_result(r, source, fetched, announced))
    return out


def paper_from_result(r: Any, source: str, fetched: str, announced: dt.date | None = None) -> Doc:
    """An ``arxiv.Result`` -> a paper doc."""
    found = core.find_id(r.entry_id) or r.entry_id
    aid = core.strip_version(found)
    cats = list(r.categories or [])
    primary = r.primary_category or (cats[0] if cats else "")
    if primary and primary in cats:
        cats.remove(primary)
    cats = ([primary] if primary else []) + cats
    published = r.published.date() if r.published else None
    day = announced or (r.updated.date() if r.updated else published)
    return {
        "arxiv_id": aid,
        "version": core.version_of(found),
        "title": core.collapse(r.title),
        "authors": [core.collapse(a.name) for a in r.authors],
        "affiliations": [", ".join(a.affiliation or []) for a in r.authors],
        "abstract": core.collapse(r.summary),
        "categories": cats,
        "primary": primary,
        "announce_type": "api",
        "announced": day.isoformat() if day else "",
        "published": published.isoformat() if published else "",
        "doi": (r.doi or "").strip(),
        "journal_ref": core.collapse(r.journal_ref),
        "link": f"https://arxiv.org/abs/{aid}",
        "source": source,
        "fetched": fetched,
    }


def _error_detail(body: bytes) -> str:
    m = _API_ERROR.search(body or b"")
    if m and b"arxiv.org/api/errors" in body:
        return core.collapse(m.group(1).decode("utf-8", "replace"))[:200]
    return ""
