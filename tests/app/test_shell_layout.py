"""Pilot tests of the shell: sizes, help, command palette, themes, keymap, store banner."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from cockpit.context import Context
from cockpit.tui.app import CockpitApp
from cockpit.tui.shell.help import HelpScreen
from cockpit.tui.shell.main import PANE_CLASSES

TITLES = ["1 Focus", "2 MITs", "3 Time audit", "4 Papers", "5 GPU jobs"]


def screen_text(app: CockpitApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 48), (200, 60), (250, 70)])
async def test_every_pane_titled_and_inside_the_screen_at_every_size(ctx, size):
    app = CockpitApp(ctx)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        lines = text.split("\n")
        assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)
        for title in TITLES:
            assert title in text, f"{title!r} not visible at {size}"
        assert "Quit" in lines[-1] and "Help" in lines[-1]  # the footer, on the last row
        screen = app.screen.region
        regions = [p.region for p in app.main.panes]
        for pane, region in zip(app.main.panes, regions, strict=True):
            assert screen.contains_region(region), f"{pane.PANE_ID} overflows the screen at {size}"
            assert region.width >= 20 and region.height >= 5, f"{pane.PANE_ID} too small at {size}"
        for i, a in enumerate(regions):
            for b in regions[i + 1 :]:
                assert not a.overlaps(b)
        # Compact styling switches on for small panes only.
        compact = [p.has_class("-compact") for p in app.main.panes]
        if size[0] >= 160 and size[1] >= 48:
            assert not any(compact)


async def test_zoom_fills_the_screen_and_number_keys_switch_the_zoomed_pane(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "z")
        text = screen_text(app)
        assert "3 Time audit" in text and "1 Focus" not in text
        zoomed = app.main.pane("audit")
        assert zoomed.region.width == 80
        await pilot.press("5")
        text = screen_text(app)
        assert "5 GPU jobs" in text and "3 Time audit" not in text
        await pilot.press("z")
        assert all(t in screen_text(app) for t in TITLES)


async def test_help_lists_every_binding_with_its_id(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        ids = [b.id for b in CockpitApp.BINDINGS]
        for cls in PANE_CLASSES:
            ids += [b.id for b in cls.BINDINGS if hasattr(b, "id")]
        assert ids and all(ids), "every binding needs an id"
        for binding_id in ids:
            assert binding_id in shown, f"{binding_id} missing from help"
        for title in ("Everywhere", "Zoom", "Quit"):
            assert title in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def _palette_prompts(pilot, app: CockpitApp, query: str) -> list[str]:
    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(40):
        await pilot.pause(0.05)
        options = app.screen.query_one(CommandList)
        if options.option_count:
            break
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_has_cockpit_commands_and_textuals_own(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        prompts = await _palette_prompts(pilot, app, "zoom")
        assert any("Zoom pane" in p for p in prompts), prompts
        await pilot.press("escape")
        prompts = await _palette_prompts(pilot, app, "quit")
        assert any(p.startswith("Quit") for p in prompts), prompts  # Textual's system command
        await pilot.press("escape")
        prompts = await _palette_prompts(pilot, app, "go to papers")
        assert any("Go to Papers" in p for p in prompts), prompts
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.current_pane().PANE_ID == "papers"


async def test_user_theme_is_loaded_and_chosen_from_the_palette(ctx):
    ctx.paths.themes_dir.mkdir(parents=True)
    (ctx.paths.themes_dir / "mine.toml").write_text(
        'name = "solar-night"\ndark = true\n[colors]\nprimary = "#268bd2"\nbackground = "#002b36"\n'
    )
    app = CockpitApp(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        for name in ("cockpit-dark", "cockpit-light", "cockpit-contrast", "solar-night"):
            assert name in app.available_themes
        prompts = await _palette_prompts(pilot, app, "theme: solar")
        assert any("Theme: solar-night" in p for p in prompts), prompts
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "solar-night"
        assert str(app.screen.styles.background.hex).lower() == "#002b36"
    assert ctx.store.doc("settings").read()["theme"] == "solar-night"


@pytest.mark.parametrize("theme", ["cockpit-dark", "cockpit-light", "cockpit-contrast"])
async def test_each_builtin_theme_renders_the_shell(ctx, theme):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.pause()
        text = screen_text(app)
        assert all(t in text for t in TITLES)


async def test_unknown_configured_theme_falls_back_with_a_notice(home, clock, write_config):
    write_config('[ui]\ntheme = "no-such-theme"\n')
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        assert app.theme == "cockpit-dark"
        assert any("no-such-theme" in n.message for n in app._notifications)


async def test_keymap_remap_shows_in_help_and_old_key_is_free(home, clock, write_config):
    write_config('[keymap]\n"app.zoom" = "f"\n"app.help" = "f1"\n')
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("z")
        assert not app.main.has_class("-zoom")
        await pilot.press("f")
        assert app.main.has_class("-zoom")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        zoom_line = next(line for line in shown.split("\n") if "app.zoom" in line)
        assert zoom_line.strip().startswith("f ")


async def test_first_pane_from_config(home, clock, write_config):
    write_config('[ui]\nfirst_pane = "gpu"\n')
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.main.current_pane().PANE_ID == "gpu"


async def test_unknown_keymap_id_is_reported_not_fatal(home, clock, write_config):
    write_config('[keymap]\n"app.zom" = "f"\n"app.help" = "f1"\n')
    app = CockpitApp(Context.open(home, clock=clock))
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("app.zom" in m and "unknown binding id" in m for m in notes), notes
        assert not any("app.help" in m for m in notes)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_hostile_theme_files_are_refused_with_a_notice(ctx):
    ctx.paths.themes_dir.mkdir(parents=True)
    (ctx.paths.themes_dir / "markup.toml").write_text(
        'name = "[bold red]x[/]"\n[colors]\nprimary = "#ffffff"\n'
    )
    (ctx.paths.themes_dir / "bad.toml").write_text('name = "ok"\n[colors\n')
    (ctx.paths.themes_dir / "binary.toml").write_bytes(b"\xff\xfe\x00")
    (ctx.paths.themes_dir / "long.toml").write_text(f'name = "{"a" * 10_000}"\n[colors]\nprimary = "#fff"\n')
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        notes = "\n".join(n.message for n in app._notifications)
        for name in ("markup.toml", "bad.toml", "binary.toml", "long.toml"):
            assert name in notes
        assert app.theme == "cockpit-dark"
        app.clear_notifications()
        await pilot.pause()
        assert all(t in screen_text(app) for t in TITLES)
