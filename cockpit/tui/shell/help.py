"""``?``: every key binding, with its id for the [keymap] table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, sections: list[tuple[str, list[Binding]]], keymap: dict[str, str]) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll() as vs:
            vs.border_title = Content("Keys  (Esc closes; remap with [keymap] in config.toml)")
            for title, bindings in self.sections:
                yield Static(Content.styled(title, "bold"))
                for b in bindings:
                    key = self.keymap.get(b.id or "", b.key)
                    shown = ", ".join(self.app.get_key_display(Binding(k, "")) for k in key.split(","))
                    line = Content.assemble(
                        (f"  {shown:<16}", "bold"), f"{b.description or b.action:<32}", (b.id or "", "dim")
                    )
                    yield Static(line)
