"""Without a terminal (``cockpit </dev/null``, nohup, cron) the TUI says so and exits 2, instead
of spinning a core writing escape codes into a file. Subcommands still run."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.harness.tmux import REPO, clean_env


def _run(home, stdin, stdout, stderr, *args):
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args],
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        env=clean_env({"COCKPIT_HOME": str(home)}),
        cwd=REPO,
        timeout=30,
    )


def test_no_tty_at_all_exits_2_with_one_line_and_no_escapes(home, tmp_path):
    out, err = tmp_path / "out", tmp_path / "err"
    with open(os.devnull, "rb") as null, out.open("wb") as o, err.open("wb") as e:
        r = _run(home, null, o, e)
    assert r.returncode == 2
    assert out.read_bytes() == b""
    text = err.read_bytes()
    assert b"\x1b" not in text
    lines = text.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("cockpit: error: the TUI needs a terminal")
    assert "stdin and stderr are not terminals" in lines[0]


def test_nohup_style_stderr_to_a_file_is_refused_too(home, tmp_path):
    """A terminal for keys but stderr (where Textual draws) sent to a file, as nohup does."""
    err = tmp_path / "err"
    main, tty = pty.openpty()
    try:
        with err.open("wb") as e:
            r = _run(home, tty, tty, e)
    finally:
        os.close(main)
        os.close(tty)
    assert r.returncode == 2
    text = err.read_bytes().decode()
    assert b"\x1b" not in err.read_bytes() and len(text.splitlines()) == 1
    assert "(stderr is not a terminal)" in text


def test_subcommands_need_no_terminal(home):
    with open(os.devnull, "rb") as null:
        r = _run(home, null, subprocess.PIPE, subprocess.PIPE, "task", "list")
    assert r.returncode == 0, r.stderr
