"""Every file in $COCKPIT_CORPUS/slurm parses, with the values a user would see asserted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cockpit.core.slurm import state_changes
from cockpit.sources.parse_slurm import expand_nodelist, parse_json, parse_sacct, parse_table
from cockpit.sources.slurm import stdout_path, tail_command

pytestmark = pytest.mark.realworld

NOW = dt.datetime(2025, 11, 10, 14, 25, 6, tzinfo=dt.UTC)  # start + 60 s


@pytest.fixture
def slurm_dir(corpus: Path) -> Path:
    d = corpus / "slurm"
    if not d.is_dir():
        pytest.skip("no slurm folder in the corpus")
    return d


def ids(jobs):
    return [j.job_id for j in jobs]


def test_every_file_is_covered(slurm_dir: Path):
    covered = {
        "sacct_default_hetjob_schedmd_doc.txt",
        "sacct_parsable2_cancelled_by_uid_torchx.txt",
        "sacct_parsable2_hetjob_steps_torchx.txt",
        "slurmrestd_25.11_v0.0.44_job_gpus_running.json",
        "slurmrestd_25.11_v0.0.44_slurmdb_job_failed.json",
        "slurmrestd_25.11_v0.0.44_slurmdb_job_timeout.json",
        "squeue_default_array_pending_schedmd_doc.txt",
        "squeue_default_suspended_noderange_schedmd_doc.txt",
        "squeue_json_hetjob_torchx.json",
    }
    present = {p.name for p in slurm_dir.iterdir() if p.is_file() and p.name != "SOURCES.md"}
    assert present <= covered, f"new corpus files without a test: {present - covered}"


def test_sacct_default_table_hetjob(slurm_dir: Path):
    jobs = parse_table((slurm_dir / "sacct_default_hetjob_schedmd_doc.txt").read_text())
    assert ids(jobs) == ["67767+0", "67767+1"]
    for j, off in zip(jobs, ("0", "1"), strict=True):
        assert (j.name, j.partition, j.state, j.exit_code, j.signal) == ("foo", "debug", "COMPLETED", 0, 0)
        assert (j.het_job_id, j.het_offset, j.parent_id) == ("67767", off, "67767")
        assert j.lifecycle == "finished"


def test_sacct_parsable2_cancelled_by_uid(slurm_dir: Path):
    jobs = parse_sacct((slurm_dir / "sacct_parsable2_cancelled_by_uid_torchx.txt").read_text())
    assert ids(jobs) == ["89"]  # 89.batch and 89.0 are steps, not jobs
    j = jobs[0]
    assert (j.name, j.state, j.cancelled_by, j.partition) == ("mesh0-0", "CANCELLED", "2166", "all")
    assert (j.exit_code, j.signal) == (0, 0)
    assert j.lifecycle == "failed"
    assert j.outcome == "cancelled by uid 2166"


def test_sacct_parsable2_hetjob_steps(slurm_dir: Path):
    jobs = parse_sacct((slurm_dir / "sacct_parsable2_hetjob_steps_torchx.txt").read_text())
    assert ids(jobs) == ["1853+0", "1853+1", "1853+2"]
    assert [j.name for j in jobs] == ["echo-0", "echo-1", "echo-2"]
    assert all(j.state == "COMPLETED" and j.partition == "compute" for j in jobs)
    # ending together, the three components make one alert
    running = [
        j.__class__(j.job_id, state="RUNNING", het_job_id="1853", het_offset=j.het_offset) for j in jobs
    ]
    (t,) = state_changes(running, jobs)
    assert t.members == ("1853+0", "1853+1", "1853+2") and t.lifecycle == "finished"
    assert t.title.startswith("Slurm job finished: 1853")


def test_slurmrestd_running_gpu_job(slurm_dir: Path):
    (j,) = parse_json((slurm_dir / "slurmrestd_25.11_v0.0.44_job_gpus_running.json").read_text(), now=NOW)
    assert (j.job_id, j.name, j.user, j.partition, j.nodes) == ("5557", "wrap", "jbeck", "gpu", "gpu2")
    assert (j.state, j.lifecycle) == ("RUNNING", "running")
    assert (j.gpus, j.gpu_ids) == (4, "0-3")
    assert j.time_limit_s == 60
    assert j.start == dt.datetime.fromtimestamp(1762784646, dt.UTC)
    assert j.elapsed_s == 60  # NOW - start
    assert j.end is None  # the projected end of a running job is not an end
    assert j.exit_code is None
    assert stdout_path(j) == "/home/jbeck/slurm-5557.out"  # stdout_expanded, not slurm-%j.out
    assert tail_command(j, 50) == "tail -n 50 -- /home/jbeck/slurm-5557.out"


def test_slurmdb_failed_job(slurm_dir: Path):
    (j,) = parse_json((slurm_dir / "slurmrestd_25.11_v0.0.44_slurmdb_job_failed.json").read_text())
    assert (j.job_id, j.user, j.nodes, j.partition) == ("5739", "vhartman", "cn1", "normal")
    assert (j.state, j.lifecycle, j.exit_code, j.signal) == ("FAILED", "failed", 1, 0)
    assert (j.elapsed_s, j.time_limit_s) == (2, 60)
    assert j.end == dt.datetime.fromtimestamp(1762942462, dt.UTC)
    assert j.stdout_path == "/home/vhartman/slurm-5739.out"


def test_slurmdb_timeout_job(slurm_dir: Path):
    (j,) = parse_json((slurm_dir / "slurmrestd_25.11_v0.0.44_slurmdb_job_timeout.json").read_text())
    assert (j.job_id, j.state, j.lifecycle) == ("5737", "TIMEOUT", "failed")
    assert j.exit_code == 0  # TIMEOUT jobs can say SUCCESS: the state decides
    assert (j.elapsed_s, j.time_limit_s) == (82, 60)
    assert j.outcome == "hit its time limit"


def test_squeue_default_array_pending(slurm_dir: Path):
    jobs = parse_table((slurm_dir / "squeue_default_array_pending_schedmd_doc.txt").read_text())
    assert ids(jobs) == ["1080_[5-1024]", "1080_1", "1080_2", "1080_3", "1080_4"]
    rest = jobs[0]
    assert (rest.state, rest.reason, rest.nodes, rest.array_task) == ("PENDING", "Resources", "", "[5-1024]")
    assert [j.nodes for j in jobs[1:]] == ["tux0", "tux1", "tux2", "tux3"]
    assert [j.elapsed_s for j in jobs[1:]] == [17, 16, 3, 3]
    assert all(j.user == "mac" and j.name == "tmp" and j.array_job_id == "1080" for j in jobs)
    # the pending rest turning into tasks is not a job ending
    assert state_changes(jobs, jobs[1:]) == []


def test_squeue_default_suspended_and_node_range(slurm_dir: Path):
    jobs = parse_table((slurm_dir / "squeue_default_suspended_noderange_schedmd_doc.txt").read_text())
    assert ids(jobs) == ["17", "18", "19", "20"]
    assert [j.state for j in jobs] == ["SUSPENDED"] * 3 + ["RUNNING"]
    assert all(j.lifecycle == "running" for j in jobs)
    last = jobs[-1]
    assert (last.partition, last.node_count, last.nodes, last.elapsed_s) == ("hipri", 3, "n[1-3]", 3)
    assert expand_nodelist(last.nodes) == ["n1", "n2", "n3"]


def test_squeue_json_hetjob(slurm_dir: Path):
    now = dt.datetime.fromtimestamp(1749684541 + 125, dt.UTC)
    jobs = parse_json((slurm_dir / "squeue_json_hetjob_torchx.json").read_text(), now=now)
    assert ids(jobs) == ["204+0", "204+1", "204+2", "204+3"]
    assert [j.name for j in jobs] == ["trainer-0", "trainer-1", "generator-0", "generator-1"]
    assert all(j.state == "RUNNING" and j.user == "ubuntu" and j.partition == "batch" for j in jobs)
    assert all(j.time_limit_s is None for j in jobs)  # {"infinite": true}
    assert all(j.elapsed_s == 125 for j in jobs)
    assert all(j.end is None for j in jobs)  # end_time is start + 1 year for unlimited jobs
    assert [j.nodes for j in jobs] == [f"slurm-compute-node-{n}" for n in (234, 231, 235, 233)]
    assert [j.raw_id for j in jobs] == ["204", "205", "206", "207"]
    assert stdout_path(jobs[1]) == "/home/foo/slurm-205.out"
    assert parse_json((slurm_dir / "squeue_json_hetjob_torchx.json").read_text(), user="someone-else") == []
