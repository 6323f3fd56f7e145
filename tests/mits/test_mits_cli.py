"""`cockpit task ...`: JSON shape, bad input (exit 2, nothing changed), the cap, hostile titles."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cockpit.cli import main
from tests.harness.tmux import REPO


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def store_bytes(home) -> bytes:  # noqa: ANN001
    path = home / "data" / "store" / "tasks" / "0000xx.json"
    return path.read_bytes() if path.exists() else b""


def test_add_and_list_json_shape(home, capsys):
    code, out, _ = run(
        capsys, "task", "add", "Train the baseline", "--mit", "--impact", "high", "--effort", "days",
        "--stage", "Data prep", "--category", "Model Development/Experimentation", "--estimate", "3",
    )  # fmt: skip
    assert code == 0 and "added task 1 as an MIT" in out
    run(capsys, "task", "add", "Read the paper", "--effort", "quick", "--category", "r")
    code, out, _ = run(capsys, "task", "list", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) == 2
    first = items[0]
    for key in ("id", "title", "mit", "done", "impact", "effort", "stage", "category"):
        assert key in first
    assert first == {**first, "id": "1", "title": "Train the baseline", "mit": True, "done": False,
                     "impact": "high", "effort": "days", "stage": "data", "category": "model", "estimate": 3}  # fmt: skip
    assert items[1]["category"] == "research" and items[1]["mit"] is False
    code, out, _ = run(capsys, "task", "list", "--today", "--json")
    assert [t["title"] for t in json.loads(out)] == ["Train the baseline"]


def test_done_mit_and_all(home, capsys):
    run(capsys, "task", "add", "a")
    run(capsys, "task", "add", "b")
    assert run(capsys, "task", "mit", "2")[0] == 0
    assert run(capsys, "task", "done", "1")[0] == 0
    _, out, _ = run(capsys, "task", "list", "--json")
    assert [(t["id"], t["mit"]) for t in json.loads(out)] == [("2", True)]
    _, out, _ = run(capsys, "task", "list", "--all", "--json")
    assert [(t["id"], t["done"]) for t in json.loads(out)] == [("2", False), ("1", True)]
    _, out, _ = run(capsys, "task", "history", "--days", "1", "--json")
    assert json.loads(out)[0]["planned"] == 1


@pytest.mark.parametrize(
    ("args", "valid"),
    [
        (("task", "add", "x", "--stage", "shipping"), "hypothesis"),
        (("task", "add", "x", "--category", "cooking"), "research"),
        (("task", "add", "x", "--impact", "huge"), "high, low"),
        (("task", "add", "x", "--effort", "weeks"), "quick, hours, days"),
        (("task", "done", "42"), "open task ids: 1"),
        (("task", "mit", "nope"), "open task ids: 1"),
        (("task", "rm", "7"), "open task ids: 1"),
    ],
)
def test_bad_input_lists_valid_values_exit_2_nothing_changed(home, capsys, args, valid):
    run(capsys, "task", "add", "existing")
    before = store_bytes(home)
    code, out, err = run(capsys, *args)
    assert code == 2
    assert valid in err and err.count("\n") == 1
    assert store_bytes(home) == before


def test_fourth_mit_refused_with_a_clear_message(home, capsys):
    for i in range(3):
        run(capsys, "task", "add", f"m{i}", "--mit")
    run(capsys, "task", "add", "extra")
    before = store_bytes(home)
    code, _, err = run(capsys, "task", "mit", "4")
    assert code == 1 and "cap is 3" in err
    code, _, err = run(capsys, "task", "add", "fifth", "--mit")
    assert code == 1 and "cap is 3" in err
    assert store_bytes(home) == before


def test_status_file_follows_cli_changes(home, capsys):
    run(capsys, "task", "add", "write intro", "--mit")
    run(capsys, "task", "add", "plots", "--mit")
    run(capsys, "task", "done", "1")
    code, out, _ = run(capsys, "status", "--format", "json")
    assert json.loads(out)["mits"] == {"current": "plots", "done": 1, "total": 2}
    _, out, _ = run(capsys, "status")
    assert "MIT: plots" in out


def test_hostile_titles_are_kept_literal_and_cleaned(home, capsys):
    hostile = "[bold red]boom[/] [link=http://x]y[/link] \x1b[31mred\x1b]0;title\x07 \u202eevil 中文"
    assert run(capsys, "task", "add", hostile)[0] == 0
    run(capsys, "task", "add", "n" * 10_000)
    _, out, _ = run(capsys, "task", "list")
    assert "[bold red]boom[/] [link=http://x]y[/link]" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "中文" in out
    _, out, _ = run(capsys, "task", "list", "--json")
    items = json.loads(out)
    assert items[0]["title"].startswith("[bold red]boom[/]")
    assert len(items[1]["title"]) == 10_000


def test_nul_in_a_title_from_the_shell_argv(home):
    # argv cannot carry NUL; a title with one arrives through Python only
    from cockpit.context import Context
    from cockpit.services import mits

    ctx = Context.open(home)
    t = mits.add_task(ctx, "a\x00b\x00")
    assert t.title == "ab"
    with pytest.raises(Exception, match="title"):
        mits.add_task(ctx, "\x00\x1b[2J")


def test_task_command_in_a_subprocess(home):
    env = {**os.environ, "COCKPIT_HOME": str(home), "PYTHONPATH": str(REPO)}
    r = subprocess.run(
        [sys.executable, "-m", "cockpit", "task", "add", "--", "-starts with a dash"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "cockpit", "task", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(r.stdout)[0]["title"] == "-starts with a dash"


def test_unreadable_tasks_file_one_line_error_and_untouched(home, capsys):
    run(capsys, "task", "add", "precious")
    path = home / "data" / "store" / "tasks" / "0000xx.json"
    path.write_text("not json")
    for args in (("task", "list"), ("task", "add", "x"), ("task", "done", "1")):
        code, _, err = run(capsys, *args)
        assert code == 1 and "unreadable" in err and err.count("\n") == 1
    assert path.read_text() == "not json"
