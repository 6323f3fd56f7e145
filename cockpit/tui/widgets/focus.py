"""The Focus pane."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cockpit.tui.widgets.pane import Pane


class FocusPane(Pane):
    PANE_ID = "focus"
    TITLE = "Focus"
    NUMBER = 1

    def compose(self) -> ComposeResult:
        yield Static("No sprint running.", classes="empty")
        yield Static("Start a 90-minute sprint to protect deep work.", classes="empty hint")
