"""Unit tests of the Slurm parsers on small outputs written here (shapes seen on Slurm 22.05.8
and in the 23.02+ data_parser docs). No cluster needed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cockpit.core.slurm import format_duration, normalize_state
from cockpit.core.text import clean
from cockpit.sources.parse_slurm import (
    DELIM,
    SACCT_FIELDS,
    expand_nodelist,
    gpu_count,
    gpu_count_per_node,
    gpu_ids,
    parse_duration,
    parse_exit_code,
    parse_jobcomp,
    parse_json,
    parse_probe,
    parse_sacct,
    parse_squeue_text,
    parse_time,
    parse_utc_offset,
    read_probe,
    split_job_id,
    split_sections,
    split_wait_status,
)
from tests.harness.slurm_text import E0, JOBCOMP, SQUEUE_HEADER, T0, probe_text, row

# ---------------------------------------------------------------- small parsers


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0:00", 0),
        ("0:17", 17),
        ("12:05", 725),
        ("1:00:00", 3600),
        ("00:01:24", 84),
        ("2-03:04:05", 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        ("1-00", 86400),
        ("1-02:30", 86400 + 2 * 3600 + 30 * 60),
        ("60", 3600),  # jobcomp TimeLimit is in minutes
        ("00:00:02.345", 2),
        ("UNLIMITED", None),
        ("Partition_Limit", None),
        ("INVALID", None),
        ("N/A", None),
        ("", None),
        ("x:y", None),
        ("-1:00", None),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_format_duration_round_trips():
    for s in (0, 59, 61, 3599, 3600, 86399, 86400 + 3661, 10 * 86400):
        assert parse_duration(format_duration(s)) == s
    assert format_duration(None) == "-"
    assert format_duration(3725) == "1:02:05"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0:0", (0, 0)),
        ("7:0", (7, 0)),
        ("0:15", (0, 15)),
        ("137:9", (137, 9)),
        ("", (None, None)),
        ("x", (None, None)),
    ],
)
def test_parse_exit_code(text, expected):
    assert parse_exit_code(text) == expected


def test_raw_wait_status_of_2205_json():
    assert split_wait_status(1792) == (7, 0)  # exit 7
    assert split_wait_status(15) == (0, 15)  # killed by SIGTERM
    assert split_wait_status(0) == (0, 0)


@pytest.mark.parametrize(
    ("text", "state", "by"),
    [
        ("CANCELLED by 0", "CANCELLED", "0"),
        ("CANCELLED by 2166", "CANCELLED", "2166"),
        ("COMPLETED", "COMPLETED", None),
        ("CA", "CANCELLED", None),
        ("PD", "PENDING", None),
        ("TO", "TIMEOUT", None),
        ("OOM", "OUT_OF_MEMORY", None),
        ("running", "RUNNING", None),
        ("COMPLETED+", "COMPLETED", None),
        (["RUNNING", "COMPLETING"], "RUNNING", None),
        ("", "UNKNOWN", None),
        (None, "UNKNOWN", None),
    ],
)
def test_normalize_state(text, state, by):
    assert normalize_state(text) == (state, by)


@pytest.mark.parametrize(
    ("text", "first", "step", "array", "task", "het", "off"),
    [
        ("123", "123", None, "", "", "", ""),
        ("123_4", "123_4", None, "123", "4", "", ""),
        ("123_[5-1024]", "123_[5-1024]", None, "123", "[5-1024]", "", ""),
        ("123+0", "123+0", None, "", "", "123", "0"),
        ("123.batch", "123", "batch", "", "", "", ""),
        ("123.extern", "123", "extern", "", "", "", ""),
        ("123.0", "123", "0", "", "", "", ""),
        ("123_4.batch", "123_4", "batch", "123", "4", "", ""),
        ("1853+0.0", "1853+0", "0", "", "", "1853", "0"),
    ],
)
def test_split_job_id(text, first, step, array, task, het, off):
    j = split_job_id(text)
    assert j is not None
    assert (j.text, j.step, j.array_job_id, j.array_task, j.het_job_id, j.het_offset) == (
        first,
        step,
        array,
        task,
        het,
        off,
    )


def test_split_job_id_rejects_garbage():
    assert split_job_id("JobID") is None
    assert split_job_id("12a") is None
    assert split_job_id("") is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("n[1-3]", ["n1", "n2", "n3"]),
        ("n[1-3,7]", ["n1", "n2", "n3", "n7"]),
        ("gpu[01-03],cpu5", ["gpu01", "gpu02", "gpu03", "cpu5"]),
        ("rack[1-2]-n[1-2]", ["rack1-n1", "rack1-n2", "rack2-n1", "rack2-n2"]),
        ("localhost", ["localhost"]),
        ("", []),
        ("None assigned", []),  # sacct, for a job that never ran
        ("(null)", []),
    ],
)
def test_expand_nodelist(text, names):
    assert expand_nodelist(text) == names


def test_expand_nodelist_does_not_explode_on_a_huge_range():
    assert expand_nodelist("n[1-99999999]") == ["n1-99999999"]


@pytest.mark.parametrize(
    ("spec", "count"),
    [
        ("cpu=1,mem=16G,node=1,billing=1,gres/gpu=4", 4),
        ("cpu=8,gres/gpu=2,gres/gpu:a100=2", 2),  # untyped total wins over the typed repeat
        ("cpu=8,gres/gpu:a100=2,gres/gpu:v100=1", 3),
        ("gpu:h100:4(IDX:0-3)", 4),
        ("gres/gpu:4", 4),
        ("gres:gpu:2", 2),
        ("gpu:1", 1),
        ("cpu=1,node=1,billing=1", None),
        ("N/A", None),
        ("", None),
        ("gres/gpumem=4000", None),
    ],
)
def test_gpu_count(spec, count):
    assert gpu_count(spec) == count


def test_gpu_count_per_node_and_ids():
    assert gpu_count_per_node("gres:gpu:2", 3) == 6
    assert gpu_count_per_node("N/A", 3) is None
    assert gpu_ids("gpu:h100:4(IDX:0-3)") == "0-3"
    assert gpu_ids("gpu:2") == ""
    assert gpu_count(None, "gres/gpu=1") == 1


def test_parse_time_forms():
    assert parse_time(str(E0)) == T0
    assert parse_time(E0) == T0
    assert parse_time("2026-11-25T13:00:00", parse_utc_offset("+0100")) == T0
    assert parse_time("2026-11-25T07:00:00", parse_utc_offset("-0500")) == T0
    for none in ("Unknown", "None", "N/A", "NONE", "0", "", 0, None, "garbage"):
        assert parse_time(none) is None
    assert parse_utc_offset("nonsense") == dt.UTC


# ---------------------------------------------------------------- squeue text

SQUEUE = "\n".join(
    [
        SQUEUE_HEADER,
        row(
            *"41 41 41 N/A N/A N/A ana RUNNING None 1-02:03:04 2-00:00:00 2 g[1-2]".split(),
            "cpu=16,node=2,billing=16,gres/gpu=8",
            "N/A",
            "gres:gpu:4",
            "gpu",
            E0 - 100000,
            E0 - 93784,
            E0 + 80000,
            "/home/ana/run",
            "/home/ana/logs/%x-%j.out",
            "train|big",
        ),
        row(
            *"7_[1-3] 7 7 1-3 N/A N/A ana PENDING Resources 0:00 1:00:00 1".split(),
            "",
            "cpu=1,mem=1M,node=1,billing=1",
            "N/A",
            "N/A",
            "debug",
            E0 - 10,
            E0 + 3600,
            "NONE",
            "/w",
            "",
            "arr",
        ),
        row(
            *"8_2 9 8 2 N/A N/A ana FAILED NonZeroExitCode 0:03 UNLIMITED 1 n1".split(),
            "cpu=1,node=1",
            "N/A",
            "N/A",
            "debug",
            E0 - 50,
            E0 - 40,
            E0 - 37,
            "/w",
            "%x-%A_%a.out",
            "arr2",
        ),
        row(
            *"11+1 12 12 N/A 11 1 ana PENDING Priority 0:00 UNLIMITED 1".split(),
            "",
            "cpu=1",
            "N/A",
            "N/A",
            "debug",
            E0,
            "N/A",
            "N/A",
            "/w",
            "",
            "het",
        ),
        row(
            *"50 50 50 N/A N/A N/A bob RUNNING None 0:10 UNLIMITED 1 n1".split(),
            "cpu=1",
            "N/A",
            "N/A",
            "debug",
            E0,
            E0,
            E0,
            "/w",
            "",
            "someone else's",
        ),
        "a line that is not a row",
    ]
)


def test_squeue_text_rows():
    jobs = {j.job_id: j for j in parse_squeue_text(SQUEUE, user="ana")}
    assert set(jobs) == {"41", "7_[1-3]", "8_2", "11+1"}  # bob's job and the junk line are out
    big = jobs["41"]
    assert big.name == "train|big"  # a "|" inside the name is no delimiter
    assert (big.state, big.lifecycle, big.user, big.partition) == ("RUNNING", "running", "ana", "gpu")
    assert big.elapsed_s == 93784 and big.time_limit_s == 2 * 86400
    assert (big.nodes, big.node_count, big.gpus) == ("g[1-2]", 2, 8)
    assert big.start == parse_time(str(E0 - 93784)) and big.end is None  # a running job's end is a guess
    assert big.stdout_path == "/home/ana/logs/%x-%j.out" and big.workdir == "/home/ana/run"
    assert big.raw_id == "41"
    rest = jobs["7_[1-3]"]
    assert (rest.state, rest.reason, rest.array_task, rest.start) == ("PENDING", "Resources", "[1-3]", None)
    failed = jobs["8_2"]
    assert (failed.state, failed.reason, failed.raw_id, failed.array_job_id) == (
        "FAILED",
        "NonZeroExitCode",
        "9",
        "8",
    )
    assert failed.end == parse_time(str(E0 - 37)) and failed.exit_code is None  # squeue -O has no exit code
    het = jobs["11+1"]
    assert (het.het_job_id, het.het_offset, het.parent_id, het.raw_id) == ("11", "1", "11", "12")


def test_squeue_text_per_node_gpus_multiply():
    text = "\n".join(
        [
            SQUEUE_HEADER,
            row(
                *"5 5 5 N/A N/A N/A u RUNNING None 0:01 UNLIMITED 3 n[1-3] cpu=3".split(),
                "N/A",
                "gres:gpu:2",
                "p",
                E0,
                E0,
                E0,
                "/w",
                "",
                "x",
            ),
        ]
    )
    (j,) = parse_squeue_text(text)
    assert j.gpus == 6


def test_squeue_pipe_format_with_default_headers():
    text = "JOBID|PARTITION|NAME|USER|ST|TIME|NODES|NODELIST(REASON)\n3|debug|a|u|PD|0:00|1|(Dependency)\n4|debug|b|u|R|1:02|2|n[3-4]"
    jobs = parse_squeue_text(text)
    assert [(j.job_id, j.state, j.reason, j.nodes, j.elapsed_s) for j in jobs] == [
        ("3", "PENDING", "Dependency", "", 0),
        ("4", "RUNNING", "", "n[3-4]", 62),
    ]


def test_squeue_text_without_a_job_id_column_gives_nothing():
    assert parse_squeue_text("NAME|USER\nx|y") == []
    assert parse_squeue_text("") == []


# ---------------------------------------------------------------- sacct -P

SACCT = "\n".join(
    [
        row(
            "3",
            "3",
            "ana",
            "FAILED",
            "7:0",
            "00:00:04",
            "UNLIMITED",
            E0 - 9,
            E0 - 8,
            E0 - 4,
            "1",
            "localhost",
            "billing=1,cpu=1,node=1",
            "debug",
            "None",
            "/w",
            "bad",
        ),
        row(
            "3.batch",
            "3",
            "",
            "FAILED",
            "7:0",
            "00:00:04",
            "",
            E0 - 8,
            E0 - 8,
            E0 - 4,
            "1",
            "localhost",
            "cpu=1",
            "",
            "",
            "",
            "batch",
        ),
        row(
            "3.extern",
            "3",
            "",
            "COMPLETED",
            "0:0",
            "00:00:04",
            "",
            E0 - 8,
            E0 - 8,
            E0 - 4,
            "1",
            "localhost",
            "cpu=1",
            "",
            "",
            "",
            "extern",
        ),
        row(
            "5",
            "5",
            "ana",
            "CANCELLED by 0",
            "0:0",
            "00:00:04",
            "UNLIMITED",
            E0 - 9,
            E0 - 8,
            E0 - 4,
            "1",
            "localhost",
            "billing=1,cpu=1,node=1",
            "debug",
            "None",
            "/w",
            "tocancel",
        ),
        row(
            "5.batch",
            "5",
            "",
            "CANCELLED",
            "0:15",
            "00:00:04",
            "",
            E0 - 8,
            E0 - 8,
            E0 - 4,
            "1",
            "localhost",
            "cpu=1",
            "",
            "",
            "",
            "batch",
        ),
        row(
            "6",
            "6",
            "ana",
            "TIMEOUT",
            "0:0",
            "00:01:24",
            "00:01:00",
            E0 - 90,
            E0 - 85,
            E0,
            "1",
            "localhost",
            "billing=1,cpu=1,node=1,gres/gpu=2",
            "debug",
            "None",
            "/w",
            "slow",
        ),
        row(
            "7_1",
            "8",
            "ana",
            "OUT_OF_MEMORY",
            "0:125",
            "00:00:30",
            "01:00:00",
            E0 - 90,
            E0 - 30,
            E0,
            "1",
            "localhost",
            "cpu=1",
            "debug",
            "None",
            "/w",
            "arr",
        ),
        row(
            "9",
            "9",
            "ana",
            "PENDING",
            "0:0",
            "00:00:00",
            "Partition_Limit",
            E0,
            "Unknown",
            "Unknown",
            "1",
            "None assigned",
            "",
            "debug",
            "None",
            "/w",
            "p",
        ),
        row(
            "10",
            "10",
            "ana",
            "COMPLETED",
            "0:0",
            "00:00:01",
            "UNLIMITED",
            E0,
            E0,
            E0 + 1,
            "1",
            "n1",
            "cpu=1",
            "debug",
            "None",
            "/w",
            "name|~|with delim",
        ),
    ]
)


def test_sacct_rows_and_steps():
    jobs = {j.job_id: j for j in parse_sacct(SACCT, fields=SACCT_FIELDS, delimiter=DELIM)}
    assert set(jobs) == {"3", "5", "6", "7_1", "9", "10"}  # no .batch/.extern
    assert (jobs["3"].state, jobs["3"].exit_code, jobs["3"].signal, jobs["3"].elapsed_s) == (
        "FAILED",
        7,
        0,
        4,
    )
    assert (jobs["5"].state, jobs["5"].cancelled_by) == ("CANCELLED", "0")
    assert (jobs["6"].state, jobs["6"].time_limit_s, jobs["6"].gpus, jobs["6"].exit_code) == (
        "TIMEOUT",
        60,
        2,
        0,
    )
    oom = jobs["7_1"]
    assert (oom.state, oom.lifecycle, oom.raw_id, oom.array_job_id, oom.signal) == (
        "OUT_OF_MEMORY",
        "failed",
        "8",
        "7",
        125,
    )
    pend = jobs["9"]
    assert (pend.nodes, pend.start, pend.end, pend.time_limit_s) == ("", None, None, None)
    assert jobs["10"].name == "name|~|with delim"  # the name column is last and keeps extras


def test_sacct_with_header_and_default_delimiter():
    text = "JobID|JobName|State|ExitCode|Elapsed\n12|a|COMPLETED|0:0|00:00:03\n12.batch|batch|COMPLETED|0:0|00:00:03\n"
    (j,) = parse_sacct(text)
    assert (j.job_id, j.name, j.state, j.exit_code, j.elapsed_s) == ("12", "a", "COMPLETED", 0, 3)


def test_sacct_user_filter_and_local_times():
    text = "12|ana|COMPLETED|2026-11-25T13:00:00|x\n13|bob|COMPLETED|2026-11-25T13:00:00|y"
    jobs = parse_sacct(
        text,
        fields=["JobID", "User", "State", "End", "JobName"],
        delimiter="|",
        tz=parse_utc_offset("+0100"),
        user="ana",
    )
    assert [(j.job_id, j.end) for j in jobs] == [("12", T0)]


# ---------------------------------------------------------------- JSON

JSON_2205 = {
    "meta": {"plugin": {"type": "openapi/v0.0.38"}, "Slurm": {"release": "22.05.8"}},
    "errors": [],
    "jobs": [
        {
            "job_id": 3,
            "name": "bad",
            "user_name": "ana",
            "job_state": "FAILED",
            "state_reason": "NonZeroExitCode",
            "exit_code": 1792,
            "time_limit": None,
            "start_time": E0 - 10,
            "end_time": E0 - 4,
            "submit_time": E0 - 11,
            "array_job_id": 0,
            "array_task_id": None,
            "array_task_string": "",
            "het_job_id": 0,
            "het_job_offset": 0,
            "nodes": "localhost",
            "node_count": 1,
            "tres_alloc_str": "cpu=1,node=1,billing=1",
            "tres_per_node": "",
            "tres_per_job": "",
            "gres_detail": [],
            "partition": "debug",
            "standard_output": "/w/%x-%j.out",
            "current_working_directory": "/w",
        },
        {
            "job_id": 4,
            "name": "long",
            "user_name": "ana",
            "job_state": "RUNNING",
            "state_reason": "None",
            "exit_code": 0,
            "time_limit": 1,
            "start_time": E0 - 30,
            "end_time": E0 + 30,
            "array_job_id": 0,
            "array_task_id": None,
            "het_job_id": 0,
            "nodes": "localhost",
            "node_count": 1,
            "tres_alloc_str": "cpu=1,gres/gpu=1",
            "partition": "debug",
            "standard_output": "",
            "current_working_directory": "/w",
        },
        {
            "job_id": 5,
            "name": "tocancel",
            "user_name": "ana",
            "job_state": "CANCELLED",
            "exit_code": 15,
            "start_time": E0 - 9,
            "end_time": E0 - 5,
            "array_job_id": 0,
            "het_job_id": 0,
            "nodes": "localhost",
        },
        {
            "job_id": 7,
            "name": "arr",
            "user_name": "ana",
            "job_state": "PENDING",
            "state_reason": "Resources",
            "exit_code": 0,
            "array_job_id": 7,
            "array_task_id": None,
            "array_task_string": "2-3",
            "start_time": E0 + 100,
            "end_time": E0 + 200,
        },
        {
            "job_id": 8,
            "name": "arr",
            "user_name": "ana",
            "job_state": "COMPLETED",
            "exit_code": 0,
            "array_job_id": 7,
            "array_task_id": 1,
            "start_time": E0 - 3,
            "end_time": E0 - 2,
        },
        {"job_id": 9, "name": "theirs", "user_name": "bob", "job_state": "RUNNING", "start_time": E0},
        "not a job",
    ],
}

JSON_2302 = {
    "jobs": [
        {
            "job_id": 40,
            "name": "t",
            "user_name": "ana",
            "job_state": ["FAILED"],
            "state_reason": "NonZeroExitCode",
            "exit_code": {
                "status": ["ERROR"],
                "return_code": {"set": True, "infinite": False, "number": 3},
                "signal": {"id": {"set": False, "infinite": False, "number": 0}, "name": ""},
            },
            "time_limit": {"set": True, "infinite": False, "number": 90},
            "start_time": {"set": True, "infinite": False, "number": E0 - 60},
            "end_time": {"set": True, "infinite": False, "number": E0},
            "array_job_id": {"set": True, "infinite": False, "number": 0},
            "array_task_id": {"set": False, "infinite": False, "number": 0},
            "het_job_id": {"set": True, "infinite": False, "number": 0},
            "node_count": {"set": True, "infinite": False, "number": 1},
            "nodes": "g1",
            "gres_detail": ["gpu:a100:2(IDX:0-1)"],
            "tres_alloc_str": "cpu=4,node=1",
            "standard_output": "slurm-%j.out",
            "stdout_expanded": "/home/ana/slurm-40.out",
        },
        {
            "job_id": 41,
            "name": "k",
            "user_name": "ana",
            "job_state": ["CANCELLED"],
            "exit_code": {
                "status": ["SIGNALED"],
                "return_code": {"set": False, "infinite": False, "number": 0},
                "signal": {"id": {"set": True, "infinite": False, "number": 9}, "name": "KILL"},
            },
            "time_limit": {"set": False, "infinite": True, "number": 0},
            "start_time": {"set": True, "infinite": False, "number": E0 - 5},
            "end_time": {"set": True, "infinite": False, "number": E0},
        },
    ]
}


def test_squeue_json_2205_shape():
    now = T0
    jobs = {j.job_id: j for j in parse_json(json.dumps(JSON_2205), user="ana", now=now)}
    assert set(jobs) == {"3", "4", "5", "7_[2-3]", "7_1"}
    bad = jobs["3"]
    assert (bad.state, bad.exit_code, bad.signal, bad.reason, bad.elapsed_s) == (
        "FAILED",
        7,
        0,
        "NonZeroExitCode",
        6,
    )
    assert bad.time_limit_s is None and bad.stdout_path == "/w/%x-%j.out"
    run = jobs["4"]
    assert (run.state, run.time_limit_s, run.elapsed_s, run.end, run.exit_code, run.gpus) == (
        "RUNNING",
        60,
        30,
        None,
        None,
        1,
    )
    assert (jobs["5"].signal, jobs["5"].exit_code) == (15, 0)
    assert (jobs["7_[2-3]"].state, jobs["7_[2-3]"].start) == ("PENDING", None)
    assert (jobs["7_1"].array_job_id, jobs["7_1"].raw_id) == ("7", "8")
    assert len(parse_json(JSON_2205)) == 6  # without a user, everyone's


def test_squeue_json_2302_shape():
    jobs = {j.job_id: j for j in parse_json(JSON_2302)}
    t = jobs["40"]
    assert (t.state, t.exit_code, t.signal, t.time_limit_s, t.elapsed_s) == ("FAILED", 3, 0, 5400, 60)
    assert (t.gpus, t.gpu_ids, t.stdout_path) == (2, "0-1", "/home/ana/slurm-40.out")
    k = jobs["41"]
    assert (k.state, k.signal, k.time_limit_s) == ("CANCELLED", 9, None)
    assert k.outcome == "cancelled, signal 9"


def test_json_garbage_is_a_value_error():
    for bad in ("[]", "{}", '{"jobs": 3}', "not json"):
        with pytest.raises(ValueError):
            parse_json(bad)


# ---------------------------------------------------------------- jobcomp


def test_jobcomp_lines():
    tz = parse_utc_offset("+0100")
    jobs = {j.job_id: j for j in parse_jobcomp(JOBCOMP, user="ana", tz=tz)}
    assert set(jobs) == {"3", "4", "7_1"}
    assert (jobs["3"].exit_code, jobs["3"].elapsed_s, jobs["3"].end) == (
        9,
        10,
        T0,
    )  # the last line for 3 wins
    slow = jobs["4"]
    assert (slow.name, slow.state, slow.time_limit_s, slow.gpus, slow.elapsed_s) == (
        "my long name",
        "TIMEOUT",
        60,
        2,
        84,
    )
    assert (jobs["7_1"].raw_id, jobs["7_1"].array_job_id) == ("8", "7")


# ---------------------------------------------------------------- probe sections


def test_split_sections_with_stderr_and_cut_output():
    text = probe_text(SQUEUE, (1, "", "sacct: error: Slurm accounting storage is disabled"))
    secs = split_sections(text)
    assert secs["sacct"].rc == 1 and "disabled" in secs["sacct"].stderr
    assert secs["squeue"].rc == 0 and secs["squeue"].body.startswith("JOBID")
    cut = text[: text.index("@@cockpit-slurm:end squeue")]
    assert split_sections(cut)["squeue"].rc is None


def test_probe_merges_squeue_with_jobcomp_exit_codes():
    squeue = "\n".join(
        [
            SQUEUE_HEADER,
            row(
                *"3 3 3 N/A N/A N/A ana FAILED NonZeroExitCode 0:10 UNLIMITED 1".split(),
                "localhost",
                "cpu=1",
                "N/A",
                "N/A",
                "debug",
                E0 - 11,
                E0 - 10,
                E0,
                "/w",
                "%x-%j.out",
                "bad",
            ),
        ]
    )
    text = probe_text(squeue, (1, "", "sacct: error: Slurm accounting storage is disabled"), (0, JOBCOMP))
    probe = read_probe(text, T0)
    assert probe.errors == [] and probe.accounting is False and probe.history_source == "jobcomp"
    jobs = {j.job_id: j for j in probe.jobs}
    assert jobs["3"].source == "squeue" and jobs["3"].exit_code == 9  # filled from the completion log
    assert jobs["4"].source == "jobcomp" and jobs["4"].state == "TIMEOUT"  # squeue already forgot it


def test_probe_with_accounting_uses_sacct():
    probe = read_probe(probe_text(SQUEUE, (0, SACCT, "")), T0)
    assert probe.accounting is True and probe.history_source == "sacct" and probe.errors == []
    assert probe.live_ok
    jobs = {j.job_id: j for j in probe.jobs}
    assert jobs["3"].exit_code == 7 and jobs["41"].state == "RUNNING"
    assert probe.jobs[0].active  # running and pending first
    assert probe.remote_now == T0 and probe.user == "ana" and probe.slurm_version == "slurm-wlm 22.05.8"


def test_probe_errors_are_one_line_each():
    text = probe_text("", (1, "", "sacct: error: Problem talking to the database: Connection refused"))
    text = text.replace("@@cockpit-slurm:end squeue rc=0@@", "@@cockpit-slurm:end squeue rc=1@@")
    text = text.replace(
        "@@cockpit-slurm:begin sacct@@",
        "@@cockpit-slurm:begin squeue.stderr@@\n"
        "squeue: error: Unable to contact slurm controller (connect failure)\n"
        "@@cockpit-slurm:end squeue.stderr@@\n@@cockpit-slurm:begin sacct@@",
    )
    probe = read_probe(text, T0)
    assert probe.jobs == [] and not probe.live_ok
    assert probe.errors == [
        "squeue failed (rc 1): squeue: error: Unable to contact slurm controller (connect failure)",
        "sacct failed (rc 1): sacct: error: Problem talking to the database: Connection refused",
    ]
    assert read_probe("", T0).errors and parse_probe("random\nnoise", T0) == []


def test_hostile_names_survive_parsing_and_clean():
    evil = "\x1b[31m[bold red]x[/]\x00" + "w" * 10_000 + "\u202eRTL 表"
    text = "\n".join(
        [
            SQUEUE_HEADER,
            row(
                *"1 1 1 N/A N/A N/A ana RUNNING None 0:01 UNLIMITED 1 n1 cpu=1".split(),
                "N/A",
                "N/A",
                "p",
                E0,
                E0,
                E0,
                "/w",
                "",
                evil,
            ),
        ]
    )
    (j,) = parse_squeue_text(text)
    assert j.name == evil  # raw in the core; the UI cleans it
    shown = clean(j.name, max_len=40)
    assert "\x1b" not in shown and "\x00" not in shown and len(shown) <= 40
