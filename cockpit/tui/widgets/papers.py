"""The Papers pane."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cockpit.tui.widgets.pane import Pane


class PapersPane(Pane):
    PANE_ID = "papers"
    TITLE = "Papers"
    NUMBER = 4

    def compose(self) -> ComposeResult:
        yield Static("No papers queued.", classes="empty")
        yield Static("Triage the weekly arXiv digest into two papers.", classes="empty hint")
