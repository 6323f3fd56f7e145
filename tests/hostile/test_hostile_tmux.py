"""End to end in a real tmux at 80x24: everything hostile at once, driven by a user's keys."""

from __future__ import annotations

import re
import shlex
import time

import pytest

from tests.harness.tmux import TmuxScreen, cockpit_cmd
from tests.hostile.layout import border_problems, cells
from tests.hostile.strings import HOSTILE

pytestmark = pytest.mark.e2e

# What the hostile data would make a terminal do, were it passed through.
DATA_SEQUENCES = [
    b"\x1b]0;",  # window title
    b"\x1b]2;",
    b"\x1b]52;",  # clipboard write
    b"pwned-title",
    b"cHduZWQ=",
    b"\x1b]8;;https://evil.example",  # hyperlink from the data
    b"\x1bPq#0",  # the DCS (sixel) payload
    b"\x1b[10;10Hmoved",  # the cursor move, as the data had it
    b"\x1b[2J\x1b[H\x1b[10",
]


def grid_regions(lines: list[str]) -> dict[str, tuple[int, int, int, int]]:
    """Pane boxes found on a captured screen: from each '╭─ N Title' corner to its '╯'."""
    out: dict[str, tuple[int, int, int, int]] = {}
    grid = [cells(line) for line in lines]
    for y, row in enumerate(grid):
        for x, c in enumerate(row):
            if c != "╭":
                continue
            title = "".join(row[x : x + 16])
            m = re.match(r"╭─ (\d) ", title)
            if not m:
                continue
            right = next(i for i in range(x + 1, len(row)) if row[i] == "╮")
            bottom = next(
                (j for j in range(y + 1, len(grid)) if len(grid[j]) > x and grid[j][x] == "╰"), None
            )
            assert bottom is not None, f"pane {m.group(1)} has no bottom-left corner:\n" + "\n".join(lines)
            out[m.group(1)] = (x, y, right - x + 1, bottom - y + 1)
    return out


def pane_fmt(s: TmuxScreen, fmt: str) -> str:
    return s.tmux("display-message", "-p", "-t", s.target, fmt).strip()


def check_screen(s: TmuxScreen, panes: int) -> str:
    text = s.screen()
    lines = text.rstrip("\n").split("\n")
    assert len(lines) == 24, text
    assert all(len(cells(line)) <= 80 for line in lines)
    regions = grid_regions(lines)
    assert len(regions) == panes, f"expected {panes} boxed panes, found {sorted(regions)}:\n{text}"
    assert border_problems(lines, regions) == [], text
    assert "^p Commands" in lines[-1], f"footer not on the last line:\n{text}"
    return text


def test_everything_hostile_at_once_in_real_tmux(hostile_ctx, tmp_path):
    from cockpit.services import audit
    from tests.hostile.strings import ALL_IN_ONE

    home = hostile_ctx.paths.config_dir
    audit.start(hostile_ctx, "model", note=ALL_IN_ONE)  # today's running entry, hostile note
    raw = tmp_path / "pane-bytes"
    s = TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path)
    with s:
        # Let OSC 52 from the pane reach tmux's buffers, so a clipboard write would be seen.
        s.tmux("set-option", "-g", "set-clipboard", "on")
        s.tmux("set-option", "-g", "allow-rename", "on")
        s.tmux("pipe-pane", "-t", s.target, f"cat >> {shlex.quote(str(raw))}")
        before_title = s.tmux("display-message", "-p", "-t", s.target, "#{pane_title}").strip()
        s.wait_for("Quit")
        s.wait_for("[bold red]boom[/]")
        # the toast about the hostile theme name shows it literally, then goes
        s.wait_for("[link=https://evil.example]x[/link]")
        time.sleep(0.5)
        s.wait_gone("not found; using", timeout=25)
        text = check_screen(s, 5)
        assert "★ [bold red]boom[/]" in text
        for key, needle in [("1", "Sprint"), ("2", "[link=https://evil.example]x[/link]"), ("3", "[bold red]boom[/] [link=htt"),
                            ("4", "triaged"), ("5", "No hosts configured")]:  # fmt: skip
            s.send(key)
            s.send("z")
            s.wait_gone("2 MITs" if key == "1" else "1 Focus")
            s.send(key)  # zoomed, a number key shows that pane (again): robust to a slow first key
            s.wait_for(f"╭─ {key} ")
            s.wait_for(needle)
            text = check_screen(s, 1)
            assert f"{key} " in text.split("\n")[0]
            s.send("z")
            s.wait_for("5 GPU jobs")
            s.wait_for("1 Focus")
        # the papers' triage: every hostile title and abstract, one after another
        s.send("4")
        s.send("t")
        s.wait_for("Triage 2026-W")
        shown = []
        for _ in range(len(HOSTILE)):
            shown.append(s.screen())
            s.send("n")
            time.sleep(0.15)
        seen = "\n".join(shown)
        for needle in (
            "[bold red]boom[/]",
            "[link=https://evil.example]x[/link]",
            "漢字テスト",
            "nulbyte",
            "click",
        ):
            assert needle in seen
        s.send("Escape")
        s.wait_for("5 GPU jobs")
        check_screen(s, 5)
        # every task through the task form, every time entry through the entry editor
        for pane, zoom, key, title in (("2", False, "e", "Edit task"), ("3", True, "i", "Edit entry")):
            s.send(pane)
            if zoom:
                s.send("z")
                s.wait_gone("1 Focus")
            for _ in range(len(HOSTILE)):
                s.send(key)
                s.wait_for(title)
                assert pane_fmt(s, "#{alternate_on}") == "1", f"{title}: the alternate screen went off"
                s.send("Escape")
                s.wait_gone(title)
                s.send("Down")
            if zoom:
                s.send("z")
                s.wait_for("1 Focus")
        s.wait_for("5 GPU jobs")
        assert pane_fmt(s, "#{alternate_on}") == "1"
        escaped = s.screen(escapes=True)
        assert "\x1b]" not in escaped and "\x1bP" not in escaped
        assert s.tmux("display-message", "-p", "-t", s.target, "#{pane_title}").strip() == before_title
        assert "pwned" not in s.tmux("display-message", "-p", "-t", s.target, "#{window_name}")
        assert s.tmux("list-buffers", check=False).strip() == ""  # no clipboard write reached tmux
        s.send("C-q")
        assert s.wait_exit() == 0
        s.tmux("pipe-pane", "-t", s.target, check=False)
    data = raw.read_bytes()
    assert len(data) > 1000  # the pipe did record the app's output
    for seq in DATA_SEQUENCES:
        assert seq not in data, f"{seq!r} from the data reached the terminal"
    assert b"\x00" not in data


def test_status_line_in_real_tmux_shows_hostile_text_as_typed(home, tmp_path):
    """`status-right '#(cockpit status --format tmux)'`, the README's setup, over a status file
    whose mode, MIT and category hold escape sequences and tmux's own #{format}, #[style] and
    #(command) syntax (a hand edit): tmux shows them as typed, expands and styles nothing of
    them, and no sequence from them reaches the user's terminal."""
    import json
    import sys

    from cockpit import status
    from tests.harness.tmux_nested import NestedTmux

    data = {
        "focus": {"state": "paused", "mode": "\x1b]2;pwned-title\x07#{host}", "paused_remaining_s": 60},
        "mits": {"current": "\x1b]52;c;cHduZWQ=\x07#{session_name}\x1b[?1049l[b]x[/]", "done": 0, "total": 1},
        "track": {"category": "\x1b[2J\x1b[H#[fg=red]r#(id)"},
    }
    path = status.status_file(str(home), {})
    (home / "state").mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f)  # ensure_ascii: the escapes are \u001b in the file, raw once loaded
    cmd = f"{shlex.quote(sys.executable)} -m cockpit status --format tmux"
    expected = "01:00 #{host} paused | MIT: #{session_name}[b]x[/] | #[fg=red]r#(id)"
    with NestedTmux(tmp_path, env={"COCKPIT_HOME": str(home)}, width=160, height=10) as t:
        t.inner("set-option", "-g", "status-right-length", "150")
        t.inner("set-option", "-g", "status-interval", "1")
        t.inner("set-option", "-g", "status-right", f"#({cmd})")

        def status_line() -> str:
            return t.outer_screen().rstrip("\n").split("\n")[-1]

        t.wait(lambda: "paused" in status_line(), "the status line", 20)
        line = status_line()
        assert expected in line, line  # not the host name, the session name, or id's output
        styled = t.outer("capture-pane", "-p", "-e", "-t", "term:0.0").rstrip("\n").split("\n")[-1]
        assert "\x1b[31m" not in styled, repr(styled)  # yellow and magenta are cockpit's; no red
        assert "\x1b[33m" in styled  # the paused sprint's own yellow is applied
        out = t.read_bytes("outer")
    for seq in (b"pwned-title", b"cHduZWQ=", b"\x1b]2;", b"\x1b]52;"):
        assert seq not in out, f"{seq!r} from the status file reached the terminal"
