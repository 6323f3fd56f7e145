"""Rolling-origin validation of the ranker's settings inside weeks 1-9 of the replay (never 10-13).

    COCKPIT_CORPUS=/work/shared/corpus python -m benchmarks.tune_ranking

One replay (``bench_ranking.replay``) gives the simulated user's decisions of weeks 1-9; each
setting is trained on the decisions of weeks 1..k (and the undecided papers of those weeks) and
scored on every label of week k+1, k = 5..8. Prints the mean and per-origin ROC-AUC.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from benchmarks import bench_ranking as b
from cockpit.core.ranking import Params

CONFIGS = {
    "text only (the old model)": Params(team=False, unlabeled=0.0, epochs=25),
    "+ team size": Params(team=True, unlabeled=0.0, epochs=25),
    "+ title bigrams": Params(team=False, bigrams=True, unlabeled=0.0, epochs=25),
    "+ gone-past papers 0.1": Params(team=False, unlabeled=0.1, epochs=25),
    "+ gone-past papers 0.3": Params(team=False, unlabeled=0.3, epochs=25),
    "team + gone-past 0.05": Params(unlabeled=0.05, epochs=25),
    "team + gone-past 0.1": Params(unlabeled=0.1, epochs=25),
    "team + bigrams + gone-past 0.1": Params(bigrams=True, unlabeled=0.1, epochs=25),
    "team + gone-past 0.1, l2 1e-3": Params(unlabeled=0.1, epochs=25, l2=1e-3),
    "team + gone-past 0.1, 10 epochs (chosen)": Params(unlabeled=0.1, epochs=10),
    "team + gone-past 0.2, 10 epochs": Params(unlabeled=0.2, epochs=10),
}


def main() -> None:
    recs = b.load(b.data_file())
    with tempfile.TemporaryDirectory() as tmp:
        dec = b.replay(recs, Path(tmp))["decisions"]
    print("| setting | mean AUC | origins k=5..8 |\n|---|---|---|")
    for name, aucs in b.tune(recs, dec, CONFIGS).items():
        print(f"| {name} | {statistics.mean(aucs):.3f} | {' '.join(f'{a:.3f}' for a in aucs)} |", flush=True)


if __name__ == "__main__":
    main()
