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


def current_server(env: dict[str, str] | None = None) -> str | None:
    """The socket of the tmux server we run in (``$TMUX`` is ``SOCKET,PID,SESSION``), or None.

    Set whatever started that server: ``tmux -S SOCKET``, ``tmux -L NAME`` or the default one."""
    value = (os.environ if env is None else env).get("TMUX", "")
    sock = value.split(",", 1)[0]
    return sock or None


def attach_command(host: str | None, session: str, server: str | None = None) -> list[str]:
    """The tmux command that opens ``session`` in a new window of the user's current session:
    ``ssh -t HOST tmux attach -t SESSION`` for a remote host; locally ``tmux -S SERVER attach``
    on ``server`` (the socket of the tmux server we run in, where ``launch`` started the job),
    with TMUX unset, or tmux refuses to nest. When attaching fails, the window stays open with
    tmux's reason until a key is pressed (it would otherwise close with no word)."""
    target = shlex.quote("=" + session)
    if host is None:
        sock = f" -S {shlex.quote(server)}" if server else ""
        inner = f"env -u TMUX tmux{sock} attach -t {target}"
    else:
        # quoted twice: once for the local shell of the new window, once for the remote shell
        remote = f"tmux attach -t {target}"
        inner = f"ssh -t {shlex.quote(host)} {shlex.quote(remote)}"
    held = f"{inner} || {{ echo; echo 'cockpit: attach failed; press Enter to close'; read _; }}"
    return ["tmux", "new-window", "-n", session[:20], held]


def attach_line(host: str | None, session: str, server: str | None = None) -> str:
    """The shell line that attaches to ``session`` from a terminal of the user's own (what a
    browser tab copies: it has no tmux window to open)."""
    target = shlex.quote("=" + session)
    if host is None:
        sock = f" -S {shlex.quote(server)}" if server else ""
        return f"tmux{sock} attach -t {target}"
    return f"ssh -t {shlex.quote(host)} {shlex.quote(f'tmux attach -t {target}')}"


def has_session(session: str, server: str | None) -> str | None:
    """Is ``session`` on the tmux server ``server`` (default: ``$TMUX``'s)? An error text, or None."""
    sock = ["-S", server] if server else []
    try:
        r = subprocess.run(
            ["tmux", *sock, "has-session", "-t", "=" + session],
            capture_output=True,
            text=True,
            timeout=5,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"cannot ask tmux: {e}"
    if r.returncode == 0:
        return None
    where = f"tmux server {server}" if server else "the default tmux server"
    reason = (r.stderr.strip().splitlines() or [f"rc {r.returncode}"])[-1]
    return f"no tmux session {session!r} on {where} ({reason})"


def open_window(cmd: list[str]) -> str | None:
    """Run a ``tmux new-window`` command in the user's session; an error text, or None."""
    if not os.environ.get("TMUX"):
        return "not inside tmux; run: " + cmd[-1].split(" || ", 1)[0]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=5, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"attach failed: {e}"
    return None if r.returncode == 0 else f"attach failed: {r.stderr.strip() or f'rc {r.returncode}'}"
