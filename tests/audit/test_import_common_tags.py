"""Imports map common project/tag names to the nine categories without --map; --dry-run shows
which name went to which category; a bad --map category lists the valid ones. Real CLI."""

from __future__ import annotations

import json

from tests.harness.tmux import cockpit_cli

FRAMES = [
    [1704445200, 1704448800, "evaluation", "f1", ["gpu"], 0],
    [1704448800, 1704450600, "Meeting", "f2", [], 0],
    [1704450600, 1704452400, "misc", "f3", ["docs"], 0],
    [1704452400, 1704454200, "reading_group", "f4", ["reading"], 0],
    [1704454200, 1704456000, "misc", "f5", ["preprocessing"], 0],
    [1704456000, 1704457800, "admin", "f6", [], 0],
    [1704457800, 1704459600, "deploy", "f7", ["data"], 0],
    [1704459600, 1704461400, "thesis", "f8", ["training"], 0],
]


def test_common_tags_need_no_map_and_dry_run_shows_the_mapping(home, write_config, tmp_path):
    write_config('[audit]\ntimezone = "UTC"\nimport_map = { "thesis" = "research" }\n')
    f = tmp_path / "frames"
    f.write_text(json.dumps(FRAMES))
    r = cockpit_cli(home, "audit", "import", "watson", str(f), "--dry-run")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    lines = r.stdout.splitlines()
    start = lines.index("mapping (name -> category):")
    assert lines[start + 1 :] == [
        "  evaluation -> Evaluation/Analysis  (common name)",
        "  Meeting -> Meetings/Collaboration  (common name)",
        "  docs -> Documentation/Reporting  (category id or name)",
        "  reading -> Research/Learning  (common name)",
        "  preprocessing -> Data Preprocessing/Cleaning  (common name)",
        "  admin -> Administrative  (category id or name)",
        "  deploy -> Model Training/Deployment  (common name)",  # the project before its tag
        "  thesis -> Research/Learning  (import_map/--map)",  # the user's map first
        "would import 8 entries (4h30), 0 already there, 0 errors",
    ]
    j = json.loads(cockpit_cli(home, "audit", "import", "watson", str(f), "--json").stdout)
    assert j["imported"] == 8 and j["errors"] == []
    assert {m["name"]: (m["category"], m["how"]) for m in j["mapping"]}["evaluation"] == ("eval", "common")
    cats = json.loads(cockpit_cli(home, "audit", "export", "--format", "json").stdout)
    assert sorted(e["category"] for e in cats) == sorted(
        ["eval", "meetings", "docs", "research", "data", "admin", "training", "research"]
    )


def test_unknown_names_still_need_a_map(home, write_config, tmp_path):
    write_config('[audit]\ntimezone = "UTC"\n')
    f = tmp_path / "frames"
    f.write_text(json.dumps([[1704445200, 1704448800, "zorblax", "f1", ["qux"], 0]]))
    r = cockpit_cli(home, "audit", "import", "watson", str(f), "--dry-run")
    assert r.returncode == 1 and "frame 1: no category for 'zorblax', 'qux'; add --map" in r.stderr


def test_a_bad_map_category_lists_the_valid_ones(home, write_config, tmp_path):
    write_config('[audit]\ntimezone = "UTC"\n')
    f = tmp_path / "frames"
    f.write_text(json.dumps(FRAMES))
    r = cockpit_cli(home, "audit", "import", "watson", str(f), "--map", "misc=nap")
    assert r.returncode == 2 and r.stdout == ""
    (line,) = r.stderr.splitlines()
    assert line.startswith("cockpit: error: --map misc=nap: unknown category 'nap' (valid: data (d) = Data")
    for cid in ("data", "model", "training", "eval", "research", "meetings", "docs", "admin", "switching"):
        assert f" {cid} (" in line
