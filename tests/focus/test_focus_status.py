"""`cockpit status`: the state file and its tmux / text / json renderers."""

import datetime as dt
import json
import os
import subprocess
import sys

from cockpit import status
from cockpit.services import focus as svc
from tests.harness.tmux import REPO, clean_env

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def stamp(minutes):
    return (NOW + dt.timedelta(minutes=minutes)).isoformat()


def focus(state, ends_min, **kw):
    return {"focus": {"state": state, "mode": "sprint", "ends": stamp(ends_min), **kw}}


def test_tmux_colours_differ_for_running_break_paused_and_overrun():
    running = status.render("tmux", focus("running", 42), NOW)
    brk = status.render("tmux", focus("break", 5), NOW)
    paused = status.render("tmux", focus("paused", 0, paused_remaining_s=600), NOW)
    over = status.render("tmux", {"focus": {"state": "running", "mode": "timebox", "ends": stamp(-3)}}, NOW)
    assert running == "#[fg=green,bold]42:00#[default] #[fg=green]sprint#[default]"
    assert brk == "#[fg=cyan,bold]05:00#[default] #[fg=cyan]break#[default]"
    assert paused == "#[fg=yellow,bold]10:00#[default] #[fg=yellow]sprint paused#[default]"
    assert over == "#[fg=red,bold,reverse]-03:00#[default] #[fg=red]timebox over#[default]"


def test_current_mit_is_shown_and_hash_cannot_inject_tmux_styles():
    data = {**focus("running", 90), "mits": {"current": "Fix #[fg=red]loader\x1b[31m", "done": 0, "total": 2}}
    line = status.render("tmux", data, NOW)
    assert line.endswith("#[fg=magenta]MIT:#[default] Fix ##[fg=red]loader")  # the CSI is gone whole
    assert "\x1b" not in line
    assert status.render("text", data, NOW) == "1:30:00 sprint | MIT: Fix #[fg=red]loader"


HOSTILE_LINE = {
    "focus": {"state": "paused", "mode": "#(id)\x1b]2;t\x07", "paused_remaining_s": 60},
    "mits": {"current": "\x1b]52;c;cHduZWQ=\x07#(rm -rf ~)\u202e\x1b[?1049l[b]\u2028#{host}"},
    "track": {"category": "\x1b[2J#[fg=red]cat\x9b31m"},
    "gpu": {"failed": "#(id)"},
}


def test_every_field_of_the_line_is_cleaned_and_tmux_formats_are_escaped():
    """The mode, the MIT, the category: escape sequences, C1 controls, bidi overrides and line
    separators go; tmux's #(...), #[...] and #{...} are doubled so tmux shows them as typed."""
    line = status.render("tmux", HOSTILE_LINE, NOW)
    assert line == (
        "#[fg=yellow,bold]01:00#[default] #[fg=yellow]##(id) paused#[default]"
        " | #[fg=magenta]MIT:#[default] ##(rm -rf ~)[b]##{host}"
        " | ##[fg=red]cat"
    )
    text = status.render("text", HOSTILE_LINE, NOW)
    assert text == "01:00 #(id) paused | MIT: #(rm -rf ~)[b]#{host} | #[fg=red]cat"
    # the doubling comes after the cut: a cut never leaves half of a ## pair
    long = {"mits": {"current": "#" * 60}}
    assert status.render("tmux", long, NOW) == "#[fg=magenta]MIT:#[default] " + "##" * 39 + "…"


def test_the_line_uses_the_one_cleaning_rule():
    from cockpit.core.text import clean

    for value in ("\x1b]0;t\x07a\tb\r\nc", "\x9d0;x\x9cd", "nul\x00byte", "\x1bPq#0~\x1b\\e"):
        assert status.line_text(value, 80) == clean(value)


def test_garbage_values_in_the_file_give_a_line_not_a_crash():
    for data in (
        {"focus": {"state": "paused", "paused_remaining_s": float("nan")}},
        {"focus": {"state": "paused", "paused_remaining_s": float("inf")}},
        {"focus": {"state": "running", "ends": 5}},
        {"focus": {"state": ["running"], "ends": stamp(5)}},
        {"mits": ["x"], "track": "y", "gpu": 3},
        {"gpu": {"failed": "#(id)"}},
    ):
        assert status.render("tmux", data, NOW) == "cockpit: idle", data


def test_rolls_into_the_break_and_to_idle_without_any_process():
    data = focus("running", 1, then=[{"state": "break", "ends": stamp(21)}, {"state": "idle", "ends": None}])
    assert status.render("text", data, NOW + dt.timedelta(minutes=2)) == "19:00 break"
    assert status.render("text", data, NOW + dt.timedelta(minutes=22)) == "cockpit: idle"


def test_garbage_state_file_prints_idle(tmp_path):
    (tmp_path / "state").mkdir()
    for junk in (b"\x00\xff", b"[1,2]", b'{"focus": 3}', b'{"focus": {"state": "running", "ends": "soon"}}'):
        (tmp_path / "state" / "status.json").write_bytes(junk)
        r = subprocess.run(
            [sys.executable, "-m", "cockpit", "--home", str(tmp_path), "status", "--format", "tmux"],
            capture_output=True, text=True, env=clean_env(), cwd=REPO, timeout=30,
        )  # fmt: skip
        assert r.returncode == 0 and r.stdout.strip() == "cockpit: idle", (junk, r.stdout, r.stderr)


def test_cli_keeps_the_file_current_for_tmux(home):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "cockpit", *args],
            capture_output=True, text=True, env=clean_env({"COCKPIT_HOME": str(home)}), cwd=REPO, timeout=30,
        )  # fmt: skip

    assert run("focus", "start", "--minutes", "25", "--mode", "timebox").returncode == 0
    line = run("status", "--format", "tmux").stdout.strip()
    assert line.startswith("#[fg=green,bold]2") and "#[fg=green]timebox#[default]" in line
    assert line.endswith("Data Preprocessing/Clea…")  # the time-box is tracking's running entry
    run("focus", "pause")
    assert "#[fg=yellow]timebox paused" in run("status", "--format", "tmux").stdout
    data = json.loads(run("status", "--format", "json").stdout)
    assert data["focus"]["state"] == "paused" and data["focus"]["remaining_s"] in (1499, 1500)
    run("focus", "stop")
    assert run("status", "--format", "tmux").stdout.strip() == "cockpit: idle"


def test_idle_after_stop_in_process(ctx):
    svc.start(ctx)
    svc.stop(ctx)
    assert status.render("tmux", status.read(ctx.paths.status_file), ctx.clock.now()) == "cockpit: idle"


def test_fast_status_path_matches_the_real_paths(monkeypatch, tmp_path):
    from cockpit.paths import resolve

    monkeypatch.delenv("COCKPIT_HOME", raising=False)
    for xdg in (None, str(tmp_path / "xdg"), "  "):
        if xdg is None:
            monkeypatch.delenv("XDG_STATE_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_STATE_HOME", xdg)
        assert status.status_file(None, os.environ) == str(resolve(None).status_file), xdg
    assert status.status_file(str(tmp_path), {}) == str(resolve(tmp_path).status_file)
    monkeypatch.setenv("COCKPIT_HOME", str(tmp_path / "h"))
    assert status.status_file(None, os.environ) == str(resolve(None).status_file)
