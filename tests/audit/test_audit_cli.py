"""The `cockpit track` and `cockpit audit` commands: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cockpit.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_track_start_switch_status_stop(home, capsys):
    from cockpit.context import Context
    from cockpit.services import mits

    rc, _, err = run(capsys, "track", "start", "m", "--task", "99")
    assert rc == 2 and "no task with id '99'" in err
    task = mits.tasks(Context.open(home)).insert({"title": "ablation study"})
    assert (
        run(capsys, "track", "start", "M", "--note", "[bold]sweep[/]", "--task", task)[1]
        == "tracking Model Development/Experimentation\n"
    )
    rc, out, _ = run(capsys, "track", "status", "--json")
    st = json.loads(out)
    assert (
        rc == 0
        and st["tracking"] is True
        and st["category"] == "model"
        and st["note"] == "[bold]sweep[/]"
        and st["task"] == task
    )
    assert set(st) == {"tracking", "category", "name", "since", "elapsed_s", "note", "task", "source"}
    assert run(capsys, "track", "start", "eval")[0] == 0
    rc, out, _ = run(capsys, "track", "stop")
    assert rc == 0 and out.startswith("stopped Evaluation/Analysis after 0h00")
    assert json.loads(run(capsys, "track", "status", "--json")[1]) == {"tracking": False}
    assert run(capsys, "track", "status")[1] == "not tracking\n"


def test_unknown_category_is_exit_2_one_line(home, capsys):
    rc, _, err = run(capsys, "track", "start", "nap")
    assert rc == 2 and err.count("\n") == 1 and err.startswith("cockpit: error: unknown category 'nap'")


def test_report_json_shape(home, capsys):
    run(capsys, "audit", "add", "2026-01-05 09:00", "10:30", "d")
    run(capsys, "audit", "add", "2026-01-05 10:30", "10:35", "x")
    run(capsys, "audit", "add", "2026-01-05 10:35", "12:00", "m")
    rc, out, _ = run(capsys, "audit", "report", "--from", "2026-01-05", "--to", "2026-01-05", "--json")
    r = json.loads(out)
    assert rc == 0
    assert r["categories"] == {"data": 5400, "model": 5100, "switching": 300}
    assert r["total_s"] == 10800 and r["context_switches"] == 2 and r["fragments"] == 1
    assert r["days"][0]["date"] == "2026-01-05" and r["previous"]["total_s"] == 0
    rc, out, _ = run(capsys, "audit", "report", "--week", "--date", "2026-01-07", "--json")
    assert json.loads(out)["from"] == "2026-01-05" and json.loads(out)["to"] == "2026-01-11"
    assert json.loads(out)["categories"]["data"] == 5400
    rc, out, _ = run(capsys, "audit", "report", "--day", "--date", "2026-01-05")
    assert "Data Preprocessing/Cle" in out and "context switches 2" in out
    rc, _, err = run(capsys, "audit", "report", "--from", "2026-01-05")
    assert rc == 2 and "--from and --to go together" in err


def test_overlap_refused_on_the_command_line_then_adjust(home, capsys):
    run(capsys, "audit", "add", "2026-01-05 09:00", "11:00", "d")
    rc, _, err = run(capsys, "audit", "add", "2026-01-05 10:00", "12:00", "m")
    assert rc == 1 and "overlaps Data Preprocessing/Cleaning" in err and "adjust" in err
    assert run(capsys, "audit", "add", "2026-01-05 10:00", "12:00", "m", "--adjust")[0] == 0
    rows = json.loads(run(capsys, "audit", "list", "--date", "2026-01-05", "--json")[1])
    assert [(r["category"], r["seconds"]) for r in rows] == [("data", 3600), ("model", 7200)]


def test_split_merge_delete_from_the_cli(home, capsys):
    run(capsys, "audit", "add", "2026-01-05 09:00", "11:00", "d")
    [row] = json.loads(run(capsys, "audit", "list", "--date", "2026-01-05", "--json")[1])
    out = run(capsys, "audit", "split", row["id"], "10:00")[1]
    a, b = out.split()[2], out.split()[4]
    assert len(json.loads(run(capsys, "audit", "list", "--date", "2026-01-05", "--json")[1])) == 2
    run(capsys, "audit", "merge", a, b)
    assert len(json.loads(run(capsys, "audit", "list", "--date", "2026-01-05", "--json")[1])) == 1
    run(capsys, "audit", "delete", a)
    assert json.loads(run(capsys, "audit", "list", "--date", "2026-01-05", "--json")[1]) == []


def test_import_dry_run_then_real_then_again(home, capsys, tmp_path):
    f = tmp_path / "frames"
    f.write_text(
        json.dumps(
            [
                [1704445200, 1704452400, "thesis", "f1", ["writing"], 0],
                [1704452400, 1704456000, "??", "f2", [], 0],
            ]
        )
    )
    rc, out, err = run(capsys, "audit", "import", "watson", str(f), "--map", "thesis=w", "--dry-run")
    assert rc == 1 and "would import 1 entries (2h00)" in out and "frame 2: no category for '??'" in err
    assert json.loads(run(capsys, "audit", "export", "--format", "json")[1]) == []
    rc, out, _ = run(
        capsys, "audit", "import", "watson", str(f), "--map", "thesis=w", "--map", "??=admin", "--json"
    )
    j = json.loads(out)
    assert rc == 0 and j["imported"] == 2 and j["total_s"] == 10800 and j["errors"] == []
    j = json.loads(
        run(capsys, "audit", "import", "watson", str(f), "--map", "thesis=w", "--map", "??=admin", "--json")[
            1
        ]
    )
    assert j["imported"] == 0 and j["duplicates"] == 2
    rc, _, err = run(capsys, "audit", "import", "watson", str(f), "--map", "thesis")
    assert rc == 2 and "expected NAME=CATEGORY" in err


def test_export_csv_range_as_a_real_process(home):
    env = {"COCKPIT_HOME": str(home), "PATH": "/usr/bin:/bin", "TZ": "America/New_York"}
    cmd = [sys.executable, "-m", "cockpit"]
    subprocess.run(
        [*cmd, "audit", "add", "2026-01-05 23:30", "2026-01-06 00:30", "r", "--note", "a,b"],
        env=env,
        check=True,
    )
    out = subprocess.run(
        [*cmd, "audit", "export", "--from", "2026-01-06", "--to", "2026-01-06", "--format", "csv"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = out.splitlines()
    assert lines[0].startswith("id,start,end,local_start")
    assert len(lines) == 2 and "2026-01-05T23:30:00-05:00" in lines[1] and '"a,b"' in lines[1]


def test_hostile_notes_are_printed_without_escapes(home, capsys):
    note = "[bold]x[/] \x1b]0;title\x07\x1b[2J\x00 漢字"
    run(capsys, "audit", "add", "2026-01-05 09:00", "10:00", "d", "--note", note)
    out = run(capsys, "audit", "list", "--date", "2026-01-05")[1]
    assert "[bold]x[/]  漢字" in out and "\x1b" not in out and "\x00" not in out
    rows = json.loads(run(capsys, "audit", "export", "--format", "json")[1])
    assert rows[0]["note"] == note  # the data itself is kept as typed
    run(capsys, "track", "start", "m", "--note", note)
    out = run(capsys, "track", "status")[1]
    assert "\x1b" not in out and "[bold]x[/]" in out


def test_import_of_bad_files_is_one_clear_line(home, capsys, tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    rc, _, err = run(capsys, "audit", "import", "toggl", str(binary), "--tz", "UTC")
    assert rc == 1 and err.strip().endswith("is not UTF-8 text") and err.count("\n") == 1
    empty = tmp_path / "e.csv"
    empty.write_text("")
    rc, _, err = run(capsys, "audit", "import", "clockify", str(empty), "--tz", "UTC")
    assert rc == 1 and "the file is empty" in err
    other = tmp_path / "o.json"
    other.write_text('{"not": "a list"}')
    rc, _, err = run(capsys, "audit", "import", "watson", str(other))
    assert rc == 1 and "expected a JSON list" in err
    rc, _, err = run(capsys, "audit", "import", "toggl", str(tmp_path / "missing.csv"))
    assert rc == 1 and "cannot read" in err and "No such file" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("audit", "report", "--from", "2026-02-30", "--to", "2026-03-02"),
            "date '2026-02-30' does not exist",
        ),
        (("audit", "report", "--day", "--date", "2026-13-01"), "date '2026-13-01' does not exist"),
        (("audit", "list", "--date", "2026-02-29"), "date '2026-02-29' does not exist"),
        (("audit", "export", "--to", "2026-04-31", "--format", "csv"), "date '2026-04-31' does not exist"),
        (("audit", "add", "2026-02-30 10:00", "11:00", "m"), "date '2026-02-30' does not exist"),
        (("audit", "add", "2026-01-05 24:61", "11:00", "m"), "time '24:61' does not exist"),
        (("audit", "add", "2026-01-05 09:00", "25:00", "m"), "time '25:00' does not exist"),
        (("audit", "edit", "1", "--end", "2026-01-05 09:60"), "time '09:60' does not exist"),
        (("papers", "rank", "--week", "2026-W54"), "week 2026-W54 does not exist"),
        # malformed, not impossible: the format it wants
        (("audit", "list", "--date", "30.2.2026"), "date '30.2.2026' is not YYYY-MM-DD"),
        (("audit", "add", "tomorrow 9", "11:00", "m"), "time 'tomorrow 9' is not YYYY-MM-DD HH:MM or HH:MM"),
        (("audit", "add", "2026-01-05 09:00", "9h", "m"), "time '9h' is not YYYY-MM-DD HH:MM or HH:MM"),
    ],
)
def test_impossible_dates_do_not_exist_and_malformed_ones_name_the_format(home, capsys, argv, message):
    rc, out, err = run(capsys, *argv)
    assert rc == 2 and out == ""
    assert message in err
    assert ("does not exist" in message) == ("does not exist" in err)
