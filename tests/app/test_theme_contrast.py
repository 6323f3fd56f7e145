"""Every built-in theme keeps its borders and texts readable on their background, in truecolor
and at 256 colours (after quantising to the xterm palette, as Rich does for Textual).

Contrast is WCAG's ratio. Texts need 4.5:1 (WCAG AA), a focused pane's border 3:1 (WCAG's
non-text minimum); an unfocused pane's border may recede, but not below 2:1 (cockpit-light drew
it white on white, 1:1; cockpit-contrast #252525 on black, 1.4:1)."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import Color

from cockpit.tui.shell.themes import builtin_themes

TEXT_MIN, FOCUSED_BORDER_MIN, BLURRED_BORDER_MIN = 4.5, 3.0, 2.0
THEMES = [t.name for t in builtin_themes()]


def quantise(c: Color) -> Color:
    tc = RichColor.from_rgb(c.r, c.g, c.b).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return Color(tc.red, tc.green, tc.blue)


def luminance(c: Color) -> float:
    def channel(v: int) -> float:
        x = v / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def ratio(a: Color, b: Color) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_measure_is_wcags():
    assert round(ratio(Color(255, 255, 255), Color(0, 0, 0)), 1) == 21.0
    assert ratio(Color(0xEE, 0xEE, 0xEE), Color(0xFF, 0xFF, 0xFF)) < BLURRED_BORDER_MIN
    assert quantise(Color(0xFE, 0xFE, 0xFE)) == Color(0xFF, 0xFF, 0xFF)  # 231, as Textual shows it


def problems(app) -> list[str]:  # noqa: ANN001
    out = []
    for w in app.screen.walk_children(with_self=True):
        if not w.display or not w.visible or w.region.area == 0:
            continue
        _, _, bg, fg = w.colors
        checks = [("text", bg + fg, TEXT_MIN)]
        kind, edge = w.styles.border_left
        if kind not in ("", "none", "hidden") and type(w).__module__.startswith("cockpit."):
            focused = w.has_focus_within or w.has_focus
            checks.append(("border", bg + edge, FOCUSED_BORDER_MIN if focused else BLURRED_BORDER_MIN))
            if w.border_title:
                title, _, _ = w._get_title_style_information(bg)
                checks.append(("title", bg + title, TEXT_MIN))
        for what, colour, least in checks:
            for mode, c, b in (("truecolor", colour, bg), ("256", quantise(colour), quantise(bg))):
                r = ratio(c, b)
                if r < least:
                    name = f"{type(w).__name__}#{w.id}" if w.id else type(w).__name__
                    out.append(f"{name} {what} {c.hex} on {b.hex} ({mode}): {r:.2f} < {least}")
    return out


@pytest.mark.parametrize("theme", THEMES)
async def test_borders_and_texts_have_contrast(ctx, theme):
    from cockpit.tui.app import CockpitApp

    assert {"cockpit-dark", "cockpit-light", "cockpit-contrast"} <= set(THEMES)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        found: list[str] = []
        for key in "12345":  # each pane focused in turn: the others show their blurred border
            await pilot.press(key)
            await pilot.pause(0.05)
            found += [p for p in problems(app) if p not in found]
    assert not found, "\n".join(found)
