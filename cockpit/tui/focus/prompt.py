"""Small modal questions of the Focus pane: pick one of a few keys, or type a line."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from cockpit.tui.shell.safe import SafeInput, safe_content

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 60; max-width: 95%; height: auto;
    border: round $accent; background: $surface; padding: 0 1;
}}
{name} .choice-keys {{ color: $text-muted; }}
"""


class ChoiceScreen(ModalScreen[str | None]):
    """A question answered by one key: ``choices`` = [(key, label, value)]; Esc answers None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="focus.prompt.cancel")]
    DEFAULT_CSS = _CSS.format(name="ChoiceScreen")

    def __init__(self, title: str, message: str, choices: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text, self.message, self.choices = title, message, choices

    def compose(self) -> ComposeResult:
        with Vertical() as v:
            v.border_title = safe_content(self.title_text, 80)
            yield Static(safe_content(self.message, newlines=True), classes="choice-message")
            keys = "   ".join(f"{k} {label}" for k, label, _ in self.choices) + "   Esc cancel"
            yield Static(Content(keys), classes="choice-keys")

    def on_key(self, event: events.Key) -> None:
        for key, _label, value in self.choices:
            if event.key == key or event.character == key:
                event.stop()
                self.dismiss(value)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(ModalScreen[str | None]):
    """One line of text (may be empty); Enter answers it, Esc answers None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="focus.prompt.cancel")]
    DEFAULT_CSS = _CSS.format(name="TextScreen")

    def __init__(self, title: str, message: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text, self.message, self.placeholder = title, message, placeholder

    def compose(self) -> ComposeResult:
        with Vertical() as v:
            v.border_title = safe_content(self.title_text, 80)
            yield Static(safe_content(self.message, newlines=True))
            yield SafeInput(placeholder=self.placeholder, max_length=500, id="prompt-text")
            yield Static(Content("Enter confirm   Esc cancel"), classes="choice-keys")

    def on_mount(self) -> None:
        self.query_one(SafeInput).cursor_blink = False
        self.query_one(SafeInput).focus()

    def on_input_submitted(self, event: SafeInput.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
