"""arXiv ids, text, ISO weeks, feed checks, the weekly digest merge and BibTeX (pure helpers).

Re-exported by ``cockpit.core.papers``; they read no record, so parsers (``sources.arxiv``) and
the records share them without a cycle.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cockpit.core.record import record

if TYPE_CHECKING:
    from cockpit.core.papers import QueueItem

Doc = dict[str, Any]

# ------------------------------------------------------------------ ids

ID_PATTERN = r"(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ID_RE = re.compile(rf"({ID_PATTERN})")
_FULL_ID_RE = re.compile(rf"^{ID_PATTERN}$")
_VERSION_RE = re.compile(r"v(\d+)$")


def strip_version(arxiv_id: str) -> str:
    """``2609.26811v3`` -> ``2609.26811``; never splits inside the archive name (``solv-int/...``)."""
    return _VERSION_RE.sub("", arxiv_id.strip())


def version_of(arxiv_id: str) -> int | None:
    m = _VERSION_RE.search(arxiv_id.strip())
    return int(m.group(1)) if m else None


def find_id(text: str) -> str | None:
    """The arXiv id inside an id, an ``arXiv:`` label, an OAI guid or an abs/pdf URL (with version)."""
    text = (text or "").strip()
    for prefix in ("oai:arXiv.org:", "arXiv:", "arxiv:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if _FULL_ID_RE.match(text):
        return text
    m = re.search(rf"/(?:abs|pdf)/({ID_PATTERN})", text)
    if m:
        return m.group(1)
    m = _ID_RE.search(text)
    return m.group(1) if m else None


def is_valid_id(text: str) -> bool:
    return bool(_FULL_ID_RE.match(text.strip()))


def normalize_id(text: str) -> str:
    """A user-typed id (any form) -> versionless id; ValueError when it is not an arXiv id."""
    found = find_id(text)
    if not found:
        raise ValueError(f"not an arXiv id: {text!r}")
    return strip_version(found)


# ------------------------------------------------------------------ text


def collapse(text: str | None) -> str:
    """Collapse runs of whitespace (the legacy API hard-wraps titles and abstracts)."""
    return " ".join((text or "").split())


def split_authors(creator: str) -> list[tuple[str, str]]:
    """``"A B, C D (Affil A, Affil B)"`` -> ``[("A B", ""), ("C D", "Affil A, Affil B")]``.

    Splits on commas outside parentheses; an unbalanced ``(`` keeps the rest as the affiliation.
    A trailing ``" and X"`` in the last name is split off too.
    """
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in creator or "":
        if ch == "(":
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    out: list[tuple[str, str]] = []
    for raw in parts:
        raw = collapse(raw)
        if not raw:
            continue
        if raw.startswith("and "):
            raw = raw[4:]
        name, affil = raw, ""
        i = raw.find("(")
        if i > 0:
            name = raw[:i].strip()
            affil = raw[i + 1 :]
            if affil.endswith(")"):
                affil = affil[:-1]
            affil = affil.strip()
        names = [n for n in re.split(r"\s+and\s+", name) if n] or [name]
        out.extend((n, "") for n in names[:-1])
        out.append((names[-1], affil))
    return out


_DESC_RE = re.compile(
    r"^arXiv:(?P<id>\S+?)(?P<v>v\d+)\s+Announce Type:\s*(?P<type>[\w-]+)\s+Abstract:\s*(?P<abstract>.*)\Z",
    re.S,
)


def parse_description(text: str) -> dict[str, str]:
    """The RSS ``<description>``: id, version, announce type and abstract (or the raw text as abstract)."""
    m = _DESC_RE.match((text or "").strip())
    if not m:
        return {"abstract": collapse(text)}
    return {
        "id": m.group("id"),
        "version": m.group("v"),
        "type": m.group("type"),
        "abstract": collapse(m.group("abstract")),
    }


# ------------------------------------------------------------------ weeks


def iso_week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def parse_week(text: str) -> str:
    """``2026-W48`` / ``2026W48`` / ``2026-w48`` -> ``2026-W48``; ValueError otherwise."""
    m = re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text.strip())
    if not m:
        raise ValueError(f"not an ISO week (like 2026-W48): {text!r}")
    y, w = int(m.group(1)), int(m.group(2))
    try:
        dt.date.fromisocalendar(y, w, 1)
    except ValueError:  # W00, W54, W53 of a 52-week year
        raise ValueError(f"week {y}-W{w:02d} does not exist") from None
    return f"{y}-W{w:02d}"


def week_monday(week: str) -> dt.date:
    y, w = week.split("-W")
    return dt.date.fromisocalendar(int(y), int(w), 1)


def shift_week(week: str, n: int) -> str:
    return iso_week(week_monday(week) + dt.timedelta(weeks=n))


# ------------------------------------------------------------------ feeds: weekend, stale


EASTERN = "America/New_York"


def expected_announcement(now_et: dt.datetime) -> dt.date | None:
    """The announcement date today's feed should carry (US/Eastern), or None on weekends."""
    day = now_et.date()
    return None if day.weekday() >= 5 else day


@record
class FeedCheck:
    state: str  # "ok" | "weekend" | "empty" | "stale"
    message: str


def check_feed(
    category: str,
    items: int,
    feed_date: dt.date | None,
    expected: dt.date | None,
    max_id: str | None,
    prev_max_id: str | None,
) -> FeedCheck:
    """Recognise weekend/holiday empty feeds and stale feeds (an old batch with a fresh build date)."""
    if items == 0:
        if expected is None:
            return FeedCheck("weekend", f"{category}: no announcements on weekends")
        return FeedCheck("empty", f"{category}: empty feed (holiday or no announcement today)")
    if expected is not None and feed_date is not None and feed_date < expected:
        return FeedCheck(
            "stale",
            f"{category}: stale feed (announced {feed_date.isoformat()}, expected {expected.isoformat()})",
        )
    if max_id and prev_max_id and id_sort_key(max_id) <= id_sort_key(prev_max_id) and feed_date != expected:
        return FeedCheck("stale", f"{category}: stale feed (no id above {prev_max_id})")
    return FeedCheck("ok", f"{category}: {items} papers")


def id_sort_key(arxiv_id: str) -> tuple[int, str]:
    base = strip_version(arxiv_id)
    if "/" in base:
        return (0, base.split("/")[1])
    yymm, _, num = base.partition(".")
    return (1, f"{yymm}.{num.zfill(5)}")


# ------------------------------------------------------------------ the weekly digest


@dataclass
class Merge:
    inserts: list[Doc] = field(default_factory=list)
    updates: list[tuple[str, Doc]] = field(default_factory=list)  # (store id, fields)
    replacements: dict[str, int] = field(default_factory=dict)  # arxiv_id -> newer version (kept papers)
    ignored: int = 0  # replacements of papers the user did not keep


def merge_week(existing: Iterable[Doc], incoming: Iterable[Doc], kept: set[str]) -> Merge:
    """Fold ``incoming`` papers into one week's stored papers.

    Deduplicates on the versionless id (cross-lists kept once, categories unioned); a replacement
    is added to the digest only when that week has never listed it, and is reported for kept
    papers only ("v3 available").
    """
    by_id: dict[str, Doc] = {p["arxiv_id"]: p for p in existing}
    out = Merge()
    pending: dict[str, Doc] = {}
    for paper in incoming:
        aid = paper["arxiv_id"]
        kind = paper.get("announce_type") or "new"
        if kind.startswith("replace"):
            v = paper.get("version") or 0
            if aid in kept:
                out.replacements[aid] = max(v, out.replacements.get(aid, 0))
            else:
                out.ignored += 1
            continue
        if aid in pending:
            _fold(pending[aid], paper)
            continue
        cur = by_id.get(aid)
        if cur is None:
            pending[aid] = dict(paper)
            continue
        changes = _fold(dict(cur), paper, changes_only=True)
        if changes:
            out.updates.append((cur["id"], changes))
        if aid in kept and (paper.get("version") or 0) > (cur.get("version") or 0):
            out.replacements[aid] = paper["version"]
    out.inserts = list(pending.values())
    return out


def _fold(into: Doc, other: Doc, changes_only: bool = False) -> Doc:
    changes: Doc = {}
    cats = list(into.get("categories") or [])
    for c in other.get("categories") or []:
        if c not in cats:
            cats.append(c)
    if cats != list(into.get("categories") or []):
        changes["categories"] = cats
    if (other.get("version") or 0) > (into.get("version") or 0):
        changes["version"] = other["version"]
    for key in ("doi", "journal_ref", "published"):
        if other.get(key) and not into.get(key):
            changes[key] = other[key]
    if not changes_only:
        into.update(changes)
    return changes


# ------------------------------------------------------------------ BibTeX


def _ascii_word(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", norm.encode("ascii", "ignore").decode().lower())


def bibtex_key(item: QueueItem) -> str:
    authors = item.authors
    surname = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else "anon"
    words = [_ascii_word(w) for w in re.findall(r"[A-Za-z][\w-]*", item.title)]
    stop = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "via"}
    first = next((w for w in words if w and w not in stop), "")
    return f"{surname or 'anon'}{item.year}{first}"


def _braced(text: str) -> str:
    """Keep TeX as is; only balance braces so the entry stays parseable."""
    depth = 0
    out = []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                out.append("\\}")
                continue
            depth -= 1
        out.append(ch)
    out.append("}" * depth)
    return "".join(out)


def bibtex(items: Iterable[QueueItem]) -> str:
    entries = []
    seen: dict[str, int] = {}
    for item in items:
        key = bibtex_key(item)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}{chr(ord('a') + seen[key] - 1)}"
        fields = [
            ("title", _braced(collapse(item.title))),
            ("author", " and ".join(_braced(a) for a in item.authors)),
            ("year", item.year),
            ("eprint", item.arxiv_id),
            ("archivePrefix", "arXiv"),
            ("primaryClass", item.primary),
            ("doi", item.doi),
            ("url", f"https://arxiv.org/abs/{item.arxiv_id}"),
        ]
        body = ",\n".join(f"  {k}={{{v}}}" for k, v in fields if v)
        entries.append(f"@misc{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")
