"""Choose the ranker's settings by rolling-origin validation inside weeks 1-9 of the replay (never 10-13).

    COCKPIT_CORPUS=../shared/corpus python -m benchmarks.tune_ranking [--check]

Weeks 1-9 are ingested once through ``services.papers.ingest`` (as ``bench_ranking`` does) and read
back as the services see them. Then, for each setting, the replay's weeks 1-9 are played again in
memory with that setting: on Friday of week w the model is trained as ``services.papers.rank``
trains it (every decision of weeks 1..w-1, and the undecided papers of those weeks as weak skips,
newest weeks first, at most ``cap`` of them), ranks week w, and the simulated user decides the top
60 (featured = keep/like = 1, any other = skip = 0). The ranking of week k+1 is the validation of
origin k: ROC-AUC over every paper of week k+1, k = 5..8 (weeks 6-9). Each setting thus sees the
decisions its own rankings produce, as a user of it would.

The search, fixed before it was run: from START (main's settings before this script), round after
round, (1) the grid of cap x weak-skip weight with the other settings held, then (2) team size,
title bigrams and 10/25 epochs flipped one at a time at the chosen cap and weight; until a round
changes nothing (at most 3). The rule in each step: the highest mean AUC over the four origins
wins; settings within 0.002 of it count as tied and the tie goes to the one listed first: in (1)
the smaller cap (each undecided paper costs ranking time), then the smaller weight; in (2) the
current settings.

``--check`` also runs the services replay of ``bench_ranking`` with the code's defaults and
compares its weeks 1-9 decisions with this loop's decisions for the same settings.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from benchmarks import bench_ranking as b
from cockpit.core import ranking
from cockpit.core.papers import Paper
from cockpit.core.ranking import Params

CAPS = (0, 300, 1000, 3000)
WEIGHTS = (0.0, 0.05, 0.1, 0.2)
FIRST_ORIGIN = 5  # validate on weeks 6..9 (origins k = 5..8)
TIE = 0.002
# Where the search starts: the settings main had before this script chose (weak skips of weight 0.1,
# the newest 1,000 undecided papers, team size on, no bigrams, 10 epochs).
START = Params(bigrams=False, team=True, unlabeled=0.1, epochs=10, l2=1e-4)
START_CAP = 1000


class Weeks(NamedTuple):
    names: list[str]  # weeks 1-9
    papers: dict[str, list[Paper]]  # each week's papers in the store's order
    profile: ranking.Profile


def stored_weeks(recs: list[dict], root: Path) -> Weeks:
    """Weeks 1-9 ingested day by day through the services; each week's papers as the store holds
    them, and the profile the services rank with (the replay's config: default categories)."""
    from cockpit.services import papers as svc

    weeks = sorted({r["week"] for r in recs})[: b.TRAIN_WEEKS]
    by_day: dict[str, list[dict]] = {}
    for r in recs:
        if r["week"] in weeks:
            by_day.setdefault(r["date"], []).append(r)
    world = b.World(root / "tune")
    for d in sorted(by_day):
        world.ingest_day(dt.date.fromisoformat(d), by_day[d])
    return Weeks(weeks, {w: svc.week_papers(world.ctx, w, {}) for w in weeks}, svc.profile(world.ctx))


def closed_loop(
    world: Weeks, labels: dict[str, int], params: Params, cap: int
) -> tuple[list[float], list[tuple[str, int, int]]]:
    """Weeks 1-9 with one setting: the AUC of weeks 6-9 and the decisions (id, label, week index)."""
    weeks, week_papers, profile = world
    decided: dict[str, int] = {}
    decisions: list[tuple[str, int, int]] = []
    aucs: list[float] = []
    for wi, week in enumerate(weeks, 1):
        dec: list[tuple[Paper, int]] = []
        seen: list[list[Paper]] = []
        for past in weeks[: wi - 1]:  # as services.papers.rank.training reads the store
            dec += [(p, decided[p.arxiv_id]) for p in week_papers[past] if p.arxiv_id in decided]
            seen.append([p for p in week_papers[past] if p.arxiv_id not in decided])
        unlabeled: list[Paper] = []
        for rest in reversed(seen):
            unlabeled += rest[: max(0, cap - len(unlabeled))]
        items = week_papers[week]
        ranked = ranking.Model(profile, dec, items, unlabeled=unlabeled, params=params).rank(items)
        if wi > FIRST_ORIGIN:
            aucs.append(b.auc([r.score for r in ranked], [labels[r.paper.arxiv_id] for r in ranked]))
        for r in ranked[: b.TOP]:
            decided[r.paper.arxiv_id] = labels[r.paper.arxiv_id]
            decisions.append((r.paper.arxiv_id, labels[r.paper.arxiv_id], wi))
    return aucs, decisions


def pick(results: dict[tuple, list[float]]) -> tuple:
    """The key with the highest mean AUC; keys within TIE of it are tied and the first such key
    (in the order given: cheapest first) wins."""
    best = max(statistics.mean(a) for a in results.values())
    return next(k for k, a in results.items() if statistics.mean(a) >= best - TIE)


def row(name: str, aucs: list[float], secs: float | None) -> str:
    took = "(above)" if secs is None else f"{secs:.0f}"
    return f"| {name} | {statistics.mean(aucs):.3f} | {' '.join(f'{a:.3f}' for a in aucs)} | {took} |"


def toggles(p: Params) -> dict[str, Params]:
    """The other settings, one at a time: the current ones first (so a tie keeps them)."""
    return {
        "as chosen": p,
        f"team size {'off' if p.team else 'on'}": dataclasses.replace(p, team=not p.team),
        f"title bigrams {'off' if p.bigrams else 'on'}": dataclasses.replace(p, bigrams=not p.bigrams),
        f"{10 if p.epochs == 25 else 25} epochs": dataclasses.replace(p, epochs=10 if p.epochs == 25 else 25),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.tune_ranking")
    ap.add_argument("--check", action="store_true", help="compare with the services replay's decisions")
    args = ap.parse_args(argv)
    recs = b.load(b.data_file())
    labels = {r["id"]: r["label"] for r in recs}
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cockpit-tune-ranking-") as tmp:
        world = stored_weeks(recs, Path(tmp))
    print(f"Weeks {world.names[0]}..{world.names[-1]} ({sum(len(v) for v in world.papers.values())} papers); "
          f"validation weeks {', '.join(world.names[FIRST_ORIGIN:])}; weeks 10-13 are not loaded.")  # fmt: skip
    done: dict[tuple[Params, int], list[float]] = {}

    def measure(name: str, params: Params, cap: int) -> list[float]:
        if not cap or not params.unlabeled:  # no weak skips: one model whatever the other is
            params, cap = dataclasses.replace(params, unlabeled=0.0), 0
        key = (params, cap)
        secs = None
        if key not in done:
            t0 = time.perf_counter()
            done[key] = closed_loop(world, labels, params, cap)[0]
            secs = time.perf_counter() - t0
        print(row(name, done[key], secs), flush=True)
        return done[key]

    params, cap = START, START_CAP
    for rnd in range(1, 4):
        before = (params, cap)
        print(f"\nRound {rnd}, from UNLABELED_MAX = {cap}, {params}.\n")
        print(
            "| undecided papers (cap), weak-skip weight | mean AUC | weeks 6 7 8 9 | s |\n|---|---|---|---|"
        )
        grid = [(0, 0.0)] + [(c, w) for c in CAPS if c for w in WEIGHTS if w]
        res = {
            (c, w): measure("none (cap 0 or weight 0)" if not c else f"{c}, {w}",
                            dataclasses.replace(params, unlabeled=w), c)
            for c, w in grid
        }  # fmt: skip
        cap, w = pick(res)
        params = dataclasses.replace(params, unlabeled=w)
        print(f"\nChosen: cap {cap}, weight {w}.\n")
        print(f"| at cap {cap}, weight {w} | mean AUC | weeks 6 7 8 9 | s |\n|---|---|---|---|")
        variants = toggles(params)
        (won,) = pick({(name,): measure(name, p, cap) for name, p in variants.items()})
        params = variants[won]
        if (params, cap) == before:
            break
    print(f"\nChosen: UNLABELED_MAX = {cap}, {params}. Tuning took {time.perf_counter() - t_all:.0f} s.")
    from cockpit.services.papers import rank

    same = (rank.UNLABELED_MAX, ranking.DEFAULT) == (cap, params)
    print(
        f"The code's defaults (UNLABELED_MAX = {rank.UNLABELED_MAX}, {ranking.DEFAULT}) {'are' if same else 'are NOT'} these."
    )
    if args.check:
        check(recs, world, labels)


def check(recs: list[dict], world: Weeks, labels: dict[str, int]) -> None:
    from cockpit.services.papers import rank

    _, mine = closed_loop(world, labels, ranking.DEFAULT, rank.UNLABELED_MAX)
    with tempfile.TemporaryDirectory(prefix="cockpit-tune-check-") as tmp:
        theirs = b.replay(recs, Path(tmp))["decisions"]
    same = len(set(mine) & set(theirs))
    print(f"Check (code defaults: UNLABELED_MAX = {rank.UNLABELED_MAX}, {ranking.DEFAULT}): "
          f"{same} of {len(theirs)} services-replay decisions are this loop's ({len(mine)}).")  # fmt: skip
    if set(mine) != set(theirs):
        sys.exit(1)


if __name__ == "__main__":
    main()
