"""The abstract link of a paper, shared by the pane and the triage screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


def open_link(app: App, arxiv_id: str) -> None:
    """In a terminal: copy the abstract link (OSC 52) and show it in a toast. In a browser
    (``cockpit serve``): open it in a new tab, as a link on a page does."""
    url = f"https://arxiv.org/abs/{arxiv_id}"
    if app.is_web:
        app.open_url(url, new_tab=True)
        app.notify(f"Opened {url}", title="Abstract link", timeout=6)
        return
    app.copy_to_clipboard(url)
    app.notify(f"Copied {url}", title="Abstract link", timeout=6)
