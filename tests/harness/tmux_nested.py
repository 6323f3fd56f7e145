"""A tmux inside a tmux: the inner server's client runs in a pane of the outer server.

What a program in the inner pane writes, and what the inner tmux sends on to its client's
terminal (passthrough escapes, bells, its status line with display-message), can both be
captured byte for byte with ``pipe-pane``: the inner pane's raw output, and the outer pane's
(= the terminal the user's laptop would receive over SSH).
"""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from pathlib import Path

from tests.harness.tmux import REPO, clean_env


class NestedTmux:
    def __init__(
        self, root: Path, env: dict[str, str] | None = None, width: int = 100, height: int = 30
    ) -> None:
        self.root = root
        tag = uuid.uuid4().hex[:6]
        self.inner_sock = str(root / f"inner-{tag}.sock")
        self.outer_sock = str(root / f"outer-{tag}.sock")
        self.inner_bytes = root / "inner.bytes"
        self.outer_bytes = root / "outer.bytes"
        self.env = clean_env(env)
        self.width, self.height = width, height

    def _tmux(self, sock: str, *args: str, check: bool = True) -> str:
        return subprocess.run(
            ["tmux", "-S", sock, "-f", "/dev/null", *args],
            capture_output=True, text=True, check=check, timeout=15, env=self.env,
        ).stdout  # fmt: skip

    def inner(self, *args: str, check: bool = True) -> str:
        return self._tmux(self.inner_sock, *args, check=check)

    def outer(self, *args: str, check: bool = True) -> str:
        return self._tmux(self.outer_sock, *args, check=check)

    def start(self) -> NestedTmux:
        envargs = [a for k, v in self.env.items() for a in ("-e", f"{k}={v}")]
        self.inner(
            "new-session", "-d", "-s", "app", "-x", str(self.width), "-y", str(self.height - 1),
            *envargs, "-c", str(REPO), "bash --norc --noprofile",
            ";", "set-option", "-g", "allow-passthrough", "on",
            ";", "set-option", "-g", "status-right", "",
            ";", "set-option", "-g", "remain-on-exit", "on",
        )  # fmt: skip
        self.inner("pipe-pane", "-o", "-t", "app:0.0", f"cat >> {shlex.quote(str(self.inner_bytes))}")
        attach = f"env -u TMUX tmux -S {shlex.quote(self.inner_sock)} -f /dev/null attach -t app"
        self.outer("new-session", "-d", "-s", "term", "-x", str(self.width), "-y", str(self.height), attach)
        self.outer("pipe-pane", "-o", "-t", "term:0.0", f"cat >> {shlex.quote(str(self.outer_bytes))}")
        self.wait(lambda: self.inner("list-clients", "-F", "#{client_name}").strip() != "", "inner client")
        return self

    def run(self, command: str) -> None:
        """Type a shell command into the inner pane."""
        self.inner("send-keys", "-t", "app:0.0", "-l", command)
        self.inner("send-keys", "-t", "app:0.0", "Enter")

    def inner_screen(self) -> str:
        return self.inner("capture-pane", "-p", "-t", "app:0.0")

    def outer_screen(self) -> str:
        """What the user's terminal shows: the inner pane plus the inner status line."""
        return self.outer("capture-pane", "-p", "-t", "term:0.0")

    @staticmethod
    def wait(cond, what: str, timeout: float = 15.0):  # noqa: ANN001, ANN205
        deadline = time.monotonic() + timeout
        while True:
            got = cond()
            if got:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.05)

    def read_bytes(self, which: str) -> bytes:
        path = self.inner_bytes if which == "inner" else self.outer_bytes
        return path.read_bytes() if path.exists() else b""

    def close(self) -> None:
        for sock in (self.outer_sock, self.inner_sock):
            self._tmux(sock, "kill-server", check=False)
            Path(sock).unlink(missing_ok=True)

    def __enter__(self) -> NestedTmux:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
