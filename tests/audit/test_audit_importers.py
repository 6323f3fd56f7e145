"""Importer parsers on hand-written samples with the quirks of the real exports."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from cockpit.config import DEFAULT_CATEGORIES
from cockpit.core import importers as imp
from tests.audit.conftest import at

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")

TOGGL = (
    "\ufeffUser,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (USD)\n"
    'Ann,a@x,,Thesis,,"draft, ""v2""",No,2024-03-10,01:30:00,2024-03-10,03:30:00,01:00:00,"writing, deep",\n'
    "Ann,a@x,,Thesis,,bad,No,2024-02-30,10:00:00,2024-02-30,11:00:00,01:00:00,,\n"
    "Ann,a@x,,Thesis,,late,No,2024-03-11,23:00:00,2024-03-12,00:15:00,01:15:00,,\n"
)


def test_toggl_bom_quotes_and_dst_gap_in_new_york():
    p = imp.parse("toggl", TOGGL, NY)
    assert p.errors == ["line 3: date '2024-02-30' does not exist"]
    first, second = p.rows
    # 01:30 EST -> 03:30 EDT is one hour on the spring-forward night
    assert (first.start, first.end, first.seconds) == (at(2024, 3, 10, 6, 30), at(2024, 3, 10, 7, 30), 3600)
    assert first.names == ("Thesis", "writing", "deep") and first.note == 'draft, "v2"'
    assert second.seconds == 4500
    assert imp.parse("toggl", TOGGL, NY).rows[0].key == first.key  # stable


def test_toggl_without_zone_asks_for_one():
    with pytest.raises(imp.ImportFormatError, match="--tz"):
        imp.parse("toggl", TOGGL, None)


def test_toggl_wrong_file_names_missing_columns():
    with pytest.raises(imp.ImportFormatError, match="missing column"):
        imp.parse("toggl", "a,b\n1,2\n", BERLIN)


CLOCKIFY_HEAD = '"Project","Client","Description","Task","User","Tags","Billable","Start Date","Start Time","End Date","End Time","Duration (h)","Extra"\n'


def test_clockify_12h_clock_dates_from_evidence_and_bad_month_rejected():
    text = CLOCKIFY_HEAD + (
        '"P","","a","","U","t1, t2","No","03/04/2024","10:23 AM","03/04/2024","12:05:30 PM","","x"\n'
        '"P","","b","","U","","No","03/25/2024","11:59 PM","03/26/2024","12:10 AM","","x"\n'
        '"P","","c","","U","","No","13/15/2024","11:00 AM","03/26/2024","11:30 AM","","x"\n'
    )
    p = imp.parse("clockify", text, BERLIN)
    assert p.errors == ["line 4: date '13/15/2024' does not exist (read as MM/DD/YYYY)"]
    a, b = p.rows
    assert a.start == at(2024, 3, 4, 9, 23) and a.seconds == 3600 + 42 * 60 + 30
    assert b.start == at(2024, 3, 25, 22, 59) and b.seconds == 11 * 60
    assert a.names == ("P", "t1", "t2")


def test_clockify_24h_ambiguous_dates_are_row_errors_unless_order_given():
    text = CLOCKIFY_HEAD + '"P","","a","","U","","No","03/04/2024","10:00","03/04/2024","11:00","","x"\n'
    p = imp.parse("clockify", text, BERLIN)
    assert p.rows == [] and "ambiguous" in p.errors[0] and p.errors[0].startswith("line 2:")
    p = imp.parse("clockify", text, BERLIN, "dmy")
    assert p.rows[0].start == at(2024, 4, 3, 8)


def test_clockify_conflicting_dates_refuse_the_file():
    text = CLOCKIFY_HEAD + (
        '"P","","a","","U","","No","13/04/2024","10:00","13/04/2024","11:00","","x"\n'
        '"P","","a","","U","","No","04/13/2024","10:00","04/13/2024","11:00","","x"\n'
    )
    with pytest.raises(imp.ImportFormatError, match="--date-order"):
        imp.parse("clockify", text, BERLIN)


def test_timewarrior_data_quoted_tags_annotation_open_interval():
    text = (
        'inc 20240331T003000Z - 20240331T013000Z # "dst-gap" training # "note with # hash"\n'
        "inc 20240401T080000Z - 20240401T090000Z\n"
        'inc 20241028T080000Z # "paper: x" reading\n'
        "garbage line\n"
    )
    p = imp.parse("timewarrior", text, None)
    assert [r.names for r in p.rows] == [("dst-gap", "training"), ()]
    assert p.rows[0].note == "note with # hash" and p.rows[0].seconds == 3600
    assert p.notes == ["line 3: still running; not imported"]
    assert p.errors == ["line 4: not an interval line: 'garbage line'"]


def test_timewarrior_export_and_data_share_keys():
    export = json.dumps(
        [{"id": 1, "start": "20240331T003000Z", "end": "20240331T013000Z", "tags": ["training"]}]
    )
    data = "inc 20240331T003000Z - 20240331T013000Z # training\n"
    assert (
        imp.parse("timewarrior", export, None).rows[0].key == imp.parse("timewarrior", data, None).rows[0].key
    )


def test_watson_frames_and_log_json_agree_on_instants_despite_the_offset_bug():
    frames = json.dumps([[1711845000, 1711848600, "training", "b31", ["dst-gap"], 1795644214]])
    log = json.dumps(
        [
            {
                "id": "b31",
                "project": "training",
                "start": "2024-03-31T01:30:00+01:00",
                "stop": "2024-03-31T02:30:00+01:00",
                "tags": ["dst-gap"],
            }
        ]
    )
    f, lg = imp.parse("watson", frames, None).rows[0], imp.parse("watson", log, None).rows[0]
    assert (f.start, f.end, f.key) == (lg.start, lg.end, lg.key)
    assert f.seconds == 3600


def test_watson_bad_frames_each_get_an_error():
    text = json.dumps([[1, 2, "p", "a", []], ["x", 2, "p"], [5, 1, "p", "b", []], "nope"])
    p = imp.parse("watson", text, None)
    assert len(p.rows) == 1
    assert p.errors == [
        "frame 2: time 'x' is not a Unix timestamp",
        "frame 3: the stop is before the start",
        "frame 4: not a frame",
    ]
    with pytest.raises(imp.ImportFormatError, match="invalid JSON"):
        imp.parse("watson", "{", None)


def test_map_category_prefers_the_map_then_ids_and_names():
    cats = list(DEFAULT_CATEGORIES)
    assert imp.map_category(("Thesis", "writing"), {"writing": "w"}, cats) == "docs"
    assert imp.map_category(("x", "Meetings/Collaboration"), {}, cats) == "meetings"
    assert imp.map_category(("training",), {}, cats) == "training"
    assert imp.map_category(("a",), {}, cats) is None  # a bare key is not a project name


def test_hostile_text_survives_parsing_literally():
    hostile = "[bold red]x[/] \x1b]8;;http://e\x07link\x1b]8;;\x07 \u202eRTL 漢字 " + "y" * 10000
    text = json.dumps(
        [
            {
                "id": 1,
                "start": "20240101T000000Z",
                "end": "20240101T010000Z",
                "tags": [hostile],
                "annotation": hostile,
            }
        ]
    )
    row = imp.parse("timewarrior", text, None).rows[0]
    assert row.note == hostile and row.names == (hostile,)
    assert isinstance(row.start, dt.datetime)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: imp.parse_time("24:61"), "time '24:61' does not exist"),
        (lambda: imp.parse_time("13:05 PM"), "time '13:05 PM' does not exist"),
        (lambda: imp.parse_time("noon"), "time 'noon' is not HH:MM[:SS] [AM|PM]"),
        (lambda: imp._timew_stamp("20240230T100000Z"), "time '20240230T100000Z' does not exist"),
        (lambda: imp._timew_stamp("2024-02-03"), "time '2024-02-03' is not YYYYMMDDTHHMMSSZ"),
        (lambda: imp._iso_offset("2024-02-30T10:00:00+01:00"), "does not exist"),
        (lambda: imp._iso_offset("yesterday"), "is not ISO-8601"),
    ],
)
def test_impossible_times_do_not_exist_malformed_ones_name_the_format(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)
