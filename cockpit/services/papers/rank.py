"""Ranking a week's digest: the profile, the model trained on decisions, the ranked papers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cockpit.core import papers as core
from cockpit.core.clock import to_stamp
from cockpit.errors import CockpitError
from cockpit.services.papers.base import (
    decisions,
    find_paper,
    papers,
    week_papers,
)
from cockpit.services.papers.liked import imported_seeds
from cockpit.store import schema

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core import ranking

log = logging.getLogger("cockpit.papers")


# Undecided papers of triaged weeks the model trains on as weak skips (the newest first); chosen
# with the weight by ``python -m benchmarks.tune_ranking`` (weeks 1-9 only): 300 and 1,000 tie,
# the smaller wins as each one costs ranking time.
UNLABELED_MAX = 300


def training(ctx: Context) -> tuple[list[tuple[core.Paper, int]], list[core.Paper]]:
    """Every keep and like (1) and skip (0) with its paper, and the papers of those weeks left
    undecided (the user went past them: weak skips), newest weeks first up to UNLABELED_MAX."""
    out = []
    seen: list[list[core.Paper]] = []
    for week in decisions(ctx).parts():
        every = {d.arxiv_id: d.decision for d in map(core.Decision.from_doc, decisions(ctx).read_part(week))}
        labels = {a: d for a, d in every.items() if d in ("keep", "skip", "like")}
        if not labels:
            continue
        rest = []
        for doc in papers(ctx).read_part(week):
            if doc["arxiv_id"] in labels:
                p = core.Paper.from_doc(doc, labels)
                out.append((p, 0 if p.decision == "skip" else 1))
            elif doc["arxiv_id"] not in every:
                rest.append(core.Paper.from_doc(doc))
        seen.append(rest)
    unlabeled: list[core.Paper] = []
    for rest in reversed(seen):
        unlabeled += rest[: UNLABELED_MAX - len(unlabeled)]
    return out, unlabeled


def decided(ctx: Context) -> list[tuple[core.Paper, int]]:
    """Every keep and like (1) and skip (0) with its paper: the model's training set."""
    return training(ctx)[0]


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
    have = {s.arxiv_id for s in seeds}
    seeds += [p for p in imported_seeds(ctx) if p.arxiv_id not in have]
    return ranking.Profile(list(cfg.keywords), list(cfg.authors), list(cfg.categories), seeds)


def mit_titles(ctx: Context) -> list[str]:
    if not ctx.config.papers.mit_boost:
        return []
    try:
        from cockpit.services import mits

        return [t.title for t in mits.todays_mits(ctx) if not t.done]
    except Exception:  # noqa: BLE001 - MITs are optional for ranking
        return []


def model(ctx: Context, corpus: list[core.Paper]) -> ranking.Model:
    from cockpit.core import ranking

    dec, unlabeled = training(ctx)
    ranking_now = {p.arxiv_id for p in corpus}  # the week being ranked is not "gone past" yet
    unlabeled = [p for p in unlabeled if p.arxiv_id not in ranking_now]
    return ranking.Model(profile(ctx), dec, corpus, mit_titles(ctx), unlabeled=unlabeled)


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


def rerank(ctx: Context, corpus: list[core.Paper], rest: list[core.Paper]) -> list[ranking.Ranked]:
    """Score ``rest`` again with a model trained on the decisions so far (``corpus`` fits the IDF)."""
    return model(ctx, corpus).rank(rest)
