"""The notification layer shared by every instrument. Owned by the Focus instrument.

A chain of channels set in config.toml ([notify] channels); each is isolated, so one failing
never stops the others. ``Notifier.send`` returns what each channel did.

Channels:
- ``toast``: the in-app toast (the TUI sets ``Notifier.toast``).
- ``bell``: BEL to the terminal.
- ``osc``: OSC 777 (``notify;title;body``) and OSC 9 desktop-notification escapes, which travel
  through SSH to the user's own terminal; inside tmux they are wrapped in DCS passthrough
  (tmux needs ``set -g allow-passthrough on``).
- ``tmux``: ``tmux display-message`` on every client attached to this tmux server.
- ``desktop``: plyer, only when a desktop session with a notification service exists;
  headless it reports "unavailable" and never raises.
- ``webhook``: a POST to ``webhook_url``: ntfy-style plain text, or Slack/Discord JSON.

Terminal bytes go to ``Notifier.terminal`` (the TUI routes them through its driver) or else
to ``/dev/tty``. ``send`` blocks (subprocesses, HTTP with a timeout): in the TUI call it from a
worker thread; the toast and terminal hooks the Focus pane installs work from any thread.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping

from cockpit.config import NotifyConfig
from cockpit.core.alerts import Alert
from cockpit.core.record import record
from cockpit.core.text import clean

CHANNELS = ("toast", "bell", "osc", "tmux", "desktop", "webhook")


@record
class ChannelResult:
    channel: str
    ok: bool
    detail: str = ""
    available: bool = True  # False: the channel does not apply here (no tmux, no desktop, no URL)


class ChannelUnavailable(Exception):
    """The channel cannot work here (no tmux, no desktop, not configured): not an error."""


# ---------------------------------------------------------------------------- escape sequences


def osc_sequences(alert: Alert) -> list[bytes]:
    """OSC 777 and OSC 9 for ``alert``, cleaned: no escapes or control bytes can leak in."""
    title = clean(alert.title, 100).replace(";", ",")
    body = clean(alert.body, 300)
    text9 = f"{title}: {body}" if body else title
    return [
        f"\x1b]777;notify;{title};{body}\x07".encode(),
        f"\x1b]9;{text9}\x07".encode(),
    ]


def tmux_wrap(seq: bytes) -> bytes:
    """DCS passthrough: tmux hands the inner sequence to the outer terminal unchanged."""
    return b"\x1bPtmux;" + seq.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"


def _tty_write(data: bytes) -> None:
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError as e:
        raise ChannelUnavailable(f"no terminal ({e.strerror})") from None
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def client_ttys_writer(env: Mapping[str, str]) -> Callable[[bytes], None]:
    """A terminal hook for a process with no terminal of its own (the tmux status line's): it
    writes to the terminal of every client attached to ``$TMUX``'s server, which is the user's
    own terminal (no passthrough needed)."""

    def write(data: bytes) -> None:
        if not env.get("TMUX"):
            raise ChannelUnavailable("no terminal and not inside tmux")
        try:
            r = subprocess.run(
                ["tmux", "list-clients", "-F", "#{client_tty}"],
                env=dict(env), capture_output=True, text=True, timeout=5,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ChannelUnavailable(f"tmux: {e}") from None
        ttys = [t for t in r.stdout.splitlines() if t.startswith("/dev/")] if r.returncode == 0 else []
        if not ttys:
            raise ChannelUnavailable("no tmux client attached")
        written = 0
        for tty in ttys:
            try:
                fd = os.open(tty, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
            except OSError:
                continue  # another user's client, or gone
            try:
                os.write(fd, data)
                written += 1
            except OSError:
                pass
            finally:
                os.close(fd)
        if not written:
            raise RuntimeError("could not write to any tmux client's terminal")

    return write


# ---------------------------------------------------------------------------- desktop detection


def desktop_session(env: Mapping[str, str]) -> str | None:
    """None when a desktop notification service is reachable, else why not."""
    bus = env.get("DBUS_SESSION_BUS_ADDRESS")
    if not (bus or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return "no desktop session (no DISPLAY, WAYLAND_DISPLAY or session bus)"
    if shutil.which("dbus-send", path=env.get("PATH")):
        try:
            r = subprocess.run(
                [
                    "dbus-send", "--session", "--print-reply", "--reply-timeout=2000",
                    "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications",
                ],
                env=dict(env), capture_output=True, text=True, timeout=5,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"session bus not reachable ({e})"
        if r.returncode != 0:
            return "session bus not reachable: " + clean(r.stderr.strip() or f"exit {r.returncode}", 120)
        if "boolean true" not in r.stdout:
            return "no notification service on the session bus"
    return None


# ---------------------------------------------------------------------------- the chain


class Notifier:
    def __init__(
        self,
        config: NotifyConfig,
        toast: Callable[[Alert], None] | None = None,
        terminal: Callable[[bytes], None] | None = None,
        env: Mapping[str, str] | None = None,
        passthrough: bool | None = None,
    ) -> None:
        self.config = config
        self.toast = toast
        self.terminal = terminal
        self.env = env
        # wrap escapes for tmux (DCS passthrough): by default when inside tmux; False when the
        # terminal hook writes to the outer terminal itself (``client_ttys_writer``)
        self.passthrough = passthrough

    @property
    def _env(self) -> Mapping[str, str]:
        return os.environ if self.env is None else self.env

    def send(self, alert: Alert) -> list[ChannelResult]:
        results: list[ChannelResult] = []
        for name in self.config.channels:
            fn = getattr(self, f"_ch_{name}", None) if name in CHANNELS else None
            if fn is None:
                results.append(ChannelResult(name, False, f"unknown channel (known: {', '.join(CHANNELS)})"))
                continue
            try:
                detail = fn(alert) or ""
                results.append(ChannelResult(name, True, detail))
            except ChannelUnavailable as e:
                results.append(ChannelResult(name, False, f"unavailable: {e}", available=False))
            except Exception as e:  # noqa: BLE001 - a channel never breaks the chain
                results.append(ChannelResult(name, False, clean(f"{type(e).__name__}: {e}", 200)))
        return results

    # -------------------------------------------------------------- channels

    def _write(self, data: bytes) -> None:
        (self.terminal or _tty_write)(data)

    def _ch_toast(self, alert: Alert) -> str:
        if self.toast is None:
            raise ChannelUnavailable("only inside the app")
        self.toast(alert)
        return ""

    def _ch_bell(self, alert: Alert) -> str:
        self._write(b"\x07")
        return ""

    def _ch_osc(self, alert: Alert) -> str:
        seqs = osc_sequences(alert)
        wrap = bool(self._env.get("TMUX")) if self.passthrough is None else self.passthrough
        for i, seq in enumerate(seqs):
            if i:
                time.sleep(0.05)  # one sequence per write: tmux may drop a second one in the same read
            self._write(tmux_wrap(seq) if wrap else seq)
        return "OSC 777 + OSC 9" + (" via tmux passthrough" if wrap else "")

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", *args], env=dict(self._env), capture_output=True, text=True, timeout=5)

    def _ch_tmux(self, alert: Alert) -> str:
        if not self._env.get("TMUX"):
            raise ChannelUnavailable("not inside tmux")
        if shutil.which("tmux", path=self._env.get("PATH")) is None:
            raise ChannelUnavailable("tmux not found")
        r = self._tmux("list-clients", "-F", "#{client_name}")
        if r.returncode != 0:
            raise RuntimeError(clean(r.stderr.strip() or f"tmux exit {r.returncode}", 200))
        clients = [c for c in r.stdout.splitlines() if c.strip()]
        if not clients:
            raise ChannelUnavailable("no tmux client attached")
        text = clean(f"{alert.title}: {alert.body}" if alert.body else alert.title, 200).replace("#", "##")
        shown = 0
        for c in clients:
            d = self._tmux("display-message", "-c", c, "-d", str(self.config.tmux_display_ms), text)
            shown += d.returncode == 0
        if not shown:
            raise RuntimeError("display-message failed on every client")
        return f"{shown} client(s)"

    def _ch_desktop(self, alert: Alert) -> str:
        why = desktop_session(self._env)
        if why:
            raise ChannelUnavailable(why)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                from plyer import notification

                notification.notify(
                    title=clean(alert.title, 100),
                    message=clean(alert.body, 300),
                    app_name="cockpit",
                    timeout=10,
                )
            except NotImplementedError as e:
                raise ChannelUnavailable(f"plyer: {e}") from None
            except ImportError as e:
                raise ChannelUnavailable(f"plyer not installed ({e})") from None
        return "plyer"

    def _ch_webhook(self, alert: Alert) -> str:
        url = self.config.webhook_url.strip()
        if not url:
            raise ChannelUnavailable("no webhook_url set")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook_url must be http:// or https://, got {clean(url, 60)!r}")
        import urllib.error
        import urllib.request

        title, body = clean(alert.title, 200), clean(alert.body, 2000)
        fmt = self.config.webhook_format
        headers = {"User-Agent": "cockpit"}
        if fmt == "ntfy":
            data = (body or title).encode()
            headers["Content-Type"] = "text/plain; charset=utf-8"
            try:
                title.encode("latin-1")
                headers["Title"] = title
            except UnicodeEncodeError:
                data = f"{title}\n{body}".encode()
            headers["Priority"] = {"low": "2", "normal": "3", "critical": "5"}[alert.urgency]
            if alert.source:
                headers["Tags"] = clean(alert.source, 40)
        else:
            key, bold = ("text", "*") if fmt == "slack" else ("content", "**")
            text = f"{bold}{title}{bold}" + (f"\n{body}" if body else "")
            data = json.dumps({key: text}).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.config.webhook_timeout_s) as resp:
                return f"HTTP {resp.status}"
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"HTTP {e.code} {e.reason}") from None
        except urllib.error.URLError as e:
            raise RuntimeError(f"cannot reach the webhook: {e.reason}") from None
