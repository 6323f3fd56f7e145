"""Store write cost with years of data: one time-entry insert at 1k / 10k / 50k stored.

cockpit: the ``time_entries`` collection partitioned by month (``by_month("start")``), the
entries spread evenly over five years, each new entry landing in the current month — what
adding a time entry does. Every write is locked, atomic and fsynced (file and folder).
Baseline, same run: plain TinyDB (default JSONStorage, one file, no fsync) holding the same
entries. "cold" is one insert through a freshly opened store (what one CLI call pays).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

GOAL_MS = 5.0
YEARS = 5


def entries(n: int, end: dt.datetime) -> list[dict]:
    start = end - dt.timedelta(days=365 * YEARS)
    step = (end - start) / n
    out = []
    for i in range(n):
        t = start + step * i
        out.append(
            {
                "start": t.isoformat(timespec="seconds"),
                "end": (t + dt.timedelta(minutes=25)).isoformat(timespec="seconds"),
                "category": ("model", "data", "eval", "research", "meetings")[i % 5],
                "source": "manual",
                "note": f"entry {i}: ablation of the warmup schedule",
                "task": str(i % 300),
                "paper": None,
                "interruptions": i % 3,
            }
        )
    return out


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def new_entry(now: dt.datetime, i: int) -> dict:
    t = now - dt.timedelta(minutes=30 * (i % 40))
    return {
        "start": t.isoformat(timespec="seconds"),
        "end": (t + dt.timedelta(minutes=20)).isoformat(timespec="seconds"),
        "category": "model",
        "source": "focus",
        "note": "new",
        "task": "7",
        "paper": None,
        "interruptions": 0,
    }


def bench_cockpit(root: Path, docs: list[dict], now: dt.datetime, writes: int) -> dict[str, list[float]]:
    from cockpit.store import Store, by_month

    store = Store(root)
    c = store.collection("time_entries", by_month("start"))
    c.insert_many(docs)
    month = c.part_of(new_entry(now, 0))
    warm, cold = [], []
    month_size = len(c.read_part(month))  # the TUI has the current month loaded
    for i in range(writes):
        t0 = time.perf_counter()
        c.insert(new_entry(now, i))
        warm.append((time.perf_counter() - t0) * 1000)
    for i in range(max(10, writes // 10)):
        t0 = time.perf_counter()
        Store(root).collection("time_entries", by_month("start")).insert(new_entry(now, i))
        cold.append((time.perf_counter() - t0) * 1000)
    return {"warm": warm, "cold": cold, "month_size": [float(month_size)]}


def bench_tinydb(path: Path, docs: list[dict], now: dt.datetime, writes: int) -> list[float]:
    from tinydb import TinyDB

    db = TinyDB(path)
    table = db.table("time_entries")
    table.insert_multiple(docs)
    out = []
    for i in range(writes):
        t0 = time.perf_counter()
        table.insert(new_entry(now, i))
        out.append((time.perf_counter() - t0) * 1000)
    db.close()
    return out


def load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def bench_floor(folder: Path, writes: int) -> list[float]:
    """The disk's floor: the same durable replace (write, fsync, rename, fsync folder) of a 2-byte file."""
    from cockpit.store.fs import atomic_write

    out = []
    for _ in range(writes):
        t0 = time.perf_counter()
        atomic_write(folder / "floor.json", b"{}")
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(quick: bool) -> str:
    load_before = load()
    sizes = (1_000, 5_000) if quick else (1_000, 10_000, 50_000)
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    rows = []
    verdict = ""
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        floor = bench_floor(Path(tmp), 300 if quick else 1000)
        for n in sizes:
            docs = entries(n, now)
            writes = 100 if quick else 1000
            ck = bench_cockpit(Path(tmp) / f"cockpit-{n}", docs, now, writes)
            tw = 10 if quick else max(15, min(200, 2_000_000 // (n * 2)))
            td = bench_tinydb(Path(tmp) / f"tinydb-{n}.json", docs, now, tw)
            files = len(os.listdir(Path(tmp) / f"cockpit-{n}" / "time_entries"))
            w = ck["warm"]
            rows.append(
                f"| {n:,} | {files} files, {int(ck['month_size'][0])} in the current month "
                f"| {statistics.median(w):.2f} | **{pct(w, 0.99):.2f}** | {statistics.median(ck['cold']):.2f} "
                f"| {statistics.median(td):.1f} | {pct(td, 0.99):.1f} "
                f"| {statistics.median(td) / statistics.median(w):.0f}× |"
            )
            if n == sizes[-1]:
                p99 = pct(w, 0.99)
                verdict = (
                    f"Goal: adding a time entry with {n:,} stored ≤ {GOAL_MS:.0f} ms p99 — "
                    f"measured **{p99:.2f} ms** ({'met' if p99 <= GOAL_MS else 'NOT met'})."
                )
    return "\n".join(
        [
            "### Store: one time-entry insert with years of data",
            "",
            f"Entries spread over five years, the new one in the current month. cockpit: locked, "
            f"atomic, fsynced write of that month's file only; {writes} inserts per size (warm: the process has read the month "
            "before, as the TUI has; cold: a freshly opened store, as one CLI call). Baseline: plain "
            "TinyDB, default JSONStorage (one file, rewritten whole, no fsync), measured in the same run.",
            "",
            "| stored | cockpit layout | cockpit p50 ms | cockpit p99 ms | cockpit cold p50 ms "
            "| TinyDB p50 ms | TinyDB p99 ms | p50 ratio |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            f"| floor: durable replace of a 2-byte file | | {statistics.median(floor):.2f} | {pct(floor, 0.99):.2f} "
            "| | | | |",
            "",
            verdict,
            f"The floor row is the disk alone (two fsyncs and a rename, what any durable write costs "
            f"here); cockpit's own work per insert is the difference. Load average {load_before} before "
            f"and {load()} after the run, on a machine shared with other work. The p99 follows the disk's "
            "fsync latency: on this shared 2-core machine it ranged from about 2 to 18 ms at 50,000 "
            "between runs under different loads (the floor's p99 moved alike), while the p50 stayed "
            "between 1.4 and 1.9 ms.",
        ]
    )
