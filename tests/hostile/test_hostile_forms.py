"""Issue 12 #3: edit forms show stored text cleaned, and save only the fields the user changed.

Stored text here is what an import or a hand edit leaves: raw escape sequences in a task's title,
notes and project, a time entry's note and task link, a category the config no longer has. The
forms are opened by the user's keys (``e`` in MITs; ``z``, ``i`` in the time audit).
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input

from cockpit.context import Context
from cockpit.tui.app import CockpitApp
from tests.harness.pilot import settle
from tests.hostile.strings import FORBIDDEN, control_bytes

TAKEOVER = "\x1b]2;HACKED\x07\x1b[?1049l\x1b[2J"
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"
TITLE = f"write{TAKEOVER} the paper"
NOTES = f"see{CLIPBOARD} the draft"
PROJECT = f"\x1b[31mthesis\x1b[0m{TAKEOVER}"
NOTE = f"reading{TAKEOVER}{CLIPBOARD} [bold]papers[/]"


@pytest.fixture
def fctx(home, write_config, clock) -> Context:
    write_config("[mits]\nmorning_plan = false\n[gpu]\nlocal = false\n")
    return Context.open(home, clock=clock)


def frame(app: CockpitApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_clean_screen(app: CockpitApp) -> None:
    text = frame(app)
    assert control_bytes(text) == [], "escape or control bytes on the screen"
    for bad in (*FORBIDDEN, "\x1b"):
        assert bad not in text
    for box in app.screen.query(Input):
        assert control_bytes(box.value) == [], f"input #{box.id} holds {box.value!r}"


def raw_task(ctx: Context) -> str:
    from cockpit.services import mits

    tid = mits.add_task(ctx, "placeholder").id
    # what an import or a hand edit leaves in the store: the service would have cleaned it
    mits.tasks(ctx).update(tid, {"title": TITLE, "notes": NOTES, "project": PROJECT, "category": "gone"})
    return tid


def stored_task(ctx: Context, tid: str) -> dict:
    from cockpit.services import mits

    return dict(mits.tasks(ctx).get(tid))


async def test_task_form_shows_stored_text_cleaned_and_keeps_unchanged_fields(fctx):
    tid = raw_task(fctx)
    before = stored_task(fctx, tid)
    app = CockpitApp(fctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "TaskForm"
        assert_clean_screen(app)
        form = app.screen
        assert form.query_one("#title", Input).value == "write the paper"
        assert form.query_one("#project", Input).value == "thesis"
        # saved untouched: every stored byte stays (the form does not rewrite what it cleaned)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ != "TaskForm"
        assert stored_task(fctx, tid) == before
        # one field changed: only that one is written
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#notes", Input).value = "new notes"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        after = stored_task(fctx, tid)
        assert after["notes"] == "new notes"
        assert {k: after[k] for k in ("title", "project", "category")} == {
            "title": TITLE,
            "project": PROJECT,
            "category": "gone",
        }
        assert_clean_screen(app)


async def test_entry_editor_shows_stored_text_cleaned_and_keeps_unchanged_fields(fctx):
    from cockpit.services import audit

    now = fctx.clock.now()
    eid = audit.add_entry(
        fctx,
        start=now - dt.timedelta(hours=3),
        end=now - dt.timedelta(hours=2),
        category="model",
        source="toggl",
        note=NOTE,
    )
    audit.entries(fctx).update(eid, {"task": f"t{TAKEOVER}", "source": f"toggl{CLIPBOARD}"})
    before = dict(audit.entries(fctx).get(eid))
    app = CockpitApp(fctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("z")
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "EntryEditor"
        assert_clean_screen(app)
        assert app.screen.query_one("#note", Input).value == "reading [bold]papers[/]"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ != "EntryEditor", frame(app)
        assert dict(audit.entries(fctx).get(eid)) == before
        await pilot.press("i")
        await settle(app, pilot)
        app.screen.query_one("#note", Input).value = "reading"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        after = dict(audit.entries(fctx).get(eid))
        assert after["note"] == "reading"
        assert (after["task"], after["source"], after["category"]) == (
            before["task"],
            before["source"],
            "model",
        )
