"""tail_command / cancel_command / probe_script: the shell text, and what it does in a real sh."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cockpit.core.slurm import SlurmJob
from cockpit.sources.parse_slurm import read_probe
from cockpit.sources.slurm import cancel_command, probe_command, probe_script, stdout_path, tail_command
from tests.harness.tools import need_tool


def sh(cmd: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SLURM")}
    full.update(env)
    return subprocess.run(["/bin/sh", "-c", cmd], capture_output=True, text=True, timeout=60, env=full)


@pytest.mark.parametrize(
    ("job", "path"),
    [
        (SlurmJob("42", raw_id="42", name="train", stdout_path="/o/%x-%j.out"), "/o/train-42.out"),
        (
            SlurmJob("7_3", raw_id="10", array_job_id="7", array_task="3", stdout_path="/o/%A_%a.out"),
            "/o/7_3.out",
        ),
        (
            SlurmJob("7_3", raw_id="10", array_job_id="7", array_task="3", stdout_path="/o/%A_%4a-%j.log"),
            "/o/7_0003-10.log",
        ),
        (
            SlurmJob("7_13", raw_id="20", array_job_id="7", array_task="13", stdout_path="/o/%b.out"),
            "/o/3.out",
        ),
        (
            SlurmJob("5", raw_id="5", user="ana", nodes="gpu[3-4]", stdout_path="/o/%u@%N-%%.out"),
            "/o/ana@gpu3-%.out",
        ),
        (SlurmJob("5", raw_id="5", stdout_path="/o/lit\\%j.out"), "/o/lit%j.out"),  # backslash: no expansion
        (
            SlurmJob("5", raw_id="5", workdir="/home/ana/run", stdout_path="logs/%j.out"),
            "/home/ana/run/logs/5.out",
        ),
        (SlurmJob("5", raw_id="5", workdir="/w"), "/w/slurm-5.out"),  # sbatch's default
        (SlurmJob("7_2", raw_id="9", workdir="/w", array_job_id="7", array_task="2"), "/w/slurm-7_2.out"),
        (SlurmJob("5", raw_id="5", stdout_path="/home/ana/slurm-5.out"), "/home/ana/slurm-5.out"),
        (SlurmJob("5", raw_id="5", stdout_path="rel.out"), None),  # relative, workdir unknown
        (SlurmJob("5", raw_id="5"), None),  # nothing known
        (SlurmJob("11+1", het_job_id="11", het_offset="1", stdout_path="/o/%j.out"), None),  # raw id unknown
    ],
)
def test_stdout_path_expansion(job, path):
    assert stdout_path(job) == path


def test_tail_reads_the_file_with_a_hostile_name(tmp_path: Path):
    name = "x'; touch PWNED; echo '$(id) [bold]"
    f = tmp_path / f"{name}-42.out"
    f.write_text("".join(f"line {i}\n" for i in range(300)))
    job = SlurmJob("42", raw_id="42", name=name, stdout_path=str(tmp_path / "%x-%j.out"))
    r = sh(f"cd {tmp_path} && " + tail_command(job, lines=200))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 200 and lines[0] == "line 100" and lines[-1] == "line 299"
    assert not (tmp_path / "PWNED").exists()


@pytest.fixture
def no_slurm_path(tmp_path: Path) -> str:
    """A PATH with the usual tools and no Slurm client: a host without Slurm."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("date", "id", "timeout", "sed", "awk", "tail", "head", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def test_tail_of_a_job_without_a_known_path_says_so(no_slurm_path: str):
    cmd = tail_command(SlurmJob("999999", raw_id="999999"))
    assert "scontrol show job 999999" in cmd
    r = sh(cmd, PATH=no_slurm_path)
    assert r.returncode == 1
    assert "stdout file of Slurm job 999999 is not known" in r.stderr


@pytest.mark.parametrize("jid", ["42", "42_3", "42_[1-5]", "42_[1,3]", "42+1"])
def test_cancel_command_accepts_job_ids(jid):
    cmd = cancel_command(jid)
    assert cmd.startswith("scancel ") and jid in cmd


@pytest.mark.parametrize("jid", ["", "42; rm -rf ~", "$(id)", "42 43", "-u root", "42.batch", "abc"])
def test_cancel_command_refuses_anything_else(jid):
    with pytest.raises(ValueError, match="not a Slurm job id"):
        cancel_command(jid)


def test_probe_quotes_a_hostile_user_on_a_host_without_slurm(tmp_path: Path, no_slurm_path: str):
    user = "x$(touch PWNED)'; touch PWNED2; '"
    r = sh(f"cd {tmp_path} && " + probe_script(user=user), PATH=no_slurm_path)
    assert r.returncode == 0
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "PWNED2").exists()
    import datetime as dt

    probe = read_probe(r.stdout, dt.datetime.now(dt.UTC))
    assert probe.user == user
    assert probe.jobs == []
    assert probe.errors[0].startswith("squeue failed (not installed, rc 127): ")
    assert "squeue" in probe.errors[0].split(": ", 1)[1]  # the shell's own words follow


def test_probe_without_history_asks_only_squeue():
    script = probe_script(history=False)
    assert "sacct" not in script and "squeue -u" in script
    assert "--states=all --json" in probe_script(json=True)
    assert "'ana'" in probe_script(user="ana") or "ana" in probe_script(user="ana")


def test_probe_command_runs_under_sh_from_another_shell(tmp_path: Path, no_slurm_path: str):
    """The SSH server hands the command to the user's login shell; bash here stands in for it."""
    need_tool("bash")
    bash = shutil.which("bash")
    env = {"PATH": no_slurm_path + ":/bin:/usr/bin", "HOME": str(tmp_path)}
    r = subprocess.run(
        [bash, "-c", probe_command(user="ana")], capture_output=True, text=True, timeout=60, env=env
    )
    import datetime as dt

    probe = read_probe(r.stdout, dt.datetime.now(dt.UTC))
    assert probe.user == "ana" and probe.remote_now is not None
