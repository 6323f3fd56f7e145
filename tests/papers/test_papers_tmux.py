"""End to end in a real tmux, by the keys a user presses."""

import json
import subprocess
import sys

import pytest

from tests.harness.tmux import TmuxScreen, clean_env, cockpit_cmd
from tests.papers import feeds

pytestmark = pytest.mark.e2e


def cli(home, *args):
    env = clean_env({"COCKPIT_HOME": str(home)})
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_triage_keep_skip_undo_and_the_queue_limit_in_tmux(home, tmp_path):
    items = [
        feeds.item(f"2611.{i:05d}", f"Paper number {i}", abstract=f"About topic {i}.") for i in range(1, 5)
    ]
    items.append(feeds.item("2611.00005", feeds.HOSTILE_TITLE))
    f = tmp_path / "week.xml"
    f.write_bytes(feeds.rss(items))
    assert cli(home, "papers", "ingest", str(f)).returncode == 0
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("4")
        s.send("t")
        s.wait_for("1 / 5")
        screen = s.wait_for("Undo")
        assert "Keep" in screen and "Skip" in screen and "Paper number" in screen
        s.send("k")
        s.wait_for("2 / 5")
        s.send("s")
        s.wait_for("3 / 5")
        s.send("u")
        s.wait_for("2 / 5")
        s.send("k")
        s.wait_for("3 / 5")
        s.send("k")  # a third keep: the week is full
        s.wait_for("is full (2/2)")
        assert "Defer it to next week" in s.screen()
        s.send("d")
        s.wait_gone("is full")
        s.wait_for("4 / 5")
        s.send("Escape")
        screen = s.wait_for("2/2 queued")
        assert "1 deferred" in screen
        s.send("C-q")
        assert s.wait_exit() == 0
    q = json.loads(cli(home, "papers", "queue", "--json").stdout)
    assert len(q["items"]) == 2 and len(q["later"]) == 1
    decisions = json.loads(cli(home, "papers", "rank", "--json", "--limit", "0").stdout)
    assert sorted(r["decision"] or "-" for r in decisions).count("keep") == 3


def test_hostile_title_shown_literally_in_tmux(home, tmp_path):
    f = tmp_path / "week.xml"
    f.write_bytes(feeds.rss([feeds.item("2611.00005", feeds.HOSTILE_TITLE, abstract="x" * 10000)]))
    assert cli(home, "papers", "ingest", str(f)).returncode == 0
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("4")
        s.send("t")
        s.wait_for("1 / 1")
        screen = s.wait_for("Undo")
        assert "[bold red]Pwned[/]" in screen and "https://arxiv.org/abs/2611.00005" in screen
        assert all(len(line) <= 80 for line in screen.splitlines())
        raw = s.screen(escapes=True)
        assert "\x1b]0;title" not in raw
        s.send("C-q")
        assert s.wait_exit() == 0


def test_notes_open_in_editor_through_suspend(home, tmp_path):
    f = tmp_path / "week.xml"
    f.write_bytes(feeds.rss([feeds.item("2611.00007", "A paper to take notes on")]))
    assert cli(home, "papers", "ingest", str(f)).returncode == 0
    assert cli(home, "papers", "keep", "2611.00007").returncode == 0
    editor = tmp_path / "ed.sh"
    editor.write_text('#!/bin/sh\necho "- noted in the editor" >> "$1"\necho EDITOR-RAN\nsleep 1\n')
    editor.chmod(0o755)
    env = {"COCKPIT_HOME": str(home), "EDITOR": str(editor), "VISUAL": ""}
    with TmuxScreen(cockpit_cmd(), 80, 24, env=env, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("4")
        s.wait_for("take notes")
        s.send("e")
        s.wait_for("EDITOR-RAN")  # the app is suspended: the editor owns the terminal
        s.wait_gone("EDITOR-RAN", timeout=20)  # and cockpit is back
        s.wait_for("take notes")
        s.send("r")  # start pass 1
        s.wait_for("P1▶")
        s.send("C-q")
        assert s.wait_exit() == 0
    note = home / "data" / "notes" / "2611.00007.md"
    assert (
        note.read_text().startswith("# A paper to take notes on")
        and "- noted in the editor" in note.read_text()
    )
    q = json.loads(cli(home, "papers", "queue", "--json").stdout)
    assert q["items"][0]["status"] == "reading" and q["items"][0]["passes"][0]["started"]
