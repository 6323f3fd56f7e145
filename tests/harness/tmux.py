"""Drive a program inside a private tmux server at a fixed size: send keys, read the screen.

The server has its own socket (never the user's), ignores ~/.tmux.conf, and the child
gets a clean environment: pytest's `import readline` leaks COLUMNS/LINES into the C
environment, which would make the app draw at 80x24 whatever the pane size.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_DROP = ("COLUMNS", "LINES", "TMUX", "TMUX_PANE")


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP and not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("TERM", "xterm-256color")
    env.update(extra or {})
    return env


def cockpit_cli(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``cockpit ARGS`` (this checkout, the test interpreter) with ``COCKPIT_HOME=home`` in a
    clean environment; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        capture_output=True,
        text=True,
        env=clean_env({"COCKPIT_HOME": str(home)}),
        cwd=REPO,
        timeout=timeout,
    )


def cockpit_cmd(*args: str) -> str:
    """Shell command line that runs this checkout's cockpit with the test interpreter."""
    return " ".join(shlex.quote(a) for a in (sys.executable, "-m", "cockpit", *args))


class TmuxScreen:
    def __init__(
        self,
        cmd: str,
        width: int = 80,
        height: int = 24,
        env: dict[str, str] | None = None,
        sock_dir: str | os.PathLike[str] = "/tmp",
        cwd: str | None = None,
    ) -> None:
        self.socket = str(Path(sock_dir) / f"tmux-{uuid.uuid4().hex[:8]}.sock")
        self.cmd, self.width, self.height = cmd, width, height
        self.env = env or {}
        self.cwd = cwd
        self.target = "app:0.0"
        self._base_env = clean_env()

    def tmux(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(
            ["tmux", "-S", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=15,
            env=self._base_env,
        )
        return r.stdout

    def start(self) -> TmuxScreen:
        self.tmux(
            "new-session", "-d", "-s", "_keep", "-x", "20", "-y", "5", "sleep 100000",
            ";", "set-option", "-g", "remain-on-exit", "on",
            ";", "set-option", "-g", "history-limit", "5000",
            ";", "set-option", "-sg", "escape-time", "10",
        )  # fmt: skip
        env = clean_env(self.env)
        envargs = [a for k, v in env.items() for a in ("-e", f"{k}={v}")]
        cwd = ["-c", self.cwd] if self.cwd else ["-c", str(REPO)]
        self.tmux(
            "new-session", "-d", "-s", "app", "-x", str(self.width), "-y", str(self.height),
            *envargs, *cwd, self.cmd,
        )  # fmt: skip
        return self

    def send(self, *keys: str) -> None:
        """tmux key names: Enter, Escape, C-q, Tab, BTab, Up, ..."""
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def screen(self, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", self.target)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            if text in s:
                return s
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{s}")
            time.sleep(0.05)

    def wait_gone(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            s = self.screen()
            if text not in s:
                return s
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} still on screen after {timeout}s:\n{s}")
            time.sleep(0.05)

    def pane_info(self) -> dict[str, object]:
        out = self.tmux(
            "display-message", "-p", "-t", self.target, "#{pane_pid} #{pane_dead} #{pane_dead_status}"
        )
        pid, dead, status = (out.strip().split(" ") + ["", "", ""])[:3]
        return {"pid": int(pid), "dead": dead == "1", "status": int(status) if status.strip() else None}

    def wait_exit(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            p = self.pane_info()
            if p["dead"] and p["status"] is not None:
                return int(p["status"])  # type: ignore[arg-type]
            if p["dead"]:
                # Debian's tmux may miss the pane's SIGCHLD (libutempter); nudge the server.
                os.kill(int(self.tmux("display-message", "-p", "#{pid}").strip()), signal.SIGCHLD)
            time.sleep(0.05)
        raise AssertionError(f"program did not exit: {self.pane_info()}\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server", check=False)
        try:
            os.unlink(self.socket)
        except FileNotFoundError:
            pass

    def __enter__(self) -> TmuxScreen:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
