"""The small status file that the app and the CLI keep current, and its renderers.

``cockpit status`` reads only this file (no store, no Textual), so it stays fast enough
for tmux's ``status-interval 1``. Sections, each owned by one instrument:

- ``focus``: {"state": "idle|running|paused|break|overrun", "mode", "phase", "started", "ends",
  "paused_remaining_s", "planned_s", "task", "task_title", "category",
  "then": [{"state", "ends"}, ...]} (stamps are ISO UTC; ``then`` lists the phases that follow
  if nobody touches the session, so the line stays right while no cockpit process runs)
- ``mits``:  {"current": title of the first open MIT, "done": n, "total": n}
- ``track``: {"category": name, "since": stamp}
- ``gpu``:   {"running": n, "failed": n, "idle_cost": float}
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys

TYPE_CHECKING = False  # no `typing`, `pathlib` or `dataclasses` import: `cockpit status` stays cheap
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from cockpit.paths import Paths


def read(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def update_section(paths: Paths, name: str, value: dict[str, Any] | None) -> None:
    """Replace one section (None removes it), atomically, under a lock."""
    from cockpit.paths import make_private_dir
    from cockpit.store.fs import atomic_write, locked

    make_private_dir(paths.state_dir)
    with locked(paths.state_dir / ".status.lock"):
        data = read(paths.status_file)
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
        # derived from the store and rewritten on every change: atomic, but no fsync (cheap)
        atomic_write(paths.status_file, json.dumps(data, ensure_ascii=False).encode(), durable=False)


def _parse(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        t = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):  # a hand-edited file: a number, a list, "soon"
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def focus_remaining(focus: dict[str, Any], now: dt.datetime) -> int | None:
    """Seconds left (negative when overrun), computed from stamps at call time."""
    if focus.get("state") in (None, "idle"):
        return None
    left_s = focus.get("paused_remaining_s")
    if focus.get("state") == "paused" and isinstance(left_s, int | float):
        return int(left_s) if abs(left_s) < 1e9 else None  # NaN and Infinity fail the test too
    ends = _parse(focus.get("ends"))
    if ends is None:
        return None
    left = (ends - now).total_seconds()
    return int(-(-left // 1)) if left >= 0 else -int(-left)


def fmt_duration(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{sign}{h}:{m:02d}:{sec:02d}" if h else f"{sign}{m:02d}:{sec:02d}"


def line_text(text: Any, limit: int, tmux: bool = False) -> str:
    """One piece of outside text (a title, a category, the mode) for the status line: cleaned by
    :func:`cockpit.core.text.clean`, the one rule for outside text, plus what a bar of one line
    needs on top: characters that are not printable (bidi overrides, zero-width and line
    separators, which clean keeps) go, the text is cut to ``limit``, and for tmux every ``#``
    is doubled, so ``#{format}``, ``#[style]`` and ``#(command)`` in the text are shown as typed
    (tmux expands formats and styles in the output of ``#()``; 3.3 drops a ``#()`` found there,
    older versions ran it). The import is here: the idle line needs no cleaning."""
    from cockpit.core.text import clean

    s = "".join(ch for ch in clean(str(text)) if ch.isprintable())
    s = s if len(s) <= limit else s[: limit - 1] + "…"
    return s.replace("#", "##") if tmux else s


def _count(value: Any) -> int:
    """A count from the file: a whole number, else 0 (a hand edit may leave anything there)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _roll(focus: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Step past phases that ran out since the file was written (no cockpit process ran)."""
    if focus.get("state") not in ("running", "break"):
        return focus
    ends = _parse(focus.get("ends"))
    for nxt in focus.get("then") or []:
        if ends is None or ends > now or not isinstance(nxt, dict):
            break
        focus = {**focus, "state": nxt.get("state", "idle"), "ends": nxt.get("ends")}
        if focus["state"] == "idle":
            return {"state": "idle"}
        ends = _parse(focus.get("ends"))
    return focus


def snapshot(data: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    out = dict(data)
    focus = data.get("focus") if isinstance(data.get("focus"), dict) else None
    focus = _roll(dict(focus or {"state": "idle"}), now)
    remaining = focus_remaining(focus, now)
    focus["remaining_s"] = remaining
    if remaining is not None and remaining < 0 and focus.get("state") == "running":
        focus["state"] = "overrun"
    out["focus"] = focus
    return out


def render(fmt: str, data: dict[str, Any], now: dt.datetime) -> str:
    snap = snapshot(data, now)
    if fmt == "json":
        from cockpit.core.text import dumps_clean

        return dumps_clean(snap, ensure_ascii=False)
    tmux = fmt == "tmux"
    focus = snap["focus"]
    mit = _section(snap, "mits").get("current")
    track = _section(snap, "track").get("category")
    parts: list[str] = []
    state = focus.get("state", "idle")
    if state == "break":
        track = None  # a break pauses tracking (the file may predate the sprint's end)
    if isinstance(state, str) and state != "idle" and focus.get("remaining_s") is not None:
        rem = fmt_duration(int(focus["remaining_s"]))
        mode = line_text(focus.get("mode") or "focus", 12, tmux)
        label = {"break": "break", "paused": f"{mode} paused", "overrun": f"{mode} over"}.get(state, mode)
        if tmux:
            colour = {"running": "green", "break": "cyan", "paused": "yellow", "overrun": "red"}.get(
                state, "white"
            )
            style = f"fg={colour},bold" + (",reverse" if state == "overrun" else "")
            parts.append(f"#[{style}]{rem}#[default] #[fg={colour}]{label}#[default]")
        else:
            parts.append(f"{rem} {label}")
    if mit:
        # both the MIT and the tracked category fit: the MIT gives up room for the category
        text = line_text(mit, 24 if track else 40, tmux)
        parts.append(f"#[fg=magenta]MIT:#[default] {text}" if tmux else f"MIT: {text}")
    if track:
        parts.append(line_text(track, 16 if mit else 24, tmux))
    failed = _count(_section(snap, "gpu").get("failed"))
    if failed:
        parts.append(f"#[fg=red]{failed} failed#[default]" if tmux else f"{failed} failed")
    if not parts:
        return "cockpit: idle"
    return " | ".join(parts)


def main_fast(argv: list[str]) -> int:
    """``cockpit status`` without importing argparse-built command modules."""
    fmt = "text"
    home = None
    args = list(argv)
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--format" and i + 1 < len(args):
            fmt = args[i + 1]
            i += 2
            continue
        if a.startswith("--format="):
            fmt = a.split("=", 1)[1]
        elif a == "--json":
            fmt = "json"
        elif a == "--home" and i + 1 < len(args):
            home = args[i + 1]
            i += 2
            continue
        elif a.startswith("--home="):
            home = a.split("=", 1)[1]
        else:
            os.write(2, f"cockpit: error: status: unknown argument {a!r}\n".encode())
            return 2
        i += 1
    if fmt not in ("text", "tmux", "json"):
        os.write(2, f"cockpit: error: status: --format must be text, tmux or json, not {fmt!r}\n".encode())
        return 2
    path = status_file(home, os.environ)
    data = read(path)
    now = dt.datetime.now(dt.UTC)
    print(render(fmt, data, now), flush=True)
    if fmt == "tmux" and unhandled_ends(data, now):
        _start_alerts(home)
    return 0


# ---------------------------------------------------------------------------- phase-end alerts

ALERT_WINDOW_S = 300  # = cockpit.core.focus_stats.ALERT_WINDOW_S: older phase ends are not announced


def due_ends(focus: Any, now: dt.datetime) -> list[str]:
    """The end stamps of the focus phases in a status-file ``focus`` section that ran out in the
    last ``ALERT_WINDOW_S`` seconds (the current phase and those of ``then``)."""
    if not isinstance(focus, dict) or focus.get("state") not in ("running", "break", "overrun"):
        return []
    stamps = [focus.get("ends")]
    if focus.get("mode") != "timebox":
        stamps += [p.get("ends") for p in focus.get("then") or [] if isinstance(p, dict)]
    out = []
    for stamp in stamps:
        t = _parse(stamp) if isinstance(stamp, str) else None
        if t is None or t > now:
            break
        if (now - t).total_seconds() < ALERT_WINDOW_S:
            out.append(stamp)
    return out


def unhandled_ends(data: dict[str, Any], now: dt.datetime) -> list[str]:
    """``due_ends`` that no process has marked handled in the status file (``mark_alerted``)."""
    due = due_ends(data.get("focus"), now)
    if not due:
        return []
    alerted = data.get("alerted")
    done = alerted.get("ends") if isinstance(alerted, dict) else None
    return [e for e in due if not (isinstance(done, list) and e in done)]


def mark_alerted(paths: Paths, ends: list[str]) -> None:
    """Note that the phase ends ``ends`` are handled, so the status line stops starting helpers."""
    from cockpit.paths import make_private_dir
    from cockpit.store.fs import atomic_write, locked

    make_private_dir(paths.state_dir)
    with locked(paths.state_dir / ".status.lock"):
        data = read(paths.status_file)
        old = data.get("alerted")
        done = old.get("ends") if isinstance(old, dict) and isinstance(old.get("ends"), list) else []
        data["alerted"] = {"ends": ([e for e in done if e not in ends] + list(ends))[-20:]}
        atomic_write(paths.status_file, json.dumps(data, ensure_ascii=False).encode(), durable=False)


def _start_alerts(home: str | None) -> None:
    """Start the helper that announces the phase end (``cockpit.services.alerts``), detached:
    the status line is printed already and never waits for it."""
    import subprocess

    env = dict(os.environ)
    if home:
        env["COCKPIT_HOME"] = os.path.abspath(os.path.expanduser(home))
    try:
        subprocess.Popen(
            [sys.executable, "-m", "cockpit.services.alerts"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True, close_fds=True,
        )  # fmt: skip
    except OSError:
        pass  # the status line itself never fails


def status_file(home: str | None, env: Mapping[str, str]) -> str:
    """Where the status file is, as ``cockpit.paths.resolve`` says, without importing it on Linux."""
    home = home or env.get("COCKPIT_HOME")
    if home:
        return os.path.join(os.path.abspath(os.path.expanduser(home)), "state", "status.json")
    if sys.platform.startswith("linux"):
        base = (env.get("XDG_STATE_HOME") or "").strip() or os.path.expanduser("~/.local/state")
        return os.path.join(base, "cockpit", "status.json")
    from cockpit.paths import resolve

    return str(resolve(None, dict(env)).status_file)
