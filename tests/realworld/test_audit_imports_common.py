"""The real exports of the corpus import without --map for their common names (model-dev,
meeting, evaluation, documentation, data-prep): only the project 'Project Alpha' needs one."""

from __future__ import annotations

from cockpit.services import audit
from tests.realworld.test_audit_imports import TT, bctx, totals

_ = bctx  # the fixture


def test_timew_export_with_common_names_only(bctx, corpus):
    res = audit.import_file(
        bctx, "timewarrior", corpus / TT / "timew-1.4.3_export.json", {"Project Alpha": "data"}
    )
    assert res.errors == []
    assert totals(res) == {
        "data": 5400,
        "meetings": 1800,
        "model": 6000,
        "training": 6300 + 3600,
        "eval": 6300,
        "docs": 1800,
    }


def test_watson_frames_need_no_map(bctx, corpus):
    res = audit.import_file(bctx, "watson", corpus / TT / "watson-2.1.0_frames_dst.json")
    assert res.errors == []
    assert totals(res) == {
        "data": 5400,
        "meetings": 1800,
        "model": 6000,
        "training": 6300 + 3600,
        "docs": 1800,
    }
