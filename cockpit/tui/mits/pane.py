"""The MITs pane: today's Most Important Tasks first, then the other tasks.

The pane keeps the tasks in memory (``model``). A key changes the model and the screen at once,
and the write goes to the store on one writer thread, in order; ``reload()`` re-reads the store
when another process changed it. Undo steps are kept by the writer, so they undo in order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from cockpit.core import tasks as core
from cockpit.core.text import clean
from cockpit.tui.shell.pane import Command, Pane

if TYPE_CHECKING:
    from cockpit.context import Context

Row = tuple[str, str, str, str, str]  # id, mark, title, info, kind ("mit"|"open"|"done")


SYNC_LOAD_BYTES = 256 * 1024  # a tasks file up to this size is read before the first frame


class Entry:
    """One task as drawn: its sort key, row, and what the views group it by (cached per task dict)."""

    __slots__ = ("key", "open", "quadrant", "row", "stage", "task", "visible")

    def __init__(self, t: dict[str, Any], day: str, tz: Any, sprint_minutes: int) -> None:
        self.task = t
        self.key = core.sort_key(t, day)
        self.row = task_row(t, day, sprint_minutes)
        self.open = not t.get("done")
        self.visible = self.open or core.local_date(t.get("done"), tz) == day
        self.quadrant = core.quadrant_of(t)
        self.stage = t.get("stage")


_TITLE_CACHE: dict[str, str] = {}
EMPTY = "No tasks: a adds one."


def show_title(title: Any, limit: int = 300) -> str:
    """Untrusted title -> one safe line (escapes and control characters removed, cut at ``limit``)."""
    key = str(title)
    hit = _TITLE_CACHE.get(key)
    if hit is None:
        hit = clean(key, limit) or "(untitled)"
        if len(_TITLE_CACHE) > 20000:
            _TITLE_CACHE.clear()
        _TITLE_CACHE[key] = hit
    return hit


def task_row(t: dict[str, Any], today: str, sprint_minutes: int, board: bool = False) -> Row:
    done = bool(t.get("done"))
    mit = core.is_mit(t, today)
    mark = "✓" if done else ("★" if mit else "·")
    info = ""
    if mit and not done:
        n = core.carried_days(t, today)
        if n:
            info += f" ↻{n}d"
    est = int(t.get("estimate") or 0)
    spent = int(t.get("focus_s") or 0)
    if est or spent:
        pva = core.planned_vs_actual(t, sprint_minutes)
        info += f" {pva['sprints']:g}/{est}"
    kind = "done" if done else ("mit" if mit else "open")
    return (str(t["id"]), mark, show_title(t.get("title")), info, kind)


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
        info_w = cell_len(info)
        if info_w > width // 2:
            info, info_w = "", 0
        room = max(0, width - cell_len(head) - info_w)
        title_strip = Strip([Segment(title, style)]).crop_extend(0, room, style)
        segs = [Segment(head, style), *title_strip, Segment(info, info_style)]
        return Strip(segs).crop_extend(0, width, style)


class MitsPane(Pane):
    PANE_ID = "mits"
    TITLE = "MITs"
    NUMBER = 2

    BINDINGS: ClassVar = [
        Binding("a", "add", "Add", id="mits.add"),
        Binding("x", "done", "Done", id="mits.done"),
        Binding("m", "mit", "MIT", id="mits.mit"),
        Binding("e,enter", "edit", "Edit", id="mits.edit", show=False),
        Binding("d,delete", "delete", "Delete", id="mits.delete", show=False),
        Binding("u", "undo", "Undo", id="mits.undo", show=False),
        Binding("M", "matrix", "Matrix", id="mits.matrix", show=False),
        Binding("b", "board", "Board", id="mits.board", show=False),
        Binding("p", "plan", "Morning plan", id="mits.plan", show=False),
        Binding("s", "shutdown", "Shutdown", id="mits.shutdown", show=False),
        Binding("r", "retro", "Weekly retro", id="mits.retro", show=False),
    ]

    DEFAULT_CSS = """
    MitsPane #mits-head { height: 1; color: $cockpit-mit; }
    MitsPane #mits-detail { height: 1; color: $cockpit-muted; }
    MitsPane.-compact #mits-detail { display: none; }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.model: dict[str, dict[str, Any]] = {}
        self.day = ""
        self._stamp: int | None = None
        self._queue: queue.Queue[Callable[[], list[core.Any] | None]] = queue.Queue()
        self._undo: list[list[tuple[str, dict[str, Any] | None]]] = []
        self._undo_lock = threading.Lock()
        self._writing = False
        self.views: list[Any] = []  # open matrix/board screens, told when the model changes
        self.pending = 0
        self._share: float | None = None
        self._cache: dict[str, Entry] = {}
        self._cache_day = ""
        self._ordered: list[Entry] = []
        self._entries_for: dict[str, dict[str, Any]] | None = None
        self._entries_dirty = True
        self._list_stale = False

    def compose(self) -> ComposeResult:
        yield Static("", id="mits-head", markup=False)
        yield TaskList(EMPTY, id="mits-list")
        yield Static("", id="mits-detail", markup=False)

    # ---------------------------------------------------------------- lifecycle

    @property
    def tasklist(self) -> TaskList:
        return self.query_one("#mits-list", TaskList)

    @property
    def sprint_minutes(self) -> int:
        return self.ctx.config.focus.sprint_minutes

    def on_mount(self) -> None:
        # A small task list is shown in the first frame; thousands of tasks are read off the UI
        # thread after it, so they never delay cockpit's first paint.
        if self._tasks_bytes() <= SYNC_LOAD_BYTES:
            self.load()
        else:
            self.tasklist.empty = "Reading tasks..."
            self.call_after_refresh(self._reload_worker)
        self.submit(self._start_of_day)

    def _tasks_bytes(self) -> int:
        from cockpit.services import mits

        c = mits.tasks(self.ctx)
        return sum(c.path(p).stat().st_size for p in c.parts() if c.path(p).exists())
        self.set_interval(30, self._check_day, name="mits-day")

    def _check_day(self) -> None:
        """A new local day while the app runs: carry MITs over and offer the morning plan."""
        from cockpit.services import mits

        if self.day and mits.today(self.ctx) != self.day and not self.pending:
            self.submit(self._start_of_day)

    def _start_of_day(self) -> None:
        from cockpit.services import mits

        mits.carry_over(self.ctx)
        mits.publish_status(self.ctx)
        if not any(not t.get("done") for t in mits.tasks(self.ctx).all()):
            return None  # nothing to plan: the day's first start is the first one with open tasks
        first = mits.first_start_today(self.ctx)
        day = mits.today(self.ctx)
        if any((t.get("mit_since") or t.get("mit_date")) == day for t in mits.todays_mits(self.ctx)):
            return None  # today is planned already (picked from the CLI or another window)
        if first and self.ctx.config.mits.morning_plan:
            self.app.call_from_thread(self.action_plan)
        return None

    def read(self) -> tuple[int, str, list[dict[str, Any]], float | None]:
        """The store's tasks with today's carry-over applied (nothing written). Any thread."""
        from cockpit.services import mits

        c = mits.tasks(self.ctx)
        stamp = c.fingerprint()
        day = mits.today(self.ctx)
        items = c.all()
        items = core.apply(items, core.rollover(items, day, self.cap))
        return stamp, day, items, self.mit_share(day)

    def load(self) -> None:
        """Read and show the tasks now (the first paint); an unreadable file is shown, not fatal."""
        from cockpit.store import CorruptFileError

        try:
            self.apply_read(self.read())
        except CorruptFileError as e:
            self.show_error(e)

    def show_error(self, error: Exception) -> None:
        """The store cannot be read: say so in the pane (the app's banner names the file)."""
        self.model = {}
        self._ordered = []
        self.tasklist.empty = "Tasks unreadable: see the banner above."
        self.tasklist.set_rows([])
        self.query_one("#mits-head", Static).update(str(error)[:200])

    def apply_read(self, data: tuple[int, str, list[dict[str, Any]], float | None]) -> None:
        """Take what ``read`` returned; redraw only when something changed."""
        stamp, day, items, share = data
        self._stamp = stamp
        old = self.model
        changed = day != self.day or len(items) != len(old)
        model: dict[str, dict[str, Any]] = {}
        for t in items:
            prev = old.get(t["id"])
            if prev == t:
                model[t["id"]] = prev  # unchanged: its drawn row stays cached
            else:
                model[t["id"]] = t
                changed = True
        self.day = day
        self.tasklist.empty = EMPTY
        if changed or share != self._share or not self._ordered:
            self.model = model
            self._share = share
            self.render_model()

    def reload(self) -> None:
        if self.pending:
            return  # our own writes are on the way; they re-read when done
        self._reload_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mits-read")
    def _reload_worker(self) -> None:
        from cockpit.services import mits
        from cockpit.store import CorruptFileError

        if mits.tasks(self.ctx).fingerprint() == self._stamp and mits.today(self.ctx) == self.day:
            return
        try:
            data = self.read()
        except CorruptFileError as e:
            self._stamp = mits.tasks(self.ctx).fingerprint()
            self.app.call_from_thread(self.show_error, e)
            return
        self.app.call_from_thread(self._reloaded, data)

    def _reloaded(self, data: tuple[int, str, list[dict[str, Any]], float | None]) -> None:
        if not self.pending:
            self.apply_read(data)

    # ---------------------------------------------------------------- drawing

    def entries(self) -> list[Entry]:
        """Every task in display order (MITs first), reusing the entries of unchanged tasks."""
        if self._entries_for is self.model and self._entries_dirty is False:
            return self._ordered
        cache = self._cache if self._cache_day == self.day else {}
        new: dict[str, Entry] = {}
        tz, minutes = self.ctx.clock.tz, self.sprint_minutes
        for tid, t in self.model.items():
            e = cache.get(tid)
            if e is None or e.task is not t:
                e = Entry(t, self.day, tz, minutes)
            new[tid] = e
        self._cache, self._cache_day = new, self.day
        self._ordered = sorted(new.values(), key=lambda e: e.key)
        self._entries_for, self._entries_dirty = self.model, False
        return self._ordered

    def visible(self) -> list[dict[str, Any]]:
        """Open tasks and those done today, MITs first."""
        return [e.task for e in self.entries() if e.visible]

    def render_model(self, keep: str | None = None) -> None:
        if not self.is_mounted:
            return
        self._entries_dirty = True
        ordered = self.entries()
        if self.screen.is_current or not self.views:
            self.tasklist.set_rows([e.row for e in ordered if e.visible], keep)
            self._list_stale = False
        else:
            self._list_stale = True  # a matrix/board is on top: redraw the list when it closes
        mits = [e.task for e in ordered if core.is_mit(e.task, self.day)]
        done = sum(1 for t in mits if t.get("done"))
        head = f"MITs {done}/{len(mits)} done" if mits else "No MITs: m picks one"
        share = self._share
        if share is not None:
            head += f" · {share:.0%} focus on MITs"
        if self.is_retro_day():
            head += " · retro day (r)"
        self.query_one("#mits-head", Static).update(head)
        for view in list(self.views):
            view.model_changed()

    def mit_share(self, day: str) -> float | None:
        from cockpit.services import mits

        try:
            return mits.day_summary(self.ctx, day)["mit_share"]
        except Exception:  # noqa: BLE001 - the audit store may be unreadable; the share is optional
            return None

    def is_retro_day(self) -> bool:
        return bool(self.day) and core.is_weekday(self.day, self.ctx.config.mits.retro_weekday)

    def view_closed(self, view: Any) -> None:
        if view in self.views:
            self.views.remove(view)
        if self._list_stale:
            self.render_model()

    def on_task_list_highlighted(self, event: TaskList.Highlighted) -> None:
        if event.task_list is not self.tasklist:
            return
        event.stop()
        self.query_one("#mits-detail", Static).update(self.detail(event.task_id))

    def detail(self, tid: str | None) -> str:
        t = self.model.get(tid or "")
        if t is None:
            return ""
        parts = [core.QUADRANT_NAMES[core.quadrant_of(t)]]
        if t.get("stage") in core.STAGE_NAMES:
            parts.append(core.STAGE_NAMES[t["stage"]])
        pva = core.planned_vs_actual(t, self.sprint_minutes)
        if pva["estimate"] or pva["spent_s"]:
            parts.append(f"{core.fmt_hm(pva['spent_s'])} of {pva['estimate']} sprints")
        if core.is_mit(t, self.day) and not t.get("done") and core.carried_days(t, self.day):
            parts.append(f"carried {core.carried_days(t, self.day)}d")
        return " · ".join(parts)

    @property
    def cap(self) -> int:
        return min(core.HARD_CAP, self.ctx.config.mits.max_mits)

    # ---------------------------------------------------------------- writes

    def submit(self, op: Callable[[], Any]) -> None:
        """Queue a store write; it runs after the ones before it, on a worker that ends when idle."""
        self.pending += 1
        with self._undo_lock:
            self._queue.put(op)
            start = not self._writing
            self._writing = True
        if start:
            # after the next frame: the change is on screen before the write competes for the CPU
            self.app.screen.call_after_refresh(
                self.run_worker,
                self._drain,
                thread=True,
                group="mits",
                exit_on_error=False,
                name="mits writer",
            )

    def _drain(self) -> None:
        while True:
            with self._undo_lock:
                try:
                    op = self._queue.get_nowait()
                except queue.Empty:
                    self._writing = False
                    return
            error: Exception | None = None
            try:
                undos = op()
                if undos:
                    with self._undo_lock:
                        self._undo.append(undos)
                        del self._undo[:-100]
            except Exception as e:  # noqa: BLE001 - shown as a toast; the model is re-read
                error = e
            data = None
            if self._queue.empty():
                try:
                    data = self.read()  # the last write: re-read here, off the UI thread
                except Exception as e:  # noqa: BLE001 - e.g. a corrupt file: shown, nothing lost
                    error = error or e
            try:
                self.app.call_from_thread(self._written, error, data)
            except Exception:  # noqa: BLE001 - the app is closing
                pass

    def _written(self, error: Exception | None, data: Any = None) -> None:
        from cockpit.store import CorruptFileError

        self.pending -= 1
        if error is not None:
            self.notify(str(error), severity="error", timeout=8, markup=False)
        if isinstance(error, CorruptFileError) and self.pending == 0:
            self.show_error(error)
            return
        if self.pending == 0:
            if data is not None:
                self.apply_read(data)
            else:
                self._reload_worker()

    def change(self, tid: str, fields: dict[str, Any], op: Callable[[], Any]) -> None:
        """Show a change at once, then write it."""
        t = self.model.get(tid)
        if t is not None:
            self.model[tid] = {**t, **fields}
        self.render_model(keep=tid)
        self.submit(op)

    # ---------------------------------------------------------------- actions (also used by the screens)

    def selected(self) -> dict[str, Any] | None:
        tid = self.tasklist.current_id
        return self.model.get(tid) if tid else None

    def toggle_done(self, tid: str) -> None:
        from cockpit.core.clock import to_stamp
        from cockpit.services import mits

        t = self.model[tid]
        done = None if t.get("done") else to_stamp(self.ctx.clock.now())
        self.change(tid, {"done": done}, lambda: [mits.complete(self.ctx, tid, done is not None)[1]])
        if done:
            self.notify(f"Done: {show_title(t.get('title'), 60)} (u undoes)", timeout=3, markup=False)

    def toggle_mit(self, tid: str) -> None:
        from cockpit.services import mits

        t = self.model[tid]
        if core.is_mit(t, self.day):
            self.change(tid, core.unpick_fields(t, self.day), lambda: [mits.unmake_mit(self.ctx, tid)[1]])
            return
        if t.get("done"):
            self.notify("A done task cannot be an MIT.", severity="warning", markup=False)
            return
        try:
            fields = core.pick_mit(self.model.values(), tid, self.day, self.cap)
        except core.CapReached as e:
            self.offer_swap(tid, e)
            return
        self.change(tid, fields, lambda: [mits.make_mit(self.ctx, tid)[1]])

    def offer_swap(self, tid: str, err: core.CapReached, task: dict[str, Any] | None = None) -> None:
        from cockpit.services import mits
        from cockpit.tui.mits.dialogs import SwapScreen

        self.notify(f"Cap reached: {err.cap} MITs a day at most. Pick one to swap out.", severity="warning")

        def done(old_id: str | None) -> None:
            if not old_id or old_id not in self.model or tid not in self.model:
                return
            old = self.model[old_id]
            self.model[old_id] = {**old, **core.unpick_fields(old, self.day)}
            order = int(old.get("mit_order", 0))
            self.change(
                tid,
                core.mit_fields(self.day, order, self.model[tid].get("mit_days")),
                lambda: mits.swap_mit(self.ctx, tid, old_id),
            )

        new = task if task is not None else self.model[tid]
        self.app.push_screen(SwapScreen([t for t in err.mits if not t.get("done")], new), done)

    def set_quadrant(self, tid: str, quadrant: str, ask_drop: bool = True) -> None:
        from cockpit.services import mits
        from cockpit.tui.mits.dialogs import ConfirmScreen

        t = self.model[tid]
        if core.quadrant_of(t) == quadrant:
            return
        self.change(
            tid, core.quadrant_fields(t, quadrant), lambda: [mits.set_quadrant(self.ctx, tid, quadrant)[1]]
        )
        if quadrant == "eliminate" and ask_drop:
            title = show_title(t.get("title"), 60)

            def answer(drop: bool | None) -> None:
                if drop:
                    self.delete(tid)

            self.app.push_screen(ConfirmScreen(f"Eliminate: drop “{title}”?", "Drop", "Keep"), answer)

    def move_stage(self, tid: str, step: int) -> None:
        from cockpit.services import mits

        t = self.model[tid]
        new = core.stage_step(t.get("stage"), step)
        if new == t.get("stage"):
            return
        self.change(tid, {"stage": new}, lambda: [mits.move_stage(self.ctx, tid, step)[1]])

    def delete(self, tid: str) -> None:
        from cockpit.services import mits

        t = self.model.pop(tid, None)
        if t is None:
            return
        self.render_model()
        self.submit(lambda: [mits.delete(self.ctx, tid)])
        self.notify(f"Deleted: {show_title(t.get('title'), 60)} (u undoes)", timeout=4, markup=False)

    def undo(self) -> None:
        from cockpit.services import mits

        def op() -> None:
            with self._undo_lock:
                step = self._undo.pop() if self._undo else None
            if step is None:
                raise LookupError("nothing to undo")
            for record in reversed(step):
                mits.undo(self.ctx, record)

        self.submit(op)
        self.notify("Undone.", timeout=2)

    def add(self, fields: dict[str, Any]) -> None:
        from cockpit.services import mits

        def op() -> list[Any]:
            try:
                t = mits.add_task(self.ctx, **fields)
            except mits.MitCapError as e:
                # added as a plain task; the swap is offered (Esc keeps it a plain task)
                t = mits.add_task(self.ctx, **{**fields, "mit": False})
                err = core.CapReached(e.cap, e.mits)
                self.app.call_from_thread(self.offer_swap, t["id"], err, t)
            return [(t["id"], None)]

        self.submit(op)

    def edit(self, tid: str, fields: dict[str, Any]) -> None:
        from cockpit.services import mits

        want_mit = fields.pop("mit", None)
        self.change(tid, fields, lambda: [mits.update_task(self.ctx, tid, fields)[1]])
        if want_mit is not None and want_mit != core.is_mit(self.model[tid], self.day):
            self.toggle_mit(tid)

    def set_mits(self, ids: list[str]) -> None:
        from cockpit.services import mits

        for tid in list(self.model):
            t = self.model[tid]
            if core.is_mit(t, self.day) and not t.get("done") and tid not in ids:
                self.model[tid] = {**t, **core.unpick_fields(t, self.day)}
        for i, tid in enumerate(ids, 1):
            t = self.model[tid]
            since = t.get("mit_since") if core.is_mit(t, self.day) else self.day
            self.model[tid] = {**t, **core.mit_fields(self.day, i, t.get("mit_days")), "mit_since": since}
        self.render_model()
        self.submit(lambda: mits.set_mits(self.ctx, ids))

    # ---------------------------------------------------------------- key actions

    def action_add(self) -> None:
        from cockpit.tui.mits.form import TaskForm

        def done(fields: dict[str, Any] | None) -> None:
            if fields:
                self.add(fields)

        self.app.push_screen(TaskForm(self.ctx, None), done)

    def action_edit(self) -> None:
        from cockpit.tui.mits.form import TaskForm

        t = self.selected()
        if t is None:
            return
        tid = t["id"]

        def done(fields: dict[str, Any] | None) -> None:
            if fields and tid in self.model:
                self.edit(tid, fields)

        self.app.push_screen(TaskForm(self.ctx, t, is_mit=core.is_mit(t, self.day)), done)

    def action_done(self) -> None:
        t = self.selected()
        if t is not None:
            self.toggle_done(t["id"])

    def action_mit(self) -> None:
        t = self.selected()
        if t is not None:
            self.toggle_mit(t["id"])

    def action_delete(self) -> None:
        t = self.selected()
        if t is not None:
            self.delete(t["id"])

    def action_undo(self) -> None:
        self.undo()

    def action_matrix(self) -> None:
        from cockpit.tui.mits.matrix import MatrixScreen

        self.app.push_screen(MatrixScreen(self))

    def action_board(self) -> None:
        from cockpit.tui.mits.board import BoardScreen

        self.app.push_screen(BoardScreen(self))

    def action_plan(self) -> None:
        from cockpit.tui.mits.plan import MorningPlanScreen

        if not any(isinstance(s, MorningPlanScreen) for s in self.app.screen_stack):
            self.app.push_screen(MorningPlanScreen(self))

    def action_shutdown(self) -> None:
        from cockpit.tui.mits.shutdown import ShutdownScreen

        self.app.push_screen(ShutdownScreen(self))

    def action_retro(self) -> None:
        from cockpit.tui.mits.retro import RetroScreen

        self.app.push_screen(RetroScreen(self))

    def commands(self) -> Iterable[Command]:
        return (
            ("MITs: add a task", "Add a task (a)", self.action_add),
            ("MITs: morning plan", "Pick today's one to three MITs (p)", self.action_plan),
            ("MITs: evening shutdown", "Close the workday (s)", self.action_shutdown),
            ("MITs: weekly retro", "The week's numbers and three prompts (r)", self.action_retro),
            ("MITs: impact x effort matrix", "Move tasks between quadrants (M)", self.action_matrix),
            ("MITs: lifecycle board", "Move experiments through their stages (b)", self.action_board),
            ("MITs: undo", "Undo the last task change (u)", self.action_undo),
        )
