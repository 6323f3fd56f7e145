"""A real single-node Slurm (session-wide, without and with accounting) reached through a real
sshd host on loopback configured as a ``kind = "slurm"`` host: the login node of a cluster.

The sshd host's sessions get ``SLURM_CONF`` (sshd ``SetEnv``), so ``squeue``/``sacct``/
``scancel`` run over SSH talk to the test cluster, exactly as the GPU poller runs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.harness.slurm import SlurmCluster, need_slurm, running_cluster
from tests.harness.sshd import Cluster
from tests.harness.tools import need_tool

HOST = "login"
ADDRS = {"plain": "127.0.0.6", "accounting": "127.0.0.7"}


@dataclass
class LoginNode:
    """One Slurm cluster plus the sshd host that is its login node."""

    slurm: SlurmCluster
    ssh: Cluster

    def config(self, gpu: str = "connect_timeout_s = 5.0") -> str:
        return self.ssh.config_toml(extra_host='kind = "slurm"', gpu=gpu)


def _slurm(accounting: bool) -> Iterator[SlurmCluster]:
    need_slurm(accounting)
    need_tool("/usr/sbin/sshd", "ssh-keygen")
    name = "slurmint-acct" if accounting else "slurmint"
    with running_cluster(accounting, name=name, prefix="cockpit-slurmint-") as c:
        yield c


def _login(slurm: SlurmCluster, tmp: Path, addr: str) -> Iterator[LoginNode]:
    ssh = Cluster(tmp, [addr], names=[HOST])
    host = ssh.hosts[HOST]
    plain_config = host.config_text
    # SetEnv is read once (the first line wins): put SLURM_CONF on the harness's own line
    host.config_text = lambda: plain_config().replace(  # type: ignore[method-assign]
        "SetEnv ", f"SetEnv SLURM_CONF={slurm.conf} ", 1
    )
    ssh.start()
    try:
        yield LoginNode(slurm, ssh)
    finally:
        ssh.stop()


@pytest.fixture(scope="session")
def slurmint_plain() -> Iterator[SlurmCluster]:
    yield from _slurm(accounting=False)


@pytest.fixture(scope="session")
def slurmint_acct() -> Iterator[SlurmCluster]:
    yield from _slurm(accounting=True)


@pytest.fixture(scope="session")
def login_plain(
    slurmint_plain: SlurmCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoginNode]:
    yield from _login(slurmint_plain, tmp_path_factory.mktemp("login-plain"), ADDRS["plain"])


@pytest.fixture(scope="session")
def login_acct(slurmint_acct: SlurmCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoginNode]:
    yield from _login(slurmint_acct, tmp_path_factory.mktemp("login-acct"), ADDRS["accounting"])


@pytest.fixture(params=["plain", "accounting"])
def login(request: pytest.FixtureRequest) -> LoginNode:
    """Every test runs against a cluster without accounting first, then one with it."""
    return request.getfixturevalue("login_plain" if request.param == "plain" else "login_acct")


@pytest.fixture
def slurm_ctx(login: LoginNode, write_config, home: Path, clock):
    """A Context whose one host is the login node; alerts are captured from ctx.notifier."""
    from cockpit.context import Context

    def make(gpu: str = "connect_timeout_s = 5.0"):
        write_config(login.config(gpu))
        ctx = Context.open(home, clock=clock)
        ctx.alerts = []  # type: ignore[attr-defined]
        ctx.notifier.toast = ctx.alerts.append  # type: ignore[attr-defined]
        return ctx

    return make
