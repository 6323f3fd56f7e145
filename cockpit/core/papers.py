"""Papers: pure domain logic (no I/O, no Textual, clock passed in).

- arXiv ids and versions, author lists with parenthesised affiliations, the RSS description;
- the weekly digest: the union of a week's announcements deduplicated on the versionless id;
- replacements ("v3 available") shown only for papers already kept;
- stale and weekend/holiday feeds;
- the queue of at most N papers per ISO week (swap, defer, rollover of unread papers);
- three reading passes with planned and actual minutes; statuses queued -> reading -> done/dropped;
- BibTeX export.

A paper (collection ``papers``, one file per ISO week of ``announced``)::

    arxiv_id      versionless id ("2609.26811", "solv-int/9901001")
    version       int or None          title, abstract: whitespace collapsed, TeX kept as is
    authors       [name]               affiliations: [str] (same length, "" when unknown)
    categories    [cat], primary first primary: str
    announce_type new|cross|replace|replace-cross|api
    announced     YYYY-MM-DD (announcement date, ET)   published: YYYY-MM-DD or ""
    doi, journal_ref, link, source ("rss"|"api"|"ingest"), fetched (stamp)
    decision      None|"keep"|"skip"|"later"            decided: stamp or None
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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


def year_of(paper: Doc) -> str:
    """The v1 year: from a new- or old-style id (``2205.06398`` -> 2022), else the dates."""
    aid = str(paper.get("arxiv_id", ""))
    m = re.match(r"^(\d{2})\d{2}\.", aid) or re.search(r"/(\d{2})\d{5}$", aid)
    if m:
        yy = int(m.group(1))
        return str(1900 + yy if yy >= 91 else 2000 + yy)
    for key in ("published", "announced"):
        v = str(paper.get(key) or "")
        if re.match(r"^\d{4}-", v):
            return v[:4]
    return ""


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
    dt.date.fromisocalendar(y, w, 1)  # raises ValueError for W54 and friends
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


@dataclass(frozen=True)
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


# ------------------------------------------------------------------ the queue

STATUSES = ("queued", "reading", "done", "dropped")
PASSES = (
    (1, 15, "title, abstract, figures"),
    (2, 45, "method and results"),
    (3, 120, "the math"),
)
OPEN = ("queued", "reading")


def new_item(paper: Doc, week: str, now: str) -> Doc:
    """A queue item for a kept paper (enough metadata for BibTeX and the pane)."""
    return {
        "arxiv_id": paper["arxiv_id"],
        "title": paper.get("title", ""),
        "authors": list(paper.get("authors") or []),
        "primary": paper.get("primary") or ((paper.get("categories") or [""])[0]),
        "categories": list(paper.get("categories") or []),
        "doi": paper.get("doi") or "",
        "version": paper.get("version"),
        "latest_version": paper.get("version"),
        "year": year_of(paper),
        "link": paper.get("link") or f"https://arxiv.org/abs/{paper['arxiv_id']}",
        "week": week,
        "kept": now,
        "status": "queued",
        "passes": [
            {"n": n, "planned": m, "actual": None, "started": None, "finished": None} for n, m, _ in PASSES
        ],
    }


def counts_against(item: Doc, week: str) -> bool:
    """Kept that week (not dropped), or unread from an earlier week (rolled over)."""
    if item.get("status") == "dropped":
        return False
    if item.get("week") == week:
        return True
    return item.get("week", "") < week and item.get("status") in OPEN


def occupants(items: Iterable[Doc], week: str) -> list[Doc]:
    return [i for i in items if counts_against(i, week)]


def rolled_over(items: Iterable[Doc], week: str) -> list[Doc]:
    return [i for i in items if i.get("week", "") < week and i.get("status") in OPEN]


@dataclass(frozen=True)
class KeepResult:
    ok: bool
    week: str
    occupants: list[Doc]
    warning: str = ""


def can_keep(items: list[Doc], arxiv_id: str, week: str, limit: int) -> KeepResult:
    """Whether one more paper fits in ``week`` (its unread rollovers count against it)."""
    occ = occupants(items, week)
    warn = ""
    old = rolled_over(items, week)
    if old:
        warn = f"{len(old)} unread paper(s) from earlier weeks count against {week}"
    if any(i["arxiv_id"] == arxiv_id for i in occ):
        return KeepResult(True, week, occ, warn)
    return KeepResult(len(occ) < limit, week, occ, warn)


def first_week_with_room(items: list[Doc], week: str, limit: int, horizon: int = 52) -> str:
    """The first week from ``week`` on with fewer than ``limit`` papers queued for it (deferral)."""
    w = week
    for _ in range(horizon):
        if sum(1 for i in items if i.get("week") == w and i.get("status") != "dropped") < limit:
            return w
        w = shift_week(w, 1)
    return w


def pass_index(item: Doc, n: int) -> int:
    for i, p in enumerate(item.get("passes") or []):
        if p.get("n") == n:
            return i
    raise ValueError(f"no pass {n} (passes are 1, 2, 3)")


def next_pass(item: Doc) -> int | None:
    for p in item.get("passes") or []:
        if p.get("finished") is None:
            return int(p["n"])
    return None


def running_pass(item: Doc) -> int | None:
    for p in item.get("passes") or []:
        if p.get("started") and not p.get("finished"):
            return int(p["n"])
    return None


def start_pass(item: Doc, n: int, now: str) -> Doc:
    """Return the item with pass ``n`` started (status reading)."""
    if item.get("status") in ("done", "dropped"):
        raise ValueError(f"{item['arxiv_id']} is {item['status']}")
    passes = [dict(p) for p in item["passes"]]
    i = pass_index(item, n)
    for p in passes:
        if p.get("started") and not p.get("finished") and p["n"] != n:
            raise ValueError(f"pass {p['n']} is still running; finish it first")
    passes[i]["started"] = now
    passes[i]["finished"] = None
    return {**item, "passes": passes, "status": "reading"}


def finish_pass(item: Doc, n: int, start: dt.datetime, end: dt.datetime, minutes: float | None = None) -> Doc:
    """Pass ``n`` finished: actual minutes from its start (or given); after pass 3 the paper is done."""
    passes = [dict(p) for p in item["passes"]]
    i = pass_index(item, n)
    actual = minutes if minutes is not None else max(0.0, (end - start).total_seconds() / 60)
    passes[i]["actual"] = round(float(actual), 1)
    passes[i]["finished"] = end.astimezone(dt.UTC).isoformat()
    if not passes[i].get("started"):
        passes[i]["started"] = start.astimezone(dt.UTC).isoformat()
    status = "done" if n == 3 else "reading"
    return {**item, "passes": passes, "status": status}


def minutes_summary(item: Doc) -> str:
    """``P1 15/12 · P2 45/– · P3 120/–`` (planned / actual)."""
    bits = []
    for p in item.get("passes") or []:
        actual = "–" if p.get("actual") is None else f"{p['actual']:g}"
        mark = "▶" if p.get("started") and not p.get("finished") else ""
        bits.append(f"P{p['n']}{mark} {p['planned']}/{actual}")
    return " · ".join(bits)


# ------------------------------------------------------------------ BibTeX


def _ascii_word(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", norm.encode("ascii", "ignore").decode().lower())


def bibtex_key(item: Doc) -> str:
    authors = item.get("authors") or []
    surname = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else "anon"
    words = [_ascii_word(w) for w in re.findall(r"[A-Za-z][\w-]*", item.get("title") or "")]
    stop = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "towards", "via"}
    first = next((w for w in words if w and w not in stop), "")
    return f"{surname or 'anon'}{item.get('year') or ''}{first}"


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


def bibtex(items: Iterable[Doc]) -> str:
    entries = []
    seen: dict[str, int] = {}
    for item in items:
        key = bibtex_key(item)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}{chr(ord('a') + seen[key] - 1)}"
        fields = [
            ("title", _braced(collapse(item.get("title")))),
            ("author", " and ".join(_braced(a) for a in item.get("authors") or [])),
            ("year", item.get("year") or ""),
            ("eprint", item["arxiv_id"]),
            ("archivePrefix", "arXiv"),
            ("primaryClass", item.get("primary") or ""),
            ("doi", item.get("doi") or ""),
            ("url", f"https://arxiv.org/abs/{item['arxiv_id']}"),
        ]
        body = ",\n".join(f"  {k}={{{v}}}" for k, v in fields if v)
        entries.append(f"@misc{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")
