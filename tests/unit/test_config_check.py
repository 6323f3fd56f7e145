"""Every config.toml value is checked at load (Trust #6): a bad value stops the real CLI and the
TUI at start with exactly one stderr line naming the file and the key, exit code 2, no traceback.
Before, nan or negative poll intervals were accepted (the TUI then spun a core) and a bad time
zone gave a 50-line traceback and exit 1."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cockpit import config, config_check
from cockpit.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]

CAT = '[[audit.categories]]\nid = "a"\nname = "A"\nkey = "a"\n'

# (config text, the key the error names, a part of the problem)
BAD = [
    # numbers: finite, positive durations, bounded
    ("[gpu]\npoll_seconds = nan\n", "gpu.poll_seconds", "finite number"),
    ("[gpu]\npoll_seconds = -1\n", "gpu.poll_seconds", "at least 0.5"),
    ("[gpu]\npoll_seconds = inf\n", "gpu.poll_seconds", "finite number"),
    ("[gpu]\npoll_seconds = 0\n", "gpu.poll_seconds", "at least 0.5"),
    ('[[hosts]]\nname = "a"\npoll_seconds = nan\n', "hosts[0].poll_seconds", "finite number"),
    ('[[hosts]]\nname = "a"\npoll_seconds = 0.01\n', "hosts[0].poll_seconds", "at least 0.5"),
    ('[[hosts]]\nname = "a"\ncost_per_hour = -2\n', "hosts[0].cost_per_hour", "0 or more"),
    ("[gpu]\nidle_util_pct = 150\n", "gpu.idle_util_pct", "at most 100"),
    ("[gpu]\nhistory_points = 0\n", "gpu.history_points", "greater than 0"),
    ("[gpu]\ncommand_timeout_s = -5\n", "gpu.command_timeout_s", "greater than 0"),
    ("[gpu]\nidle_minutes = -30\n", "gpu.idle_minutes", "greater than 0"),
    ("[focus]\nblock_hours = nan\n", "focus.block_hours", "finite number"),
    ("[focus]\ngap_minutes = -1\n", "focus.gap_minutes", "0 or more"),
    ("[focus]\nsprint_minutes = 100000000000\n", "focus.sprint_minutes", "at most 1440"),
    ("[focus]\npomodoro_long_every = 0\n", "focus.pomodoro_long_every", "greater than 0"),
    ("[notify]\nwebhook_timeout_s = -1\n", "notify.webhook_timeout_s", "greater than 0"),
    ("[notify]\ntmux_display_ms = 0\n", "notify.tmux_display_ms", "greater than 0"),
    ("[audit]\naway_poll_seconds = nan\n", "audit.away_poll_seconds", "finite number"),
    ("[audit]\naudit_days = 0\n", "audit.audit_days", "greater than 0"),
    ("[papers]\nrequest_timeout_s = inf\n", "papers.request_timeout_s", "finite number"),
    ("[papers]\nretries = 1000\n", "papers.retries", "at most 20"),
    # zones, dates, categories
    ('[audit]\ntimezone = "Mars/Olympus"\n', "audit.timezone", "unknown time zone"),
    ('[audit]\ntimezone = "../../etc/passwd"\n', "audit.timezone", "unknown time zone"),
    ('[audit]\naudit_start = "next monday"\n', "audit.audit_start", "YYYY-MM-DD"),
    ('[audit]\naudit_start = "2026-02-30"\n', "audit.audit_start", "date '2026-02-30' does not exist"),
    ('[audit]\nimport_default = "nope"\n', "audit.import_default", "unknown category"),
    ('[audit.import_map]\nthesis = "nope"\n', "audit.import_map.thesis", "unknown category"),
    ("[audit]\ncategories = []\n", "audit.categories", "at least one category"),
    (CAT.replace('key = "a"', 'key = "a"\ncolor = "blurple"'), "audit.categories[0].color", "not a colour"),
    (CAT.replace('id = "a"', 'id = ""'), "audit.categories[0].id", "must not be empty"),
    (CAT.replace('name = "A"', 'name = "  "'), "audit.categories[0].name", "must not be empty"),
    (CAT + CAT.replace('key = "a"', 'key = "b"'), "audit.categories[1].id", "duplicate category id"),
    # URLs and channels
    ('[notify]\nwebhook_url = "ftp://example.org/x"\n', "notify.webhook_url", "http:// or https://"),
    ('[notify]\nwebhook_url = "file:///etc/passwd"\n', "notify.webhook_url", "http:// or https://"),
    ('[notify]\nwebhook_url = "https://ntfy.sh:99999/t"\n', "notify.webhook_url", "not a valid URL"),
    ('[notify]\nchannels = ["toast", "pigeon"]\n', "notify.channels[1]", "unknown channel"),
    ('[notify]\nchannels = ["bell", "bell"]\n', "notify.channels[1]", "listed twice"),
    ('[papers]\nrss_url = "rss.arxiv.org/rss/"\n', "papers.rss_url", "http:// or https://"),
    ('[papers]\napi_url = "javascript:alert(1)"\n', "papers.api_url", "http:// or https://"),
    ('[papers]\ncategories = ["cs LG"]\n', "papers.categories[0]", "not an arXiv category"),
    ('[papers]\nseed_papers = ["attention is all you need"]\n', "papers.seed_papers[0]", "not an arXiv id"),
    ('[papers]\nkeywords = [""]\n', "papers.keywords[0]", "must not be empty"),
    # hosts, paths, keys, names
    ('[[hosts]]\nname = ""\n', "hosts[0].name", "non-empty ssh alias"),
    ('[[hosts]]\nname = "a"\n[[hosts]]\nname = "a"\n', "hosts[1].name", "duplicate host"),
    ('[[hosts]]\nname = "local"\n', "hosts[0].name", "[gpu] local = true"),
    ('[gpu]\nssh_config = ""\n', "gpu.ssh_config", "must be a file path"),
    ('[gpu]\npreflight = ["seed fixed", ""]\n', "gpu.preflight[1]", "must not be empty"),
    ('[keymap]\n"app.zoom" = ""\n', "keymap.app.zoom", "one or more keys"),
    ('[keymap]\n"app.zoom" = "f,,g"\n', "keymap.app.zoom", "one or more keys"),
    ('[keymap]\n"app.zoom" = "ctrl+\\u001b"\n', "keymap.app.zoom", "control characters"),
    ('[ui]\ntheme = ""\n', "ui.theme", "must not be empty"),
]


def _ids() -> list[str]:
    return [f"{key}-{i}" for i, (_t, key, _p) in enumerate(BAD)]


@pytest.mark.parametrize(("text", "key", "problem"), BAD, ids=_ids())
def test_cli_refuses_each_bad_value_in_one_line_exit_2(tmp_path, text, key, problem):
    path = tmp_path / "config.toml"
    path.write_text(text)
    r = subprocess.run(
        [sys.executable, "-m", "cockpit", "--home", str(tmp_path), "task", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"cockpit: error: {path}: {key}: "), lines[0]
    assert problem in lines[0]
    assert "Traceback" not in r.stderr
    with pytest.raises(ConfigError) as e:  # the same through the library
        config.load(path)
    assert e.value.key == key and e.value.file == str(path)


def _run_tui(home: Path) -> tuple[int | None, str]:
    """Start the TUI (`cockpit --home DIR`) on a real pseudo-terminal; its exit code (None when
    it was still running after 20 s, i.e. the app started) and its stderr."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    env["TERM"] = "xterm-256color"
    p = subprocess.Popen(
        [sys.executable, "-m", "cockpit", "--home", str(home)],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    os.close(slave)
    try:
        _, err = p.communicate(timeout=20)
        return p.returncode, err
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        return None, err
    finally:
        os.close(master)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[gpu]\npoll_seconds = nan\n", "gpu.poll_seconds"),
        ("[gpu]\npoll_seconds = -1\n", "gpu.poll_seconds"),
        ('[[hosts]]\nname = "a"\npoll_seconds = nan\n', "hosts[0].poll_seconds"),
        ('[audit]\ntimezone = "Mars/Olympus"\n', "audit.timezone"),
        ('[notify]\nwebhook_url = "ftp://example.org/x"\n', "notify.webhook_url"),
    ],
)
def test_tui_does_not_start_with_a_bad_value_one_line_exit_2(tmp_path, text, key):
    path = tmp_path / "config.toml"
    path.write_text(text)
    rc, err = _run_tui(tmp_path)
    assert rc == 2, f"the app started or crashed (rc {rc}): {err[-2000:]}"
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"cockpit: error: {path}: {key}: "), err
    assert "Traceback" not in err


def _readme_config() -> str:
    """Every ```toml block of README's Configuration section (the documented defaults and
    examples), as one file; less the one example category, which would replace the nine
    defaults that the import_map example names."""
    text = (REPO / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n### Themes", 1)[0]
    joined = "\n".join(re.findall(r"```toml\n(.*?)```", section, re.S))
    return re.sub(r"^\[\[audit\.categories\]\].*?(?=^\[|\Z)", "", joined, flags=re.S | re.M)


def test_the_documented_settings_pass_the_checks(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(_readme_config())
    cfg = config.load(path)
    assert cfg.hosts[0].name == "gpu-box" and cfg.audit.import_map["thesis"] == "docs"
    assert config.from_dict({}) == config.Config()  # and the defaults


@pytest.mark.parametrize(
    "text",
    [
        '[audit]\ntimezone = "America/New_York"\naudit_start = "2026-11-02"\n',
        '[notify]\nwebhook_url = "http://127.0.0.1:8080/topic"\nchannels = []\n',
        '[papers]\ncategories = ["hep-th", "astro-ph.CO", "q-bio.NC"]\nseed_papers = ["2401.01234v2", "hep-th/9901001"]\n',
        '[audit.import_map]\n"Thesis" = "Documentation/Reporting"\nstandup = "c"\n',
        CAT.replace('key = "a"', 'key = "a"\ncolor = "red"') + '[audit]\nimport_default = "A"\n',
        '[gpu]\nlocal = false\npoll_seconds = 0.5\n[[hosts]]\nname = "local"\n',
        '[keymap]\n"app.help" = "f1, ctrl+h"\n[ui]\ntheme = "my-own-theme"\n',
        "[focus]\ngap_minutes = 0\n[audit]\nfragment_minutes = 0\n[papers]\nrequest_delay_s = 0\n",
    ],
)
def test_good_values_pass(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    config.load(path)


def test_the_channel_list_is_the_notifiers():
    from cockpit.sources.notify import CHANNELS

    assert config_check.NOTIFY_CHANNELS == CHANNELS


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[keymap]\n"\\u001b]0;pwned\\u0007" = "f"\n', "keymap.'\\x1b]0;pwned\\x07'"),
        ('"\\u001b[2J" = 1\n', "'\\x1b[2J'"),
        (
            '[audit.import_map]\n"\\u001b]52;c;eA==\\u0007" = "nope"\n',
            "audit.import_map.'\\x1b]52;c;eA==\\x07'",
        ),
    ],
)
def test_a_key_with_escapes_is_named_spelled_out(tmp_path, text, key):
    path = tmp_path / "config.toml"
    path.write_text(text)
    r = subprocess.run(
        [sys.executable, "-m", "cockpit", "--home", str(tmp_path), "task", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith(f"cockpit: error: {path}: {key}: "), r.stderr
    assert not any(ord(ch) < 32 and ch != "\n" for ch in r.stderr)
