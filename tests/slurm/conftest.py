"""Real single-node Slurm clusters on loopback (session-scoped) and the jobs the tests watch.

``cluster`` is parametrised: every test using it runs against a cluster without accounting
(sacct fails; history from squeue --states=all and the job-completion log) and one with
accounting (mariadbd + slurmdbd; history from sacct).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cockpit.core.slurm import Probe, SlurmJob
from cockpit.sources.parse_slurm import read_probe
from cockpit.sources.slurm import probe_script
from tests.harness.slurm import SlurmCluster, running_cluster

# A name holding the probe's old enemies: a "|" (sacct -P's default delimiter), Rich markup
# and shell syntax (it reaches a shell through the stdout path %x).
HOSTILE_NAME = "ok|pipe [bold]x $(id) 'q'"  # no "/": it would be a folder in %x-%j.out


@pytest.fixture(scope="session")
def slurm_plain() -> Iterator[SlurmCluster]:
    with running_cluster(accounting=False, prefix="cockpit-slurm-") as c:
        yield c


@pytest.fixture(scope="session")
def slurm_acct() -> Iterator[SlurmCluster]:
    with running_cluster(accounting=True, prefix="cockpit-slurm-acct-") as c:
        yield c


def run_probe(cluster: SlurmCluster, **kw: object) -> tuple[str, Probe]:
    """Run probe_script() through ``sh -c`` with SLURM_CONF set, as the poller does locally."""
    r = subprocess.run(
        ["sh", "-c", probe_script(**kw)], env=cluster.env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return r.stdout, read_probe(r.stdout, dt.datetime.now(dt.UTC))


def by_id(probe: Probe) -> dict[str, SlurmJob]:
    return {j.job_id: j for j in probe.jobs}


@dataclass
class Scenario:
    cluster: SlurmCluster
    ids: dict[str, str]
    before: Probe  # probed while ok, bad, cancel and timeout were running
    before_text: str
    submitted_at: dt.datetime
    after_cache: list[Probe] = field(default_factory=list)

    def wait_done(self) -> Probe:
        """Wait until every scenario job has ended; then probe (cached)."""
        if not self.after_cache:
            c = self.cluster
            for key in ("ok", "bad", "cancel", "timeout"):
                c.wait_state(self.ids[key], "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", timeout=240)
            if c.accounting:  # slurmctld hands finished jobs to slurmdbd a moment later
                _wait_sacct(c, self.ids)
            self.after_cache.append(run_probe(c)[1])
        return self.after_cache[0]


def _wait_sacct(c: SlurmCluster, ids: dict[str, str]) -> None:
    import time

    deadline = time.monotonic() + 60
    want = {ids[k] for k in ("ok", "bad", "cancel", "timeout")}
    while time.monotonic() < deadline:
        r = c.run("sacct", "-X", "-n", "-P", "-o", "JobID,State", "-S", "now-1day", check=False)
        done = {
            ln.split("|")[0]
            for ln in r.stdout.splitlines()
            if ln.count("|") == 1
            and ln.split("|")[1].split()[0] in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT")
        }
        if want <= done:
            return
        time.sleep(0.5)
    raise TimeoutError("sacct never showed the finished jobs")


def _scenario(c: SlurmCluster) -> Scenario:
    out = "%x-%j.out"
    submitted_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ids = {
        "ok": c.sbatch("-J", HOSTILE_NAME, "-o", out, wrap="echo hello from ok; sleep 4"),
        "bad": c.sbatch("-J", "bad", "-o", out, wrap="echo about to fail; sleep 4; exit 7"),
        "cancel": c.sbatch("-J", "tocancel", "-o", out, wrap="sleep 300"),
        "timeout": c.sbatch("-J", "slow", "-t", "1", "-o", out, wrap="echo slow; sleep 300"),
        "held": c.sbatch("-J", "held", "--hold", wrap="true"),
        "later": c.sbatch("-J", "later", "--begin=now+1hour", wrap="true"),
        "array": c.sbatch(
            "-J",
            "arr",
            "-a",
            "1-3",
            "-o",
            "%x-%A_%a.out",
            wrap='sleep 3; [ "$SLURM_ARRAY_TASK_ID" != 2 ] || exit 5',
        ),
    }
    for key in ("ok", "bad", "cancel", "timeout"):
        c.wait_state(ids[key], "RUNNING", timeout=60)
    text, before = run_probe(c)
    c.run("scancel", ids["cancel"])
    return Scenario(c, ids, before, text, submitted_at)


@pytest.fixture(scope="session")
def scenario_plain(slurm_plain: SlurmCluster) -> Scenario:
    return _scenario(slurm_plain)


@pytest.fixture(scope="session")
def scenario_acct(slurm_acct: SlurmCluster) -> Scenario:
    return _scenario(slurm_acct)


@pytest.fixture(params=["plain", "accounting"])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    name = "scenario_plain" if request.param == "plain" else "scenario_acct"
    return request.getfixturevalue(name)


@pytest.fixture
def out_dir(scenario: Scenario) -> Path:
    return scenario.cluster.out
