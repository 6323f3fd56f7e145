from cockpit.tui.app import CockpitApp
from cockpit.tui.shell.help import HelpScreen


async def test_five_titled_panes_and_keys(ctx):
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [str(p.border_title) for p in app.main.panes]
        assert titles == ["1 Focus", "2 MITs", "3 Time audit", "4 Papers", "5 GPU jobs"]
        assert app.main.current_pane().PANE_ID == "focus"
        await pilot.press("tab")
        assert app.main.current_pane().PANE_ID == "mits"
        await pilot.press("5")
        assert app.main.current_pane().PANE_ID == "gpu"
        await pilot.press("shift+tab")
        assert app.main.current_pane().PANE_ID == "papers"
        await pilot.press("z")
        assert [p.display for p in app.main.panes] == [False, False, False, True, False]
        await pilot.press("z")
        assert all(p.display for p in app.main.panes)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_theme_choice_persists(ctx):
    app = CockpitApp(ctx)
    async with app.run_test() as pilot:
        app.theme = "cockpit-light"
        await pilot.pause()
    assert ctx.store.doc("settings").read()["theme"] == "cockpit-light"
    app2 = CockpitApp(ctx)
    assert app2.theme == "cockpit-light"


async def test_bad_user_theme_falls_back_with_notice(ctx):
    ctx.paths.themes_dir.mkdir(parents=True)
    (ctx.paths.themes_dir / "broken.toml").write_text('name = "broken"\n[colors]\nprimary = "not-a-colour"\n')
    app = CockpitApp(ctx)
    async with app.run_test(notifications=True) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("broken.toml" in m and "not a colour" in m for m in messages)
        assert app.theme == "cockpit-dark"


async def test_keymap_remaps_binding(home, clock, write_config):
    from cockpit.context import Context

    write_config('[keymap]\n"app.zoom" = "f"\n')
    ctx = Context.open(home, clock=clock)
    app = CockpitApp(ctx)
    async with app.run_test() as pilot:
        await pilot.press("f")
        assert app.main.has_class("-zoom")
