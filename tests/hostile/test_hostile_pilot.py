"""Every pane at 80x24 over a home full of hostile text (Pilot): literal, intact, no crash."""

from __future__ import annotations

import pytest

from cockpit.tui.app import CockpitApp
from tests.harness.pilot import settle
from tests.hostile.layout import border_problems, cells
from tests.hostile.strings import FORBIDDEN, HOSTILE, control_bytes

PANES = {"1": "focus", "2": "mits", "3": "audit", "4": "papers", "5": "gpu"}


def frame(app: CockpitApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def regions(app: CockpitApp, only: str | None = None) -> dict[str, tuple[int, int, int, int]]:
    out = {}
    for pane in app.main.panes:
        if only is None or pane.PANE_ID == only:
            r = pane.region
            out[pane.PANE_ID] = (r.x, r.y, r.width, r.height)
    return out


def assert_intact(app: CockpitApp, lines: list[str], only: str | None = None) -> None:
    assert len(lines) == 24
    wide = [line for line in lines if len(cells(line)) > 80]
    assert wide == [], f"rows wider than 80 cells: {wide}"
    assert border_problems(lines, regions(app, only)) == []
    assert "^p Commands" in lines[-1], f"footer not on the last line: {lines[-1]!r}"
    text = "\n".join(lines)
    assert control_bytes(text) == []
    for bad in FORBIDDEN:
        assert bad not in text


async def test_grid_shows_hostile_text_literally_and_keeps_every_border(hostile_fake_ctx):
    app = CockpitApp(hostile_fake_ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause(0.5)
        # the hostile theme name is reported literally, not parsed as markup (it crashed the app)
        toasts = [n.message for n in app._notifications]
        assert any("[bold red]boom[/] [link=https://evil.example]x[/link]" in m for m in toasts)
        await settle(app, pilot, 0.3, clear_toasts=True)
        lines = frame(app)
        assert_intact(app, lines)
        text = "\n".join(lines)
        assert "★ [bold red]boom[/]" in text  # the MIT shown as typed, brackets and all


@pytest.mark.parametrize("key", list(PANES), ids=list(PANES.values()))
async def test_each_pane_zoomed_shows_hostile_text_literally(hostile_fake_ctx, key):
    app = CockpitApp(hostile_fake_ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press(key, "z")
        await settle(app, pilot, 0.3, clear_toasts=True)
        lines = frame(app)
        assert_intact(app, lines, only=PANES[key])
        text = "\n".join(lines)
        expect = {
            "focus": ["Sprint", f"{len(HOSTILE) + 1} int"],
            "mits": [
                "[bold red]boom[/]",
                "[link=https://evil.example]x[/link]",
                "· [/]",
                "漢字テスト",
                "nulbyte",
            ],
            "audit": ["[bold red]boom[/]", "[link=https://evil.example]", "nulbyte", "漢字テスト", "עברית"],
            "papers": [f"{len(HOSTILE)} triaged"],
            "gpu": ["No hosts configured"],
        }[PANES[key]]
        for needle in expect:
            assert needle in text, f"{needle!r} not on the zoomed {PANES[key]} pane:\n{text}"
        # the pane's own keys still act: zoom back out and the grid is whole again
        await pilot.press("z")
        await settle(app, pilot, 0.3, clear_toasts=True)
        assert_intact(app, frame(app))


async def test_papers_triage_shows_hostile_titles_and_abstracts_literally(hostile_fake_ctx):
    app = CockpitApp(hostile_fake_ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("4", "t")
        await pilot.pause(0.5)
        assert type(app.screen).__name__ == "TriageScreen"
        seen = []
        for _ in range(len(HOSTILE)):
            await pilot.pause(0.1)
            lines = frame(app)
            text = "\n".join(lines)
            assert len(lines) == 24 and all(len(cells(line)) <= 80 for line in lines)
            assert control_bytes(text) == [] and not any(b in text for b in FORBIDDEN)
            seen.append(text)
            await pilot.press("n")
        everything = "\n".join(seen)
        for needle in (
            "[bold red]boom[/]",
            "[link=https://evil.example]x[/link]",
            "漢字テスト",
            "עברית",
            "nulbyte",
        ):
            assert needle in everything, f"{needle!r} never shown in triage"
        await pilot.press("escape")
