"""`cockpit doctor` inside a real private tmux server, with its options set both ways."""

import shlex

import pytest

from tests.harness.tmux import TmuxScreen, cockpit_cmd

pytestmark = pytest.mark.e2e

BAD = {"escape-time": "500", "focus-events": "off", "set-clipboard": "external", "allow-passthrough": "off"}
GOOD = {"escape-time": "10", "focus-events": "on", "set-clipboard": "on", "allow-passthrough": "on"}


def run_doctor(home, tmp_path, options: dict[str, str], term: str = "tmux-256color") -> tuple[str, int]:
    sets = "; ".join(
        f"tmux set {'-sg' if k == 'escape-time' else '-g'} {k} {shlex.quote(v)}" for k, v in options.items()
    )
    # TERM as a tmux with that default-terminal would set it in the pane
    script = f"{sets}; export TERM={shlex.quote(term)}; {cockpit_cmd('doctor')}; echo EXIT=$?"
    env = {"COCKPIT_HOME": str(home)}
    with TmuxScreen("bash -c " + shlex.quote(script), 120, 40, env=env, sock_dir=tmp_path) as s:
        s.wait_for("EXIT=")
        out = s.tmux("capture-pane", "-p", "-S", "-", "-t", s.target)
    code = int(out.split("EXIT=", 1)[1].split()[0])
    return out, code


def test_doctor_prints_the_fix_for_each_wrong_tmux_option(home, tmp_path):
    out, code = run_doctor(home, tmp_path, BAD)
    assert code == 1
    assert "[FIX] tmux escape-time: 500" in out
    for line in (
        "-> set -sg escape-time 10",
        "-> set -g focus-events on",
        "-> set -g set-clipboard on",
        "-> set -g allow-passthrough on",
    ):
        assert line in out, f"{line!r} not printed:\n{out}"
    assert "4 thing(s) to fix" in out


def test_doctor_is_happy_with_the_readme_settings(home, tmp_path):
    out, code = run_doctor(home, tmp_path, GOOD)
    assert "[FIX]" not in out, out
    assert "[ok ] tmux escape-time: 10" in out and "[ok ] tmux allow-passthrough: on" in out
    assert "all good" in out
    assert code == 0


def test_doctor_flags_a_16_colour_term_inside_tmux(home, tmp_path):
    out, code = run_doctor(home, tmp_path, GOOD, term="screen")
    assert code == 1
    assert "[FIX] colours: 16 colours only" in out
    assert 'default-terminal "tmux-256color"' in out
