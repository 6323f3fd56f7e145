"""In a real tmux at 256 colours, an unfocused pane's border is drawn in a colour that stands
out from the background (cockpit-light drew it 231 on 231, cockpit-contrast 235 on 16)."""

from __future__ import annotations

import re

import pytest
from rich.color import Color as RichColor
from textual.color import Color

from tests.app.test_theme_contrast import BLURRED_BORDER_MIN, ratio
from tests.harness.tmux import TmuxScreen, cockpit_cmd

pytestmark = pytest.mark.needs_tools("tmux")
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def cell_colours(line: str, index: int) -> tuple[int | None, int | None]:
    """(fg, bg) 256-colour numbers of the ``index``-th character of a captured line."""
    fg = bg = None
    col = 0
    for part in re.split(r"(\x1b\[[0-9;]*m)", line):
        m = SGR.fullmatch(part)
        if m:
            codes = [int(c) if c else 0 for c in m.group(1).split(";")]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    fg = bg = None
                elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                    fg, bg = (codes[i + 2], bg) if c == 38 else (fg, codes[i + 2])
                    i += 2
                elif c == 39:
                    fg = None
                elif c == 49:
                    bg = None
                i += 1
            continue
        if col <= index < col + len(part):
            return fg, bg
        col += len(part)
    raise AssertionError(f"no cell {index} in {line!r}")


def xterm(n: int) -> Color:
    t = RichColor.from_ansi(n).get_truecolor()
    return Color(t.red, t.green, t.blue)


@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "cockpit-contrast"])
def test_unfocused_border_stands_out_at_256_colours(home, tmp_path, theme):
    (home / "config.toml").write_text(f'[ui]\ntheme = "{theme}"\n')
    env = {"COCKPIT_HOME": str(home), "TEXTUAL_COLOR_SYSTEM": "256", "COLORTERM": ""}
    with TmuxScreen(cockpit_cmd(), 100, 30, env=env, sock_dir=tmp_path) as s:
        s.wait_for("2 MITs")
        s.wait_for("Quit")
        plain = s.screen().split("\n")
        coloured = s.screen(escapes=True).split("\n")
        row = next(i for i, ln in enumerate(plain) if "2 MITs" in ln)
        corner = plain[row].index("╭─ 2 MITs")  # the Focus pane has the focus at start
        fg, bg = cell_colours(coloured[row], corner)
        s.send("C-q")
        assert s.wait_exit() == 0
    assert fg is not None and bg is not None, (fg, bg)
    r = ratio(xterm(fg), xterm(bg))
    assert r >= BLURRED_BORDER_MIN, f"{theme}: border {fg} on {bg}: {r:.2f}"
