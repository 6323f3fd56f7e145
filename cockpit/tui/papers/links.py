"""The abstract link of a paper, shared by the pane and the triage screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


def open_link(app: App, arxiv_id: str) -> None:
    """Copy the abstract link (OSC 52) and show it as an OSC 8 hyperlink in a toast."""
    url = f"https://arxiv.org/abs/{arxiv_id}"
    app.copy_to_clipboard(url)
    app.notify(f"Copied {url}", title="Abstract link", timeout=6)
