"""The papers store: its collections, today's ISO week, reading papers and decisions as records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cockpit.core import papers as core
from cockpit.errors import CockpitError, UsageError
from cockpit.store import Collection, schema

if TYPE_CHECKING:
    from cockpit.context import Context

DECISIONS = ("keep", "skip", "later", "like")


class QueueFull(CockpitError):
    def __init__(self, week: str, limit: int, occupants: list[core.QueueItem]) -> None:
        self.week, self.limit, self.occupants = week, limit, occupants
        names = "; ".join(f"{o.arxiv_id} {core.collapse(o.title)[:40]}" for o in occupants)
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


def decision_map(ctx: Context, week: str | None = None) -> dict[str, core.Decision]:
    out: dict[str, core.Decision] = {}
    for d in decisions(ctx).all(None if week is None else [week]):
        rec = core.Decision.from_doc(d)
        out[rec.arxiv_id] = rec
    return out


def today(ctx: Context) -> dt.date:
    return ctx.clock.now().astimezone(ctx.clock.tz).date()


def current_week(ctx: Context) -> str:
    return core.iso_week(today(ctx))


def fingerprint(ctx: Context) -> tuple[int, int, int]:
    return papers(ctx).fingerprint(), queue(ctx).fingerprint(), decisions(ctx).fingerprint()


def week_size(ctx: Context, week: str) -> int:
    """How many papers the digest of ``week`` holds."""
    return len(papers(ctx).read_part(week))


def decided_count(ctx: Context, week: str) -> int:
    """How many papers of ``week`` have a decision (triaged)."""
    return len(decisions(ctx).read_part(week))


# ------------------------------------------------------------------ reading papers and the queue


def parse_id(text: str) -> str:
    try:
        return core.normalize_id(text)
    except ValueError as e:
        raise UsageError(str(e)) from None


def find_paper(ctx: Context, arxiv_id: str) -> core.Paper | None:
    coll = papers(ctx)
    for part in reversed(coll.parts()):
        for p in coll.read_part(part):
            if p["arxiv_id"] == arxiv_id:
                return core.Paper.from_doc(p)
    return None


def week_papers(ctx: Context, week: str, labels: Mapping[str, str] | None = None) -> list[core.Paper]:
    """The week's digest, each paper with its ``decision`` (None, keep, skip or later)."""
    if labels is None:
        labels = {aid: d.decision for aid, d in decision_map(ctx, week).items()}
    return [core.Paper.from_doc(p, labels) for p in papers(ctx).read_part(week)]


def queue_items(ctx: Context) -> list[core.QueueItem]:
    return [core.QueueItem.from_doc(d) for d in queue(ctx).all()]


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
