"""The footer of every cockpit screen: the keys, also while the terminal reports the app unfocused."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeyFooter"]


class KeyFooter(Footer):
    """Textual's footer, drawn also while the terminal reports the app unfocused.

    Textual redraws its footer only while the app has the terminal's focus. In tmux with
    ``focus-events on`` a pane that is not the focused client's reports "unfocused" as soon as the
    app starts, so the footer stayed empty until the first key. This one draws the keys then too."""

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose)
