import re
import shlex
import time

import pytest

from tests.harness.tmux import TmuxScreen, cockpit_cmd

pytestmark = pytest.mark.e2e


def test_cockpit_in_tmux_80x24_shows_panes_and_moves_by_keys(home, tmp_path):
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")  # the footer is drawn once the app is ready for keys
        screen = s.wait_for("5 GPU jobs")
        for title in ("1 Focus", "2 MITs", "3 Time audit", "4 Papers"):
            assert title in screen
        s.send("4")
        s.send("z")
        screen = s.wait_gone("1 Focus")
        assert "4 Papers" in screen
        s.send("z")
        s.wait_for("1 Focus")
        # Tab / Shift+Tab move the focus: zoom shows which pane has it.
        s.send("Tab")
        s.send("z")
        screen = s.wait_gone("4 Papers")
        assert "5 GPU jobs" in screen and "1 Focus" not in screen
        s.send("z")
        s.wait_for("4 Papers")
        s.send("BTab")
        s.send("BTab")
        s.send("z")
        screen = s.wait_gone("4 Papers")
        assert "3 Time audit" in screen and "5 GPU jobs" not in screen
        s.send("z")
        s.wait_for("1 Focus")
        s.send("?")
        s.wait_for("app.zoom")
        s.send("Escape")
        s.wait_gone("app.zoom")
        # start-up ran without the cyclic GC, which comes back on shortly after the first frame
        log = home / "state" / "cockpit.log"
        deadline = time.monotonic() + 10
        while "cyclic GC back on" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        text = log.read_text()
        assert text.index("first frame after") < text.index("cyclic GC back on after the first frame")
        s.send("C-q")
        assert s.wait_exit() == 0


def test_idle_cockpit_writes_nothing_to_the_terminal(home, tmp_path):
    """No blinking cursor, spinner or clock: an idle cockpit streams no bytes over SSH."""
    out = tmp_path / "pane-output"
    with TmuxScreen(cockpit_cmd(), 100, 30, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        time.sleep(1.5)  # let the start-up settle (footer, focus)
        s.tmux("pipe-pane", "-t", s.target, f"cat >> {shlex.quote(str(out))}")
        time.sleep(4)
        s.tmux("pipe-pane", "-t", s.target)  # close the pipe
        time.sleep(0.2)
        idle = out.read_bytes() if out.exists() else b""
        # The pipe does record what the app writes: a key press repaints.
        s.tmux("pipe-pane", "-t", s.target, f"cat >> {shlex.quote(str(out))}")
        s.send("2")
        time.sleep(1)
        s.tmux("pipe-pane", "-t", s.target)
        time.sleep(0.2)
        s.send("C-q")
        s.wait_exit()
    assert idle == b"", f"{len(idle)} bytes written while idle: {idle[:200]!r}"
    assert len(out.read_bytes()) > 0


def test_256_colours_only_when_forced(home, tmp_path):
    env = {"COCKPIT_HOME": str(home), "TEXTUAL_COLOR_SYSTEM": "256", "COLORTERM": ""}
    with TmuxScreen(cockpit_cmd(), 80, 24, env=env, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        screen = s.screen(escapes=True)
        assert re.search(r"\x1b\[[0-9;]*[34]8;5;\d+", screen), "no 256-colour escapes"
        assert not re.search(r"[34]8;2;\d+;\d+;\d+", screen), "24-bit colour escapes at 256 colours"
        for title in ("1 Focus", "2 MITs", "3 Time audit", "4 Papers", "5 GPU jobs"):
            assert title in s.screen()
        s.send("C-q")
        assert s.wait_exit() == 0


def test_resizing_the_tmux_window_keeps_every_pane_titled(home, tmp_path):
    titles = ("1 Focus", "2 MITs", "3 Time audit", "4 Papers", "5 GPU jobs")
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        for w, h in ((250, 70), (120, 40), (80, 24)):
            s.tmux("resize-window", "-t", "app", "-x", str(w), "-y", str(h))
            deadline = time.monotonic() + 10
            while True:
                lines = s.screen().rstrip("\n").split("\n")
                screen = "\n".join(lines)
                if len(lines) == h and "Quit" in lines[-1] and all(t in screen for t in titles):
                    break
                assert time.monotonic() < deadline, f"not redrawn with every title at {w}x{h}:\n{screen}"
                time.sleep(0.1)
            assert all(len(line) <= w for line in lines)
        s.send("C-q")
        assert s.wait_exit() == 0


def settled(s: TmuxScreen) -> str:
    """The screen (with colours) once it stopped changing for half a second."""
    last, deadline = s.screen(escapes=True), time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = s.screen(escapes=True)
        if now == last:
            return now
        last = now
    raise AssertionError("the screen kept changing")


def test_theme_switched_from_the_palette_is_remembered(home, tmp_path):
    env = {"COCKPIT_HOME": str(home)}
    with TmuxScreen(cockpit_cmd(), 100, 30, env=env, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        dark = settled(s)
        s.send("C-p")
        s.wait_for("Search for commands")
        s.type("theme: cockpit-light")
        s.wait_for("Theme: cockpit-light")
        s.send("Enter")
        s.wait_gone("Search for commands")
        light = settled(s)
        assert light != dark, "colours did not change"
        s.send("C-q")
        assert s.wait_exit() == 0
    with TmuxScreen(cockpit_cmd(), 100, 30, env=env, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        assert settled(s) == light
        s.send("C-q")
        s.wait_exit()


def test_keymap_from_config_remaps_keys_in_the_real_app(home, tmp_path):
    (home / "config.toml").write_text('[keymap]\n"app.zoom" = "f"\n"app.help" = "f1"\n')
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        s.send("z")
        time.sleep(0.5)
        assert "1 Focus" in s.screen() and "5 GPU jobs" in s.screen()  # z does nothing now
        s.send("f")
        s.wait_gone("2 MITs")
        s.send("f")
        s.wait_for("2 MITs")
        s.send("F1")
        s.wait_for("app.zoom")
        s.send("Escape")
        s.wait_gone("app.zoom")
        s.send("C-q")
        assert s.wait_exit() == 0


def test_corrupt_store_file_banner_then_restore_from_another_shell(home, tmp_path):
    import subprocess
    import sys

    from cockpit.store import Store
    from tests.harness.tmux import REPO, clean_env

    store = Store(home / "data" / "store")
    store.doc("settings").set({"theme": "cockpit-dark"})
    store.doc("settings").set({"theme": "cockpit-light"})  # keeps a backup of the first
    path = store.collection("doc-settings").path("all")
    path.write_bytes(b"\x00not json")
    with TmuxScreen(cockpit_cmd(), 120, 30, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        screen = s.wait_for("cockpit store restore")
        assert "unreadable" in screen and "1 Focus" in screen
        s.send("3")
        s.send("z")  # the app keeps working
        s.wait_gone("1 Focus")
        s.send("z")
        s.wait_for("1 Focus")
        r = subprocess.run(
            [sys.executable, "-m", "cockpit", "store", "restore", str(path)],
            capture_output=True,
            text=True,
            env=clean_env({"COCKPIT_HOME": str(home)}),
            cwd=REPO,
        )
        assert r.returncode == 0, r.stderr
        s.wait_gone("cockpit store restore", timeout=10)
        assert path.read_bytes() != b"\x00not json"
        s.send("C-q")
        assert s.wait_exit() == 0


def test_contrast_theme_at_16_colours_uses_only_the_basic_palette(home, tmp_path):
    (home / "config.toml").write_text('[ui]\ntheme = "cockpit-contrast"\n')
    env = {"COCKPIT_HOME": str(home), "TEXTUAL_COLOR_SYSTEM": "standard"}
    with TmuxScreen(cockpit_cmd(), 80, 24, env=env, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        screen = settled(s)
        codes = {int(c) for sgr in re.findall(r"\x1b\[([0-9;]*)m", screen) for c in sgr.split(";") if c}
        assert codes, "no colours at all"
        assert codes <= {0, 1, 2, 3, 4, 7, 22, 23, 24, 27, 39, 49} | set(range(30, 38)) | set(
            range(40, 48)
        ) | set(range(90, 98)) | set(range(100, 108)), sorted(codes)
        assert {40, 97} <= codes  # black background, bright white text
        for title in ("1 Focus", "2 MITs", "3 Time audit", "4 Papers", "5 GPU jobs"):
            assert title in s.screen()
        s.send("C-q")
        assert s.wait_exit() == 0
