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
        s.send("?")
        s.wait_for("app.zoom")
        s.send("Escape")
        s.wait_gone("app.zoom")
        s.send("C-q")
        assert s.wait_exit() == 0
