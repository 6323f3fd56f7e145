"""The Time audit pane."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cockpit.tui.widgets.pane import Pane


class AuditPane(Pane):
    PANE_ID = "audit"
    TITLE = "Time audit"
    NUMBER = 3

    def compose(self) -> ComposeResult:
        yield Static("Not tracking.", classes="empty")
        yield Static("Where the day went, by ML activity.", classes="empty hint")
