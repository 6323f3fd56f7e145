"""`cockpit gpu --json` on a read-only data folder (Trust #8): it only reads, so it prints the
snapshot and exits 0, with one warning on stderr that the job state could not be saved. A real
sshd host with a real tmux job, and a real read-only file system (a small tmpfs remounted ro)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.harness.fs import small_tmpfs
from tests.harness.tmux import clean_env

pytestmark = pytest.mark.infra


def cli(home, *args):
    env = clean_env({"COCKPIT_HOME": str(home)})
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_gpu_json_on_a_read_only_data_folder_prints_the_snapshot_and_warns_once(fresh_hosts, tmp_path):
    with small_tmpfs(tmp_path, "8m") as mnt:
        home = mnt / "home"
        home.mkdir()
        (home / "config.toml").write_text(
            fresh_hosts.config_toml(hosts=["h2"], gpu="connect_timeout_s = 2.0")
        )
        r = cli(home, "launch", "h2", "--name", "ro", "--", "sh", "-c", "exit 3")
        assert r.returncode == 0, r.stderr
        time.sleep(0.5)  # the job ends; the next poll has a state change to save
        data_before = {p: p.read_bytes() for p in (home / "data").rglob("*") if p.is_file()}
        r = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({r.stderr.strip()})")
        try:
            r = cli(home, "gpu", "--json")
            text = cli(home, "gpu")
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(mnt)], check=True)
        assert r.returncode == 0, r.stderr
        (host,) = json.loads(r.stdout)["hosts"]
        assert host["name"] == "h2" and host["ok"]
        lines = r.stderr.splitlines()
        assert len(lines) == 1, r.stderr
        assert lines[0].startswith("cockpit: warning: ") and "read-only" in lines[0]
        assert "could not be saved" in lines[0] and "Traceback" not in r.stderr
        assert text.returncode == 0 and text.stdout.startswith("h2: ok"), text.stderr
        assert len(text.stderr.splitlines()) == 1
        assert {p: p.read_bytes() for p in (home / "data").rglob("*") if p.is_file()} == data_before
        # writable again: the next run saves the state, with no warning
        r = cli(home, "gpu", "--json")
        assert r.returncode == 0 and r.stderr == "", r.stderr
