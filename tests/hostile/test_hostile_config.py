"""Hostile host names and config values: what the validator accepts is shown literally, the rest
is refused with one clear line."""

from __future__ import annotations

import json

import pytest

from cockpit.context import Context
from cockpit.tui.app import CockpitApp
from tests.harness.tmux import cockpit_cli as cli
from tests.hostile.layout import border_problems, cells
from tests.hostile.strings import LONG, control_bytes


def toml_str(value: str) -> str:
    return json.dumps(
        value, ensure_ascii=False
    )  # a JSON string is a valid TOML basic string (\\uXXXX escapes)


ACCEPTED = ["[bold]boom[/]", "[link=https://evil.example]x[/link]", "[/]", "漢字テスト🚀", "h" + LONG]
REFUSED = {
    "csi": "\x1b[31mred",
    "osc_title": "\x1b]0;pwned-title\x07t",
    "osc52": "\x1b]52;c;cHduZWQ=\x07",
    "nul": "nul\x00byte",
    "rtl": "\u202eevil",
    "space": "two words",
    "long_with_space": LONG + " x",
    "option": "-oProxyCommand=touch${IFS}/tmp/cockpit-pwned",
}


@pytest.mark.parametrize("name", list(REFUSED), ids=list(REFUSED))
def test_refused_host_names_give_one_clear_line(home, write_config, name):
    write_config(f"[[hosts]]\nname = {toml_str(REFUSED[name])}\n")
    for args in (("task", "list"), ("jobs",), ("status", "--format", "text")):
        r = cli(home, *args)
        if args[0] == "status":
            assert r.returncode == 0  # the tmux status line never breaks on a bad config
            continue
        assert r.returncode in (1, 2), r.stdout
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert "hosts[0].name" in lines[0] and "config.toml" in lines[0]
        assert len(lines[0]) < 400 and "Traceback" not in r.stderr
        assert control_bytes(r.stderr) == []  # escapes appear spelled out (repr), never raw


def test_refused_config_value_is_reported_without_its_escapes(home, write_config):
    write_config(f"[focus]\nsprint_minutes = {toml_str(chr(27) + ']0;pwned-title' + chr(7) + '[bold]x')}\n")
    r = cli(home, "focus", "status")
    assert r.returncode in (1, 2)
    assert "focus.sprint_minutes" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert control_bytes(r.stderr) == []


async def test_accepted_hostile_host_names_are_shown_literally_at_80x24(home, write_config, clock):
    hosts = "".join(f"[[hosts]]\nname = {toml_str(n)}\n" for n in ACCEPTED)
    write_config(f"[gpu]\nlocal = false\nconnect_timeout_s = 1.0\n{hosts}")
    r = cli(home, "task", "list")
    assert r.returncode == 0, r.stderr  # the validator accepts these
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "z")
        pane = app.main.pane("gpu")
        text = ""
        for _ in range(100):
            await pilot.pause(0.1)
            lines = [s.text for s in app.screen._compositor.render_strips()]
            text = "\n".join(lines)
            if "[bold]boom[/]" in text and "漢字テスト🚀" in text and "[/]" in text:
                break
        assert "[bold]boom[/]" in text and "[link=https://evil.example]x" in text and "漢字テスト🚀" in text
        assert "h" * 30 not in text  # the 10,000-character name is cut
        assert control_bytes(text) == []
        assert all(len(cells(line)) <= 80 for line in lines)
        r = pane.region
        assert border_problems(lines, {"gpu": (r.x, r.y, r.width, r.height)}) == []
        assert "^p Commands" in lines[-1]
