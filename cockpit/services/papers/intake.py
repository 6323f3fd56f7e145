"""Papers coming in: fetch (RSS + API backfill), ingest saved documents, look up / search by API.

Parsed papers are store dicts until they are folded into their week (``store_papers``); what
reaches the CLI and the TUI is a ``Paper``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit.core import papers as core
from cockpit.core.clock import to_stamp
from cockpit.errors import CockpitError, UsageError
from cockpit.services.atomic import atomic
from cockpit.services.papers.base import papers, parse_id, queue, queue_items, today
from cockpit.store import SINGLE, schema

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.sources.arxiv import Client

Doc = dict[str, Any]


# ------------------------------------------------------------------ storing papers


@dataclass
class StoreReport:
    added: int = 0
    updated: int = 0
    replacements: dict[str, int] = field(default_factory=dict)
    ignored_replacements: int = 0
    weeks: set[str] = field(default_factory=set)


def kept_ids(ctx: Context) -> set[str]:
    return {i.arxiv_id for i in queue_items(ctx) if i.status != "dropped"}


@atomic
def store_papers(ctx: Context, incoming: list[Doc]) -> StoreReport:
    """Fold parsed papers into their weeks (dedupe on versionless id) and note replacements."""
    rep = StoreReport()
    if not incoming:
        return rep
    fallback = today(ctx).isoformat()
    by_week: dict[str, list[Doc]] = {}
    for p in incoming:
        if not p.get("announced"):
            p = {**p, "announced": fallback}
        by_week.setdefault(core.iso_week(dt.date.fromisoformat(p["announced"][:10])), []).append(p)
    kept = kept_ids(ctx)
    coll = papers(ctx)
    for week, items in sorted(by_week.items()):
        with coll.transaction(week) as part:
            merge = core.merge_week(part.all(), items, kept)
            part.insert_many(merge.inserts)
            for sid, fields in merge.updates:
                part.update(sid, fields)
        rep.added += len(merge.inserts)
        rep.updated += len(merge.updates)
        rep.ignored_replacements += merge.ignored
        for aid, v in merge.replacements.items():
            rep.replacements[aid] = max(v, rep.replacements.get(aid, 0))
        if merge.inserts or merge.updates:
            rep.weeks.add(week)
    if rep.replacements:
        with queue(ctx).transaction(SINGLE) as q:
            for item in map(core.QueueItem.from_doc, q.all()):
                v = rep.replacements.get(item.arxiv_id)
                if v and v > (item.latest_version or 0):
                    q.update(item.id, {"latest_version": v})
    return rep


def ingest(ctx: Context, files: list[str]) -> tuple[StoreReport, list[str]]:
    """Read saved RSS/Atom/API documents through the network path's parser."""
    from cockpit.sources import arxiv as src

    lines: list[str] = []
    all_papers: list[Doc] = []
    now = to_stamp(ctx.clock.now())
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise CockpitError(f"cannot read {path}: {e.strerror}") from None
        try:
            parsed = src.parse_bytes(data, source="ingest", fetched=now)
        except src.ArxivError as e:
            raise CockpitError(f"{path}: {e}") from None
        lines.append(f"{path}: {len(parsed.papers)} papers ({parsed.kind})")
        lines.extend(f"{path}: {p}" for p in parsed.problems)
        all_papers.extend(parsed.papers)
    return store_papers(ctx, all_papers), lines


# ------------------------------------------------------------------ fetching


@dataclass
class FetchReport:
    lines: list[str] = field(default_factory=list)
    stored: StoreReport = field(default_factory=StoreReport)
    errors: int = 0


def fetch(
    ctx: Context,
    categories: list[str] | None = None,
    client: Client | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> FetchReport:
    """Poll each category's RSS feed, recognise weekend/stale feeds, backfill missed weekdays by API."""
    from zoneinfo import ZoneInfo

    from cockpit.sources import arxiv as src

    cfg = ctx.config.papers
    cats = categories or list(cfg.categories)
    client = client or src.shared(cfg)
    now = ctx.clock.now()
    stamp = to_stamp(now)
    expected = core.expected_announcement(now.astimezone(ZoneInfo(core.EASTERN)))
    log_doc = schema.doc(ctx.store, schema.DOC_PAPERS_FETCH)
    seen = log_doc.read()
    rep = FetchReport()
    collected: list[Doc] = []
    steps = len(cats) * 2
    step = 0
    updates: dict[str, Doc] = {}
    for cat in cats:
        step += 1
        if progress:
            progress(f"RSS {cat}", step, steps)
        state = dict(seen.get(cat) or {})
        try:
            parsed = client.fetch_rss(cat, fetched=stamp)
        except CockpitError as e:
            rep.errors += 1
            rep.lines.append(f"{cat}: {e}")
            continue
        max_id = max((p["arxiv_id"] for p in parsed.papers), key=core.id_sort_key, default=None)
        check = core.check_feed(
            cat, len(parsed.papers), parsed.feed_date, expected, max_id, state.get("max_id")
        )
        rep.lines.append(check.message)
        rep.lines.extend(f"{cat}: {p}" for p in parsed.problems)
        if check.state in ("ok", "stale"):
            # a stale feed still holds a real (older) announcement: keep it under its own date
            collected.extend(parsed.papers)
            if max_id and (
                not state.get("max_id") or core.id_sort_key(max_id) > core.id_sort_key(state["max_id"])
            ):
                state["max_id"] = max_id
            if parsed.feed_date:
                dates = set(state.get("dates") or [])
                dates.add(parsed.feed_date.isoformat())
                state["dates"] = sorted(dates)[-30:]
        state["last"] = stamp
        state["last_state"] = check.state
        updates[cat] = state
    if cfg.backfill:
        for cat in cats:
            step += 1
            if progress:
                progress(f"backfill {cat}", step, steps)
            state = updates.get(cat) or dict(seen.get(cat) or {})
            have = set(state.get("dates") or [])
            for day in missed_days(today_et(now), have):
                try:
                    parsed = client.backfill(cat, day, fetched=stamp)
                except CockpitError as e:
                    rep.errors += 1
                    rep.lines.append(f"{cat}: backfill {day}: {e}")
                    break
                rep.lines.append(
                    f"{cat}: backfilled {day.isoformat()} from the API: {len(parsed.papers)} papers"
                )
                rep.lines.extend(f"{cat}: {p}" for p in parsed.problems)
                collected.extend(parsed.papers)
                have.add(day.isoformat())
                state["dates"] = sorted(have)[-30:]
            updates[cat] = state
    rep.stored = store_papers(ctx, collected)
    if updates:
        log_doc.update(lambda cur: {**cur, **updates})
    if progress:
        progress("done", steps, steps)
    return rep


def lookup(
    ctx: Context,
    query: str = "",
    ids: list[str] | None = None,
    limit: int = 20,
    client: Client | None = None,
) -> tuple[StoreReport, list[core.Paper], list[str]]:
    """Search arXiv, or look papers up by id, through the shared client; what it finds is stored
    (and so can be kept, ranked, or used as a seed paper). Returns (stored, papers, problems)."""
    from cockpit.sources import arxiv as src

    if not query.strip() and not ids:
        raise UsageError("give a search query or at least one arXiv id")
    wanted = [parse_id(i) for i in ids or []]
    client = client or src.shared(ctx.config.papers)
    parsed = client.search(
        query.strip(), ids=wanted, max_results=max(limit, len(wanted)), fetched=to_stamp(ctx.clock.now())
    )
    problems = list(parsed.problems)
    found = {p["arxiv_id"] for p in parsed.papers}
    problems += [f"{i}: not found on arXiv" for i in wanted if i not in found]
    stored = store_papers(ctx, parsed.papers)
    return stored, [core.Paper.from_doc(p) for p in parsed.papers], problems


def today_et(now: dt.datetime) -> dt.date:
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(core.EASTERN)).date()


def missed_days(day: dt.date, have: set[str]) -> list[dt.date]:
    """Weekdays of ``day``'s ISO week before ``day`` with no announcement collected."""
    monday = day - dt.timedelta(days=day.weekday())
    out = []
    d = monday
    while d < day:
        if d.weekday() < 5 and d.isoformat() not in have:
            out.append(d)
        d += dt.timedelta(days=1)
    return out
