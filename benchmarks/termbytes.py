"""Measure what a terminal program writes: bytes per second from a real tmux pane,
and time to first frame in a real pty. Shared by the benchmarks."""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_DROP = ("COLUMNS", "LINES", "TMUX", "TMUX_PANE")


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env["PYTHONPATH"] = str(REPO)
    env.setdefault("TERM", "xterm-256color")
    env.update(extra or {})
    return env


def cockpit_cmd(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in (sys.executable, "-m", "cockpit", *args))


def pane_bytes_per_second(
    cmd: str,
    seconds: float,
    env: dict[str, str] | None = None,
    width: int = 120,
    height: int = 40,
    settle: float = 3.0,
    screen: list[str] | None = None,
) -> float:
    """Start ``cmd`` in a private tmux server, let it settle, then count the bytes it writes.
    With ``screen``, the pane's text at the end of the window is appended to it."""
    with tempfile.TemporaryDirectory(prefix="cockpit-bytes-") as tmp:
        sock = str(Path(tmp) / f"t-{uuid.uuid4().hex[:6]}.sock")
        out = Path(tmp) / "pane.out"
        base = ["tmux", "-S", sock, "-f", "/dev/null"]
        envargs = [a for k, v in clean_env(env).items() for a in ("-e", f"{k}={v}")]
        subprocess.run(
            [*base, "new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height), *envargs, cmd],
            check=True,
            env=clean_env(),
        )
        try:
            time.sleep(settle)
            subprocess.run(
                [*base, "pipe-pane", "-o", "-t", "b", f"cat >> {shlex.quote(str(out))}"], check=True
            )
            time.sleep(seconds)
            subprocess.run([*base, "pipe-pane", "-t", "b"], check=True)
            if screen is not None:
                cap = subprocess.run([*base, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True)
                screen.append(cap.stdout)
            time.sleep(0.2)
            return (out.stat().st_size if out.exists() else 0) / seconds
        finally:
            subprocess.run([*base, "kill-server"], capture_output=True)


def median(values: list[float]) -> float:
    return statistics.median(values)
