"""SSH to the user's hosts with paramiko: ~/.ssh/config resolution, strict host keys, one
persistent connection per host with TCP_NODELAY and keepalive, reconnect with backoff, and
deadlines on everything so a stalled host never blocks anybody else.

Authentication is by agent or key files only; no password is ever asked for or stored.
"""

from __future__ import annotations

import base64
import getpass
import logging
import os
import re
import select
import socket
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cockpit.sources import ssh_route
from cockpit.sources.ssh_config import SshConfigError
from cockpit.sources.ssh_route import HostSpec

# paramiko logs tracebacks of failed transports; never let them reach the terminal (the TUI)
logging.getLogger("paramiko").addHandler(logging.NullHandler())

CONNECT_TIMEOUT_S = 5.0
KEEPALIVE_S = 15
RECENT_CHANNELS = 32  # closed channel ids paramiko keeps remembering, per connection
BACKOFF_MAX_S = 60.0


class SshError(Exception):
    """A one-line, user-readable reason why a host could not be used."""


class HostKeyError(SshError):
    pass


Target = HostSpec  # what one connection (or one hop of it) uses


def resolve(alias: str, ssh_config: str | os.PathLike[str] | None, known_hosts: str | None = None) -> Target:
    """The alias as ``ssh alias`` resolves it from the user's ssh config (see ssh_config.py),
    its ProxyJump hops included; a config cockpit cannot honour is a one-line SshError."""
    path = os.path.expanduser(os.path.expandvars(str(ssh_config))) if ssh_config else None
    try:
        return ssh_route.resolve(alias, path, known_hosts)
    except SshConfigError as e:
        raise SshError(str(e)) from None


class ProxyProcess:
    """A ProxyCommand run as ssh runs it (``$SHELL -c 'exec CMD'``), its stdin and stdout the
    connection: the socket-like object paramiko's own ProxyCommand is, except that end of
    output is end of connection (paramiko's spins until its timeout) and stderr goes to a
    temp file (a pipe nobody reads could fill and stall the command), for the error line."""

    def __init__(self, command: str) -> None:
        self.command = command
        self._err = tempfile.TemporaryFile()
        shell = os.environ.get("SHELL") or "/bin/sh"
        self.process = subprocess.Popen(
            [shell, "-c", "exec " + command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
            bufsize=0,
        )
        self.timeout: float | None = None
        self.killed = False  # ended by close(), not on its own

    def send(self, data: bytes) -> int:
        assert self.process.stdin is not None
        n = self.process.stdin.write(data)
        return len(data) if n is None else n

    def recv(self, size: int) -> bytes:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], self.timeout)
        if not ready:
            raise TimeoutError
        return os.read(self.process.stdout.fileno(), size)

    def settimeout(self, timeout: float | None) -> None:
        self.timeout = timeout

    @property
    def closed(self) -> bool:
        return self.process.returncode is not None

    _closed = closed

    def error_line(self) -> str:
        """The first line the command wrote on stderr (after it ended), or its exit status."""
        try:
            self.process.wait(0.5)
        except subprocess.TimeoutExpired:
            return ""
        self._err.seek(0)
        lines = self._err.read(4096).decode(errors="replace").strip().splitlines()
        if lines:
            return lines[0][:200]
        return "" if self.killed else f"exit status {self.process.returncode}"

    def close(self) -> None:
        """End the command (paramiko's transport calls this too); its stderr stays readable."""
        if self.process.poll() is None:
            self.killed = True
            self.process.terminate()
            try:
                self.process.wait(2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(2)
        for f in (self.process.stdin, self.process.stdout):
            if f is not None:
                f.close()

    def dispose(self) -> None:
        self.close()
        self._err.close()


def key_is_encrypted(path: str) -> bool:
    """Whether a private key file needs a passphrase (OpenSSH or PEM format)."""
    try:
        with open(path, "rb") as f:
            text = f.read(65536)
    except OSError:
        return False
    if b"BEGIN ENCRYPTED PRIVATE KEY" in text or b"Proc-Type: 4,ENCRYPTED" in text:
        return True
    m = re.search(rb"-----BEGIN OPENSSH PRIVATE KEY-----(.*?)-----END", text, re.DOTALL)
    if not m:
        return False
    try:
        blob = base64.b64decode(b"".join(m.group(1).split()))
    except ValueError:
        return False
    magic = b"openssh-key-v1\0"
    if not blob.startswith(magic) or len(blob) < len(magic) + 4:
        return False
    n = int.from_bytes(blob[len(magic) : len(magic) + 4], "big")
    return blob[len(magic) + 4 : len(magic) + 4 + n] != b"none"


def _encrypted_keys(t: Target) -> list[str]:
    """The key files paramiko tries for ``t`` that need a passphrase."""
    files = list(t.identity_files) or [
        os.path.expanduser(f"~/.ssh/id_{k}") for k in ("rsa", "ecdsa", "ed25519")
    ]
    return [f for f in files if os.path.isfile(f) and key_is_encrypted(f)]


def _auth_failed(t: Target) -> str:
    who = f"{t.user or getpass.getuser()}@{t.alias}"
    enc = _encrypted_keys(t)
    if enc:
        return (
            f"authentication failed for {who}: key {enc[0]} is encrypted (has a passphrase) and "
            f"cockpit asks for none: load it into ssh-agent (ssh-add {enc[0]})"
        )
    if t.auth_unsupported:
        return f"authentication failed for {who} (agent/key only; not supported: {', '.join(t.auth_unsupported)})"
    return f"authentication failed for {who} (agent/key only)"


def _describe(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


@dataclass
class Connection:
    """One authenticated SSH connection (and its jump host, if any)."""

    target: Target
    trust_on_first_use: bool = False
    timeout: float = CONNECT_TIMEOUT_S
    _client: Any = None
    _jump: Connection | None = None
    _proxy: ProxyProcess | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _recent: deque[int] = field(default_factory=lambda: deque(maxlen=RECENT_CHANNELS))

    def _open(self) -> Any:
        """The byte stream to the target: through the jump host, the ProxyCommand, or TCP."""
        t = self.target
        if t.jump is not None:
            self._jump = Connection(t.jump, self.trust_on_first_use, self.timeout)
            self._jump.connect()
            try:
                return self._jump._client.get_transport().open_channel(
                    "direct-tcpip", (t.hostname, t.port), ("127.0.0.1", 0), timeout=self.timeout
                )
            except Exception as e:  # noqa: BLE001
                raise SshError(
                    f"jump via {t.jump_name} to {t.hostname}:{t.port} failed: {_describe(e)}"
                ) from None
        if t.proxy_command:
            try:
                self._proxy = ProxyProcess(t.proxy_command)
            except OSError as e:
                raise SshError(f"ProxyCommand of {t.alias} cannot start: {_describe(e)}") from None
            return self._proxy
        family = {"inet": socket.AF_INET, "inet6": socket.AF_INET6}.get(t.address_family, 0)
        try:
            addrs = socket.getaddrinfo(t.hostname, t.port, family, socket.SOCK_STREAM)
        except OSError as e:
            raise SshError(f"cannot reach {t.hostname}:{t.port}: {_describe(e)}") from None
        err: OSError | None = None
        for fam, kind, proto, _, addr in addrs:
            sock = socket.socket(fam, kind, proto)
            sock.settimeout(self.timeout)
            try:
                sock.connect(addr)
            except OSError as e:
                sock.close()
                err = e
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise SshError(f"cannot reach {t.hostname}:{t.port}: {_describe(err or OSError('no address'))}")

    def _proxy_gone(self) -> str | None:
        """Why the ProxyCommand ended, if it did: the first line it wrote on stderr."""
        if self._proxy is None:
            return None
        line = self._proxy.error_line()
        return (
            f"ProxyCommand of {self.target.alias} ended: {line} ({self.target.proxy_command})"
            if line
            else None
        )

    def connect(self) -> None:
        try:
            self._connect()
        except SshError:
            self.close()  # the jump host's connection, the ProxyCommand's process
            raise

    def _connect(self) -> None:
        import paramiko

        t = self.target
        sock = self._open()
        # known_hosts names the host by HostKeyAlias (as is), else by [hostname]:port
        key_host, key_port = (t.host_key_alias, 22) if t.host_key_alias else (t.hostname, t.port)
        client = paramiko.SSHClient()
        for kh in t.known_hosts:
            if os.path.exists(kh):
                try:
                    client.load_host_keys(kh)
                except Exception as e:  # noqa: BLE001
                    sock.close()
                    raise SshError(f"cannot read known_hosts {kh}: {_describe(e)}") from None
            elif self.trust_on_first_use:
                # the first accepted key is saved here
                Path(kh).parent.mkdir(parents=True, exist_ok=True)
                Path(kh).touch(mode=0o600)
                client.load_host_keys(kh)
        if self.trust_on_first_use:
            client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        else:
            client.set_missing_host_key_policy(paramiko.RejectPolicy())
        try:
            client.connect(
                key_host,
                port=key_port,
                username=t.user,
                key_filename=list(t.identity_files) or None,
                look_for_keys=not t.identity_files,
                allow_agent=t.use_agent,
                password=None,
                sock=sock,
                timeout=self.timeout,
                banner_timeout=self.timeout,
                auth_timeout=self.timeout,
                channel_timeout=self.timeout,
            )
        except paramiko.BadHostKeyException:
            client.close()
            raise HostKeyError(
                f"HOST KEY CHANGED for {t.key_name} (alias {t.alias}): it does not match known_hosts; "
                "refusing to connect (possible man-in-the-middle)"
            ) from None
        except paramiko.SSHException as e:
            proxy_gone = self._proxy_gone()
            client.close()
            if "not found in known_hosts" in str(e):
                raise HostKeyError(
                    f"unknown host key for {t.key_name} (alias {t.alias}): add it to known_hosts "
                    "(ssh to it once and check the fingerprint) or set trust_on_first_use = true"
                ) from None
            if isinstance(e, paramiko.AuthenticationException) or "No authentication methods" in str(e):
                raise SshError(_auth_failed(t)) from None
            if proxy_gone:
                raise SshError(proxy_gone) from None
            if "banner" in str(e) or "No existing session" in str(e):
                raise SshError(
                    f"{t.hostname}:{t.port} accepted the connection but sent no SSH banner within {self.timeout:g} s"
                ) from None
            raise SshError(f"ssh to {t.alias} failed: {_describe(e)}") from None
        except (OSError, EOFError) as e:
            proxy_gone = self._proxy_gone()
            client.close()
            raise SshError(proxy_gone or f"ssh to {t.alias} failed: {_describe(e)}") from None
        transport = client.get_transport()
        if transport is not None:
            transport.set_keepalive(KEEPALIVE_S)
        self._client = client

    @property
    def connected(self) -> bool:
        if self._client is None:
            return False
        transport = self._client.get_transport()
        return transport is not None and transport.is_active()

    def run(self, command: str, timeout: float, max_bytes: int) -> tuple[int | None, bytes]:
        """Run ``command``; stdout and stderr together; stop at ``timeout`` or ``max_bytes``."""
        if not self.connected:
            self.connect()
        transport = self._client.get_transport()
        deadline = time.monotonic() + timeout
        try:
            chan = transport.open_session(timeout=timeout)
        except Exception as e:  # noqa: BLE001
            self.close()
            raise SshError(f"cannot open a session on {self.target.alias}: {_describe(e)}") from None
        try:
            chan.set_combine_stderr(True)
            chan.exec_command(command)
            chunks: list[bytes] = []
            total = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SshError(f"no answer from {self.target.alias} within {timeout:g} s")
                chan.settimeout(left)
                try:
                    data = chan.recv(65536)
                except TimeoutError:
                    raise SshError(f"no answer from {self.target.alias} within {timeout:g} s") from None
                if not data:
                    break
                total += len(data)
                if total > max_bytes:
                    raise SshError(
                        f"{self.target.alias} sent more than {max_bytes // 1024} KiB; output ignored"
                    )
                chunks.append(data)
            rc = None
            if chan.status_event.wait(max(0.0, deadline - time.monotonic())):
                rc = chan.recv_exit_status()
            return rc, b"".join(chunks)
        except SshError:
            chan.close()
            self.close()  # a hung command: start clean next time
            raise
        except (OSError, EOFError) as e:
            self.close()
            raise SshError(f"connection to {self.target.alias} lost: {_describe(e)}") from None
        finally:
            chan.close()
            self._forget_old_channels(transport, chan.get_id())

    def _forget_old_channels(self, transport: Any, chanid: int) -> None:
        """paramiko's transport remembers every channel id it ever opened (``channels_seen``, so
        that a late message for a closed channel is ignored quietly) and never forgets one: at one
        poll a second that grew by 3,600 entries a host an hour, most of the RSS growth of a long
        soak. Only the most recent channels are kept; a late message comes within seconds."""
        self._recent.append(chanid)
        seen = getattr(transport, "channels_seen", None)
        if not isinstance(seen, dict) or len(seen) <= 2 * RECENT_CHANNELS:
            return
        keep = set(self._recent)
        with transport.lock:  # paramiko adds to it under this lock
            for old in [c for c in list(seen) if c not in keep]:
                seen.pop(old, None)

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            except Exception:  # noqa: BLE001, S110
                pass
            self._client = None
        if self._proxy is not None:
            self._proxy.dispose()
            self._proxy = None
        if self._jump is not None:
            self._jump.close()
            self._jump = None


class Link:
    """A host's persistent connection with reconnect backoff (1, 2, 4 ... 60 s)."""

    def __init__(
        self,
        alias: str,
        ssh_config: str | None,
        known_hosts: str | None,
        trust_on_first_use: bool = False,
        timeout: float = CONNECT_TIMEOUT_S,
        monotonic: Any = time.monotonic,
    ) -> None:
        self.alias = alias
        self.ssh_config = ssh_config
        self.known_hosts = known_hosts
        self.trust_on_first_use = trust_on_first_use
        self.timeout = timeout
        self.monotonic = monotonic
        self.conn: Connection | None = None
        self.failures = 0
        self.retry_at = 0.0
        self.last_error: str | None = None
        self.lock = threading.Lock()

    def run(
        self, command: str, timeout: float, max_bytes: int, backoff: bool = True
    ) -> tuple[int | None, bytes]:
        with self.lock:
            now = self.monotonic()
            if backoff and self.failures and now < self.retry_at:
                raise SshError(f"{self.last_error} (retry in {self.retry_at - now:.0f} s)")
            try:
                if self.conn is None or not self.conn.connected:
                    if self.conn is not None:
                        self.conn.close()
                    target = resolve(self.alias, self.ssh_config, self.known_hosts)
                    self.conn = Connection(target, self.trust_on_first_use, self.timeout)
                    self.conn.connect()
                result = self.conn.run(command, timeout, max_bytes)
            except SshError as e:
                self.failures += 1
                self.last_error = str(e)
                self.retry_at = self.monotonic() + min(BACKOFF_MAX_S, 2.0 ** (self.failures - 1))
                raise
            self.failures = 0
            self.last_error = None
            return result

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None
