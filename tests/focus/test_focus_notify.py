"""Every alert channel for real: tmux panes, a private D-Bus, an HTTP server on 127.0.0.1."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from cockpit.config import NotifyConfig
from cockpit.core.alerts import Alert
from cockpit.sources.notify import Notifier, osc_sequences, tmux_wrap
from tests.harness.desktop import PrivateBus
from tests.harness.tmux import REPO, clean_env, cockpit_cmd
from tests.harness.tmux_nested import NestedTmux

ALERT = Alert("Sprint done", "90 min of focus. Break: 20 min.", "normal", "focus")


# ---------------------------------------------------------------------------- webhook


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append((self.path, dict(self.headers), body))  # type: ignore[attr-defined]
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    server.got = []  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server
    server.shutdown()
    server.server_close()


def url(server, path="/cockpit"):
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_webhook_ntfy_plain_text(hook):
    n = Notifier(NotifyConfig(channels=["webhook"], webhook_url=url(hook), webhook_format="ntfy"))
    (r,) = n.send(Alert("Job failed", "exit 7 on gpu3", "critical", "gpu"))
    assert r.ok and r.detail == "HTTP 200"
    path, headers, body = hook.got[0]
    assert path == "/cockpit" and body == b"exit 7 on gpu3"
    assert headers["Title"] == "Job failed" and headers["Priority"] == "5" and headers["Tags"] == "gpu"


@pytest.mark.parametrize(
    ("fmt", "key", "text"), [("slack", "text", "*Sprint done*"), ("discord", "content", "**Sprint done**")]
)
def test_webhook_slack_and_discord_json(hook, fmt, key, text):
    n = Notifier(NotifyConfig(channels=["webhook"], webhook_url=url(hook), webhook_format=fmt))
    (r,) = n.send(ALERT)
    assert r.ok
    _, headers, body = hook.got[0]
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {key: f"{text}\n90 min of focus. Break: 20 min."}


def test_webhook_errors_are_reported_and_isolated(hook, tmp_path):
    hook.status = 500
    got: list[Alert] = []
    cfg = NotifyConfig(channels=["webhook", "toast"], webhook_url=url(hook))
    results = Notifier(cfg, toast=got.append).send(ALERT)
    assert [(r.channel, r.ok) for r in results] == [("webhook", False), ("toast", True)]
    assert "HTTP 500" in results[0].detail and got == [ALERT]
    dead = Notifier(
        NotifyConfig(channels=["webhook"], webhook_url="http://127.0.0.1:9/x", webhook_timeout_s=2)
    )
    (r,) = dead.send(ALERT)
    assert not r.ok and "cannot reach" in r.detail
    (r,) = Notifier(NotifyConfig(channels=["webhook"], webhook_url="file:///etc/passwd")).send(ALERT)
    assert not r.ok and "http" in r.detail


def test_hostile_alert_text_cannot_inject_escapes(hook):
    evil = Alert("\x1b]52;c;cHduZWQ=\x07[bold]t;x", "body\x1b[2J\nline\x00", "normal")
    seq = b"".join(osc_sequences(evil))
    assert seq.count(b"\x1b") == 2 and b"52;c" not in seq.replace(b"]52;", b"")
    assert b"\x1b[2J" not in seq and b"\x00" not in seq
    n = Notifier(NotifyConfig(channels=["webhook"], webhook_url=url(hook)))
    assert n.send(evil)[0].ok
    _, headers, body = hook.got[0]
    assert b"\x1b" not in body and "\x1b" not in headers["Title"]


def test_unknown_channel_and_failing_toast_do_not_stop_the_chain(hook):
    def boom(alert):
        raise RuntimeError("toast broke")

    cfg = NotifyConfig(channels=["toast", "pager", "webhook"], webhook_url=url(hook))
    results = Notifier(cfg, toast=boom).send(ALERT)
    assert [(r.channel, r.ok) for r in results] == [("toast", False), ("pager", False), ("webhook", True)]
    assert "toast broke" in results[0].detail and "unknown channel" in results[1].detail


# ---------------------------------------------------------------------------- terminal and tmux


def write_config(home, channels):
    (home / "config.toml").write_text(f"[notify]\nchannels = {json.dumps(channels)}\n")


@pytest.mark.e2e
def test_bell_osc_and_display_message_through_real_tmux(home, tmp_path):
    write_config(home, ["bell", "osc", "tmux"])
    with NestedTmux(tmp_path, env={"COCKPIT_HOME": str(home)}) as t:
        t.wait(lambda: "$" in t.outer_screen() or "#" in t.outer_screen(), "a shell prompt")
        t.run(cockpit_cmd("notify", "test") + "; printf 'exit=%s\\n' $?")
        screen = t.wait(
            lambda: re.search(r"^exit=\d", t.inner_screen(), re.M) and t.inner_screen(), "notify test"
        )
        assert "ok   bell" in screen and "ok   osc" in screen and "ok   tmux" in screen, screen
        assert "exit=0" in screen
        # the user's terminal (the outer pane) shows the message in the inner status line
        outer = t.wait(
            lambda: "cockpit test alert: If you can read this" in t.outer_screen() and t.outer_screen(),
            "display-message",
        )
        assert outer.splitlines()[-1].startswith("cockpit test alert")
        inner = t.read_bytes("inner")
        osc777, osc9 = osc_sequences(
            Alert("cockpit test alert", "If you can read this, this channel reaches you.")
        )
        # cockpit wrote: BEL, then both escapes wrapped in tmux's DCS passthrough
        assert b"\x07" + tmux_wrap(osc777) + tmux_wrap(osc9) in inner
        # tmux unwrapped them on the way to the terminal (= what SSH carries to the laptop)
        out = t.wait(lambda: osc9 in t.read_bytes("outer") and t.read_bytes("outer"), "passthrough bytes")
        assert osc777 in out and b"\x1bPtmux;" not in out


@pytest.mark.e2e
def test_tmux_channel_without_client_and_outside_tmux(home, tmp_path):
    cfg = NotifyConfig(channels=["tmux", "osc"])
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    results = Notifier(cfg, terminal=lambda b: None, env=env).send(ALERT)
    assert [(r.ok, r.detail) for r in results] == [
        (False, "unavailable: not inside tmux"),
        (True, "OSC 777 + OSC 9"),
    ]
    sock = tmp_path / "t.sock"
    subprocess.run(["tmux", "-S", str(sock), "-f", "/dev/null", "new-session", "-d", "sleep 60"], check=True)
    try:
        written: list[bytes] = []
        n = Notifier(cfg, terminal=written.append, env={**env, "TMUX": f"{sock},1,0"})
        tmux_r, osc_r = n.send(ALERT)
        assert not tmux_r.ok and "no tmux client attached" in tmux_r.detail
        assert osc_r.ok and written[0].startswith(b"\x1bPtmux;\x1b\x1b]777;notify;Sprint done;90 min")
    finally:
        subprocess.run(["tmux", "-S", str(sock), "kill-server"], check=False)


# ---------------------------------------------------------------------------- desktop (plyer)


def notify_test(home, env, channels=("desktop",)):
    write_config(home, list(channels))
    cmd = [sys.executable, "-m", "cockpit", "notify", "test"]
    full = clean_env({"COCKPIT_HOME": str(home), **env})
    for k in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        if k not in env:
            full.pop(k, None)
    return subprocess.run(cmd, env=full, capture_output=True, text=True, timeout=60, cwd=REPO)


# dbus-daemon, notify-send and the system python with python3-dbus (tests/harness/tools.py)
needs_dbus = pytest.mark.needs_tools("dbus-daemon", "notify-send", "/usr/bin/python3")


@pytest.mark.infra
@needs_dbus
def test_plyer_delivers_to_a_private_notification_server(home, tmp_path):
    with PrivateBus(tmp_path) as bus:
        r = notify_test(home, {"DBUS_SESSION_BUS_ADDRESS": bus.address})
        assert r.returncode == 0, r.stdout + r.stderr
        assert "ok   desktop" in r.stdout
        (n,) = bus.notifications()
        assert n["summary"] == "cockpit test alert" and n["app"] == "cockpit"
        assert n["body"].startswith("If you can read this")


@pytest.mark.infra
@needs_dbus
def test_bus_without_notification_server_is_unavailable(home, tmp_path):
    with PrivateBus(tmp_path, with_notifyd=False) as bus:
        r = notify_test(home, {"DBUS_SESSION_BUS_ADDRESS": bus.address})
    assert r.returncode == 1
    assert "--   desktop  not available here: no notification service on the session bus" in r.stdout


def test_headless_desktop_is_unavailable_not_a_crash(home):
    r = notify_test(home, {}, channels=("desktop", "webhook"))
    assert r.returncode == 1 and r.stderr == ""
    assert "--   desktop  not available here: no desktop session" in r.stdout
    assert "--   webhook  not available here: no webhook_url set" in r.stdout


@pytest.mark.infra
@needs_dbus
def test_plyer_without_any_backend_degrades_to_unavailable(home, tmp_path):
    # a bus with a server, but neither python-dbus nor notify-send: plyer raises NotImplementedError
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(shutil.which("dbus-send"), bindir / "dbus-send")
    with PrivateBus(tmp_path) as bus:
        r = notify_test(home, {"DBUS_SESSION_BUS_ADDRESS": bus.address, "PATH": str(bindir)})
        assert bus.notifications(timeout=0.5) == []
    assert r.returncode == 1, r.stdout + r.stderr
    assert "--   desktop  not available here: plyer: No usable implementation found!" in r.stdout
    assert "Traceback" not in r.stderr
