"""The local machine's side of the GPU instrument: run the probe (tmux, ps) and job commands
with ``sh`` locally, and open a job in a new window of the user's current tmux session.

Remote hosts run the very same scripts over SSH (cockpit.sources.ssh); only the transport differs.
"""

from __future__ import annotations

import os
import shlex
import subprocess


class LocalError(Exception):
    pass


def run_local(script: str, timeout: float) -> tuple[int, str]:
    """Run a POSIX sh script here; stdout and stderr together."""
    try:
        r = subprocess.run(
            ["sh", "-c", script], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise LocalError(f"local command took more than {timeout:g} s") from None
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


def attach_command(host: str | None, session: str) -> list[str]:
    """The tmux command that opens ``session`` in a new window of the user's current session:
    ``ssh -t HOST tmux attach -t SESSION`` for a remote host, plain ``tmux attach`` locally
    (with TMUX unset, or tmux refuses to nest)."""
    if host is None:
        inner = f"env -u TMUX tmux attach -t {shlex.quote(session)}"
    else:
        # quoted twice: once for the local shell of the new window, once for the remote shell
        remote = f"tmux attach -t {shlex.quote(session)}"
        inner = f"ssh -t {shlex.quote(host)} {shlex.quote(remote)}"
    return ["tmux", "new-window", "-n", session[:20], inner]


def open_window(cmd: list[str]) -> str | None:
    """Run a ``tmux new-window`` command in the user's session; an error text, or None."""
    if not os.environ.get("TMUX"):
        return "not inside tmux; run: " + cmd[-1]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=5)
    return None if r.returncode == 0 else f"attach failed: {r.stderr.strip()}"
