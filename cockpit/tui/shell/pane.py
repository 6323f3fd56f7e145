"""The base of the five instrument panes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.containers import Vertical
from textual.content import Content
from textual.dom import NoScreen
from textual.widget import Widget

if TYPE_CHECKING:
    from cockpit.context import Context

Command = tuple[str, str, Callable[[], object]]


class Pane(Vertical, can_focus=True):
    """One instrument. Subclasses set PANE_ID, TITLE and NUMBER and compose their body.

    - ``reload()`` is called when the store changed (this or another process wrote it).
    - ``commands()`` adds entries to the command palette.
    - The ``-compact`` class is set while the pane is small; style the compact form with it.
    - The ``-wide`` class is set in a wide terminal (WIDE_SCREEN and up: 160×48), while the pane
      has room for its extra view (every pane of that grid, or zoomed); ``wide_changed`` builds
      that view on first use. An 80×24 terminal never shows one, zoomed or not.
    - The ``-zoomed`` class is set while the pane is shown full screen (``z``); ``zoom_changed``
      builds what only the zoom shows, after a refresh.
    """

    PANE_ID: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    NUMBER: ClassVar[int] = 0
    COMPACT_WIDTH: ClassVar[int] = 40
    COMPACT_HEIGHT: ClassVar[int] = 12
    WIDE_WIDTH: ClassVar[int] = 50
    WIDE_HEIGHT: ClassVar[int] = 18
    WIDE_SCREEN: ClassVar[tuple[int, int]] = (160, 48)

    DEFAULT_CSS = """
    Pane {
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        height: 1fr;
        width: 1fr;
    }
    Pane:focus-within, Pane:focus {
        border: round $accent;
        border-title-color: $accent;
        border-title-style: bold;
    }
    Pane .empty {
        color: $text-muted;
    }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(id=self.PANE_ID)
        self.ctx = ctx
        self.border_title = Content(f"{self.NUMBER} {self.TITLE}")

    def reload(self) -> None:
        """The store changed; re-read what this pane shows (cheap when nothing changed)."""

    def commands(self) -> Iterable[Command]:
        return ()

    def focus_pane(self) -> None:
        """Focus the pane's main widget, or the pane itself.

        The focus moves at once (not on the next message), so a key typed right after
        (``4`` then ``z``) already acts on this pane.
        """
        target: Widget = self
        for child in self.query("*"):
            if child.focusable and child is not self and _displayed_within(child, self):
                target = child
                break
        try:
            self.screen.set_focus(target)
        except NoScreen:
            target.focus()

    def lazy_child(
        self, widget_id: str, make: Callable[[], Widget] | None, before: str | None = None
    ) -> Widget | None:
        """The child ``#widget_id``; if it is missing, ``make()`` builds it and it is mounted
        (before the child ``#before``, or last). With ``make=None`` a missing child is None.

        Widgets the first frame does not show (a table hidden in the compact form, a list that
        is still empty) are built this way on first use: each costs its import, CSS and layout.
        """
        for child in self.query(f"#{widget_id}"):
            return child
        if make is None:
            return None
        widget = make()
        if widget.id is None:
            widget.id = widget_id
        self.mount(widget, before=f"#{before}" if before else None)
        if self.screen.focused is self:  # the pane held the focus only for want of this widget
            self.call_after_refresh(self._refocus)
        return widget

    def compact_changed(self, compact: bool) -> None:
        """The pane switched between its compact and full forms (after the class is set)."""

    def wide_changed(self, wide: bool) -> None:
        """The pane got (or lost) the room for its extra view (after the ``-wide`` class is set).
        Called after a refresh, so building the view never delays the frame that shows the pane."""

    def set_zoomed(self, zoomed: bool) -> None:
        """Show the pane full screen, or back in the grid (the screen lays the panes out)."""
        if zoomed == self.has_class("-zoomed"):
            return
        self.set_class(zoomed, "-zoomed")
        self.call_after_refresh(self._zoom_now)

    def zoom_changed(self, zoomed: bool) -> None:
        """The pane was zoomed or unzoomed (after the class is set and the screen refreshed)."""

    def _zoom_now(self) -> None:
        self.zoom_changed(self.has_class("-zoomed"))

    @property
    def zoomed(self) -> bool:
        return self.has_class("-zoomed")

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.width < self.COMPACT_WIDTH or event.size.height < self.COMPACT_HEIGHT
        changed = compact != self.has_class("-compact")
        self.set_class(compact, "-compact")
        if changed:
            self.compact_changed(compact)
        screen_w, screen_h = self.app.size
        wide = screen_w >= self.WIDE_SCREEN[0] and screen_h >= self.WIDE_SCREEN[1]
        wide = wide and event.size.width >= self.WIDE_WIDTH and event.size.height >= self.WIDE_HEIGHT
        if wide != self.has_class("-wide"):
            self.set_class(wide, "-wide")
            self.call_after_refresh(self._wide_now)
        if changed and self.screen.focused is self:
            # e.g. zoomed: the main widget hidden in the compact form is shown now; give it the focus
            self.call_after_refresh(self._refocus)

    def _wide_now(self) -> None:
        self.wide_changed(self.has_class("-wide"))  # the class as it is now (it may have flipped back)

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def _refocus(self) -> None:
        if self.screen.focused is self:  # unless the user moved on meanwhile
            self.focus_pane()


def _displayed_within(widget: Widget, pane: Pane) -> bool:
    """Displayed, and so are its containers up to ``pane`` (a hidden widget cannot take focus)."""
    node: Widget | None = widget
    while node is not None and node is not pane:
        if not node.display:
            return False
        node = node.parent  # type: ignore[assignment]
    return True
