"""Focus: bytes written to the terminal while a sprint runs, and `cockpit status` latency.

Bytes: the real app runs in a private tmux pane whose raw output is piped to a file
(`tmux pipe-pane -o`) while a sprint runs; the baseline is a bare Textual app with one label
updated once a second, measured the same way in the same run.
Latency: `cockpit status --format tmux` (what tmux runs every second) against `python -c pass`.
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.harness.tmux import TmuxScreen, clean_env, cockpit_cmd

BARE_APP = """
from textual.app import App
from textual.widgets import Label
import time

class Bare(App):
    def compose(self):
        yield Label("", id="t")

    def on_mount(self):
        self.set_interval(1.0, self.tick)

    def tick(self):
        self.query_one(Label).update(time.strftime("%H:%M:%S"))

Bare().run()
"""


def _measure(cmd: str, home: str, seconds: float, keys: tuple[str, ...] = (), ready: str = "") -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pane.bytes"
        with TmuxScreen(cmd, 80, 24, env={"COCKPIT_HOME": home}, sock_dir=tmp) as s:
            if ready:
                s.wait_for(ready, timeout=30)
            for k in keys:
                s.send(k)
            time.sleep(2.0)  # let the first paint and any key's repaint finish
            s.tmux("pipe-pane", "-o", "-t", s.target, f"cat >> {shlex.quote(str(out))}")
            time.sleep(0.3)
            start_size = out.stat().st_size if out.exists() else 0
            t0 = time.monotonic()
            time.sleep(seconds)
            size = out.stat().st_size if out.exists() else 0
            took = time.monotonic() - t0
            s.tmux("pipe-pane", "-t", s.target)
        return (size - start_size) / took


def _latency(argv: list[str], env: dict[str, str], n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def run(quick: bool) -> str:
    home = os.environ["COCKPIT_HOME"]
    env = clean_env({"COCKPIT_HOME": home})
    seconds = 10.0 if quick else 45.0
    subprocess.run(
        [sys.executable, "-m", "cockpit", "focus", "start", "--minutes", "90"],
        env=env,
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        base = _measure(shlex.join([sys.executable, str(bare)]), home, seconds)
    grid = _measure(cockpit_cmd(), home, seconds, ready="Quit")
    zoomed = _measure(cockpit_cmd(), home, seconds, keys=("z",), ready="Quit")

    n = 15 if quick else 40
    script = Path(sys.executable).with_name("cockpit")
    status_argv = [str(script)] if script.exists() else [sys.executable, "-m", "cockpit"]
    status_argv += ["status", "--format", "tmux"]
    line = subprocess.run(status_argv, env=env, capture_output=True, text=True).stdout.strip()
    lat = _latency(status_argv, env, n)
    lat_base = _latency([sys.executable, "-c", "pass"], env, n)
    subprocess.run([sys.executable, "-m", "cockpit", "focus", "stop"], env=env, capture_output=True)

    def ok(v: float, goal: float) -> str:
        return "yes" if v <= goal else "**no**"

    return f"""Terminal output while a 90-minute sprint runs (tmux 80x24, raw pane output via `pipe-pane`, {seconds:.0f} s each):

| what | bytes/s | baseline: bare Textual app, one label at 1 Hz | ratio | goal ≤ 150 B/s |
|---|---|---|---|---|
| cockpit, five-pane grid (Focus pane compact) | {grid:.0f} | {base:.0f} | {grid / base:.2f} | {ok(grid, 150)} |
| cockpit, Focus pane zoomed (big digits) | {zoomed:.0f} | {base:.0f} | {zoomed / base:.2f} | {ok(zoomed, 150)} |

`cockpit status --format tmux` (what `status-interval 1` runs; median of {n} runs; prints `{line}`):

| what | median ms | baseline `python -c pass` | ratio | goal ≤ 60 ms |
|---|---|---|---|---|
| `cockpit status --format tmux` | {lat:.1f} | {lat_base:.1f} | {lat / lat_base:.2f} | {ok(lat, 60)} |
"""
