"""Time to first paint: process start -> the first full frame on a real terminal (a pty).

cockpit runs with five years of synthetic data in its store: ~50,000 time entries in
monthly files, 5,000 tasks, 13,000 papers in ISO-week files, 10,000 GPU jobs in monthly files.
Baseline, same run, same pty size: a bare Textual app showing one Label. Each starts as a
new Python process; the clock stops when a marker text of the frame reaches the terminal
(cockpit's first frame: the last pane title "GPU jobs"; the baseline: its label). Textual's
Footer fills in on the frame after the first, so "footer drawn" is also measured, against
the same bare app plus a Footer. Runs alternate; medians are reported. Peak RSS is the
child's VmHWM, sampled until it exits. cockpit leaves right after painting (``COCKPIT_EXIT_AFTER_PAINT=1``).
"""

from __future__ import annotations

import ast
import datetime as dt
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from benchmarks.bench_store import entries

REPO = Path(__file__).resolve().parents[1]
GOAL_RATIO = 1.5

BARE_APP = r"""
import sys
from textual.app import App
from textual.widgets import Footer, Label

class Bare(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]
    def compose(self):
        yield Label("bare textual baseline")
        if "--footer" in sys.argv:
            yield Footer()
    def on_ready(self):
        self.set_timer(0.3, self.exit)

Bare().run()
"""


def seed(home: str | Path, quick: bool) -> dict[str, int]:
    """Five years of synthetic data, written through the store API."""
    from cockpit.store import Store, by_id, by_iso_week, by_month

    home = Path(home)
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    scale = 10 if quick else 1
    store = Store(home / "data" / "store")
    n_entries, n_tasks, n_papers, n_jobs = 50_000 // scale, 5_000 // scale, 13_000 // scale, 10_000 // scale
    store.collection("time_entries", by_month("start")).insert_many(entries(n_entries, now))
    store.collection("tasks", by_id()).insert_many(
        {
            "title": f"task {i}: try a cosine schedule on the {i % 7}B model",
            "status": ("open", "done", "dropped")[i % 3],
            "impact": ("high", "medium", "low")[i % 3],
            "effort": ("low", "medium", "high")[i % 3],
            "stage": "experiment",
            "created": (now - dt.timedelta(hours=9 * i)).isoformat(timespec="seconds"),
        }
        for i in range(n_tasks)
    )
    store.collection("papers", by_iso_week("date")).insert_many(
        {
            "arxiv_id": f"{2111 + i // 2600}.{i:05d}",
            "title": f"Paper {i} on scaling laws for sparse mixtures",
            "authors": ["A. Author", "B. Author"],
            "date": (now - dt.timedelta(hours=3.4 * i)).date().isoformat(),
            "score": (i * 37 % 100) / 100,
            "status": "seen",
        }
        for i in range(n_papers)
    )
    store.collection("jobs", by_month("started")).insert_many(
        {
            "host": f"gpu{i % 4}",
            "name": f"train-{i}",
            "started": (now - dt.timedelta(hours=4.3 * i)).isoformat(timespec="seconds"),
            "ended": (now - dt.timedelta(hours=4.3 * i - 3)).isoformat(timespec="seconds"),
            "state": ("done", "failed")[i % 9 == 0],
        }
        for i in range(n_jobs)
    )
    return {"time entries": n_entries, "tasks": n_tasks, "papers": n_papers, "jobs": n_jobs}


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX", "TMUX_PANE")}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        COCKPIT_HOME=str(home),
        COCKPIT_EXIT_AFTER_PAINT="1",
        PYTHONPATH=str(REPO),
    )
    return env


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM of the process's own memory since exec (ru_maxrss would include the parent's,
    copied at fork)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_in_pty(
    argv: list[str], env: dict[str, str], marker: bytes, size: tuple[int, int], run_for: float = 30.0
) -> tuple[float, float]:
    """(ms from spawn to the marker on the terminal, peak RSS MiB). A program still running
    after ``run_for`` seconds is stopped (SIGTERM); its peak RSS covers that whole time."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen = b""
    painted = None
    rss = 0.0
    deadline = t0 + run_for
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        hwm = peak_rss_mib(proc.pid)
        if hwm is not None:
            rss = max(rss, hwm)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            seen += chunk
            if painted is None and marker in seen:
                painted = (time.perf_counter() - t0) * 1000
            if chunk:
                continue
        if proc.poll() is not None:
            break
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
    os.close(master)
    if painted is None:
        raise RuntimeError(f"{argv}: {marker!r} never reached the terminal:\n{seen[-2000:]!r}")
    return painted, rss


def seed_home(home: Path, quick: bool) -> dict[str, int]:
    """Seed ``home`` in a child process, so that this one stays small: a forked child starts
    with its parent's memory, which would show in its peak RSS."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from benchmarks.bench_paint import seed; print(seed({str(home)!r}, {quick}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    return ast.literal_eval(out.strip())


def measure(
    cases: dict[str, tuple[list[str], bytes, dict[str, str]]], runs: int, size: tuple[int, int]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Warm the page cache with one run of each case, then ``runs`` alternating rounds:
    (ms to first frame per case, peak RSS MiB per case)."""
    for argv, marker, env in cases.values():
        run_in_pty(argv, env, marker, size)
    times: dict[str, list[float]] = {k: [] for k in cases}
    rss: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(runs):
        for name, (argv, marker, env) in cases.items():
            t, r = run_in_pty(argv, env, marker, size)
            times[name].append(t)
            rss[name].append(r)
    return times, rss


def load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def run(quick: bool) -> str:
    load_before = load()
    runs = 3 if quick else 7
    size = (80, 24)
    with tempfile.TemporaryDirectory(prefix="bench-paint-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        counts = seed_home(home, quick)
        bare_py = Path(tmp) / "bare.py"
        bare_py.write_text(BARE_APP)
        env = env_for(home)
        cockpit_argv = [sys.executable, "-m", "cockpit"]
        bare_argv = [sys.executable, str(bare_py)]
        cases = {
            "bare": (bare_argv, b"baseline", env),
            "bare+footer": ([*bare_argv, "--footer"], b"Quit", env),
            "cockpit": (cockpit_argv, b"GPU jobs", env),
            "cockpit+footer": (cockpit_argv, b"Quit", env),
        }
        times, rss = measure(cases, runs, size)
        store_mib = sum(f.stat().st_size for f in (home / "data" / "store").rglob("*.json")) / 2**20
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["cockpit"] / med["bare"]
    footer_ratio = med["cockpit+footer"] / med["bare+footer"]
    data = ", ".join(f"{v:,} {k}" for k, v in counts.items())

    def row(label: str, name: str) -> str:
        t = times[name]
        return f"| {label} | **{med[name]:.0f}** | {min(t):.0f}–{max(t):.0f} | {statistics.median(rss[name]):.1f} |"

    return "\n".join(
        [
            "### First paint",
            "",
            f"Process start to the frame on a real pty at {size[0]}×{size[1]}, median of {runs} "
            f"alternating runs. cockpit's store holds five years of synthetic data ({data}; "
            f"{store_mib:.1f} MiB of JSON).",
            "",
            "| app | ms (median) | min–max ms | peak RSS MiB |",
            "|---|---:|---:|---:|",
            row("cockpit, first frame (five titled panes)", "cockpit"),
            row("bare Textual app, one Label", "bare"),
            row("cockpit, footer drawn", "cockpit+footer"),
            row("bare Textual app, one Label + Footer", "bare+footer"),
            "",
            f"First paint ratio **{ratio:.2f}×** of the medians, {min(times['cockpit']) / min(times['bare']):.2f}× "
            f"of the fastest runs (goal ≤ {GOAL_RATIO}×: "
            f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}); with the footer drawn, "
            f"{footer_ratio:.2f}× the bare app with a Footer "
            f"({med['cockpit+footer'] / med['bare']:.2f}× the bare Label app). "
            f"Load average {load_before} before, {load()} after.",
        ]
    )
