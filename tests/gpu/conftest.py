"""Fixtures: three real sshd hosts on 127.0.0.2/.3/.4 (module-wide), a Context pointing at them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.sshd import Cluster
from tests.harness.tools import need_tool

ADDRS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]


def _need_infra() -> None:
    need_tool("/usr/sbin/sshd", "ssh-keygen", "tmux")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    _need_infra()
    c = Cluster(tmp_path_factory.mktemp("hosts"), ADDRS).start()
    yield c
    c.stop()


@pytest.fixture
def fresh_hosts(cluster: Cluster) -> Cluster:
    """Each test starts with no tmux sessions, no run records and busy recorded GPUs."""
    from tests.harness.sshd import H100_BUSY

    for h in cluster.hosts.values():
        h.kill_tmux()
        shutil.rmtree(h.home / ".cache", ignore_errors=True)
        h.set_gpus([H100_BUSY])
        h.set_apps([])
        h.set_nvsmi_failure(None)
        h.install_nvidia_smi()
    cluster.write_client_files()
    return cluster


@pytest.fixture
def gpu_ctx(fresh_hosts: Cluster, write_config, home: Path, clock):
    from cockpit.context import Context

    def make(extra_host: str = "", gpu: str = "connect_timeout_s = 2.0", hosts: list[str] | None = None):
        write_config(fresh_hosts.config_toml(hosts=hosts, extra_host=extra_host, gpu=gpu))
        ctx = Context.open(home, clock=clock)
        ctx.alerts = []  # type: ignore[attr-defined]
        ctx.notifier.toast = ctx.alerts.append  # type: ignore[attr-defined]
        return ctx

    return make
