"""The command line as a user runs it: a real process, a clean environment, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cockpit import __version__
from tests.harness.tmux import REPO, clean_env


def cockpit(*args: str, home: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60):
    e = clean_env(env)
    e.pop("COCKPIT_HOME", None)
    if home is not None:
        e["COCKPIT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        capture_output=True,
        text=True,
        env=e,
        timeout=timeout,
        cwd=REPO,
    )


def one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, f"not one line:\n{r.stderr}"
    assert lines[0].startswith("cockpit: error: ")
    assert "Traceback" not in r.stderr
    return lines[0]


def test_version():
    r = cockpit("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"cockpit {__version__}"


@pytest.mark.parametrize(
    "args",
    [("no-such-command",), ("status", "--format", "xml"), ("store",), ("store", "restore"), ("--home",)],
)
def test_usage_errors_exit_2_with_one_line(home, args):
    r = cockpit(*args, home=home)
    assert r.returncode == 2, r.stderr
    one_line_error(r)


def test_invalid_config_exit_2_names_file_key_and_problem(home):
    (home / "config.toml").write_text('[focus]\nsprint_minutes = "long"\n')
    for args in ((), ("store", "path"), ("doctor",)):  # the TUI itself refuses to start, too
        r = cockpit(*args, home=home)
        assert r.returncode == 2
        line = one_line_error(r)
        assert str(home / "config.toml") in line and "focus.sprint_minutes" in line and "whole number" in line
    (home / "config.toml").write_text("[focus\n")
    r = cockpit("store", "path", home=home)
    assert r.returncode == 2 and "invalid TOML" in one_line_error(r)


def test_home_flag_and_env_put_everything_under_one_folder(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    r = cockpit("--home", str(a), "store", "path")
    assert r.returncode == 0 and r.stdout.strip() == str(a / "data" / "store")
    assert (a / "data").is_dir() and (a / "state").is_dir()
    r = cockpit("store", "path", home=b)
    assert r.returncode == 0 and r.stdout.strip() == str(b / "data" / "store")
    r = cockpit("--home", str(a), "store", "path", home=b)  # the flag wins over the variable
    assert r.stdout.strip() == str(a / "data" / "store")


def test_status_formats(home):
    r = cockpit("status", home=home)
    assert r.returncode == 0 and r.stdout.strip() == "cockpit: idle"
    r = cockpit("status", "--format", "tmux", home=home)
    assert r.returncode == 0 and len(r.stdout.strip().splitlines()) == 1
    r = cockpit("--home", str(home), "status", "--format", "json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["focus"]["state"] == "idle"


def _store_with_backup(home: Path) -> tuple[Path, Path]:
    from cockpit.store import Store

    store = Store(home / "data" / "store")
    c = store.collection("tasks")
    c.insert({"title": "first"})
    c.insert({"title": "second"})  # the second write keeps a backup of the first state
    return c.path("all"), c.latest_backup("all")


def test_store_check_and_restore(home):
    r = cockpit("store", "check", home=home)
    assert r.returncode == 0 and "store ok" in r.stdout
    path, backup = _store_with_backup(home)
    assert backup is not None
    path.write_bytes(b'{"docs": {"1": ')
    r = cockpit("store", "check", home=home)
    assert r.returncode == 1
    assert str(path) in r.stdout and f"cockpit store restore {path}" in r.stdout
    r = cockpit("store", "restore", str(path), home=home)
    assert r.returncode == 0, r.stderr
    assert f"restored {path}" in r.stdout
    kept = list(path.parent.glob("all.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b'{"docs": {"1": '
    r = cockpit("store", "check", home=home)
    assert r.returncode == 0
    from cockpit.store import Store

    assert [d["title"] for d in Store(home / "data" / "store").collection("tasks").all()] == ["first"]


def test_store_restore_refuses_what_it_cannot_do(home, tmp_path):
    path, _ = _store_with_backup(home)
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}")
    r = cockpit("store", "restore", str(outside), home=home)
    assert r.returncode == 2 and "is not a file of the store" in one_line_error(r)
    bad = tmp_path / "bad-backup.json"
    bad.write_text("not json")
    before = path.read_bytes()
    r = cockpit("store", "restore", str(path), "--backup", str(bad), home=home)
    line = one_line_error(r)
    assert r.returncode == 1 and str(bad) in line and "nothing was restored" in line
    r = cockpit("store", "restore", str(path), "--backup", str(tmp_path / "missing.json"), home=home)
    assert r.returncode == 1 and "nothing was restored" in one_line_error(r)
    assert path.read_bytes() == before
    r = cockpit("store", "restore", str(path.parent / "2020.json"), home=home)
    assert r.returncode == 2 and "no backup" in one_line_error(r)


def test_doctor_outside_tmux(home):
    r = cockpit("doctor", home=home, env={"TERM": "xterm-256color", "COLORTERM": "truecolor"})
    assert r.returncode == 0, r.stdout
    assert "not inside tmux" in r.stdout and "all good" in r.stdout
    r = cockpit("doctor", home=home, env={"TERM": "dumb", "COLORTERM": ""})
    assert r.returncode == 1
    assert "[FIX] TERM: TERM is dumb" in r.stdout and "export TERM=xterm-256color" in r.stdout


def test_unusable_home_is_one_line_exit_1(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for args in (("store", "path"), ()):
        r = cockpit("--home", str(blocker / "home"), *args)
        assert r.returncode == 1
        line = one_line_error(r)
        assert "cannot create the folder" in line and str(blocker / "home") in line
