"""``cockpit doctor``: checks the terminal, colours and tmux options; prints the fixes."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    detail: str
    fix: str = ""


TMUX_WANTED: dict[str, tuple[str, str]] = {
    # option: (wanted value, tmux.conf line)
    "escape-time": ("10", "set -sg escape-time 10"),
    "focus-events": ("on", "set -g focus-events on"),
    "set-clipboard": ("on", "set -g set-clipboard on"),
    "allow-passthrough": ("on", "set -g allow-passthrough on"),
}


def colour_system(env: dict[str, str]) -> str:
    forced = env.get("TEXTUAL_COLOR_SYSTEM")
    if forced:
        return forced
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = env.get("TERM", "")
    if not term or term == "dumb":
        return "none"
    return "256" if term.endswith("256color") else "16"


def check_env(env: dict[str, str]) -> list[Finding]:
    out: list[Finding] = []
    term = env.get("TERM", "")
    if not term or term == "dumb":
        out.append(
            Finding(
                False, "TERM", f"TERM is {term or 'unset'}: no colours, no keys", "export TERM=xterm-256color"
            )
        )
    elif "TMUX" in env and not (term.startswith("tmux") or term.startswith("screen")):
        out.append(
            Finding(
                False,
                "TERM",
                f"TERM={term} inside tmux",
                'set -g default-terminal "tmux-256color"  (tmux.conf)',
            )
        )
    else:
        out.append(Finding(True, "TERM", term))
    cs = colour_system(env)
    if cs in ("none", "16", "standard"):
        out.append(
            Finding(
                False,
                "colours",
                f"{cs} colours only",
                'set -g default-terminal "tmux-256color"  or  export TERM=xterm-256color',
            )
        )
    elif cs == "256":
        out.append(
            Finding(
                True,
                "colours",
                "256 colours (fine; for 24-bit add COLORTERM=truecolor and the RGB terminal feature)",
            )
        )
    else:
        out.append(Finding(True, "colours", cs))
    return out


def check_tmux(options: dict[str, str] | None) -> list[Finding]:
    if options is None:
        return [Finding(True, "tmux", "not inside tmux; tmux checks skipped")]
    out: list[Finding] = []
    for name, (wanted, line) in TMUX_WANTED.items():
        have = options.get(name)
        if have is None:
            out.append(Finding(False, f"tmux {name}", "unknown to this tmux (needs tmux >= 3.3)", line))
        elif name == "escape-time":
            ok = have.isdigit() and int(have) <= 50
            out.append(Finding(ok, f"tmux {name}", have, "" if ok else line))
        else:
            ok = have == wanted
            out.append(Finding(ok, f"tmux {name}", have, "" if ok else line))
    return out


def tmux_options(env: dict[str, str]) -> dict[str, str] | None:
    if "TMUX" not in env or shutil.which("tmux") is None:
        return None
    opts: dict[str, str] = {}
    for name in TMUX_WANTED:
        flag = "-sv" if name == "escape-time" else "-gv"
        try:
            r = subprocess.run(["tmux", "show", flag, name], capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0:
            opts[name] = r.stdout.strip()
    return opts


def report(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        mark = "ok " if f.ok else "FIX"
        lines.append(f"[{mark}] {f.what}: {f.detail}")
        if f.fix:
            lines.append(f"      -> {f.fix}")
    bad = sum(not f.ok for f in findings)
    lines.append("all good" if not bad else f"{bad} thing(s) to fix")
    return "\n".join(lines)
