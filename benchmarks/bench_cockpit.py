"""The whole cockpit: terminal bytes per second with all five panes live, against htop and a
bare Textual clock; first paint and memory with five years of data and 8 configured hosts.

Bytes: each program runs in its own private tmux server, its raw pane output piped to a file
(`tmux pipe-pane`, ``benchmarks.termbytes``) for the same window after the same settle time.
cockpit has a sprint running, tracking on, two MITs, a queued paper and 4 real sshd hosts on
127.0.3.x (stand-in nvidia-smi, ``tests.harness.sshd``) polled every 2 s with unchanged values.
Baselines in the same run: ``htop`` (default settings, 1.5 s refresh) and a bare Textual app with
one label updated at 1 Hz (``bench_focus.BARE_APP``).

First paint: ``bench_paint``'s measurement (process start to the last pane title on a real pty)
with its synthetic five-year store, plus 8 [[hosts]] that are real sshd on 127.0.3.x; the bare
Textual app and cockpit without hosts are measured in the same alternating rounds.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import bench_paint
from benchmarks.bench_focus import BARE_APP as CLOCK_APP
from benchmarks.termbytes import clean_env, cockpit_cmd, pane_bytes_per_second

REPO = Path(__file__).resolve().parents[1]
ADDRS = [f"127.0.3.{10 + i}" for i in range(8)]
GOAL_BPS = 300.0
GOAL_RATIO = 1.5
GOAL_RSS = 120.0
ANALYSIS = (
    "Where the start-up time went, and what was done about it (`python -X importtime`, py-spy and "
    "timings of the main thread up to `on_ready`): Python's cyclic garbage collector walked "
    "start-up's objects about a hundred times before the first frame, one full collection among "
    "them (about 25 ms, against 10 ms for the bare app): `cockpit` now turns it off until 2 s "
    "after the first frame, then collects once and freezes what is left. Widgets the first frame "
    "does not show are built on first use (the audit entry table, hidden in a small pane; the GPU "
    "jobs table, until there is a job; the papers queue list, until a paper is queued; the focus "
    "pane's big clock), so neither their modules nor their CSS are loaded at start. The GPU pane "
    "composes its host lines from the config and creates its poller (SSH, probe and job modules) "
    "after the first frame; the focus pane shows the session from one small read and leaves the "
    "unclean-stop check and the first heartbeat (a durable write) until after it; the settings "
    "are plain records instead of dataclasses (`@dataclass` compiles six methods per class); "
    "argparse is imported only for subcommands and the ranker only when ranking. What is left is "
    "Textual styling, laying out and rendering five panes, today's time entries (two month files) "
    "and the papers summary; the 5,000-task list loads after the first frame."
)
HTOP = shutil.which("htop") or ("/usr/bin/htop" if Path("/usr/bin/htop").exists() else None)

LIVE_SEED = r"""
import sys
from cockpit.context import Context
from cockpit.services import papers as svc

ctx = Context.open(sys.argv[1])
day = svc.today(ctx).isoformat()
svc.store_papers(ctx, [{
    "arxiv_id": "2611.04242", "version": 1,
    "title": "Scaling laws for sparse mixtures of experts", "authors": ["Ada Lovelace"],
    "affiliations": [""], "abstract": "We measure how sparse mixtures scale.",
    "categories": ["cs.LG"], "announce_type": "new", "announced": day,
}])
"""


def _cli(home: Path, *args: str) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        env=clean_env({"COCKPIT_HOME": str(home)}),
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if r.returncode:
        raise RuntimeError(f"cockpit {' '.join(args)} -> {r.returncode}: {r.stderr.strip()}")


def _live_home(home: Path, cluster, hosts: list[str]) -> None:  # noqa: ANN001
    home.mkdir(parents=True)
    cfg = cluster.config_toml(hosts=hosts, extra_host="poll_seconds = 2.0", gpu="poll_seconds = 2.0")
    (home / "config.toml").write_text(cfg)
    subprocess.run(
        [sys.executable, "-c", LIVE_SEED, str(home)],
        check=True,
        cwd=REPO,
        env=clean_env(),
        capture_output=True,
    )
    _cli(home, "papers", "keep", "2611.04242")
    _cli(home, "task", "add", "write the ablation section", "--mit")
    _cli(home, "task", "add", "rerun the 7B baseline", "--mit")
    _cli(home, "track", "start", "model")
    _cli(home, "focus", "start")


def terminal_bytes(root: Path, cluster, quick: bool) -> list[str]:  # noqa: ANN001
    seconds = 15.0 if quick else 60.0
    settle = 8.0
    # cockpit's GPU pane draws each GPU's last 60 utilisation samples (one per poll): they
    # fill in the first 2 minutes, so the idle window starts after that (not in --quick).
    warm = settle if quick else 130.0
    sizes = [(80, 24)] if quick else [(80, 24), (120, 40)]
    hosts = list(cluster.hosts)[:4]
    home = root / "live"
    _live_home(home, cluster, hosts)
    clock_py = root / "clock.py"
    clock_py.write_text(CLOCK_APP)
    htop_home = root / "htop-home"  # no ~/.config/htop: htop's defaults
    htop_home.mkdir()
    rows = []
    checks = []
    for w, h in sizes:
        screen: list[str] = []
        q0 = sum(cluster.hosts[n].gpu_queries() for n in hosts)
        cockpit = pane_bytes_per_second(
            cockpit_cmd(), seconds, {"COCKPIT_HOME": str(home)}, w, h, warm, screen=screen
        )
        polls = sum(cluster.hosts[n].gpu_queries() for n in hosts) - q0
        shown = screen[-1] if screen else ""
        drawn = sum(1 for n in hosts if f"│ {n} " in shown)
        live = {
            "the sprint's timer": "left" in shown,
            "tracking": "● " in shown,
            "the MITs": "ablation" in shown,
            "the queued paper": "1/2 queued" in shown,
            f"{drawn} of the 4 hosts" + (" (the others below the pane's fold)" if drawn < 4 else ""): drawn
            > 0,
        }
        clock = pane_bytes_per_second(f"{sys.executable} {clock_py}", seconds, None, w, h, settle)
        htop = pane_bytes_per_second(HTOP, seconds, {"HOME": str(htop_home)}, w, h, settle) if HTOP else None
        rows.append((w, h, cockpit, clock, htop, polls))
        checks.append((w, h, live, shown))
    out = [
        "### Terminal bytes per second, all five panes live",
        "",
        f"Raw bytes a program writes to its tmux pane (`tmux pipe-pane`) in {seconds:.0f} s, after "
        f"{warm:.0f} s for cockpit (its GPU utilisation histories full) and {settle:.0f} s for the "
        "baselines, each program in its own private tmux server, one after the other "
        "in the same run. cockpit: a 90-minute sprint running (`cockpit focus start`), tracking on "
        "(`cockpit track start model`), two MITs, one queued paper, and 4 real sshd hosts on "
        "127.0.3.x (stand-in nvidia-smi replaying a busy H100, values unchanged) polled every 2 s.",
        "",
        "| terminal | cockpit B/s | bare Textual clock (1 Hz) B/s | htop B/s | cockpit / clock | cockpit / htop | "
        f"goal ≤ {GOAL_BPS:.0f} B/s and below htop | GPU queries answered (whole run) |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for w, h, c, k, t, polls in rows:
        ok = c <= GOAL_BPS and (t is None or c < t)
        out.append(
            f"| {w}×{h} | **{c:.0f}** | {k:.0f} | {'—' if t is None else f'{t:.0f}'} | {c / k:.2f} | "
            f"{'—' if t is None else f'{c / t:.3f}'} | {'met' if ok else '**NOT met**'} | {polls} |"
        )
    out.append("")
    for w, h, live, _shown in checks:
        missing = [k for k, v in live.items() if not v]
        out.append(
            f"Seen on cockpit's {w}×{h} screen at the end of the window: "
            + ", ".join(k for k, v in live.items() if v)
            + (f"; **not seen: {', '.join(missing)}**" if missing else "")
            + "."
        )
    if not HTOP:
        out.append("")
        out.append("**htop is not installed** (`apt-get install htop`): the htop column is empty.")
    return out


def first_paint(root: Path, cluster, quick: bool) -> list[str]:  # noqa: ANN001
    load_before = bench_paint.load()
    runs = 3 if quick else 7
    size = (80, 24)
    home = root / "paint"
    home.mkdir()
    counts = bench_paint.seed_home(home, quick)
    (home / "config.toml").write_text(cluster.config_toml(hosts=list(cluster.hosts)))
    bare_py = root / "bare.py"
    bare_py.write_text(bench_paint.BARE_APP)
    env = bench_paint.env_for(home)
    cockpit = [sys.executable, "-m", "cockpit"]
    bare = [sys.executable, str(bare_py)]
    cases = {
        "bare": (bare, b"baseline", env),
        "cockpit, 8 hosts": (cockpit, b"GPU jobs", env),
    }
    times, rss = bench_paint.measure(cases, runs, size)
    # Memory once running: 8 hosts connected and polled, every pane's data loaded.
    live_env = {k: v for k, v in env.items() if k != "COCKPIT_EXIT_AFTER_PAINT"}
    run_for = 10.0 if quick else 20.0
    _, rss_live = bench_paint.run_in_pty(cockpit, live_env, b"GPU jobs", size, run_for=run_for)
    polled = sum(h.gpu_queries() for h in cluster.hosts.values())
    store_mib = sum(f.stat().st_size for f in (home / "data" / "store").rglob("*.json")) / 2**20
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["cockpit, 8 hosts"] / med["bare"]
    data = ", ".join(f"{v:,} {k}" for k, v in counts.items())

    def row(name: str) -> str:
        t = times[name]
        return f"| {name} | **{med[name]:.0f}** | {min(t):.0f}–{max(t):.0f} | {statistics.median(rss[name]):.1f} |"

    peak = max(max(rss["cockpit, 8 hosts"]), rss_live)
    return [
        "### First paint and memory: five years of data, 8 hosts",
        "",
        f"Process start to the first full frame (the last pane title) on a real pty at {size[0]}×{size[1]}, "
        f"median of {runs} alternating runs after one warm-up run each ({bench_paint.__name__}'s measurement). "
        f"Store: five years of synthetic data ({data}; {store_mib:.1f} MiB of JSON); config: 8 [[hosts]], "
        "real sshd on 127.0.3.x with the stand-in nvidia-smi (they connect in a worker after the first frame).",
        "",
        "| app | ms to first frame (median) | min–max ms | peak RSS MiB (until it exits, 0.3 s after the first frame) |",
        "|---|---:|---:|---:|",
        row("cockpit, 8 hosts"),
        row("bare"),
        "",
        f"First paint ratio **{ratio:.2f}×** the bare Textual app (goal ≤ {GOAL_RATIO}×: "
        f"{'met' if ratio <= GOAL_RATIO else '**NOT met**'}). "
        f"Peak RSS (VmHWM) running {run_for:.0f} s with all 8 hosts connected and polled "
        f"({polled} GPU queries answered in all): **{rss_live:.1f} MiB** "
        f"(goal ≤ {GOAL_RSS:.0f} MiB: {'met' if peak <= GOAL_RSS else '**NOT met**'}). "
        f"Load average {load_before} before, {bench_paint.load()} after.",
        "",
        ANALYSIS,
    ]


def run(quick: bool) -> str:
    from tests.harness.sshd import Cluster

    with tempfile.TemporaryDirectory(prefix="bench-cockpit-") as tmp:
        root = Path(tmp)
        cluster = Cluster(root / "hosts", ADDRS, names=[f"c{i}" for i in range(len(ADDRS))]).start()
        try:
            out = terminal_bytes(root, cluster, quick)
            out += ["", *first_paint(root, cluster, quick)]
        finally:
            cluster.stop()
    out += [
        "",
        "The machine has 2 cores shared with other work (other benchmarks, test suites and a "
        "30-minute soak may run at the same time); the ratios against baselines measured in the "
        "same run are what to compare.",
    ]
    return "\n".join(out)
