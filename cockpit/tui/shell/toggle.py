"""A checkbox whose state reads in plain text: ``[x]`` on, ``[ ]`` off.

Textual's Checkbox draws ``▐X▌`` in both states and tells them apart by colour only, so it looks
ticked when off in plain text, at 256 colours and in the light themes."""

from __future__ import annotations

from textual.widgets import Checkbox

__all__ = ["TickBox"]


class TickBox(Checkbox):
    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name for the button's inside
        return "x" if self.value else " "
