"""The main screen: the five instrument panes in a grid; one can be zoomed to full screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Static

from cockpit.services import storecheck
from cockpit.tui.audit.pane import AuditPane
from cockpit.tui.focus.pane import FocusPane
from cockpit.tui.gpu.pane import GpuPane
from cockpit.tui.mits.pane import MitsPane
from cockpit.tui.papers.pane import PapersPane
from cockpit.tui.shell.footer import KeyFooter
from cockpit.tui.shell.pane import Pane
from cockpit.tui.shell.safe import safe_content

if TYPE_CHECKING:
    from cockpit.context import Context

# Under this many columns (a phone, a narrow split) the panes stack in one column.
NARROW_WIDTH = 60

PANE_CLASSES: tuple[type[Pane], ...] = (FocusPane, MitsPane, AuditPane, PapersPane, GpuPane)


class MainScreen(Screen[None]):
    AUTO_FOCUS = ""  # no auto focus: on_mount focuses [ui] first_pane

    def __init__(self, ctx: Context) -> None:
        super().__init__(id="main")
        self.ctx = ctx
        self._problems_text = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="store-banner", markup=False)
        # Guess each pane's size from the terminal's, so a pane starts in its final (compact or
        # full) form: switching on the first resize would restyle and lay out everything again.
        width, height = self.app.size
        narrow = width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        with Grid(id="panes"):
            for cls in PANE_CLASSES:
                pane = cls(self.ctx)
                cols = 2 if cls.PANE_ID == "gpu" else 1
                w, h = width * cols // 3, (height - 1) // 2
                if narrow:
                    w, h = width, (height - 1) // len(PANE_CLASSES)
                pane.set_class(w < cls.COMPACT_WIDTH or h < cls.COMPACT_HEIGHT, "-compact")
                yield pane
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.focused is None:
            self.go_to(self.pane(self.ctx.config.ui.first_pane))
        self.show_problems([p.banner_line() for p in storecheck.problems(self.ctx)])

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    @property
    def panes(self) -> list[Pane]:
        return list(self.query(Pane))

    def pane(self, pane_id: str) -> Pane:
        return self.query_one(f"#{pane_id}", Pane)

    def current_pane(self) -> Pane | None:
        node = self.focused
        while node is not None:
            if isinstance(node, Pane):
                return node
            node = node.parent  # type: ignore[assignment]
        return None

    def go_to(self, pane: Pane) -> None:
        """Make ``pane`` the current one now: a key typed right after (``4`` then ``z``) acts on it,
        even when the pane's own ``focus_pane`` moves the focus on the next message."""
        pane.focus_pane()
        if self.current_pane() is not pane and pane.focusable:
            self.set_focus(pane)

    def show_problems(self, lines: list[str]) -> None:
        banner = self.query_one("#store-banner", Static)
        text = "\n".join(lines)
        if text == self._problems_text:
            return  # nothing changed: no refresh
        self._problems_text = text
        banner.update(safe_content(text, newlines=True))
        banner.display = bool(lines)

    def toggle_zoom(self) -> None:
        pane = self.current_pane() or self.panes[0]
        zoomed = not self.has_class("-zoom")
        for p in self.panes:
            p.set_zoomed(zoomed and p is pane)
        self.set_class(zoomed, "-zoom")
        self.go_to(pane)
