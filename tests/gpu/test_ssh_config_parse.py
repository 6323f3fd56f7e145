"""ssh_config evaluation as OpenSSH does it (readconf.c), on real files in a temp HOME: Include
(globs, ~, relative to ~/.ssh, nested, inside Host/Match), ProxyJump forms and chains, the
ProxyJump/ProxyCommand precedence, tokens, Match criteria, and options cockpit cannot honour."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import pytest

from cockpit.sources.ssh_config import (
    Jump,
    SshConfigError,
    expand_tokens,
    lookup,
    match_list,
    parse_jump,
    split_args,
)
from cockpit.sources.ssh_route import resolve

pytestmark = pytest.mark.unit


@pytest.fixture
def ssh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return home


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
    return path


def first(alias: str, cfg: Path, key: str) -> str | None:
    opts, _ = lookup(alias, str(cfg))
    return opts[key][0] if key in opts else None


@pytest.mark.parametrize(
    ("spec", "hops"),
    [
        ("bastion", (Jump("bastion"),)),
        ("alice@bastion", (Jump("bastion", "alice"),)),
        ("bastion:2222", (Jump("bastion", None, 2222),)),
        ("alice@bastion:2222", (Jump("bastion", "alice", 2222),)),
        ("ssh://alice@bastion:2222", (Jump("bastion", "alice", 2222),)),
        ("ssh://bastion", (Jump("bastion"),)),
        ("[::1]:2200", (Jump("::1", None, 2200),)),
        ("a,bob@b:23", (Jump("a"), Jump("b", "bob", 23))),
        ("none", ()),
        ("NONE", ()),
    ],
)
def test_proxyjump_forms(spec, hops):
    assert parse_jump(spec) == hops


@pytest.mark.parametrize(
    "spec", ["a:0", "a:99999", "a:x", "ssh://a/path", "a;rm -rf ~", "$(id)@a", "-oProxyCommand=x"]
)
def test_bad_proxyjump_is_one_line(spec):
    with pytest.raises(SshConfigError) as e:
        parse_jump(spec)
    assert "\n" not in str(e.value)


def test_split_args_quotes_and_comments():
    assert split_args('a "b c" d#e # rest', "x") == ["a", "b c", "d#e"]
    with pytest.raises(SshConfigError, match="unterminated quote"):
        split_args('"open', "f line 1")


def test_match_list_negation_and_case():
    assert match_list("GPU1.Example", "gpu?.example", fold=True)
    assert not match_list("gpu1.example", "gpu*,!gpu1*", fold=True)
    assert not match_list("alice", "bob,carol")


def test_tokens():
    assert expand_tokens("nc %h %p 100%%", {"h": "x", "p": "22"}, "t") == "nc x 22 100%"
    with pytest.raises(SshConfigError, match="unknown token %z"):
        expand_tokens("%z", {}, "t")


def test_first_value_wins_and_host_negation(ssh_home):
    cfg = write(
        ssh_home / ".ssh/config",
        "Host gpu* !gpu-bad\n  Port 2200\nHost *\n  Port 22\n  User=me\n",
    )
    assert first("gpu1", cfg, "port") == "2200" and first("gpu1", cfg, "user") == "me"
    assert first("gpu-bad", cfg, "port") == "22"


def test_include_glob_tilde_relative_nested_and_inside_a_block(ssh_home):
    ssh = ssh_home / ".ssh"
    write(
        ssh / "config",
        "Include ~/.ssh/conf.d/*.conf\nHost boxed\n  Include blocks/box\nHost *\n  User fallback\n",
    )
    write(ssh / "conf.d/20-b.conf", "Host a\n  HostName second\n")
    write(ssh / "conf.d/10-a.conf", "Host a\n  HostName first\n  Include nested\n")  # sorted: 10 before 20
    write(ssh / "nested", "Port 2022\n")  # relative: ~/.ssh/nested
    write(ssh / "blocks/box", "HostName box.example\nMatch all\n  User inbox\n")
    cfg = ssh / "config"
    assert first("a", cfg, "hostname") == "first" and first("a", cfg, "port") == "2022"
    assert first("boxed", cfg, "hostname") == "box.example" and first("boxed", cfg, "user") == "inbox"
    # the file included in a block applies only when the block does; its Match cannot open it
    assert first("other", cfg, "hostname") is None and first("other", cfg, "user") == "fallback"


def test_include_errors_are_one_line(ssh_home):
    ssh = ssh_home / ".ssh"
    write(ssh / "config", "Include loop\n")
    write(ssh / "loop", "Include loop\n")
    with pytest.raises(SshConfigError, match="nested more than 16 deep"):
        lookup("x", str(ssh / "config"))
    write(ssh / "loop", "Port 1\n").chmod(0o666)
    with pytest.raises(SshConfigError, match="bad owner or permissions"):
        lookup("x", str(ssh / "config"))
    write(ssh / "config", "Include nothing-matches-*\nPort 3\n")
    assert first("x", ssh / "config", "port") == "3"


def test_proxyjump_and_proxycommand_first_one_wins(ssh_home):
    cfg = write(
        ssh_home / ".ssh/config",
        "Host pj\n  ProxyJump j1\nHost pc\n  ProxyCommand nc %h %p\nHost *\n  ProxyCommand other\n  ProxyJump j2\n",
    )
    assert resolve("pj", str(cfg)).jump.alias == "j1"
    pc = resolve("pc", str(cfg))
    assert pc.jump is None and pc.proxy_command == "nc pc 22"


def test_proxyjump_none_and_proxycommand_none(ssh_home):
    cfg = write(
        ssh_home / ".ssh/config",
        "Host direct\n  ProxyJump none\n  ProxyCommand none\nHost *\n  ProxyJump j\n  ProxyCommand x\n",
    )
    t = resolve("direct", str(cfg))
    assert t.jump is None and t.proxy_command is None


def test_chain_hops_use_the_config_and_the_spec(ssh_home):
    cfg = write(
        ssh_home / ".ssh/config",
        "Host gpu\n  HostName 10.0.0.5\n  ProxyJump alice@bastion:2222,ssh://bob@mid:23\n"
        "Host mid\n  HostName mid.example\n  User midcfg\n  ProxyJump never-used\n"
        "Host bastion\n  HostName bastion.example\n  HostKeyAlias Bastion-Key\n  Port 9\n",
    )
    t = resolve("gpu", str(cfg))
    mid = t.jump
    assert (mid.alias, mid.hostname, mid.user, mid.port, t.jump_name) == (
        "mid",
        "mid.example",
        "bob",
        23,
        "bob@mid:23",
    )
    b = mid.jump  # the earlier hop replaces mid's own ProxyJump, as `ssh -J` does
    assert (b.hostname, b.user, b.port, b.host_key_alias, b.jump) == (
        "bastion.example",
        "alice",
        2222,
        "bastion-key",
        None,
    )
    assert b.key_name == "bastion-key"


def test_jump_loop_is_an_error(ssh_home):
    cfg = write(ssh_home / ".ssh/config", "Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n")
    with pytest.raises(SshConfigError, match="longer than 8 hops"):
        resolve("a", str(cfg))


def test_match_criteria(ssh_home, tmp_path):
    flag = tmp_path / "flag"
    cfg = write(
        ssh_home / ".ssh/config",
        "Host gpu\n  HostName 10.1.2.3\n"
        "Match host 10.1.*\n  Port 2201\n"
        "Match originalhost GPU user nobody-x\n  User never\n"
        f'Match localuser {getpass.getuser()} exec "test -e {flag} && test %n = gpu && test %h = 10.1.2.3"\n'
        "  IdentityFile ~/.ssh/flagged\n"
        "Match !exec false\n  User matched\n",
    )
    assert first("gpu", cfg, "port") == "2201" and first("gpu", cfg, "user") == "matched"
    assert first("gpu", cfg, "identityfile") is None
    flag.touch()
    assert first("gpu", cfg, "identityfile") == "~/.ssh/flagged"
    assert resolve("gpu", str(cfg)).identity_files == (str(ssh_home / ".ssh/flagged"),)


def test_match_final_is_a_second_pass(ssh_home):
    cfg = write(
        ssh_home / ".ssh/config",
        "Match final host real.example\n  Port 2202\nMatch canonical\n  User c\nHost gpu\n  HostName real.example\n",
    )
    o, _ = lookup("gpu", str(cfg))
    assert o["port"] == ["2202"] and o["user"] == ["c"]


def test_unsupported_match_and_options_are_one_line(ssh_home):
    cfg = write(
        ssh_home / ".ssh/config",
        "Match originalhost lan localnetwork 10.0.0.0/8\n  Port 1\nHost bound\n  BindAddress 10.9.9.9\n"
        "Host canon\n  CanonicalizeHostname yes\nHost cert\n  CertificateFile ~/.ssh/id-cert.pub\n",
    )
    for alias, want in [
        ("lan", "Match localnetwork is not supported by cockpit (host lan)"),
        ("bound", "ssh config option BindAddress 10.9.9.9 is not supported by cockpit (host bound, "),
        ("canon", "CanonicalizeHostname yes is not supported by cockpit (host canon"),
    ]:
        with pytest.raises(SshConfigError) as e:
            resolve(alias, str(cfg))
        assert want in str(e.value) and "\n" not in str(e.value)
    assert resolve("cert", str(cfg)).auth_unsupported == ("CertificateFile ~/.ssh/id-cert.pub",)


def test_known_hosts_files_and_tokens(ssh_home):
    cfg = write(
        ssh_home / ".ssh/config",
        "Host gpu\n  HostName g.example\n  UserKnownHostsFile ~/.ssh/kh_%h ${HOME}/kh2\n  IdentityFile %d/.ssh/id_%r\n",
    )
    t = resolve("gpu", str(cfg), "~/default_kh")
    assert t.known_hosts == (str(ssh_home / ".ssh/kh_g.example"), f"{os.environ['HOME']}/kh2")
    assert t.identity_files == (str(ssh_home / f".ssh/id_{getpass.getuser()}"),)
    assert resolve("other", str(cfg), "~/default_kh").known_hosts == (str(ssh_home / "default_kh"),)


def test_alias_with_shell_characters_is_refused(ssh_home):
    cfg = write(ssh_home / ".ssh/config", "Host *\n  ProxyCommand nc %n %p\n")
    with pytest.raises(SshConfigError, match="characters ssh does not allow"):
        resolve("x;touch pwned", str(cfg))
