"""How the audit draws: source labels, safe colours and stacked bars (pane and report share them)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from cockpit.core import audit as core
from cockpit.tui.shell.safe import safe

SOURCE_LABEL = {"manual": "", "sprint": "sprint", "break": "break", "reading": "read", "job": "job"}


def source_label(source: str) -> str:
    source = safe(source, 40)
    if source.startswith("import:"):
        return "imp:" + source.split(":", 1)[1][:5]
    return SOURCE_LABEL.get(source, source[:6])


def safe_color(color: str) -> str:
    """The configured colour if Textual can read it, else grey (a typo must not crash the pane)."""
    from textual.color import Color, ColorParseError

    try:
        Color.parse(color)
    except (ColorParseError, ValueError):
        return "grey"
    return color


def bar(
    parts: Sequence[tuple[str, float]], width: int, scale: float, colors: dict[str, str], keys: dict[str, str]
) -> Content:
    """A stacked bar of coloured blocks; each block also carries its category key, so it reads without colour."""
    pieces: list[tuple[str, str] | str] = []
    for cid, n in core.cells(parts, width, scale):
        key = keys.get(cid, "?")
        text = (key + "█" * (n - 1)) if n > 1 else "█"
        pieces.append((text, f"{safe_color(colors.get(cid, 'grey'))} on default"))
    return Content.assemble(*pieces) if pieces else Content("")
