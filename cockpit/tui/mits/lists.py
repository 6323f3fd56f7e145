"""What the matrix and the board share: tasks grouped into side-by-side lists, one active."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from cockpit.tui.mits import messages
from cockpit.tui.mits.rows import Snapshot, TaskList

if TYPE_CHECKING:
    from textual.message_pump import MessagePump


class GroupedTasksScreen(Screen[None]):
    """Subclasses set GROUPS (group ids, in order), LIST_PREFIX (list widget ids) and FIRST,
    and say which group an open task entry belongs to in ``group_of``.

    The pane that opens it hands it a ``Snapshot`` on every change (``model_changed``); the
    screen posts its changes (``messages``) to ``target``, the pane."""

    GROUPS: ClassVar[tuple[str, ...]] = ()
    LIST_PREFIX: ClassVar[str] = "list"
    FIRST: ClassVar[str] = ""

    def __init__(self, snapshot: Snapshot, target: MessagePump) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.target = target
        self.active = self.FIRST
        self._follow: tuple[str, str] | None = None  # (task, group): a moved task, followed there

    def group_of(self, entry: Any) -> str | None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.model_changed(self.snapshot)
        self.activate(self.FIRST)

    def on_unmount(self) -> None:
        self.target.post_message(messages.ViewClosed(self))

    @property
    def lists(self) -> dict[str, TaskList]:
        return {g: self.query_one(f"#{self.LIST_PREFIX}-{g}", TaskList) for g in self.GROUPS}

    def model_changed(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        groups: dict[str, list[Any]] = {g: [] for g in self.GROUPS}
        for e in snapshot.entries:
            g = self.group_of(e) if e.open else None
            if g in groups:
                groups[g].append(e.row)
        follow, target = self._follow or (None, None)
        self._follow = None
        if target is not None:
            self.activate(target)
        for g, lst in self.lists.items():
            here = follow is not None and any(r[0] == follow for r in groups[g])
            if lst.rows != groups[g] or here:
                lst.set_rows(groups[g], follow if here else None)

    def activate(self, group: str) -> None:
        self.active = group
        for name, lst in self.lists.items():
            if lst.has_class("-active") != (name == group):
                lst.set_class(name == group, "-active")
        self.show_detail()

    def on_task_list_highlighted(self, event: TaskList.Highlighted) -> None:
        event.stop()
        if event.task_list.id == f"{self.LIST_PREFIX}-{self.active}":
            self.show_detail()

    def show_detail(self) -> None:
        """The line under the lists: the highlighted task's whole title (the columns cut it)."""
        lst = self.lists[self.active]
        row = lst.rows[lst.cursor] if 0 <= lst.cursor < len(lst.rows) else None
        text = f"{row[1]} {row[2]}{row[3]}" if row else ""
        for line in self.query(".tasks-detail").results(Static):
            line.update(Content(text))

    def current(self) -> tuple[str, TaskList] | None:
        return self.active, self.lists[self.active]

    def current_id(self) -> str | None:
        cur = self.current()
        return cur[1].current_id if cur else None

    def show_moved(self, task_id: str, target: str) -> None:
        """After a move (once the pane has made it): the target list is active, its cursor on
        the moved task."""
        self._follow = (task_id, target)

    def action_cursor(self, step: int) -> None:
        self.lists[self.active].action_cursor(step)

    def action_done(self) -> None:
        tid = self.current_id()
        if tid:
            self.target.post_message(messages.ToggleDone(tid))

    def action_undo(self) -> None:
        self.target.post_message(messages.UndoChange())

    def action_close(self) -> None:
        self.app.pop_screen()
