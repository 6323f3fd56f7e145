"""Every CLI output over a home full of hostile text: literal, no control bytes, valid JSON."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from cockpit.core.text import clean
from tests.harness.tmux import cockpit_cli
from tests.hostile.conftest import seed_day
from tests.hostile.strings import FORBIDDEN, HOSTILE, control_bytes

TEXT_COMMANDS = [
    ("task", "list", "--all"),
    ("audit", "report", "--week", "--date", "DAY"),
    ("audit", "list", "--date", "DAY"),
    ("papers", "rank", "--limit", "0"),
    ("jobs", "--all"),
    ("status", "--format", "text"),
    ("status", "--format", "tmux"),
    ("focus", "status"),
]
JSON_COMMANDS = [
    ("task", "list", "--all", "--json"),
    ("audit", "report", "--week", "--date", "DAY", "--json"),
    ("audit", "list", "--date", "DAY", "--json"),
    ("papers", "rank", "--limit", "0", "--json"),
    ("jobs", "--all", "--json"),
    ("status", "--format", "json"),
    ("focus", "status", "--json"),
]


def cli(home, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    from cockpit.context import Context

    day = seed_day(Context.open(home)).isoformat()
    return cockpit_cli(home, *(day if a == "DAY" else a for a in args))


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_safe(text: str) -> None:
    assert control_bytes(text) == [], f"control bytes reach stdout: {control_bytes(text)[:5]}"
    for bad in FORBIDDEN:
        assert bad not in text


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=" ".join)
def test_text_output_is_literal_and_free_of_control_bytes(hostile_ctx, args):
    r = cli(hostile_ctx.paths.config_dir, *args)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert_safe(r.stdout)
    assert_safe(r.stderr)


def test_each_listing_shows_the_markup_literally(hostile_ctx):
    home = hostile_ctx.paths.config_dir
    for args, needles in [
        (
            ("task", "list", "--all"),
            ["[bold red]boom[/]", "[link=https://evil.example]x[/link]", "[/]", "漢字テスト"],
        ),
        (
            ("audit", "list", "--date", "DAY"),
            ["[bold red]boom[/]", "[link=https://evil.example]x[/link]", "nulbyte"],
        ),
        (
            ("papers", "rank", "--limit", "0"),
            ["[bold red]boom[/]", "[link=https://evil.example]x[/link]", "עברית"],
        ),
        (("jobs", "--all"), ["[bold red]boom[/]", "note: [link=https://evil.example]x[/link]", "漢字テスト"]),
        (("status", "--format", "text"), ["MIT: [bold red]boom[/]"]),
        (("status", "--format", "tmux"), ["[bold red]boom[/]"]),
    ]:
        out = cli(home, *args).stdout
        for needle in needles:
            assert needle in out, f"{needle!r} not shown literally by {' '.join(args)}:\n{out[:2000]}"
        # the 10,000-character title is cut, not printed whole
        assert "L" * 10_000 not in out


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=" ".join)
def test_json_output_is_valid_and_round_trips_cleaned_text(hostile_ctx, args):
    r = cli(hostile_ctx.paths.config_dir, *args)
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x00" not in r.stdout
    data = json.loads(r.stdout)
    values = strings(data)
    for s in values:
        assert control_bytes(s) == [], f"{args}: control characters in {s[:80]!r}"
        assert s == clean(s), f"{args}: uncleaned string {s[:80]!r}"
    joined = "\n".join(values)
    if "report" in args or args[0] == "focus":
        return  # totals and the running sprint: no free text of the hostile set to find
    assert "[bold red]boom[/]" in joined  # the markup survives as text
    if args[0] != "status":
        for key in ("markup", "link", "close", "wide", "nul"):
            assert clean(HOSTILE[key]) in joined, f"{args}: {key} lost"


def test_tmux_status_escapes_tmux_formats(home, write_config):
    """A title with tmux's own #[style] and #(command) syntax is shown, never run or styled."""
    from cockpit.context import Context
    from cockpit.services import mits

    ctx = Context.open(home)
    mits.add_task(ctx, "#(touch /tmp/cockpit-pwned) #[fg=red]x", mit=True)
    out = cli(home, "status", "--format", "tmux").stdout
    assert "##(touch /tmp/cockpit-pwned) ##[fg=red]x" in out
