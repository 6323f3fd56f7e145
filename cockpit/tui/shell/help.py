"""``?``: every key binding, with its id for the [keymap] table."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpRow(Static):
    """One key: the key, what it does, its id, on one line. The description gives way (cut with
    an ellipsis, whole in the tooltip); the key and the id keep their width."""

    DEFAULT_CSS = "HelpRow { height: 1; }"
    KEY_W = 18

    def __init__(self, key: str, description: str, binding_id: str, id_w: int) -> None:
        super().__init__()
        self.key_text, self.description, self.binding_id = key, description, binding_id
        self.id_w = max(id_w, cell_len(binding_id))  # the id column: as wide as the longest id

    def _desc_w(self) -> int:
        return max(1, (self.size.width or 80) - self.KEY_W - self.id_w - 1)

    def on_resize(self) -> None:
        cut = cell_len(self.description) > self._desc_w()
        self.tooltip = Content(self.description) if cut else None

    def render(self) -> Content:
        desc_w = self._desc_w()
        desc = Content(self.description)
        return Content.assemble(
            Content.styled(f"  {self.key_text}", "bold").truncate(self.KEY_W, ellipsis=True, pad=True),
            desc.truncate(desc_w, ellipsis=True, pad=True),
            " ",
            (self.binding_id, "dim"),
        )


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
            id_w = max((cell_len(b.id or "") for _, bs in self.sections for b in bs), default=0)
            for title, bindings in self.sections:
                yield Static(Content.styled(title, "bold"))
                for b in bindings:
                    key = self.keymap.get(b.id or "", b.key)
                    shown = ", ".join(self.app.get_key_display(Binding(k, "")) for k in key.split(","))
                    yield HelpRow(shown, b.description or b.action, b.id or "", id_w)
