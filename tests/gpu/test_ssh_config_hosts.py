"""Real ~/.ssh/config files against real sshd servers on loopback: ``jump`` (127.0.0.12) and
``mid`` (127.0.0.13) are bastions, ``gpu`` (127.0.0.14) the GPU box. Each test writes an
ssh_config in a temp HOME and connects through cockpit's own path (``Link``, as the poller
does). The bastions log every forwarded connection (sshd LogLevel DEBUG1), so a test sees that
the jump host really carried it; a host is told apart by the HOME its sshd sets."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.sshd import Cluster
from tests.harness.tools import need_tool

pytestmark = pytest.mark.infra
USER = getpass.getuser()

RELAY = r"""
import os, socket, sys, threading
log, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(log, "a") as f:
    f.write(" ".join(sys.argv[2:]) + "\n")
s = socket.create_connection((host, port))
def up():
    while True:
        d = os.read(0, 65536)
        if not d:
            s.shutdown(socket.SHUT_WR)
            return
        s.sendall(d)
threading.Thread(target=up, daemon=True).start()
while True:
    d = s.recv(65536)
    if not d:
        break
    sys.stdout.buffer.write(d)
    sys.stdout.buffer.flush()
"""


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    need_tool("/usr/sbin/sshd", "ssh-keygen")
    c = Cluster(
        tmp_path_factory.mktemp("sshcfg"), ["127.0.0.12", "127.0.0.13", "127.0.0.14"], ["jump", "mid", "gpu"]
    )
    for h in c.hosts.values():
        h.log_level = "DEBUG1"
    c.start()
    yield c
    c.stop()


@pytest.fixture
def ssh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "userhome"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return home


def base(net: Cluster) -> str:
    j, m, g = (net.hosts[n] for n in ("jump", "mid", "gpu"))
    return f"""
Host jumpbox
  HostName {j.addr}
  Port {j.port}
Host jumpbox-wronguser
  HostName {j.addr}
  Port {j.port}
  User nosuchuser-cockpit
Host midbox
  HostName {m.addr}
  Port {m.port}
Host gpu-*
  HostName {g.addr}
  Port {g.port}
Host * !gpu-enc
  IdentityFile {net.key}
Host *
  User {USER}
  IdentitiesOnly yes
  UserKnownHostsFile {net.known_hosts}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    return path


def config(home: Path, net: Cluster, text: str) -> None:
    write(home / ".ssh/config", text + base(net))


def reach(alias: str, net: Cluster) -> str:
    """Connect as the poller does and return the HOME of the host that answered."""
    from cockpit.sources.ssh import Link

    link = Link(alias, "~/.ssh/config", str(net.known_hosts), timeout=5.0)
    try:
        rc, out = link.run('printf %s "$HOME"', 15, 10000)
    finally:
        link.close()
    assert rc == 0
    return out.decode()


def failure(alias: str, net: Cluster) -> str:
    from cockpit.sources.ssh import SshError

    with pytest.raises(SshError) as e:
        reach(alias, net)
    assert "\n" not in str(e.value)
    return str(e.value)


def test_include_with_glob_tilde_relative_nested_and_inside_a_host_block(ssh_home, net):
    g = net.hosts["gpu"]
    config(ssh_home, net, "Include ~/.ssh/conf.d/*.conf\nHost inc-rel\n  Include blocks/gpu\n")
    write(ssh_home / ".ssh/conf.d/50-gpu.conf", f"Host inc-glob\n  HostName {g.addr}\n  Port {g.port}\n")
    write(ssh_home / ".ssh/blocks/gpu", "Include ~/.ssh/nested/*\n")  # relative to ~/.ssh, nested
    write(ssh_home / ".ssh/nested/hostname", f"HostName {g.addr}\nPort {g.port}\n")
    assert reach("inc-glob", net) == str(g.home)
    assert reach("inc-rel", net) == str(g.home)
    # the block's Include applies to that block only
    assert "cannot reach inc-other:22" in failure("inc-other", net)


JUMP_FORMS = {
    "alias": "jumpbox",
    "user@host": f"{USER}@jumpbox-wronguser",  # the spec's user beats the alias's User
    "host:port": "{j.addr}:{j.port}",
    "user@host:port": f"{USER}@{{j.addr}}:{{j.port}}",
    "ssh://user@host:port": f"ssh://{USER}@{{j.addr}}:{{j.port}}",
}


@pytest.mark.parametrize("form", list(JUMP_FORMS))
def test_proxyjump_each_form_goes_through_the_jump_host(ssh_home, net, form):
    j, g = net.hosts["jump"], net.hosts["gpu"]
    spec = JUMP_FORMS[form].format(j=j)
    config(ssh_home, net, f"Host gpu-jump\n  ProxyJump {spec}\n")
    before = len(j.forwards())
    assert reach("gpu-jump", net) == str(g.home)
    assert j.forwards()[before:] == [(g.addr, g.port)]


def test_proxyjump_chain_of_two_hops(ssh_home, net):
    j, m, g = (net.hosts[n] for n in ("jump", "mid", "gpu"))
    config(ssh_home, net, f"Host gpu-chain\n  ProxyJump jumpbox,{USER}@{m.addr}:{m.port}\n")
    bj, bm = len(j.forwards()), len(m.forwards())
    assert reach("gpu-chain", net) == str(g.home)
    assert j.forwards()[bj:] == [(m.addr, m.port)]  # jump carried the hop to mid
    assert m.forwards()[bm:] == [(g.addr, g.port)]  # mid carried the hop to gpu


def test_proxyjump_none_connects_directly(ssh_home, net):
    j, g = net.hosts["jump"], net.hosts["gpu"]
    config(ssh_home, net, "Host gpu-direct\n  ProxyJump none\nHost gpu-*\n  ProxyJump jumpbox\n")
    before = len(j.forwards())
    assert reach("gpu-direct", net) == str(g.home)
    assert len(j.forwards()) == before


def test_proxycommand_with_tokens_is_used(ssh_home, net, tmp_path):
    j, g = net.hosts["jump"], net.hosts["gpu"]
    relay, log = tmp_path / "relay.py", tmp_path / "relay.log"
    relay.write_text(RELAY)
    # the earlier ProxyCommand wins over the later ProxyJump, as in ssh
    config(
        ssh_home,
        net,
        f"Host gpu-pc\n  ProxyCommand {sys.executable} {relay} {log} %h %p %r %n 100%%\nHost gpu-*\n  ProxyJump jumpbox\n",
    )
    before = len(j.forwards())
    assert reach("gpu-pc", net) == str(g.home)
    assert log.read_text() == f"{g.addr} {g.port} {USER} gpu-pc 100%\n"
    assert len(j.forwards()) == before


def test_proxycommand_none_and_a_failing_proxycommand(ssh_home, net):
    g = net.hosts["gpu"]
    config(
        ssh_home,
        net,
        "Host gpu-nopc\n  ProxyCommand none\n"
        "Host gpu-*\n  ProxyCommand sh -c 'echo bastion.example: no route to host >&2; exit 3'\n",
    )
    assert reach("gpu-nopc", net) == str(g.home)
    assert "ProxyCommand of gpu-pcfail ended: bastion.example: no route to host" in failure("gpu-pcfail", net)


def test_hostkeyalias_names_the_key_of_the_target_and_of_the_jump(ssh_home, net, tmp_path):
    j, m, g = (net.hosts[n] for n in ("jump", "mid", "gpu"))
    kh = tmp_path / "alias_known_hosts"

    def key(h):
        return " ".join((h.dir / "host_ed25519.pub").read_text().split()[:2])

    config(
        ssh_home,
        net,
        f"Host gpu-ka\n  HostKeyAlias GPU-Key\n  ProxyJump jumpbox-ka\n  UserKnownHostsFile {kh}\n"
        f"Host jumpbox-ka\n  HostName {j.addr}\n  Port {j.port}\n  HostKeyAlias jump-key\n  UserKnownHostsFile {kh}\n",
    )
    kh.write_text(f"gpu-key {key(g)}\njump-key {key(j)}\n")  # no [127.0.0.x]:port entries at all
    before = len(j.forwards())
    assert reach("gpu-ka", net) == str(g.home)
    assert j.forwards()[before:] == [(g.addr, g.port)]
    kh.write_text(f"gpu-key {key(m)}\njump-key {key(j)}\n")  # the alias holds another host's key
    assert failure("gpu-ka", net).startswith("HOST KEY CHANGED for gpu-key (alias gpu-ka)")
    kh.write_text(f"gpu-key {key(g)}\n")
    assert failure("gpu-ka", net).startswith("unknown host key for jump-key (alias jumpbox-ka)")


def test_match_host_uses_the_hostname(ssh_home, net):
    g = net.hosts["gpu"]
    config(
        ssh_home,
        net,
        f"Host matchbox\n  HostName {g.addr}\nMatch host {g.addr.rsplit('.', 1)[0]}.* !host 10.*\n  Port {g.port}\n",
    )
    assert reach("matchbox", net) == str(g.home)


def test_match_exec_runs_the_command_with_tokens(ssh_home, net, tmp_path):
    g = net.hosts["gpu"]
    flag = tmp_path / "on-the-vpn"
    config(
        ssh_home,
        net,
        f'Match originalhost execbox exec "test -e {flag} && test %n = execbox"\n  HostName {g.addr}\n  Port {g.port}\n',
    )
    assert "cannot reach execbox:22" in failure("execbox", net)
    flag.touch()
    assert reach("execbox", net) == str(g.home)


def test_an_encrypted_key_without_agent_says_so_and_works_with_one(ssh_home, net, tmp_path, monkeypatch):
    need_tool("ssh-agent", "ssh-add")
    g = net.hosts["gpu"]
    enc = tmp_path / "id_enc"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "s3cret", "-f", str(enc)], check=True)
    auth = g.dir / "authorized_keys"
    saved = auth.read_text()
    auth.write_text(saved + (tmp_path / "id_enc.pub").read_text())
    agent = None
    try:
        config(ssh_home, net, f"Host gpu-enc\n  IdentityFile {enc}\n")
        msg = failure("gpu-enc", net)
        assert f"key {enc} is encrypted" in msg and f"ssh-agent (ssh-add {enc})" in msg
        # with the key in an agent (as the message says) it connects
        sock = tmp_path / "agent.sock"
        agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
        askpass = tmp_path / "askpass"
        askpass.write_text("#!/bin/sh\necho s3cret\n")
        askpass.chmod(0o700)
        env = {
            **os.environ,
            "SSH_AUTH_SOCK": str(sock),
            "SSH_ASKPASS": str(askpass),
            "SSH_ASKPASS_REQUIRE": "force",
            "DISPLAY": ":0",
        }
        for _ in range(100):
            if sock.exists():
                break
            subprocess.run(["sleep", "0.05"], check=True)
        subprocess.run(["ssh-add", "-q", str(enc)], env=env, check=True, stdin=subprocess.DEVNULL, timeout=20)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        assert reach("gpu-enc", net) == str(g.home)
    finally:
        auth.write_text(saved)
        if agent is not None:
            agent.terminate()
            agent.wait(5)


def test_an_unsupported_option_is_named_in_one_line(ssh_home, net):
    config(ssh_home, net, "Host gpu-bind\n  BindAddress 127.0.0.9\n")
    msg = failure("gpu-bind", net)
    assert msg.startswith(
        "ssh config option BindAddress 127.0.0.9 is not supported by cockpit (host gpu-bind, "
    )
    assert msg.endswith(".ssh/config line 2)")


def test_the_poller_reaches_a_gpu_box_behind_a_bastion_from_an_included_file(
    ssh_home, net, write_config, home, clock
):
    from cockpit.context import Context
    from cockpit.services import gpu as svc

    j, g = net.hosts["jump"], net.hosts["gpu"]
    config(ssh_home, net, "Include conf.d/*\n")
    write(
        ssh_home / ".ssh/conf.d/cluster",
        f"Host e2e-box\n  HostName {g.addr}\n  Port {g.port}\n  ProxyJump {USER}@{j.addr}:{j.port}\n",
    )
    write_config(
        f'[gpu]\nlocal = false\nssh_config = "~/.ssh/config"\nknown_hosts = "{net.known_hosts}"\n'
        'connect_timeout_s = 5.0\n[[hosts]]\nname = "e2e-box"\n'
    )
    before = len(j.forwards())
    p = svc.Poller(Context.open(home, clock=clock))
    try:
        (st,) = p.poll()
    finally:
        p.close()
    assert st.ok, st.error
    assert st.gpus[0].power_w == 631.95
    assert j.forwards()[before:] == [(g.addr, g.port)]


@pytest.mark.parametrize(
    ("args", "encrypted"),
    [
        (["-t", "ed25519", "-N", "s3cret"], True),
        (["-t", "ed25519", "-N", ""], False),
        (["-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "s3cret"], True),
        (["-t", "rsa", "-b", "2048", "-m", "PEM", "-N", ""], False),
        (["-t", "ecdsa", "-m", "PKCS8", "-N", "s3cret"], True),
    ],
)
def test_key_is_encrypted_in_each_key_format(tmp_path, args, encrypted):
    from cockpit.sources.ssh import key_is_encrypted

    need_tool("ssh-keygen")
    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", *args, "-f", str(key)], check=True, timeout=30)
    assert key_is_encrypted(str(key)) is encrypted


def test_an_unknown_jump_host_key_is_refused_unless_trusted_on_first_use(ssh_home, net, tmp_path):
    from cockpit.sources.ssh import HostKeyError, Link

    j, g = net.hosts["jump"], net.hosts["gpu"]
    kh = tmp_path / "tofu_known_hosts"
    kh.write_text(g.host_key_line() + "\n")  # the target is known, the jump host is not
    config(
        ssh_home,
        net,
        f"Host gpu-tofu\n  ProxyJump jumpbox-tofu\n  UserKnownHostsFile {kh}\n"
        f"Host jumpbox-tofu\n  HostName {j.addr}\n  Port {j.port}\n  UserKnownHostsFile {kh}\n",
    )
    with pytest.raises(
        HostKeyError, match=rf"unknown host key for \[{j.addr}\]:{j.port} \(alias jumpbox-tofu\)"
    ):
        Link("gpu-tofu", "~/.ssh/config", None).run("true", 10, 1000)
    link = Link("gpu-tofu", "~/.ssh/config", None, trust_on_first_use=True)
    try:
        assert link.run('printf %s "$HOME"', 10, 1000) == (0, str(g.home).encode())
    finally:
        link.close()
    assert j.host_key_line() in kh.read_text().splitlines()
