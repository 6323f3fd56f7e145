"""The user's ssh_config(5) as OpenSSH reads it, for cockpit's paramiko connections.

paramiko's own ``SSHConfig`` reads no ``Include``, needs the ``invoke`` package for ``Match
exec``, lets a later ``ProxyCommand`` beat an earlier ``ProxyJump`` and cannot apply an
``Include`` inside a ``Host`` block, so cockpit evaluates the file itself, line by line as
``ssh`` does (readconf.c): the first value of an option wins; ``Host``/``Match`` switch the
lines that follow on or off; ``Include`` reads files in place (globs, ``~``, relative to
``~/.ssh``, nested up to 16 deep, inside blocks too); a ``Match final`` asks for a second pass.

Pure logic but for ``Match exec`` (runs the user's command, as ssh does) and reading files.
``ssh_route.resolve`` builds the chain of hops cockpit connects through from ``lookup``.
"""

from __future__ import annotations

import getpass
import glob
import os
import re
import socket
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_INCLUDE_DEPTH = 16
EXEC_TIMEOUT_S = 10.0

# Characters ssh refuses in a host or user name that ends up in a %token (ssh_valid_hostname)
_BAD_NAME = re.compile(r"[\s'`\"$\\;&<>|(){}\x00-\x1f\x7f]")
_LINE = re.compile(r"([A-Za-z0-9]+)(?:\s*=\s*|\s+|$)(.*)$")
_RAW = {"proxycommand", "remotecommand", "localcommand", "knownhostscommand", "proxyjump"}
_MULTI = {"identityfile", "certificatefile"}


class SshConfigError(Exception):
    """One line: what in the user's ssh config cockpit cannot use, and where."""


@dataclass(frozen=True)
class Jump:
    """One hop of a ProxyJump spec: ``[user@]host[:port]`` or ``ssh://[user@]host[:port]``."""

    host: str
    user: str | None = None
    port: int | None = None


# ------------------------------------------------------------------ small parsers


def check_name(name: str, what: str) -> str:
    if not name or name.startswith("-") or _BAD_NAME.search(name):
        raise SshConfigError(f"{what} {name!r} has characters ssh does not allow in a host or user name")
    return name


def split_args(text: str, where: str) -> list[str]:
    """Split an option's value as ssh does: blanks separate, quotes group, ``#`` starts a comment."""
    args: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n or text[i] == "#":
            break
        cur: list[str] = []
        quote = ""
        while i < n and (quote or text[i] not in " \t"):
            c = text[i]
            if c == "\\" and i + 1 < n and text[i + 1] in "\"'\\":
                cur.append(text[i + 1])
                i += 2
                continue
            if quote and c == quote:
                quote = ""
            elif not quote and c in "\"'":
                quote = c
            else:
                cur.append(c)
            i += 1
        if quote:
            raise SshConfigError(f"{where}: unterminated quote")
        args.append("".join(cur))
    return args


def wildcard(pattern: str, text: str) -> bool:
    """ssh's match_pattern: ``*`` and ``?`` only."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, text, re.DOTALL) is not None


def match_list(text: str, patterns: str, fold: bool = False) -> bool:
    """ssh's match_pattern_list: comma-separated patterns, a ``!`` match vetoes."""
    if fold:
        text, patterns = text.lower(), patterns.lower()
    hit = False
    for p in patterns.split(","):
        neg = p.startswith("!")
        if wildcard(p[1:] if neg else p, text):
            if neg:
                return False
            hit = True
    return hit


def expand_tokens(value: str, tokens: Mapping[str, str], what: str) -> str:
    """ssh's percent_expand: ``%%`` is ``%``, ``%x`` a known token; anything else is an error."""
    out: list[str] = []
    i = 0
    while i < len(value):
        c = value[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        k = value[i + 1 : i + 2]
        if k == "%":
            out.append("%")
        elif k and k in tokens:
            out.append(tokens[k])
        else:
            raise SshConfigError(f"{what}: unknown token %{k} in {value!r}")
        i += 2
    return "".join(out)


def expand_env(value: str, what: str) -> str:
    """``${NAME}`` from the environment (Include, IdentityFile, UserKnownHostsFile)."""

    def one(m: re.Match[str]) -> str:
        if m.group(1) not in os.environ:
            raise SshConfigError(f"{what}: environment variable {m.group(1)} is not set")
        return os.environ[m.group(1)]

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", one, value)


def _host_port(text: str, spec: str) -> tuple[str, int | None]:
    port: str | None = None
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise SshConfigError(f"invalid ProxyJump {spec!r}")
        port = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host = text  # a bare name or a bare IPv6 address
    if port is None:
        return host, None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SshConfigError(f"invalid ProxyJump {spec!r}: bad port {port!r}")
    return host, int(port)


def parse_jump(spec: str) -> tuple[Jump, ...]:
    """A ProxyJump value: hops in the order they are reached; ``none`` is no hop."""
    s = spec.split("#", 1)[0].strip()
    if s.lower() == "none":
        return ()
    hops = []
    for part in s.split(","):
        part = part.strip()
        user: str | None = None
        rest = part
        if part.lower().startswith("ssh://"):
            rest = part[6:].rstrip("/")
            if "/" in rest:
                raise SshConfigError(f"invalid ProxyJump {spec!r}: a path is not allowed")
        if "@" in rest:
            user, _, rest = rest.rpartition("@")
            check_name(user, f"ProxyJump {spec!r}: user")
        host, port = _host_port(rest, spec)
        if not host:
            raise SshConfigError(f"invalid ProxyJump {spec!r}: empty host")
        check_name(host, f"ProxyJump {spec!r}: host")
        hops.append(Jump(host, user, port))
    return tuple(hops)


# ------------------------------------------------------------------ evaluating the file


@dataclass
class _Reader:
    alias: str  # what the user typed (%n, Match originalhost)
    host: str  # what Host lines match: the alias, then HostName in the final pass
    home: str
    final: bool = False
    exec_timeout: float = EXEC_TIMEOUT_S
    opts: dict[str, list[str]] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    want_final: bool = False

    def tokens(self) -> dict[str, str]:
        host = self.current_host()
        user = self.first("user") or getpass.getuser()
        return token_map(
            host, self.alias, self.first("port") or "22", user, self.first("hostkeyalias"), self.home
        )

    def first(self, key: str) -> str | None:
        v = self.opts.get(key)
        return v[0] if v else None

    def current_host(self) -> str:
        hn = self.first("hostname")
        if self.final or hn is None:
            return self.host if hn is None else hn
        return expand_tokens(hn, {"h": self.alias}, "HostName")

    def read(self, path: str, active: list[bool], never: bool, depth: int, check_perm: bool) -> bool:
        if depth > MAX_INCLUDE_DEPTH:
            raise SshConfigError(f"{path}: Include nested more than {MAX_INCLUDE_DEPTH} deep")
        try:
            f = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
        except FileNotFoundError:
            return False
        except OSError as e:
            raise SshConfigError(f"cannot read ssh config {path}: {e.strerror}") from None
        with f:
            if check_perm:
                st = os.fstat(f.fileno())
                if st.st_uid not in (0, os.getuid()) or st.st_mode & 0o022:
                    raise SshConfigError(f"bad owner or permissions on {path} (ssh refuses it too)")
            for n, line in enumerate(f, 1):
                self.line(line, f"{path} line {n}", active, never, depth)
        return True

    def line(self, line: str, where: str, active: list[bool], never: bool, depth: int) -> None:
        s = line.strip()
        if not s or s.startswith("#"):
            return
        m = _LINE.match(s)
        if not m:
            raise SshConfigError(f"{where}: cannot read {s[:60]!r}")
        key, rest = m.group(1).lower(), m.group(2).strip()
        if key in _RAW:
            if not rest:
                raise SshConfigError(f"{where}: {m.group(1)} needs a value")
            if key == "proxyjump":
                parse_jump(rest)  # a bad spec is an error wherever it is, as in ssh
            if active[0]:
                self.set(key, [rest], where)
            return
        args = split_args(rest, where)
        if key == "host":
            active[0] = False
            for p in args:
                if never:
                    break
                if wildcard(p[1:] if p.startswith("!") else p, self.host):
                    if p.startswith("!"):
                        active[0] = False
                        break
                    active[0] = True
        elif key == "match":
            ok = self.match(args, where)
            active[0] = False if never else ok
        elif key == "include":
            self.include(args, where, active, never, depth)
        elif active[0] and args:
            self.set(key, args, where)

    def set(self, key: str, args: list[str], where: str) -> None:
        o = self.opts
        if key == "proxyjump":
            if args[0].split("#", 1)[0].strip().lower() == "none":
                o.setdefault("proxyjump", ["none"])
            elif "proxycommand" not in o and "proxyjump" not in o:
                o["proxyjump"] = args
                o["proxycommand"] = ["none"]
        elif key in _MULTI:
            o.setdefault(key, []).extend(a for a in args if a not in o.get(key, []))
        elif key not in o:
            o[key] = args
        else:
            return
        self.where.setdefault(key, where)

    def match(self, args: list[str], where: str) -> bool:
        result = True
        attrs = 0
        i = 0
        while i < len(args):
            attr = args[i]
            i += 1
            neg = attr.startswith("!")
            name = attr[1:] if neg else attr
            arg: str | None = None
            if "=" in name:
                name, arg = name.split("=", 1)
            name = name.lower()
            if name == "all":
                if attrs or i < len(args):
                    raise SshConfigError(f"{where}: Match all cannot be combined with other criteria")
                return result and not neg
            attrs += 1
            if name in ("canonical", "final"):
                self.want_final |= name == "final" and not neg
                if self.final == neg:
                    result = False
                continue
            if arg is None:
                if i >= len(args):
                    raise SshConfigError(f"{where}: Match {attr} needs an argument")
                arg = args[i]
                i += 1
            if name == "host":
                ok = match_list(self.current_host(), arg, fold=True)
            elif name == "originalhost":
                ok = match_list(self.alias, arg, fold=True)
            elif name == "user":
                ok = match_list(self.first("user") or getpass.getuser(), arg)
            elif name == "localuser":
                ok = match_list(getpass.getuser(), arg)
            elif name == "tagged":
                ok = match_list(self.first("tag") or "", arg) if self.first("tag") else arg == ""
            elif name == "exec":
                if not result:
                    continue  # ssh skips the command once the line failed
                ok = self.run_exec(expand_tokens(arg, self.tokens(), f"{where}: Match exec"), where)
            elif not result:
                continue  # an earlier criterion already failed: this one cannot matter
            else:
                raise SshConfigError(f"{where}: Match {name} is not supported by cockpit (host {self.alias})")
            if ok == neg:
                result = False
        return result

    def run_exec(self, cmd: str, where: str) -> bool:
        shell = os.environ.get("SHELL") or "/bin/sh"
        try:
            r = subprocess.run(
                [shell, "-c", cmd],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,  # never onto the TUI's screen
                timeout=self.exec_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SshConfigError(
                f"{where}: Match exec {cmd!r} did not finish within {self.exec_timeout:g} s"
            ) from None
        except OSError as e:
            raise SshConfigError(f"{where}: Match exec cannot run {shell}: {e.strerror}") from None
        return r.returncode == 0

    def include(self, args: list[str], where: str, active: list[bool], never: bool, depth: int) -> None:
        for arg in args:
            p = expand_env(expand_tokens(arg, self.tokens(), f"{where}: Include"), f"{where}: Include")
            if not p.startswith(("/", "~")):
                p = os.path.join(self.home, ".ssh", p)
            elif p == "~" or p.startswith("~/"):
                p = self.home + p[1:]
            else:
                p = os.path.expanduser(p)
            was = active[0]
            for name in sorted(glob.glob(p)):
                if os.path.isdir(name):
                    raise SshConfigError(f"{where}: Include {name} is a folder")
                self.read(name, active, never or not was, depth + 1, check_perm=True)
                active[0] = was  # a Match inside the file does not leak out of it


def lookup(
    alias: str,
    path: str | None,
    *,
    seed: Mapping[str, list[str]] | None = None,
    home: str | None = None,
    exec_timeout: float = EXEC_TIMEOUT_S,
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """All options for ``alias`` (lowercase keys, first value wins), and where each was set.
    ``seed`` holds the options given on ssh's command line (they win over the file)."""
    check_name(alias, "host")
    home = home or os.path.expanduser("~")
    r = _Reader(alias, alias, home, exec_timeout=exec_timeout)
    for k, v in (seed or {}).items():
        r.opts[k] = list(v)
        r.where[k] = "the ProxyJump spec"
    if path:
        r.read(path, [True], False, 0, check_perm=False)
        if r.want_final:
            r.host = r.current_host()
            r.opts["hostname"] = [r.host]
            r.final = True
            r.read(path, [True], False, 0, check_perm=False)
    return r.opts, r.where


def token_map(
    host: str, alias: str, port: str, ruser: str, key_alias: str | None, home: str
) -> dict[str, str]:
    """ssh's %tokens for ProxyCommand, Match exec, Include, IdentityFile, UserKnownHostsFile."""
    this = socket.gethostname()
    return {
        "h": host,
        "n": alias,
        "p": port,
        "r": ruser,
        "u": getpass.getuser(),
        "d": home,
        "i": str(os.getuid()),
        "k": key_alias or host,
        "L": this.split(".")[0],
        "l": this,
    }
