"""Experiment journal: its cost per poll (8 real sshd hosts, one GPU job each, 500 past runs in
the store), against the same poll and record with the journal's step switched off; and sorting
a runs table of 5,000 runs by a metric.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

UUID = "GPU-00000000-0000-0000-0000-000000000000"


def _past_runs(ctx, n: int) -> None:
    from cockpit.core.clock import to_stamp
    from cockpit.services.gpu import jobs_collection

    now = ctx.clock.now()
    rng = random.Random(7)
    docs = []
    for i in range(n):
        start = now.replace(day=1, hour=0, minute=0) if i % 2 else now
        docs.append(
            {
                "host": f"b{i % 8}",
                "name": f"run-{i}",
                "run_id": f"run-{i}-1",
                "command": f"python train.py --config c{i}.yaml",
                "note": f"hypothesis {i}",
                "started": to_stamp(start),
                "ended": to_stamp(start),
                "state": "finished",
                "exit_code": 0,
                "journal": {
                    "configs": [{"path": f"c{i}.yaml", "sha256": "0" * 64, "size": 10, "copy": "configs/x"}],
                    "usage": {
                        "samples": 100,
                        "util_sum": 9000.0,
                        "util_n": 100,
                        "peak_gpu_mem_mib": 7000,
                        "gpus_seen": [0],
                        "shared": False,
                        "host_gpus": 1,
                        "gpu_names": ["H100"],
                    },
                    "gpu_hours": 1.0,
                    "cost": 2.0,
                    "outcome": {"source": "mlflow", "metrics": {"val_loss": rng.random()}},
                },
            }
        )
    jobs_collection(ctx).insert_many(docs)


SPENT = {"s": 0.0}


def _cycles(ctx, cycles: int, journal: bool) -> list[float]:
    """CPU seconds (this process) per poll + record cycle; ``SPENT`` adds up the journal's own."""
    from cockpit.services import gpu as svc
    from cockpit.services.gpu import lifecycle

    orig = lifecycle._journal

    def timed(*a, **k):  # noqa: ANN202
        c0 = time.process_time()
        try:
            return orig(*a, **k)
        finally:
            SPENT["s"] += time.process_time() - c0

    lifecycle._journal = timed if journal else (lambda *a, **k: {})  # type: ignore[assignment]
    p = svc.Poller(ctx)
    try:
        svc.record_states(ctx, p.poll(), poller=p)  # connects; found jobs' folders read once
        SPENT["s"] = 0.0  # the first poll's journal work (each job's first write) is left out
        out = []
        for _ in range(cycles):
            c0 = time.process_time()
            svc.record_states(ctx, p.poll(), poller=p)
            out.append(time.process_time() - c0)
        return out
    finally:
        p.close()
        lifecycle._journal = orig  # type: ignore[assignment]


def _sort_times(n: int, repeat: int) -> tuple[float, float]:
    from cockpit.core.journal_table import filter_rows, row, sort_rows

    rng = random.Random(3)
    rows = [
        row(
            {
                "id": str(i),
                "note": f"lr {rng.random():.3f}",
                "journal": {"outcome": {"metrics": {"val_loss": rng.random(), "acc": rng.random()}}},
            }
        )
        for i in range(n)
    ]
    sorts, filters = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        sort_rows(rows, "metric:val_loss", descending=True)
        sorts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        filter_rows(rows, "lr 0.1")
        filters.append(time.perf_counter() - t0)
    return statistics.median(sorts), statistics.median(filters)


def run(quick: bool) -> str:
    from benchmarks.bench_gpu import _cluster, _ctx

    cycles = 5 if quick else 30
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as tmp:
        root = Path(tmp)
        cluster = _cluster(root / "hosts", 8)
        try:
            names = list(cluster.hosts)
            for h in cluster.hosts.values():
                h.sh("tmux new-session -d -s train 'sleep 600'")
                pid = int(h.sh("tmux list-panes -t train -F '#{pane_pid}'").split()[0])
                h.set_apps([(pid, UUID, 7000, "python")])
            ctx = _ctx(root / "home", cluster, names)
            _past_runs(ctx, 500)
            # alternate the two, so drift on a shared machine hits both alike
            with_j: list[float] = []
            without: list[float] = []
            own: list[float] = []
            for _ in range(3):
                without += _cycles(ctx, cycles // 3 or 1, journal=False)
                with_j += _cycles(ctx, cycles // 3 or 1, journal=True)
                own.append(SPENT["s"])
        finally:
            for h in cluster.hosts.values():
                h.kill_tmux()
            cluster.stop()
    sort_s, filter_s = _sort_times(5000, 7)
    m_with, m_without = statistics.median(with_j), statistics.median(without)
    extra = (m_with / m_without - 1) * 100
    per_cycle = sum(own) / len(with_j)
    share = per_cycle / m_with * 100
    return "\n".join(
        [
            "The journal's cost per poll: 8 real sshd hosts on 127.0.1.x (stand-in nvidia-smi), one "
            "GPU job in a tmux pane on each, 500 past runs with journals in the store; CPU time of "
            "this process per poll + record cycle (median), with the journal's step and with it "
            "switched off. The first poll (connections, each found job's folder read once) is left out.",
            "",
            "| | CPU / cycle | goal |",
            "|---|---|---|",
            f"| poll + record, without the journal | {m_without * 1000:.1f} ms | |",
            f"| poll + record, with the journal | {m_with * 1000:.1f} ms | |",
            f"| difference of the two medians (noise included) | {extra:+.1f} % | |",
            f"| the journal's step itself, timed inside the cycle | {per_cycle * 1000:.2f} ms = {share:.1f} % of the cycle {'✅' if share < 5 else '❌'} | < 5 % |",
            "",
            "A poll only adds each job's GPU use up in memory; a run's use is written when it is first "
            "seen, every 5 minutes and when it ends, so most polls write nothing.",
            "",
            "| runs table | median of 7 | goal |",
            "|---|---|---|",
            f"| sort 5,000 runs by a metric | {sort_s * 1000:.1f} ms {'✅' if sort_s < 0.05 else '❌'} | < 50 ms |",
            f"| filter 5,000 runs by hypothesis text | {filter_s * 1000:.1f} ms | |",
        ]
    )
