"""cockpit serve's key: made fresh or kept private, compared in constant time; loopback only."""

from __future__ import annotations

import stat

from cockpit.tui import serve


def test_each_run_gets_a_new_long_key():
    a, b = serve.new_key(), serve.new_key()
    assert a != b and len(a) >= 40


def test_kept_key_is_private_and_stays_the_same(tmp_path):
    first = serve.kept_key(tmp_path)
    path = tmp_path / serve.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert serve.kept_key(tmp_path) == first
    path.chmod(0o644)  # loosened by hand: made private again
    assert serve.kept_key(tmp_path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_short_or_empty_kept_key_is_replaced(tmp_path):
    (tmp_path / serve.KEY_FILE).write_text("abc\n")
    key = serve.kept_key(tmp_path)
    assert key != "abc" and len(key) >= 40


def test_only_the_exact_key_matches():
    key = serve.new_key()
    assert serve.same(key, key)
    for wrong in (None, "", key[:-1], key + "x", key.upper(), "é" * 10):
        assert not serve.same(wrong, key)


def test_loopback_addresses():
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert serve.is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.5", "gpu-box", "example.org"):
        assert not serve.is_loopback(host), host


def test_the_app_command_runs_this_python_on_the_same_home():
    cmd = serve.app_command("/tmp/my home")
    assert cmd.startswith("COCKPIT_SERVED=1 exec ")
    assert "-m cockpit --home '/tmp/my home'" in cmd
