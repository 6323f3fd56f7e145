"""Papers use cases shared by the CLI and the TUI: fetch/ingest, rank, decide, queue, passes, notes.

Store layout:
- ``papers``: one file per ISO week of the announcement date (see ``core.papers``);
- ``paper_queue``: the kept papers (queue items, one file);
- docs ``papers-fetch`` (per category: last max id, announcement dates seen) and
  ``papers-profile`` (what the model was last trained on, its top terms).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cockpit.core import papers as core
from cockpit.core.clock import from_stamp, to_stamp
from cockpit.errors import CockpitError, UsageError
from cockpit.store import SINGLE, Collection, schema

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core import ranking
    from cockpit.sources.arxiv import Client

Doc = dict[str, Any]
DECISIONS = ("keep", "skip", "later")
log = logging.getLogger("cockpit.papers")


class QueueFull(CockpitError):
    def __init__(self, week: str, limit: int, occupants: list[Doc]) -> None:
        self.week, self.limit, self.occupants = week, limit, occupants
        names = "; ".join(f"{o['arxiv_id']} {core.collapse(o.get('title'))[:40]}" for o in occupants)
        super().__init__(
            f"the queue for {week} is full ({len(occupants)}/{limit}: {names}); "
            "keep it with --swap ID (drops that one) or --defer (next week)"
        )


# ------------------------------------------------------------------ collections


def papers(ctx: Context) -> Collection:
    return schema.papers(ctx.store)


def queue(ctx: Context) -> Collection:
    return schema.paper_queue(ctx.store)


def decisions(ctx: Context) -> Collection:
    """One small record per decided paper, in the same ISO week partition as the paper."""
    return schema.paper_decisions(ctx.store)


def decision_map(ctx: Context, week: str | None = None) -> dict[str, Doc]:
    coll = decisions(ctx)
    out: dict[str, Doc] = {}
    for d in coll.all(None if week is None else [week]):
        out[d["arxiv_id"]] = d
    return out


def today(ctx: Context) -> dt.date:
    return ctx.clock.now().astimezone(ctx.clock.tz).date()


def current_week(ctx: Context) -> str:
    return core.iso_week(today(ctx))


def fingerprint(ctx: Context) -> tuple[int, int, int]:
    return papers(ctx).fingerprint(), queue(ctx).fingerprint(), decisions(ctx).fingerprint()


# ------------------------------------------------------------------ storing papers


@dataclass
class StoreReport:
    added: int = 0
    updated: int = 0
    replacements: dict[str, int] = field(default_factory=dict)
    ignored_replacements: int = 0
    weeks: set[str] = field(default_factory=set)


def kept_ids(ctx: Context) -> set[str]:
    return {i["arxiv_id"] for i in queue(ctx).all() if i.get("status") != "dropped"}


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
            for doc in merge.inserts:
                part.insert(doc)
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
            for item in q.all():
                v = rep.replacements.get(item["arxiv_id"])
                if v and v > (item.get("latest_version") or 0):
                    q.update(item["id"], {"latest_version": v})
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
) -> tuple[StoreReport, list[Doc], list[str]]:
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
    return store_papers(ctx, parsed.papers), parsed.papers, problems


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


# ------------------------------------------------------------------ reading papers


def resolve_week(ctx: Context, week: str | None) -> str:
    if week:
        try:
            return core.parse_week(week)
        except ValueError as e:
            raise UsageError(str(e)) from None
    cur = current_week(ctx)
    parts = papers(ctx).parts()
    if cur in parts or not parts:
        return cur
    older = [p for p in parts if p <= cur]
    return older[-1] if older else parts[-1]


def week_papers(ctx: Context, week: str) -> list[Doc]:
    """The week's digest, each paper with its ``decision`` (None, keep, skip or later)."""
    dmap = decision_map(ctx, week)
    out = []
    for p in papers(ctx).read_part(week):
        d = dmap.get(p["arxiv_id"])
        out.append({**p, "decision": d["decision"] if d else None})
    return out


def find_paper(ctx: Context, arxiv_id: str) -> Doc | None:
    coll = papers(ctx)
    for part in reversed(coll.parts()):
        for p in coll.read_part(part):
            if p["arxiv_id"] == arxiv_id:
                return p
    return None


def parse_id(text: str) -> str:
    try:
        return core.normalize_id(text)
    except ValueError as e:
        raise UsageError(str(e)) from None


def decided(ctx: Context) -> list[tuple[Doc, int]]:
    """Every keep (1) and skip (0) with its paper: the model's training set."""
    out = []
    dcoll = decisions(ctx)
    for week in dcoll.parts():
        labels = {d["arxiv_id"]: d["decision"] for d in dcoll.read_part(week)}
        labels = {k: v for k, v in labels.items() if v in ("keep", "skip")}
        if not labels:
            continue
        for p in papers(ctx).read_part(week):
            if p["arxiv_id"] in labels:
                out.append(
                    ({**p, "decision": labels[p["arxiv_id"]]}, 1 if labels[p["arxiv_id"]] == "keep" else 0)
                )
    return out


def profile(ctx: Context) -> ranking.Profile:
    from cockpit.core import ranking  # the ranker is loaded when ranking, not at start-up

    cfg = ctx.config.papers
    seeds = []
    for sid in cfg.seed_papers:
        try:
            found = find_paper(ctx, core.normalize_id(sid))
        except ValueError:
            found = None
        if found is not None:
            seeds.append(found)
    return ranking.Profile(list(cfg.keywords), list(cfg.authors), list(cfg.categories), seeds)


def mit_titles(ctx: Context) -> list[str]:
    if not ctx.config.papers.mit_boost:
        return []
    try:
        from cockpit.services import mits

        return [str(t.get("title") or "") for t in mits.todays_mits(ctx) if not t.get("done")]
    except Exception:  # noqa: BLE001 - MITs are optional for ranking
        return []


def model(ctx: Context, corpus: list[Doc]) -> ranking.Model:
    from cockpit.core import ranking

    m = ranking.Model(profile(ctx), decided(ctx), corpus, mit_titles(ctx))
    return m


def save_profile(ctx: Context, m: ranking.Model) -> None:
    from cockpit.core import ranking

    top = sorted(m.weights.items(), key=lambda kv: -kv[1])[:20]
    doc = {
        "trained_on": m.trained_on,
        "updated": to_stamp(ctx.clock.now()),
        "top": [ranking.label_of(f, m.names) for f, _ in top],
    }
    try:
        schema.doc(ctx.store, schema.DOC_PAPERS_PROFILE).set(doc)
    except CockpitError as e:  # a read-only store still ranks
        log.warning("profile not saved: %s", e)


def ranked(ctx: Context, week: str) -> list[ranking.Ranked]:
    items = week_papers(ctx, week)
    m = model(ctx, items)
    save_profile(ctx, m)
    return m.rank(items)


# ------------------------------------------------------------------ decisions and the queue


@dataclass
class Undo:
    decision_id: str
    decision_before: Doc | None
    queue_before: list[tuple[str, Doc | None]]


@dataclass
class DecideResult:
    decision: str
    paper: Doc
    week: str | None = None
    warning: str = ""
    undo: Undo | None = None
    swapped: str | None = None


def queue_items(ctx: Context) -> list[Doc]:
    return queue(ctx).all()


def _require_paper(ctx: Context, arxiv_id: str) -> Doc:
    p = find_paper(ctx, arxiv_id)
    if p is None:
        raise UsageError(f"no paper {arxiv_id} in the store; fetch or ingest it first")
    return p


def decide(
    ctx: Context,
    arxiv_id: str,
    decision: str,
    swap: str | None = None,
    defer: bool = False,
    paper: Doc | None = None,
) -> DecideResult:
    """keep / skip / later one paper. A keep beyond the week's limit raises QueueFull
    unless ``swap`` (the id to drop) or ``defer`` (to the first later week with room) is given."""
    if decision not in DECISIONS:
        raise UsageError(f"decision must be one of {', '.join(DECISIONS)}")
    paper = paper or _require_paper(ctx, arxiv_id)
    now = ctx.clock.now()
    stamp = to_stamp(now)
    week = current_week(ctx)
    limit = ctx.config.papers.queue_size
    res = DecideResult(decision, paper)
    queue_before: list[tuple[str, Doc | None]] = []
    with queue(ctx).transaction(SINGLE) as q:
        items = q.all()
        mine = [i for i in items if i["arxiv_id"] == arxiv_id]
        open_mine = [i for i in mine if i.get("status") != "dropped"]
        if decision == "keep" and not open_mine:
            check = core.can_keep(items, arxiv_id, week, limit)
            res.warning = check.warning
            target = week
            if not check.ok:
                if swap:
                    swap_id = parse_id(swap)
                    victim = next((o for o in check.occupants if o["arxiv_id"] == swap_id), None)
                    if victim is None:
                        raise UsageError(f"{swap_id} is not in the queue for {week}")
                    queue_before.append((victim["id"], dict(victim)))
                    q.update(victim["id"], {"status": "dropped", "dropped": stamp, "reason": "swapped"})
                    res.swapped = swap_id
                elif defer:
                    target = core.first_week_with_room(items, core.shift_week(week, 1), limit)
                else:
                    raise QueueFull(week, limit, check.occupants)
            elif defer:
                target = core.first_week_with_room(items, core.shift_week(week, 1), limit)
            item = core.new_item(paper, target, stamp)
            if mine:  # kept before, dropped since: reuse its record
                queue_before.append((mine[0]["id"], dict(mine[0])))
                q.put(mine[0]["id"], item)
            else:
                qid = q.insert(item)
                queue_before.append((qid, None))
            res.week = target
        elif decision != "keep":
            for i in open_mine:
                if i.get("status") == "queued":
                    queue_before.append((i["id"], dict(i)))
                    q.update(i["id"], {"status": "dropped", "dropped": stamp, "reason": decision})
        else:
            res.week = open_mine[0]["week"]
    week_of_paper = core.iso_week(dt.date.fromisoformat(paper["announced"][:10]))
    with decisions(ctx).transaction(week_of_paper) as part:
        cur = next((d for d in part.all() if d["arxiv_id"] == arxiv_id), None)
        fields = {
            "arxiv_id": arxiv_id,
            "announced": paper["announced"],
            "decision": decision,
            "decided": stamp,
        }
        if cur is None:
            did, before = part.insert(fields), None
        else:
            did, before = cur["id"], {k: v for k, v in cur.items() if k != "id"}
            part.put(did, fields)
    res.paper = {**paper, "decision": decision}
    res.undo = Undo(did, before, queue_before)
    return res


def undo(ctx: Context, u: Undo) -> None:
    """Put the decision and the queue back as they were before one ``decide``."""
    coll = decisions(ctx)
    part, _ = coll.split_id(u.decision_id)
    with coll.transaction(part) as p:
        if u.decision_before is None:
            if p.get(u.decision_id) is not None:
                p.remove(u.decision_id)
        else:
            p.put(u.decision_id, u.decision_before)
    if u.queue_before:
        with queue(ctx).transaction(SINGLE) as q:
            for qid, before in reversed(u.queue_before):
                if before is None:
                    if q.get(qid) is not None:
                        q.remove(qid)
                else:
                    q.put(qid, before)


@dataclass
class QueueView:
    week: str
    limit: int
    current: list[Doc]  # counting against this week (kept this week + rolled over)
    later: list[Doc]  # deferred to later weeks
    finished: list[Doc]  # done (any week), newest first
    warning: str


def queue_view(ctx: Context) -> QueueView:
    week = current_week(ctx)
    items = queue_items(ctx)
    cur = core.occupants(items, week)
    rolled = core.rolled_over(items, week)
    warn = ""
    if rolled:
        warn = f"{len(rolled)} unread paper(s) rolled over from earlier weeks and count against {week}"
    if len(cur) > ctx.config.papers.queue_size:
        warn = (warn + "; " if warn else "") + f"over the limit ({len(cur)}/{ctx.config.papers.queue_size})"
    later = sorted(
        (i for i in items if i.get("week", "") > week and i.get("status") != "dropped"),
        key=lambda i: i["week"],
    )
    done = sorted(
        (i for i in items if i.get("status") == "done" and i not in cur), key=lambda i: i.get("kept", "")
    )
    return QueueView(week, ctx.config.papers.queue_size, cur, later, done[::-1], warn)


def _queue_item(ctx: Context, arxiv_id: str) -> Doc:
    items = [i for i in queue_items(ctx) if i["arxiv_id"] == arxiv_id and i.get("status") != "dropped"]
    if not items:
        raise UsageError(f"{arxiv_id} is not in the queue")
    return items[0]


def start_pass(ctx: Context, arxiv_id: str, n: int | None = None) -> tuple[Doc, str]:
    """Start a reading pass: a focus time-box in Research/Learning booked to the paper.

    Returns (item, message). When the focus time-box cannot start (not available, or another
    session runs), the pass start is recorded here and its time is booked when it finishes.
    """
    item = _queue_item(ctx, arxiv_id)
    n = n or core.next_pass(item)
    if n is None:
        raise UsageError(f"{arxiv_id}: all three passes are done")
    now = to_stamp(ctx.clock.now())
    try:
        started = core.start_pass(item, n, now)
    except ValueError as e:
        raise UsageError(f"{arxiv_id}: {e}") from None
    i = core.pass_index(started, n)
    planned = started["passes"][i]["planned"]
    msg = f"pass {n} of {arxiv_id} started ({planned} min planned)"
    timebox = False
    try:
        from cockpit.services import focus

        focus.start(ctx, mode="timebox", minutes=planned, category="research", paper=arxiv_id)
        timebox = True
        msg += "; focus time-box running"
    except NotImplementedError:
        pass
    except CockpitError as e:
        msg += f"; no time-box ({e}); the time is booked when the pass ends"
    started["passes"][i]["timebox"] = timebox
    queue(ctx).update(item["id"], {"passes": started["passes"], "status": started["status"]})
    return {**started, "id": item["id"]}, msg


def finish_pass(ctx: Context, arxiv_id: str, minutes: float | None = None) -> tuple[Doc, str]:
    item = _queue_item(ctx, arxiv_id)
    n = core.running_pass(item)
    if n is None:
        raise UsageError(f"{arxiv_id}: no pass is running")
    i = core.pass_index(item, n)
    p = item["passes"][i]
    start = from_stamp(p["started"])
    end = ctx.clock.now()
    if minutes is not None:
        end = start + dt.timedelta(minutes=minutes)
    done = core.finish_pass(item, n, start, end, minutes)
    booked_s = 0.0
    if p.get("timebox"):
        from cockpit.services import focus

        running = focus.current(ctx)
        if running is not None and running.paper == arxiv_id:
            # End the pass's time-box; focus books the span it timed to the paper.
            records = focus.stop(ctx)
            booked_s = sum(float(r.active_s) for r in records if r.phase == "focus")
    if not p.get("timebox") or (minutes is not None and minutes * 60 > booked_s + 1):
        # No time-box timed this pass, or the reader states more minutes than it timed.
        from cockpit.services import audit

        audit.add_entry(
            ctx,
            start=start + dt.timedelta(seconds=booked_s),
            end=end,
            category="research",
            source="reading",
            note=f"pass {n}: {core.collapse(item.get('title'))[:80]}",
            paper=arxiv_id,
        )
    queue(ctx).update(item["id"], {"passes": done["passes"], "status": done["status"]})
    actual = done["passes"][i]["actual"]
    msg = f"pass {n} of {arxiv_id} finished: {actual:g} of {p['planned']} min"
    if done["status"] == "done":
        msg += "; paper read"
    return {**done, "id": item["id"]}, msg


def drop(ctx: Context, arxiv_id: str) -> Doc:
    item = _queue_item(ctx, arxiv_id)
    return queue(ctx).update(
        item["id"], {"status": "dropped", "dropped": to_stamp(ctx.clock.now()), "reason": "dropped"}
    )


def bibtex(ctx: Context) -> str:
    items = [i for i in queue_items(ctx) if i.get("status") != "dropped"]
    items.sort(key=lambda i: i.get("kept", ""))
    return core.bibtex(items)


# ------------------------------------------------------------------ notes


def note_path(ctx: Context, arxiv_id: str, create: bool = True) -> Path:
    """``<data>/notes/<id>.md`` (``/`` in old-style ids becomes ``_``), created with a header."""
    from cockpit.paths import make_private_dir

    safe = arxiv_id.replace("/", "_")
    path = ctx.paths.notes_dir / f"{safe}.md"
    if create and not path.exists():
        make_private_dir(ctx.paths.notes_dir)
        paper = find_paper(ctx, arxiv_id) or {}
        title = core.collapse(paper.get("title")) or arxiv_id
        authors = ", ".join(paper.get("authors") or [])
        body = f"# {title}\n\narXiv:{arxiv_id} · {authors}\nhttps://arxiv.org/abs/{arxiv_id}\n\n"
        body += (
            "## Pass 1 (title, abstract, figures)\n\n## Pass 2 (method and results)\n\n## Pass 3 (the math)\n"
        )
        path.write_text(body, encoding="utf-8")
        path.chmod(0o600)
    return path
