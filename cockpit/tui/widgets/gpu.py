"""The GPU jobs pane."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from cockpit.tui.widgets.pane import Pane


class GpuPane(Pane):
    PANE_ID = "gpu"
    TITLE = "GPU jobs"
    NUMBER = 5

    def compose(self) -> ComposeResult:
        yield Static("No hosts configured.", classes="empty")
        yield Static("Add [[hosts]] to config.toml to watch GPUs and jobs.", classes="empty hint")
