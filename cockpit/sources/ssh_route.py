"""An alias of the user's ssh config as a chain of hops cockpit connects through.

``resolve`` turns an alias into a ``HostSpec``: HostName, Port, User, IdentityFile,
UserKnownHostsFile, HostKeyAlias, AddressFamily, and either a ProxyCommand (tokens expanded) or
the ProxyJump's last hop, itself a HostSpec looked up in the same file with the user and port
its spec gives and the earlier hops as its own ProxyJump, as ``ssh -J`` does. Options that would
change where cockpit connects, or which host keys it trusts, and that it cannot honour raise a
one-line ``SshConfigError`` naming the option and the host; options that only change how it
authenticates are named when authentication fails.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cockpit.sources.ssh_config import (
    EXEC_TIMEOUT_S,
    Jump,
    SshConfigError,
    check_name,
    expand_env,
    expand_tokens,
    lookup,
    parse_jump,
    token_map,
)

MAX_HOPS = 8
# Options that change where cockpit connects or which host keys it trusts: refused in one line
_ROUTE_UNSUPPORTED = ("bindaddress", "bindinterface", "knownhostscommand", "revokedhostkeys")
# Options that only change how cockpit authenticates: named if authentication fails
_AUTH_UNSUPPORTED = ("certificatefile", "pkcs11provider", "securitykeyprovider")
_NAMES = {  # canonical spelling for messages
    "bindaddress": "BindAddress",
    "bindinterface": "BindInterface",
    "knownhostscommand": "KnownHostsCommand",
    "revokedhostkeys": "RevokedHostKeys",
    "certificatefile": "CertificateFile",
    "pkcs11provider": "PKCS11Provider",
    "securitykeyprovider": "SecurityKeyProvider",
}


@dataclass(frozen=True)
class HostSpec:
    """Everything cockpit uses to reach one alias, its jump host (itself a HostSpec) included."""

    alias: str
    hostname: str
    port: int = 22
    user: str | None = None
    identity_files: tuple[str, ...] = ()
    known_hosts: tuple[str, ...] = ()
    host_key_alias: str | None = None
    proxy_command: str | None = None  # expanded, run by the shell
    jump: HostSpec | None = None
    jump_name: str | None = None  # the hop as the ProxyJump spec names it
    address_family: str = "any"
    use_agent: bool = True
    auth_unsupported: tuple[str, ...] = ()

    @property
    def key_name(self) -> str:
        """How known_hosts names this host (HostKeyAlias as is, as ssh does)."""
        if self.host_key_alias:
            return self.host_key_alias
        return self.hostname if self.port == 22 else f"[{self.hostname}]:{self.port}"


def _path_opt(r_tokens: dict[str, str], value: str, home: str, what: str) -> str:
    v = expand_env(expand_tokens(value, r_tokens, what), what)
    if v == "~" or v.startswith("~/"):
        return home + v[1:]
    return os.path.expanduser(v)


def _unsupported(alias: str, key: str, value: str, where: str) -> SshConfigError:
    return SshConfigError(
        f"ssh config option {_NAMES.get(key, key)} {value} is not supported by cockpit "
        f"(host {alias}, {where})"
    )


def resolve(
    alias: str,
    path: str | None,
    known_hosts: str | None = None,
    *,
    home: str | None = None,
    seed: Mapping[str, list[str]] | None = None,
    exec_timeout: float = EXEC_TIMEOUT_S,
    _depth: int = 0,
) -> HostSpec:
    """Resolve ``alias`` as ``ssh alias`` would, its ProxyJump hops included."""
    if _depth > MAX_HOPS:
        raise SshConfigError(f"ProxyJump chain of {alias} is longer than {MAX_HOPS} hops (a loop?)")
    home = home or os.path.expanduser("~")
    o, where = lookup(alias, path, seed=seed, home=home, exec_timeout=exec_timeout)
    first = {k: v[0] for k, v in o.items() if v}
    for key in _ROUTE_UNSUPPORTED:
        if key in first and first[key].lower() != "none":
            raise _unsupported(alias, key, first[key], where[key])
    canon = first.get("canonicalizehostname", "no").lower()
    if canon not in ("no", "false"):
        raise _unsupported(alias, "CanonicalizeHostname", canon, where["canonicalizehostname"])
    if first.get("proxyusefdpass", "no").lower() in ("yes", "true"):
        raise _unsupported(alias, "ProxyUseFdpass", "yes", where["proxyusefdpass"])
    family = first.get("addressfamily", "any").lower()
    if family not in ("any", "inet", "inet6"):
        raise SshConfigError(f"bad AddressFamily {family!r} for {alias} ({where['addressfamily']})")
    port_s = first.get("port", "22")
    if not port_s.isdigit() or not 0 < int(port_s) < 65536:
        raise SshConfigError(f"bad Port for {alias} in ssh config: {port_s!r} ({where['port']})")
    hostname = expand_tokens(first.get("hostname", alias), {"h": alias}, f"HostName of {alias}")
    user = first.get("user")
    if user is not None:
        user = check_name(expand_tokens(user, {"u": getpass.getuser()}, f"User of {alias}"), "user")
    alias_key = first.get("hostkeyalias")
    toks = token_map(hostname, alias, port_s, user or getpass.getuser(), alias_key, home)
    ids = tuple(_path_opt(toks, f, home, f"IdentityFile of {alias}") for f in o.get("identityfile", []))
    kh: tuple[str, ...] = ()
    if "userknownhostsfile" in o:
        kh = tuple(
            _path_opt(toks, f, home, f"UserKnownHostsFile of {alias}") for f in o["userknownhostsfile"]
        )
        kh = tuple(f for f in kh if f.lower() != "none" and f != "/dev/null") or ("/dev/null",)
    elif known_hosts:
        kh = (os.path.expanduser(os.path.expandvars(known_hosts)),)
    agent = first.get("identityagent")
    auth_x = [
        f"{_NAMES[k]} {first[k]}" for k in _AUTH_UNSUPPORTED if k in first and first[k].lower() != "none"
    ]
    if agent and agent.lower() not in ("none", "ssh_auth_sock", "$ssh_auth_sock"):
        auth_x.append(f"IdentityAgent {agent}")
    for k in ("gssapiauthentication", "hostbasedauthentication"):
        if first.get(k, "no").lower() in ("yes", "true"):
            auth_x.append(f"{k.replace('authentication', '').upper()}Authentication yes")
    spec: dict[str, Any] = dict(
        alias=alias,
        hostname=hostname,
        port=int(port_s),
        user=user,
        identity_files=ids,
        known_hosts=kh,
        host_key_alias=alias_key.lower() if alias_key else None,
        address_family=family,
        use_agent=(agent or "").lower() != "none",
        auth_unsupported=tuple(auth_x),
    )
    proxy = first.get("proxycommand", "none")
    jump = first.get("proxyjump", "none")
    if jump.lower() != "none":
        hops = parse_jump(jump)
        last, extra = hops[-1], hops[:-1]
        hop_seed: dict[str, list[str]] = {}
        if last.user:
            hop_seed["user"] = [last.user]
        if last.port:
            hop_seed["port"] = [str(last.port)]
        if extra:
            hop_seed["proxyjump"] = [",".join(_spec(h) for h in extra)]
            hop_seed["proxycommand"] = ["none"]
        spec["jump"] = resolve(
            last.host,
            path,
            known_hosts,
            home=home,
            seed=hop_seed,
            exec_timeout=exec_timeout,
            _depth=_depth + 1,
        )
        spec["jump_name"] = _spec(last)
    elif proxy.lower() != "none":
        if proxy.strip() == "-":
            raise _unsupported(alias, "ProxyCommand", "-", where["proxycommand"])
        spec["proxy_command"] = expand_tokens(proxy, toks, f"ProxyCommand of {alias}")
    return HostSpec(**spec)


def _spec(h: Jump) -> str:
    host = f"[{h.host}]" if ":" in h.host and h.port else h.host
    return f"{h.user + '@' if h.user else ''}{host}{':' + str(h.port) if h.port else ''}"
