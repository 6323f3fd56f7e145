"""Rank a week's papers: an interest profile plus a linear model learned from keep/skip decisions.

Pure Python (no numpy): features are TF-IDF weights over title (counted twice), abstract,
author names (``au:``) and categories (``cat:``), L2-normalised sparse dicts. The score of a
paper is ``prior . x + learned . x + b + MIT boost``:

- the *prior* comes from the profile (keywords, authors, categories, seed papers) and handles
  cold start;
- the *learned* weights are an L2-regularised logistic regression fitted by SGD on the user's
  decisions (keep = 1, skip = 0; "later" is not a label), class-balanced;
- papers sharing words with today's MITs get a boost.

``why`` lists the features that added most to a paper's score (terms, authors, categories, MITs).
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cockpit.core.papers import Paper
from cockpit.core.record import record

Vec = dict[str, float]

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how however i if in into is it its itself just me more most my
    no nor not now of off on once only or other our ours out over own same she should so some such than
    that the their theirs them then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours via using use used
    based new show shows propose proposed paper approach method methods results result model models also
    which while well two one three first second however thus both can may many much our within without
    across among upon yet et al ie eg""".split()
)
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_TEX = re.compile(r"\\[a-zA-Z]+")

TITLE_WEIGHT = 2
KEYWORD_WEIGHT = 3.0
AUTHOR_WEIGHT = 3.0
CATEGORY_WEIGHT = 1.0
SEED_WEIGHT = 3.0
MIT_BOOST = 1.0


def _fold(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in norm if not unicodedata.combining(ch)).lower()


def tokenize(text: str) -> list[str]:
    text = _TEX.sub(" ", _fold(text or ""))
    return [w for w in _WORD.findall(text) if len(w) > 1 and w not in STOPWORDS]


def author_key(name: str) -> str:
    return "au:" + " ".join(_fold(name).replace(".", " ").split())


@dataclass(frozen=True)
class Params:
    """The model's settings, chosen by ``python -m benchmarks.tune_ranking``: rolling-origin
    validation inside weeks 1-9 of the replay (see BENCHMARKS.md "Papers taste")."""

    bigrams: bool = True  # adjacent title words as one feature ("language model")
    team: bool = True  # the size of the author list, bucketed ("team:8-15")
    unlabeled: float = 0.2  # weight of an undecided paper of a triaged week, as a skip
    epochs: int = 10
    l2: float = 1e-4


DEFAULT = Params()
TEAM_BUCKETS = ((1, "1"), (3, "2-3"), (7, "4-7"), (15, "8-15"))


def team_feature(n: int) -> str:
    for top, name in TEAM_BUCKETS:
        if n <= top:
            return "team:" + name
    return "team:16+"


def raw_features(paper: Paper, params: Params = DEFAULT) -> Counter[str]:
    c: Counter[str] = Counter()
    title = tokenize(paper.title)
    for w in title:
        c[w] += TITLE_WEIGHT
    if params.bigrams:
        for a, b in zip(title, title[1:], strict=False):
            c[a + " " + b] += 1
    c.update(tokenize(paper.abstract))
    if params.team and paper.authors:
        c[team_feature(len(paper.authors))] += 1
    for a in paper.authors:
        c[author_key(a)] += 1
    for cat in paper.categories:
        c["cat:" + cat] += 1
        archive = cat.split(".")[0]
        if archive != cat:
            c["cat:" + archive] += 1  # cs.LG also counts as cs: related categories share evidence
    return c


def label_of(feature: str, names: dict[str, str]) -> str:
    if feature.startswith("au:"):
        return names.get(feature, feature[3:])
    if feature.startswith("cat:"):
        return feature[4:]
    if feature.startswith("team:"):
        return feature[5:] + " authors"
    return feature


@dataclass
class Profile:
    keywords: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    seeds: list[Paper] = field(default_factory=list)  # papers the user named as seeds


@record
class Ranked:
    """A paper with its score and the features that added most to it (what the TUI and CLI get)."""

    paper: Paper
    score: float
    why: list[str]


class Vectorizer:
    """IDF fitted on a set of papers; turns papers into L2-normalised TF-IDF dicts."""

    def __init__(self, raws: Iterable[Counter[str]]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for r in raws:
            n += 1
            df.update(r.keys())
        self.n = n
        self.idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items()}
        self.default_idf = math.log(1 + n) + 1.0

    def vector(self, raw: Counter[str]) -> Vec:
        idf, default = self.idf, self.default_idf
        v = {f: (1.0 + math.log(c)) * idf.get(f, default) for f, c in raw.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {f: x / norm for f, x in v.items()}


def _sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    if z > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


def train_logistic(
    xs: Sequence[Vec],
    ys: Sequence[int],
    epochs: int = 25,
    lr: float = 0.5,
    l2: float = 1e-4,
    seed: int = 0,
    weights: Sequence[float] | None = None,
) -> tuple[Vec, float]:
    """Class-balanced logistic regression by SGD on sparse vectors (each sample with its own
    weight, default 1); returns (weights, bias)."""
    w: Vec = {}
    b = 0.0
    sw = list(weights) if weights is not None else [1.0] * len(ys)
    pos = sum(s for s, y in zip(sw, ys, strict=True) if y)
    neg = sum(sw) - pos
    if pos == 0 or neg == 0:
        return w, b
    cw = {1: sum(sw) / (2 * pos), 0: sum(sw) / (2 * neg)}
    order = list(range(len(xs)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        step = lr / (1 + 0.1 * epoch)
        for i in order:
            x, y = xs[i], ys[i]
            z = b + sum(w.get(f, 0.0) * v for f, v in x.items())
            g = (_sigmoid(z) - y) * cw[y] * sw[i]
            for f, v in x.items():
                wf = w.get(f, 0.0)
                w[f] = wf - step * (g * v + l2 * wf)
            b -= step * g
    return w, b


class Model:
    """The profile prior plus the learned weights; score many papers with one fitted model."""

    def __init__(
        self,
        profile: Profile,
        decided: Sequence[tuple[Paper, int]] = (),
        corpus: Sequence[Paper] = (),
        mits: Sequence[str] = (),
        unlabeled: Sequence[Paper] = (),
        params: Params = DEFAULT,
    ) -> None:
        """``unlabeled``: papers of triaged weeks the user went past without deciding; with
        ``params.unlabeled`` > 0 each counts as a skip of that weight."""
        self.names: dict[str, str] = {}
        self.params = params
        raws_corpus = [raw_features(p, params) for p in corpus]
        raws_decided = [raw_features(p, params) for p, _ in decided]
        raws_seeds = [raw_features(p, params) for p in profile.seeds]
        raws_unlabeled = [raw_features(p, params) for p in unlabeled] if params.unlabeled > 0 else []
        self.vec = Vectorizer([*raws_corpus, *raws_decided, *raws_seeds])
        self._corpus_raws = {id(p): r for p, r in zip(corpus, raws_corpus, strict=True)}
        prior: Vec = {}
        for kw in profile.keywords:
            for t in tokenize(kw):
                prior[t] = prior.get(t, 0.0) + KEYWORD_WEIGHT
        for a in profile.authors:
            key = author_key(a)
            prior[key] = prior.get(key, 0.0) + AUTHOR_WEIGHT
            self.names[key] = a
        for c in profile.categories:
            prior["cat:" + c] = prior.get("cat:" + c, 0.0) + CATEGORY_WEIGHT
        if raws_seeds:
            share = SEED_WEIGHT / len(raws_seeds)
            for r in raws_seeds:
                for f, v in self.vec.vector(r).items():
                    if not f.startswith("cat:"):
                        prior[f] = prior.get(f, 0.0) + share * v
        xs = [self.vec.vector(r) for r in [*raws_decided, *raws_unlabeled]]
        ys = [int(y) for _, y in decided] + [0] * len(raws_unlabeled)
        sw = [1.0] * len(decided) + [params.unlabeled] * len(raws_unlabeled)
        learned, self.bias = train_logistic(xs, ys, epochs=params.epochs, l2=params.l2, weights=sw)
        self.weights: Vec = dict(prior)
        for f, v in learned.items():
            self.weights[f] = self.weights.get(f, 0.0) + v
        self.trained_on = len(decided) if learned else 0
        self.mits = [(t, set(tokenize(t))) for t in mits if tokenize(t)]
        for p, _ in decided:
            for a in p.authors:
                self.names.setdefault(author_key(a), a)

    def score(self, paper: Paper, why_n: int = 4) -> Ranked:
        raw = self._corpus_raws.get(id(paper)) or raw_features(paper, self.params)
        x = self.vec.vector(raw)
        w = self.weights
        contrib = [(w[f] * v, f) for f, v in x.items() if f in w]
        s = self.bias + sum(c for c, _ in contrib)
        why: list[str] = []
        if self.mits:
            words = {f for f in raw if ":" not in f}
            for title, toks in self.mits:
                hit = toks & words
                if hit:
                    s += MIT_BOOST * len(hit) / len(toks)
                    why.append(f"MIT: {title}")
        contrib.sort(reverse=True)
        names = self.names
        for c, f in contrib:
            if c <= 0 or len(why) >= why_n:
                break
            if f.startswith("au:"):
                for a in paper.authors:
                    if author_key(a) == f:
                        names = {**names, f: a}
                        break
            why.append(label_of(f, names))
        return Ranked(paper, round(s, 4), why)

    def rank(self, papers: Sequence[Paper]) -> list[Ranked]:
        out = [self.score(p) for p in papers]
        out.sort(key=lambda r: (-r.score, r.paper.arxiv_id))
        return out


def rank(
    papers: Sequence[Paper],
    profile: Profile,
    decided: Sequence[tuple[Paper, int]] = (),
    mits: Sequence[str] = (),
) -> list[Ranked]:
    return Model(profile, decided, papers, mits).rank(papers)


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Area under the ROC curve (ties count one half); nan when one class is missing."""
    pairs = sorted(zip(scores, labels, strict=True))
    pos = sum(labels)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg = (i + j + 1) / 2  # 1-based average rank of the tie group
        rank_sum += avg * sum(lab for _, lab in pairs[i:j])
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)
