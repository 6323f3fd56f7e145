"""Is the user at the terminal? The tty's last input and the tmux client's activity and attachment.

Read for the time audit's away detection, from a worker thread (``tmux display-message`` may
take a moment).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess

from cockpit.paths import file_clock_now


def tty_input_time(fd: int = 0) -> dt.datetime | None:
    """When the terminal cockpit reads from last delivered input (the tty's atime; Linux updates it
    on reads, at most every few seconds), or None when stdin is no terminal.

    The atime is a file time: its age is taken against the kernel's file clock and then counted
    back from this process's clock, which may be shifted or stepped apart from file times."""
    try:
        age = file_clock_now() - os.stat(os.ttyname(fd)).st_atime
    except (OSError, ValueError):
        return None
    return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=max(0.0, age))


def away_signals(env: dict[str, str] | None = None) -> tuple[dt.datetime | None, bool | None]:
    """(last input: tmux client or our tty, whichever is newer; is a tmux client attached)."""
    last, attached = tmux_away_signals(env)
    tty = tty_input_time()
    inputs = [t for t in (last, tty) if t is not None]
    return (max(inputs) if inputs else None), attached


def tmux_away_signals(env: dict[str, str] | None = None) -> tuple[dt.datetime | None, bool | None]:
    """(last input of the tmux client, is a client attached) or (None, None) outside tmux."""
    env = dict(os.environ if env is None else env)
    if not env.get("TMUX"):
        return None, None
    cmd = ["tmux", "display-message", "-p"]
    if env.get("TMUX_PANE"):
        cmd += ["-t", env["TMUX_PANE"]]
    cmd.append("#{client_activity}\t#{session_attached}")
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=3, env=env).stdout.rstrip("\n")
    except (OSError, subprocess.SubprocessError):
        return None, None
    activity, _, attached = out.partition("\t")
    last = (
        dt.datetime.fromtimestamp(int(activity), dt.UTC) if activity.isdigit() and int(activity) > 0 else None
    )
    return last, (attached.strip() not in ("", "0")) if attached.strip().isdigit() else None
