"""The MITs pane."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cockpit.tui.widgets.pane import Pane


class MitsPane(Pane):
    PANE_ID = "mits"
    TITLE = "MITs"
    NUMBER = 2

    def compose(self) -> ComposeResult:
        yield Static("No MITs picked for today.", classes="empty")
        yield Static("Pick one to three Most Important Tasks.", classes="empty hint")
