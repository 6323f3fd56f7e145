"""What the MITs views draw: a task as a row, the cached entry per task, and the task list widget.

The pane and every screen of the instrument share these; nothing here knows the pane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cockpit.core import tasks as core
from cockpit.core.record import record
from cockpit.tui.shell.safe import safe

if TYPE_CHECKING:
    from cockpit.core.mits_records import Task

Row = tuple[str, str, str, str, str]  # id, mark, title, info, kind ("mit"|"open"|"done")


class Entry:
    """One task as drawn: its sort key, row, and what the views group it by (cached per task)."""

    __slots__ = ("key", "open", "quadrant", "row", "stage", "task", "visible")

    def __init__(self, t: Task, day: str, tz: Any, sprint_minutes: int) -> None:
        self.task = t
        self.key = core.sort_key(t, day)
        self.row = task_row(t, day, sprint_minutes)
        self.open = not t.done
        self.visible = self.open or core.local_date(t.done, tz) == day
        self.quadrant = core.quadrant_of(t)
        self.stage = t.stage


@record
class Snapshot:
    """What the pane hands its open views (matrix, board, morning plan) on every change."""

    day: str
    cap: int
    sprint_minutes: int
    entries: list[Entry]  # every task, in display order
    tasks: dict[str, Task]


_TITLE_CACHE: dict[str, str] = {}
EMPTY = "No tasks: a adds one."


def show_title(title: Any, limit: int = 300) -> str:
    """Untrusted title -> one safe line (escapes and control characters removed, cut at ``limit``)."""
    key = str(title)
    hit = _TITLE_CACHE.get(key)
    if hit is None:
        hit = safe(key, limit) or "(untitled)"
        if len(_TITLE_CACHE) > 20000:
            _TITLE_CACHE.clear()
        _TITLE_CACHE[key] = hit
    return hit


def task_row(t: Task, today: str, sprint_minutes: int, board: bool = False) -> Row:
    done = bool(t.done)
    mit = core.is_mit(t, today)
    mark = "✓" if done else ("★" if mit else "·")
    info = ""
    if mit and not done:
        n = core.carried_days(t, today)
        if n:
            info += f" ↻{n}d"
    est = t.estimate
    spent = t.focus_s
    if est or spent:
        pva = core.planned_vs_actual(t, sprint_minutes)
        info += f" {pva['sprints']:g}/{est}"
    kind = "done" if done else ("mit" if mit else "open")
    return (t.id, mark, show_title(t.title), safe(info, 60), kind)


class TaskList(ScrollView, can_focus=True):
    """A list of task rows drawn line by line: only the visible lines cost anything."""

    BINDINGS: ClassVar = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar = {
        "tasklist--cursor",
        "tasklist--mit",
        "tasklist--done",
        "tasklist--info",
        "tasklist--empty",
    }
    DEFAULT_CSS = """
    TaskList {
        height: 1fr;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    TaskList > .tasklist--cursor { background: $panel-lighten-1; }
    TaskList:focus > .tasklist--cursor { background: $accent 40%; text-style: bold; }
    TaskList.-active > .tasklist--cursor { background: $accent 40%; text-style: bold; }
    TaskList > .tasklist--mit { color: $cockpit-mit; text-style: bold; }
    TaskList > .tasklist--done { color: $cockpit-muted; text-style: strike; }
    TaskList > .tasklist--info { color: $cockpit-muted; }
    TaskList > .tasklist--empty { color: $text-muted; }
    """

    class Highlighted(Message):
        def __init__(self, task_list: TaskList, task_id: str | None) -> None:
            super().__init__()
            self.task_list = task_list
            self.task_id = task_id

        @property
        def control(self) -> TaskList:
            return self.task_list

    def __init__(
        self,
        empty: str = "No tasks.",
        *,
        id: str | None = None,
        classes: str | None = None,
        focusable: bool = True,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.can_focus = focusable
        self.rows: list[Row] = []
        self.cursor = 0
        self.empty = empty
        self.marked: set[str] = set()  # ids drawn with a tick box (morning plan)
        self.show_marks = False

    # ---------------------------------------------------------------- data

    def set_rows(self, rows: list[Row], keep: str | None = None) -> None:
        """Replace the rows; the cursor stays on ``keep`` (or the same task) when it is still there."""
        want = keep if keep is not None else self.current_id
        self.rows = rows
        if want is not None:
            for i, r in enumerate(rows):
                if r[0] == want:
                    self.cursor = i
                    break
        self.cursor = max(0, min(self.cursor, len(rows) - 1))
        self.virtual_size = Size(self.size.width, len(rows))
        self._follow()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_id))

    @property
    def current_id(self) -> str | None:
        return self.rows[self.cursor][0] if 0 <= self.cursor < len(self.rows) else None

    # ---------------------------------------------------------------- keys

    def move_to(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.cursor:
            return
        old = self.cursor
        self.cursor = index
        self._follow()
        self.refresh_lines(old - int(self.scroll_y), 1)
        self.refresh_lines(index - int(self.scroll_y), 1)
        self.post_message(self.Highlighted(self, self.current_id))

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_to(self.cursor + step * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        self.move_to(len(self.rows) - 1 if where < 0 else 0)

    def _follow(self) -> None:
        h = self.size.height or 1
        y = int(self.scroll_y)
        if self.cursor < y:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= y + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows))
        self._follow()
        self.post_message(self.Highlighted(self, self.current_id))  # which titles are cut changed

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # ---------------------------------------------------------------- drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        i = int(self.scroll_y) + y
        if not self.rows:
            if y == 0:
                st = base + self.get_component_rich_style("tasklist--empty")
                return Strip([Segment(self.empty, st)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if i >= len(self.rows):
            return Strip.blank(width, base)
        tid, mark, title, info, kind = self.rows[i]
        style = base
        if kind == "mit":
            style = style + self.get_component_rich_style("tasklist--mit")
        elif kind == "done":
            style = style + self.get_component_rich_style("tasklist--done")
        if i == self.cursor:
            style = style + self.get_component_rich_style("tasklist--cursor")
        info_style = style + self.get_component_rich_style("tasklist--info")
        if self.show_marks:
            mark = "[x]" if tid in self.marked else "[ ]"
        head = f"{mark} "
        room, info = fit_row(width - cell_len(head), title, info)
        title_strip = Strip([Segment(ellipsised(title, room), style)]).crop_extend(0, room, style)
        segs = [Segment(head, style), *title_strip, Segment(info, info_style)]
        return Strip(segs).crop_extend(0, width, style)

    def title_cut(self, task_id: str | None) -> bool:
        """Whether the row of ``task_id`` shows its title cut (with an ellipsis) at this width."""
        row = next((r for r in self.rows if r[0] == task_id), None)
        if row is None:
            return False
        _tid, mark, title, info, _kind = row
        room, _ = fit_row(self.scrollable_content_region.width - cell_len(f"{mark} "), title, info)
        return cell_len(title) > room


TITLE_FIRST = 24  # the cells a title gets before the info column gets any


def fit_row(width: int, title: str, info: str) -> tuple[int, str]:
    """(cells for the title, the info shown) in ``width`` cells: the title has the room first,
    up to TITLE_FIRST cells; the info (carried days, sprints) shows only beside that."""
    info_w = cell_len(info)
    if info_w and width - info_w < min(cell_len(title), TITLE_FIRST):
        return max(0, width), ""
    return max(0, width - info_w), info


def ellipsised(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` cells, ending in "…" when it had to be cut."""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1) + "…" if cells > 0 else ""
