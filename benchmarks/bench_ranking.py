"""Papers taste: replay 13 real ML arXiv weeks with a real curation signal (Hugging Face Daily Papers).

Data: ``$COCKPIT_CORPUS/arxiv/ranking/ml_arxiv_hf_2025Q4.jsonl.gz`` (see its SOURCES.md). Each day
becomes an arXiv RSS 2.0 document (rss.arxiv.org's shape) and goes through ``services.papers.ingest``
under a simulated clock (a FakeClock in America/New_York set to each day), as ``cockpit papers
ingest`` does. The fixed protocol (DECISIONS.md "Papers taste"):

- weeks 1-9: on Monday the simulated user reads the queue (three passes of each queued paper); on
  Friday, after the last ingest, the week is ranked (``services.papers.ranked``, what ``cockpit
  papers rank`` prints) and the user goes through the top 60: a featured paper (label 1) is kept
  while the week's queue has room, then liked; any other is skipped (``services.papers.decide``);
- weeks 10-13: ingested and ranked with no decisions; each week's order is scored against the labels
  (ROC-AUC over every paper of the week, precision at 10).

Baselines from the same run: multinomial naive Bayes on the same decisions, and on every label of
weeks 1-9 (the 'all labels' model no user ever gives). Cold start: a fresh store, no decisions, a
profile of five keywords and 20 imported seed papers (``services.papers.import_file``, liked).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import os
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

DATA = "arxiv/ranking/ml_arxiv_hf_2025Q4.jsonl.gz"
TRAIN_WEEKS = 9
CMD_ENV = "COCKPIT_CORPUS=../shared/corpus"  # how BENCHMARKS.md names the run (relative to the repository)
TOP = 60
# The cold-start profile: five keywords a reader of Hugging Face Daily Papers would write down,
# chosen by hand before any figure was computed (not tuned).
KEYWORDS = ["language model", "reasoning", "multimodal", "agent", "diffusion"]
N_SEEDS = 20


def data_file() -> Path:
    root = os.environ.get("COCKPIT_CORPUS")
    if not root:
        raise SystemExit(
            "bench ranking: set COCKPIT_CORPUS to the corpus folder (the one holding arxiv/ranking/), "
            "e.g. COCKPIT_CORPUS=../shared/corpus python -m benchmarks ranking"
        )
    f = Path(root) / DATA
    if not f.is_file():
        raise SystemExit(f"bench ranking: {f} not found (COCKPIT_CORPUS={root})")
    return f


def load(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _rfc822(day: dt.date) -> str:
    off = "-0400" if dt.date(day.year, 3, 8) <= day < dt.date(day.year, 11, 2) else "-0500"
    return dt.datetime.combine(day, dt.time()).strftime("%a, %d %b %Y 00:00:00 ") + off


def day_rss(recs: list[dict], day: dt.date) -> bytes:
    """One day's listing as rss.arxiv.org writes it (see corpus/arxiv/rss-2024plus/)."""
    pub = _rfc822(day)
    items = []
    for r in recs:
        aid = r["id"]
        cats = "".join(f"<category>{escape(c)}</category>" for c in r["categories"] or ["cs.LG"])
        items.append(
            f"<item><title>{escape(r['title'])}</title><link>https://arxiv.org/abs/{aid}</link>"
            f"<description>arXiv:{aid}v1 Announce Type: new \nAbstract: {escape(r['abstract'])}</description>"
            f'<guid isPermaLink="false">oai:arXiv.org:{aid}v1</guid>{cats}<pubDate>{pub}</pubDate>'
            "<arxiv:announce_type>new</arxiv:announce_type>"
            f"<dc:creator>{escape(', '.join(r['authors']))}</dc:creator></item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        "<title>cs.CV, cs.CL, cs.AI updates on arXiv.org</title>"
        f"<pubDate>{pub}</pubDate><skipDays><day>Sunday</day><day>Saturday</day></skipDays>\n"
        + "".join(items)
        + "</channel></rss>\n"
    ).encode()


# ------------------------------------------------------------------ the simulated user's world


class World:
    """One COCKPIT_HOME with a simulated clock, driven through the services the CLI calls."""

    def __init__(self, home: Path, keywords: list[str] | None = None) -> None:
        from zoneinfo import ZoneInfo

        from cockpit.context import Context
        from cockpit.core.clock import FakeClock

        home.mkdir(parents=True, exist_ok=True)
        os.environ["COCKPIT_HOME"] = str(home)
        self.tz = ZoneInfo("America/New_York")
        self.clock = FakeClock(dt.datetime(2025, 8, 31, 8, tzinfo=self.tz), tz=self.tz)
        ctx = Context.open(home, clock=self.clock)
        lines = ["[papers]", "mit_boost = false", "backfill = false"]
        if keywords:
            lines.append("keywords = [" + ", ".join(json.dumps(k) for k in keywords) + "]")
        ctx.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
        ctx.paths.config_file.write_text("\n".join(lines) + "\n")
        self.ctx = Context.open(home, clock=self.clock)
        self.dir = home / "feeds"
        self.dir.mkdir(exist_ok=True)
        self.ingest_s = 0.0

    def at(self, day: dt.date, hour: int) -> None:
        target = dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)
        self.clock.advance((target - self.clock.now()).total_seconds())

    def ingest_day(self, day: dt.date, recs: list[dict]) -> None:
        from cockpit.services import papers as svc

        self.at(day, 7)
        f = self.dir / f"{day.isoformat()}.xml"
        f.write_bytes(day_rss(recs, day))
        t0 = time.perf_counter()
        rep, _ = svc.ingest(self.ctx, [str(f)])
        self.ingest_s += time.perf_counter() - t0
        assert rep.added == len(recs), (day, rep.added, len(recs))

    def read_queue(self, day: dt.date) -> int:
        """Monday: read every paper of the queue (three passes each, booked as reading time)."""
        from cockpit.services import papers as svc

        self.at(day, 9)
        n = 0
        for item in svc.queue_view(self.ctx).current:
            while True:
                try:
                    svc.start_pass(self.ctx, item.arxiv_id)
                except Exception:  # noqa: BLE001 - all passes done
                    break
                self.clock.advance(30 * 60)
                done, _ = svc.finish_pass(self.ctx, item.arxiv_id)
                if done.status == "done":
                    n += 1
                    break
        return n

    def ranked(self, week: str) -> list:
        from cockpit.services import papers as svc

        return svc.ranked(self.ctx, week)


def triage(world: World, ranked: list, labels: dict[str, int]) -> Counter[str]:
    """Friday: the top 60; featured papers kept while the queue has room, then liked; others skipped."""
    from cockpit.services import papers as svc

    out: Counter[str] = Counter()
    for r in ranked[:TOP]:
        aid = r.paper.arxiv_id
        if labels[aid]:
            try:
                svc.decide(world.ctx, aid, "keep", paper=r.paper)
                out["keep"] += 1
            except svc.QueueFull:
                svc.decide(world.ctx, aid, "like", paper=r.paper)
                out["like"] += 1
        else:
            svc.decide(world.ctx, aid, "skip", paper=r.paper)
            out["skip"] += 1
    return out


# ------------------------------------------------------------------ scores and baselines


def auc(scores: list[float], labels: list[int]) -> float:
    from cockpit.core.ranking import roc_auc

    return roc_auc(scores, labels)


def p_at(order: list[str], labels: dict[str, int], k: int = 10) -> float:
    return sum(labels[a] for a in order[:k]) / k


class NaiveBayes:
    """Multinomial naive Bayes on title + abstract words (Laplace smoothing); score = log-odds."""

    def __init__(self, docs: list[tuple[dict, int]]) -> None:
        from cockpit.core.ranking import tokenize

        self.tokenize = tokenize
        counts = {0: Counter(), 1: Counter()}
        n = Counter()
        for r, y in docs:
            counts[y].update(tokenize(r["title"] + " " + r["abstract"]))
            n[y] += 1
        vocab = set(counts[0]) | set(counts[1])
        v = len(vocab) or 1
        tot = {y: sum(counts[y].values()) for y in (0, 1)}
        self.llr = {
            w: math.log((counts[1][w] + 1) / (tot[1] + v)) - math.log((counts[0][w] + 1) / (tot[0] + v))
            for w in vocab
        }
        self.prior = math.log((n[1] + 1) / (n[0] + 1))

    def score(self, r: dict) -> float:
        llr = self.llr
        return self.prior + sum(llr.get(w, 0.0) for w in self.tokenize(r["title"] + " " + r["abstract"]))


def scored(recs: list[dict], scores: dict[str, float]) -> tuple[float, float]:
    labels = {r["id"]: r["label"] for r in recs}
    ids = [r["id"] for r in recs]
    order = sorted(ids, key=lambda a: (-scores[a], a))
    return auc([scores[a] for a in ids], [labels[a] for a in ids]), p_at(order, labels)


# ------------------------------------------------------------------ the replay


def replay(recs: list[dict], root: Path) -> dict:
    weeks = sorted({r["week"] for r in recs})
    by_day: dict[str, list[dict]] = {}
    for r in recs:
        by_day.setdefault(r["date"], []).append(r)
    labels = {r["id"]: r["label"] for r in recs}
    by_id = {r["id"]: r for r in recs}
    world = World(root / "replay")
    decisions: list[tuple[str, int, int]] = []  # (id, label, week index)
    t_rank = 0.0
    test_rows = []
    triaged: Counter[str] = Counter()
    read = 0
    for wi, week in enumerate(weeks, 1):
        days = sorted(d for d in by_day if by_day[d][0]["week"] == week)
        for d in days:
            day = dt.date.fromisoformat(d)
            if wi <= TRAIN_WEEKS and day.weekday() == 0:
                read += world.read_queue(day)
            world.ingest_day(day, by_day[d])
        friday = dt.date.fromisoformat(days[0]) + dt.timedelta(
            days=4 - dt.date.fromisoformat(days[0]).weekday()
        )
        world.at(friday, 17)
        t0 = time.perf_counter()
        ranked = world.ranked(week)
        t_rank += time.perf_counter() - t0
        assert len(ranked) == sum(len(by_day[d]) for d in days)
        if wi <= TRAIN_WEEKS:
            triaged += triage(world, ranked, labels)
            decisions += [(r.paper.arxiv_id, labels[r.paper.arxiv_id], wi) for r in ranked[:TOP]]
        else:
            scores = {r.paper.arxiv_id: r.score for r in ranked}
            wrecs = [by_id[a] for a in scores]
            a, p = scored(wrecs, scores)
            test_rows.append({"week": week, "n": len(wrecs), "pos": sum(r["label"] for r in wrecs), "model": (a, p),
                              "why": ranked[0].why})  # fmt: skip
    train = [r for r in recs if r["week"] in weeks[:TRAIN_WEEKS]]
    nb_dec = NaiveBayes([(by_id[a], y) for a, y, _ in decisions])
    nb_all = NaiveBayes([(r, r["label"]) for r in train])
    for row in test_rows:
        wrecs = [r for r in recs if r["week"] == row["week"]]
        row["nb_dec"] = scored(wrecs, {r["id"]: nb_dec.score(r) for r in wrecs})
        row["nb_all"] = scored(wrecs, {r["id"]: nb_all.score(r) for r in wrecs})
    return {
        "weeks": weeks,
        "rows": test_rows,
        "decisions": decisions,
        "triaged": triaged,
        "read": read,
        "ingest_s": world.ingest_s,
        "rank_s": t_rank,
    }


def cold_start(recs: list[dict], root: Path, weeks: list[str]) -> dict:
    from cockpit.services import papers as svc

    world = World(root / "cold", keywords=KEYWORDS)
    by_day: dict[str, list[dict]] = {}
    for r in recs:
        by_day.setdefault(r["date"], []).append(r)
    for d in sorted(by_day):
        world.ingest_day(dt.date.fromisoformat(d), by_day[d])
    featured = sorted(r["id"] for r in recs if r["label"] and r["week"] in weeks[:TRAIN_WEEKS])
    seeds = random.Random(0).sample(featured, N_SEEDS)
    lib = root / "library.txt"
    lib.write_text("# the reader's own library\n" + "\n".join(seeds) + "\n")
    rep = svc.import_file(world.ctx, str(lib))
    assert len(rep.liked) == N_SEEDS, rep
    rows = []
    for week in weeks[TRAIN_WEEKS:]:
        ranked = world.ranked(week)
        scores = {r.paper.arxiv_id: r.score for r in ranked}
        wrecs = [r for r in recs if r["week"] == week]
        rows.append({"week": week, "model": scored(wrecs, scores)})
    return {"rows": rows}


def tune(recs: list[dict], decisions: list[tuple[str, int, int]], configs: dict) -> dict[str, list[float]]:
    """Rolling-origin validation inside weeks 1-9: train on the decisions of weeks 1..k (and their
    undecided papers), score every label of week k+1, k = 5..8. Per config: the AUC of each origin."""
    from cockpit.core import ranking
    from cockpit.core.papers import Paper

    def paper(r: dict) -> Paper:
        return Paper.from_doc({"arxiv_id": r["id"], "title": r["title"], "abstract": r["abstract"],
                               "authors": r["authors"], "categories": r["categories"], "announced": r["date"]})  # fmt: skip

    weeks = sorted({r["week"] for r in recs})
    papers = {r["id"]: paper(r) for r in recs if r["week"] in weeks[:TRAIN_WEEKS]}
    decided_ids = {a for a, _, _ in decisions}
    out: dict[str, list[float]] = {}
    for name, params in configs.items():
        aucs = []
        for k in range(5, TRAIN_WEEKS):
            dec = [(papers[a], y) for a, y, w in decisions if w <= k]
            seen = [papers[r["id"]] for r in recs if r["week"] in weeks[:k] and r["id"] not in decided_ids]
            test = [r for r in recs if r["week"] == weeks[k]]
            m = ranking.Model(
                ranking.Profile(), dec, [papers[r["id"]] for r in test], unlabeled=seen, params=params
            )
            aucs.append(auc([m.score(papers[r["id"]]).score for r in test], [r["label"] for r in test]))
        out[name] = aucs
    return out


def run(quick: bool) -> str:
    recs = load(data_file())
    with tempfile.TemporaryDirectory(prefix="cockpit-bench-ranking-") as tmp:
        t0 = time.perf_counter()
        res = replay(recs, Path(tmp))
        t_replay = time.perf_counter() - t0
        cold = cold_start(recs, Path(tmp), res["weeks"])
    rows = res["rows"]

    def mean(key: str, i: int, rs: list[dict] = rows) -> float:
        return statistics.mean(r[key][i] for r in rs)

    lines = []
    for r, c in zip(rows, cold["rows"], strict=True):
        lines.append(
            f"| {r['week']} | {r['n']} | {r['pos']} | **{r['model'][0]:.3f}** | {r['model'][1]:.1f} | "
            f"{r['nb_dec'][0]:.3f} | {r['nb_dec'][1]:.1f} | {r['nb_all'][0]:.3f} | {r['nb_all'][1]:.1f} | "
            f"{c['model'][0]:.3f} | {c['model'][1]:.1f} |"
        )
    m_auc, m_p = mean("model", 0), mean("model", 1)
    c_auc = statistics.mean(c["model"][0] for c in cold["rows"])
    c_p = statistics.mean(c["model"][1] for c in cold["rows"])
    lines.append(
        f"| **mean** | | | **{m_auc:.3f}** | **{m_p:.2f}** | {mean('nb_dec', 0):.3f} | {mean('nb_dec', 1):.2f} | "
        f"{mean('nb_all', 0):.3f} | {mean('nb_all', 1):.2f} | {c_auc:.3f} | {c_p:.2f} |"
    )
    tri = res["triaged"]
    goals = [
        ("mean ROC-AUC ≥ 0.80", m_auc >= 0.80),
        ("≥ naive Bayes on all labels of weeks 1-9", m_auc >= mean("nb_all", 0)),
        ("mean precision@10 ≥ 0.5", m_p >= 0.5),
        ("cold start ROC-AUC ≥ 0.65", c_auc >= 0.65),
    ]
    goal_txt = "; ".join(f"{g} {'✅' if ok else '❌'}" for g, ok in goals)
    body = "\n".join(lines)
    return f"""
Replay of 13 real ISO weeks (2025-W36 to W48, {len(recs)} cs.CV/cs.CL/cs.AI papers; label = featured on
Hugging Face Daily Papers, {sum(r["label"] for r in recs)} positives). Each day is an RSS 2.0 document
ingested through `services.papers.ingest` under a simulated clock. Weeks 1-9: the simulated user reads
the queue on Monday and triages the top {TOP} of `services.papers.ranked` on Friday
({tri["keep"]} keeps, {tri["like"]} likes, {tri["skip"]} skips in all; {res["read"]} papers read).
Weeks 10-13 are ranked with no decisions and scored: ROC-AUC over every paper of the week, precision at 10.
Baselines: naive Bayes on the same {len(res["decisions"])} decisions, and on every label of weeks 1-9.
Cold start: a fresh store, no decisions, keywords {", ".join(KEYWORDS)} and {N_SEEDS} imported seed papers.

| week | papers | featured | **model AUC** | P@10 | NB same decisions AUC | P@10 | NB all labels AUC | P@10 | cold start AUC | P@10 |
|---|---|---|---|---|---|---|---|---|---|---|
{body}

Goals: {goal_txt}.

Replay {t_replay:.0f} s (ingest {res["ingest_s"]:.1f} s for {len(recs)} papers in {len(set(r["date"] for r in recs))} daily
documents; ranking {res["rank_s"]:.1f} s for 13 weeks). Top paper of the last week, why: {", ".join(rows[-1]["why"])}.
"""


if __name__ == "__main__":
    print(run(quick=False))
