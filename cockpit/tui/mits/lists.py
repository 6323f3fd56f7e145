"""What the matrix and the board share: tasks grouped into side-by-side lists, one active."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.screen import Screen

from cockpit.tui.mits.pane import TaskList

if TYPE_CHECKING:
    from cockpit.tui.mits.pane import MitsPane


class GroupedTasksScreen(Screen[None]):
    """Subclasses set GROUPS (group ids, in order), LIST_PREFIX (list widget ids) and FIRST,
    and say which group an open task entry belongs to in ``group_of``."""

    GROUPS: ClassVar[tuple[str, ...]] = ()
    LIST_PREFIX: ClassVar[str] = "list"
    FIRST: ClassVar[str] = ""

    def __init__(self, pane: MitsPane) -> None:
        super().__init__()
        self.pane = pane
        self.active = self.FIRST

    def group_of(self, entry: Any) -> str | None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.pane.views.append(self)
        self.model_changed()
        self.activate(self.FIRST)

    def on_unmount(self) -> None:
        self.pane.view_closed(self)

    @property
    def lists(self) -> dict[str, TaskList]:
        return {g: self.query_one(f"#{self.LIST_PREFIX}-{g}", TaskList) for g in self.GROUPS}

    def model_changed(self, keep: str | None = None) -> None:
        groups: dict[str, list[Any]] = {g: [] for g in self.GROUPS}
        for e in self.pane.entries():
            g = self.group_of(e) if e.open else None
            if g in groups:
                groups[g].append(e.row)
        for g, lst in self.lists.items():
            if lst.rows != groups[g]:
                lst.set_rows(groups[g], keep if keep and any(r[0] == keep for r in groups[g]) else None)

    def activate(self, group: str) -> None:
        self.active = group
        for name, lst in self.lists.items():
            if lst.has_class("-active") != (name == group):
                lst.set_class(name == group, "-active")

    def current(self) -> tuple[str, TaskList] | None:
        return self.active, self.lists[self.active]

    def current_id(self) -> str | None:
        cur = self.current()
        return cur[1].current_id if cur else None

    def show_moved(self, task_id: str, target: str) -> None:
        """After a move: the target list is active, its cursor on the moved task."""
        self.activate(target)
        self.lists[target].set_rows(self.lists[target].rows, task_id)

    def action_cursor(self, step: int) -> None:
        self.lists[self.active].action_cursor(step)

    def action_done(self) -> None:
        tid = self.current_id()
        if tid:
            self.pane.toggle_done(tid)

    def action_undo(self) -> None:
        self.pane.undo()

    def action_close(self) -> None:
        self.app.pop_screen()
