"""SSH to the user's hosts with paramiko: ~/.ssh/config resolution, strict host keys, one
persistent connection per host with TCP_NODELAY and keepalive, reconnect with backoff, and
deadlines on everything so a stalled host never blocks anybody else.

Authentication is by agent or key files only; no password is ever asked for or stored.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Target:
    alias: str
    hostname: str
    port: int = 22
    user: str | None = None
    identity_files: tuple[str, ...] = ()
    proxy_jump: str | None = None
    known_hosts: tuple[str, ...] = ()

    @property
    def key_name(self) -> str:
        """How known_hosts names this host."""
        return self.hostname if self.port == 22 else f"[{self.hostname}]:{self.port}"


def _expand(path: str) -> str:
    return os.path.expanduser(os.path.expandvars(path))


def resolve(alias: str, ssh_config: str | os.PathLike[str] | None, known_hosts: str | None = None) -> Target:
    """HostName, User, Port, IdentityFile, ProxyJump and UserKnownHostsFile of an alias."""
    import paramiko

    cfg = paramiko.SSHConfig()
    path = Path(_expand(str(ssh_config))) if ssh_config else None
    if path is not None and path.is_file():
        try:
            cfg = paramiko.SSHConfig.from_path(str(path))
        except Exception as e:  # noqa: BLE001 - a broken config is a clear error, not a crash
            raise SshError(f"cannot read {path}: {e}") from None
    d: dict[str, Any] = cfg.lookup(alias)
    try:
        port = int(d.get("port", 22))
    except ValueError:
        raise SshError(f"bad Port for {alias} in ssh config: {d.get('port')!r}") from None
    files = tuple(_expand(f) for f in d.get("identityfile", []))
    kh = d.get("userknownhostsfile")
    khs: tuple[str, ...] = tuple(_expand(p) for p in str(kh).split()) if kh else ()
    if not khs and known_hosts:
        khs = (_expand(known_hosts),)
    jump = d.get("proxyjump")
    if jump and jump.lower() == "none":
        jump = None
    return Target(
        alias=alias,
        hostname=d.get("hostname", alias),
        port=port,
        user=d.get("user"),
        identity_files=files,
        proxy_jump=jump.split(",")[0].strip() if jump else None,
        known_hosts=khs,
    )


def _describe(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


@dataclass
class Connection:
    """One authenticated SSH connection (and its jump host, if any)."""

    target: Target
    trust_on_first_use: bool = False
    timeout: float = CONNECT_TIMEOUT_S
    ssh_config: str | None = None
    _client: Any = None
    _jump: Connection | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _recent: deque[int] = field(default_factory=lambda: deque(maxlen=RECENT_CHANNELS))

    def connect(self) -> None:
        import paramiko

        t = self.target
        sock: Any
        if t.proxy_jump:
            jt = resolve(t.proxy_jump, self.ssh_config, t.known_hosts[0] if t.known_hosts else None)
            self._jump = Connection(jt, self.trust_on_first_use, self.timeout, self.ssh_config)
            self._jump.connect()
            try:
                sock = self._jump._client.get_transport().open_channel(
                    "direct-tcpip", (t.hostname, t.port), ("127.0.0.1", 0), timeout=self.timeout
                )
            except Exception as e:  # noqa: BLE001
                raise SshError(
                    f"jump via {t.proxy_jump} to {t.hostname}:{t.port} failed: {_describe(e)}"
                ) from None
        else:
            try:
                sock = socket.create_connection((t.hostname, t.port), timeout=self.timeout)
            except OSError as e:
                raise SshError(f"cannot reach {t.hostname}:{t.port}: {_describe(e)}") from None
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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
                t.hostname,
                port=t.port,
                username=t.user,
                key_filename=list(t.identity_files) or None,
                look_for_keys=not t.identity_files,
                allow_agent=True,
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
            client.close()
            if "not found in known_hosts" in str(e):
                raise HostKeyError(
                    f"unknown host key for {t.key_name} (alias {t.alias}): add it to known_hosts "
                    "(ssh to it once and check the fingerprint) or set trust_on_first_use = true"
                ) from None
            if isinstance(e, paramiko.AuthenticationException):
                raise SshError(
                    f"authentication failed for {t.user or ''}@{t.alias} (agent/key only)"
                ) from None
            if "banner" in str(e) or "No existing session" in str(e):
                raise SshError(
                    f"{t.hostname}:{t.port} accepted the connection but sent no SSH banner within {self.timeout:g} s"
                ) from None
            raise SshError(f"ssh to {t.alias} failed: {_describe(e)}") from None
        except (OSError, EOFError) as e:
            client.close()
            raise SshError(f"ssh to {t.alias} failed: {_describe(e)}") from None
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
                    self.conn = Connection(target, self.trust_on_first_use, self.timeout, self.ssh_config)
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
