"""Soak: cockpit running in a real tmux for N minutes, 8 real sshd hosts polled every second,
the focus timer cycling with one-minute sprints and breaks. Samples the app's RSS, open file
descriptors and threads every 10 s; reports first/last/max and growth, and scans the cockpit
log for ERROR lines. A benchmark, not a test (never run in CI).

    python -m benchmarks.soak --minutes 30 --out soak.md   # the report also goes to stdout
    python -m benchmarks.soak --minutes 30 --write         # and into BENCHMARKS.md (bench:soak)
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.harness.tmux import TmuxScreen, clean_env, cockpit_cmd  # noqa: E402

ADDRS = [f"127.0.2.{10 + i}" for i in range(8)]
SAMPLE_S = 10.0
FLAT_RSS_PCT = 10.0


def app_pid(pane_pid: int) -> int:
    """The cockpit python process: the pane's process itself or its child (when a shell stays)."""

    def cmdline(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return ""

    def is_cockpit(pid: int) -> bool:
        line = cmdline(pid)
        return "-m cockpit" in line or "benchmarks.traced_cockpit" in line

    if is_cockpit(pane_pid):
        return pane_pid
    for task in Path(f"/proc/{pane_pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            if is_cockpit(int(child)):
                return int(child)
    raise RuntimeError(f"no cockpit process under pane pid {pane_pid}")


def sample(pid: int) -> dict[str, float]:
    status = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        status[k] = v.strip()
    return {
        "rss": int(status["VmRSS"].split()[0]) / 1024,
        "hwm": int(status["VmHWM"].split()[0]) / 1024,
        "fds": len(list(Path(f"/proc/{pid}/fd").iterdir())),
        "threads": int(status["Threads"]),
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args], env=env, capture_output=True, text=True, timeout=60
    )


def snapshot(pid: int, folder: Path, n: int, timeout: float = 120.0) -> Path:
    """Ask the traced app (benchmarks/traced_cockpit.py) for its n-th allocation snapshot."""
    os.kill(pid, signal.SIGUSR1)
    path = folder / f"snapshot-{n}.pickle"
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {path.name} after {timeout:.0f} s")
        time.sleep(0.5)
    return path


def memory_growth(first: Path, last: Path, top: int = 12) -> list[str]:
    """Markdown rows: the source lines whose live allocations grew most between two snapshots."""
    import tracemalloc

    keep = [
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap*>"),
    ]
    a = tracemalloc.Snapshot.load(str(first)).filter_traces(keep)
    b = tracemalloc.Snapshot.load(str(last)).filter_traces(keep)
    rows = [
        "| live allocations at | growth KiB | blocks | size then → now KiB |",
        "|---|---:|---:|---:|",
    ]
    total = sum(s.size_diff for s in b.compare_to(a, "filename"))
    for s in b.compare_to(a, "lineno")[:top]:
        frame = s.traceback[0]
        where = f"{Path(frame.filename).as_posix().split('site-packages/')[-1].split('/work/')[-1]}:{frame.lineno}"
        rows.append(
            f"| `{where}` | {s.size_diff / 1024:+.1f} | {s.count_diff:+d} | "
            f"{(s.size - s.size_diff) / 1024:.1f} → {s.size / 1024:.1f} |"
        )
    rows.append(f"| all Python allocations | {total / 1024:+.1f} | | |")
    return rows


def soak(minutes: float, log=print, trace_memory: bool = False) -> str:  # noqa: ANN001
    from tests.harness.sshd import Cluster

    seconds = minutes * 60
    warmup = min(120.0, seconds / 5)
    with tempfile.TemporaryDirectory(prefix="cockpit-soak-") as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        cluster = Cluster(root / "hosts", ADDRS, names=[f"s{i}" for i in range(len(ADDRS))]).start()
        try:
            cfg = cluster.config_toml(extra_host="poll_seconds = 1.0", gpu="poll_seconds = 1.0")
            cfg = "[focus]\nsprint_minutes = 1\nbreak_minutes = 1\n\n" + cfg
            (home / "config.toml").write_text(cfg)
            env = clean_env({"COCKPIT_HOME": str(home)})
            for args in (
                ("task", "add", "soak: keep the cockpit running", "--mit"),
                ("task", "add", "soak: second MIT", "--mit"),
                ("track", "start", "model"),
                ("focus", "start", "--minutes", "1"),
            ):
                r = cli(env, *args)
                if r.returncode:
                    log(f"setup `cockpit {' '.join(args)}` -> {r.returncode}: {r.stderr.strip()}")
            queries0 = sum(h.gpu_queries() for h in cluster.hosts.values())
            samples: list[tuple[float, dict[str, float]]] = []
            restarts = restart_errors = 0
            trace_dir = root / "trace"
            cmd, app_env = cockpit_cmd(), {"COCKPIT_HOME": str(home)}
            if trace_memory:
                cmd = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "benchmarks.traced_cockpit"))
                app_env |= {"COCKPIT_TRACE_DIR": str(trace_dir), "PYTHONPATH": str(REPO)}
            growth: list[str] = []
            warm_snapshot: Path | None = None
            with TmuxScreen(cmd, 120, 40, env=app_env, sock_dir=tmp) as s:
                s.wait_for("Quit", timeout=60)
                pid = app_pid(int(s.pane_info()["pid"]))  # type: ignore[arg-type]
                t0 = time.monotonic()
                next_restart = t0 + 150
                while True:
                    now = time.monotonic()
                    if s.pane_info()["dead"]:
                        raise RuntimeError("cockpit exited during the soak:\n" + s.screen())
                    samples.append((now - t0, sample(pid)))
                    if len(samples) % 6 == 1:
                        t, v = samples[-1]
                        log(f"{t:6.0f}s rss {v['rss']:.1f} MiB fds {v['fds']} threads {v['threads']}")
                    if now >= next_restart:  # a 1-min sprint, its 1-min break, then a fresh one
                        r = cli(env, "focus", "start", "--minutes", "1", "--replace")
                        restarts += 1
                        restart_errors += r.returncode != 0
                        next_restart += 150
                    if trace_memory and warm_snapshot is None and now - t0 >= warmup:
                        warm_snapshot = snapshot(pid, trace_dir, 0)
                    if now - t0 >= seconds:
                        if warm_snapshot is not None:
                            growth = memory_growth(warm_snapshot, snapshot(pid, trace_dir, 1))
                        break
                    time.sleep(max(0.0, SAMPLE_S - (time.monotonic() - now)))
                screen_end = s.screen()
                s.send("C-q")
                try:
                    exit_status = s.wait_exit(20)
                except AssertionError:
                    exit_status = None
            queries = sum(h.gpu_queries() for h in cluster.hosts.values()) - queries0
        finally:
            cluster.stop()
        logfile = home / "state" / "cockpit.log"
        lines = logfile.read_text(errors="replace").splitlines() if logfile.exists() else []
    errors = [ln for ln in lines if "ERROR" in ln]
    warnings = [ln for ln in lines if "WARNING" in ln]
    out = report(
        minutes, warmup, samples, errors, warnings, len(lines), queries, restarts, restart_errors,
        exit_status, "Quit" in screen_end,
    )  # fmt: skip
    if growth:
        out += (
            "\n\nWith `--trace-memory` (tracemalloc, 25 frames; it slows the app and adds to its RSS): "
            "the source lines whose live Python allocations grew most from the end of the warm-up "
            "to the end of the run.\n\n" + "\n".join(growth)
        )
    return out


def report(
    minutes, warmup, samples, errors, warnings, n_lines, queries, restarts, restart_errors, exit_status, alive
) -> str:  # noqa: ANN001
    after = [v for t, v in samples if t >= warmup] or [samples[-1][1]]
    first, last, base = samples[0][1], samples[-1][1], after[0]

    def mx(k: str) -> float:
        return max(v[k] for _, v in samples)

    rss_growth = (last["rss"] - base["rss"]) / base["rss"] * 100
    pts = [(t, v["rss"]) for t, v in samples if t >= warmup]
    slope = 0.0  # least squares, MiB per hour, after warm-up
    if len(pts) > 2:
        mt = sum(t for t, _ in pts) / len(pts)
        mr = sum(r for _, r in pts) / len(pts)
        den = sum((t - mt) ** 2 for t, _ in pts)
        slope = sum((t - mt) * (r - mr) for t, r in pts) / den * 3600 if den else 0.0
    half = pts[len(pts) // 2 :] or pts
    second_half = half[-1][1] - half[0][1]
    fds_after = {v["fds"] for v in after}
    thr_after = {v["threads"] for v in after}
    flat = rss_growth < FLAT_RSS_PCT and len(fds_after) == 1 and len(thr_after) == 1
    elapsed = samples[-1][0]
    rows = [
        f"| RSS MiB | {first['rss']:.1f} | {base['rss']:.1f} | {last['rss']:.1f} | {mx('rss'):.1f} | "
        f"{last['rss'] - base['rss']:+.1f} ({rss_growth:+.1f} %) |",
        f"| open file descriptors | {first['fds']} | {base['fds']} | {last['fds']} | {mx('fds')} | "
        f"{last['fds'] - base['fds']:+d} (after warm-up: {min(fds_after)}–{max(fds_after)}) |",
        f"| threads | {first['threads']} | {base['threads']} | {last['threads']} | {mx('threads')} | "
        f"{last['threads'] - base['threads']:+d} (after warm-up: {min(thr_after)}–{max(thr_after)}) |",
    ]
    out = [
        "### Soak",
        "",
        f"cockpit in a real tmux pane (120×40) for {elapsed / 60:.1f} min: 8 real sshd hosts on "
        f"127.0.2.x (stand-in nvidia-smi) polled every 1 s ({queries:,} GPU queries answered, "
        f"{queries / max(elapsed, 1) / 8:.2f} per host per second), `[focus] sprint_minutes = 1`, "
        f"`break_minutes = 1` and a fresh sprint started with `cockpit focus start --replace` every "
        f"150 s ({restarts} restarts, {restart_errors} failed); tracking on, two MITs. "
        f"RSS, fds and threads of the app process sampled every {SAMPLE_S:.0f} s "
        f"({len(samples)} samples); warm-up = the first {warmup:.0f} s.",
        "",
        "| | first | after warm-up | last | max | growth after warm-up |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Flat (RSS growth < {FLAT_RSS_PCT:.0f} % after warm-up, fds and threads constant): "
        f"**{'yes' if flat else 'NO'}**. Peak RSS (VmHWM) {last['hwm']:.1f} MiB. "
        f"App still drawing at the end: {'yes' if alive else 'NO'}; exit status after ctrl+q: {exit_status}. "
        f"RSS trend after warm-up: {slope:+.1f} MiB per hour (least squares); "
        f"{second_half:+.1f} MiB in the second half of it.",
        "",
        f"cockpit log (state/cockpit.log): {n_lines} lines, **{len(errors)} ERROR**, {len(warnings)} WARNING.",
    ]
    for ln in (errors or warnings)[:5]:
        out.append(f"    {ln[:200]}")
    return "\n".join(out)


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.soak")
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    p.add_argument("--write", action="store_true", help="rewrite the bench:soak section of BENCHMARKS.md")
    p.add_argument(
        "--trace-memory", action="store_true", help="run the app under tracemalloc and report what grew"
    )
    args = p.parse_args()
    t0 = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    body = soak(
        args.minutes, log=lambda m: print(m, file=sys.stderr, flush=True), trace_memory=args.trace_memory
    )
    from benchmarks.__main__ import DOC, machine, replace_section

    body += (
        f"\n\n_Measured {t0} on {machine()} (2 cores shared with other work); "
        f"`python -m benchmarks.soak --minutes {args.minutes:g}"
        f"{' --trace-memory' if args.trace_memory else ''}`._"
    )
    print(body)
    if args.out:
        args.out.write_text(body + "\n")
    if args.write:
        DOC.write_text(replace_section(DOC.read_text(), "soak", body))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
