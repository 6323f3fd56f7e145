"""Under 60 columns (a phone in a browser, a thin split) the five panes stack in one column."""

from __future__ import annotations

import pytest

from cockpit.tui.app import CockpitApp

TITLES = ["1 Focus", "2 MITs", "3 Time audit", "4 Papers", "5 GPU jobs"]


def screen_text(app: CockpitApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", [(43, 44), (59, 30)])
async def test_narrow_screen_stacks_the_five_panes_full_width(ctx, size):
    app = CockpitApp(ctx)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for title in TITLES:
            assert title in text, f"{title!r} not visible at {size}"
        regions = [p.region for p in app.main.panes]
        assert [r.x for r in regions] == [0] * 5
        assert all(r.width == size[0] for r in regions)
        assert [r.y for r in regions] == sorted(r.y for r in regions)  # top to bottom, in order
        for i, a in enumerate(regions):
            for b in regions[i + 1 :]:
                assert not a.overlaps(b)


async def test_widening_the_screen_goes_back_to_the_grid_and_z_still_zooms(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(43, 44)) as pilot:
        await pilot.pause()
        assert app.main.has_class("-narrow")
        await pilot.press("2", "z")
        await pilot.pause()
        zoomed = [p for p in app.main.panes if p.display]
        assert [p.PANE_ID for p in zoomed] == ["mits"] and zoomed[0].region.height > 30
        await pilot.press("z")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.main.has_class("-narrow")
        assert len({p.region.x for p in app.main.panes}) == 3  # three columns again
