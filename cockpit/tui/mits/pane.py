"""The MITs pane: today's Most Important Tasks first, then the other tasks.

The pane keeps the tasks in memory (``model``, ``Task`` records). A key changes the model and the
screen at once, and the write goes to the store on one writer thread, in order (``actions.py``);
``reload()`` re-reads the store when another process changed it. The screens it opens never
import it: they get a ``Snapshot`` and post ``messages`` back, or hand a result to ``dismiss``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from cockpit.core import tasks as core
from cockpit.tui.mits import messages
from cockpit.tui.mits.actions import TaskActions
from cockpit.tui.mits.rows import EMPTY, Entry, Snapshot, TaskList
from cockpit.tui.shell.pane import Command, Pane
from cockpit.tui.shell.safe import safe, safe_content

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.mits_records import Task

Read = tuple[int, str, list["Task"], float | None]  # fingerprint, day, tasks, MIT share


SYNC_LOAD_BYTES = 256 * 1024  # a tasks file up to this size is read before the first frame


class MitsPane(TaskActions, Pane):
    PANE_ID = "mits"
    TITLE = "MITs"
    NUMBER = 2
    DAY_CHECK_S: ClassVar[float] = 30.0  # how often a running app looks for a new local day

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
    MitsPane #mits-detail { height: auto; max-height: 3; color: $cockpit-muted; }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.model: dict[str, Task] = {}
        self.day = ""
        self._stamp: int | None = None
        self._init_writer()
        self.views: list[Any] = []  # open matrix/board/plan screens, told when the model changes
        self._share: float | None = None
        self._cache: dict[str, Entry] = {}
        self._cache_day = ""
        self._ordered: list[Entry] = []
        self._entries_for: dict[str, Task] | None = None
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
        self.set_interval(self.DAY_CHECK_S, self._check_day, name="mits-day")

    def _tasks_bytes(self) -> int:
        from cockpit.services import mits

        return mits.tasks_bytes(self.ctx)

    def _check_day(self) -> None:
        """A new local day while the app runs: carry MITs over and offer the morning plan."""
        from cockpit.services import mits

        if self.day and mits.today(self.ctx) != self.day and not self.pending:
            self.submit(self._start_of_day)

    def _start_of_day(self) -> None:
        from cockpit.services import mits

        mits.carry_over(self.ctx)
        mits.publish_status(self.ctx)
        if not mits.has_open_tasks(self.ctx):
            return None  # nothing to plan: the day's first start is the first one with open tasks
        first = mits.first_start_today(self.ctx)
        day = mits.today(self.ctx)
        if any((t.mit_since or t.mit_date) == day for t in mits.todays_mits(self.ctx)):
            return None  # today is planned already (picked from the CLI or another window)
        if first and self.ctx.config.mits.morning_plan:
            self.app.call_from_thread(self.action_plan)
        return None

    def read(self) -> Read:
        """The store's tasks with today's carry-over applied (nothing written). Any thread."""
        from cockpit.services import mits

        stamp, day, items = mits.snapshot(self.ctx)
        return stamp, day, items, self.mit_share(day)

    def load(self) -> None:
        """Read and show the tasks now (the first paint); an unreadable file is shown, not fatal."""
        from cockpit.services.mits import CorruptFileError

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
        self.query_one("#mits-head", Static).update(safe_content(error, 200))

    def apply_read(self, data: Read) -> None:
        """Take what ``read`` returned; redraw only when something changed."""
        stamp, day, items, share = data
        self._stamp = stamp
        old = self.model
        changed = day != self.day or len(items) != len(old)
        model: dict[str, Task] = {}
        for t in items:
            prev = old.get(t.id)
            if prev == t:
                model[t.id] = prev  # unchanged: its drawn row stays cached
            else:
                model[t.id] = t
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

        if mits.fingerprint(self.ctx) == self._stamp and mits.today(self.ctx) == self.day:
            return
        try:
            data = self.read()
        except mits.CorruptFileError as e:
            self._stamp = mits.fingerprint(self.ctx)
            self.app.call_from_thread(self.show_error, e)
            return
        self.app.call_from_thread(self._reloaded, data)

    def _reloaded(self, data: Read) -> None:
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

    def visible(self) -> list[Task]:
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
        done = sum(1 for t in mits if t.done)
        head = f"MITs {done}/{len(mits)} done" if mits else "No MITs: m picks one"
        share = self._share
        if share is not None:
            head += f" · {share:.0%} focus on MITs"
        if self.is_retro_day():
            head += " · retro day (r)"
        self.query_one("#mits-head", Static).update(head)
        if self.views:
            snap = self.snapshot()
            for view in list(self.views):
                view.model_changed(snap)

    def snapshot(self) -> Snapshot:
        return Snapshot(self.day, self.cap, self.sprint_minutes, self.entries(), self.model)

    def mit_share(self, day: str) -> float | None:
        from cockpit.services import mits

        try:
            return mits.day_summary(self.ctx, day).mit_share
        except Exception:  # noqa: BLE001 - the audit store may be unreadable; the share is optional
            return None

    def is_retro_day(self) -> bool:
        return bool(self.day) and core.is_weekday(self.day, self.ctx.config.mits.retro_weekday)

    def open_view(self, view: Any, callback: Any = None) -> None:
        """Push a screen that is told of every model change until it closes."""
        self.views.append(view)
        self.app.push_screen(view, callback)

    @on(messages.ViewClosed)
    def view_closed(self, event: messages.ViewClosed) -> None:
        if event.view in self.views:
            self.views.remove(event.view)
        if self._list_stale:
            self.render_model()

    @on(messages.ToggleDone)
    def _on_toggle_done(self, event: messages.ToggleDone) -> None:
        if event.task_id in self.model:
            self.toggle_done(event.task_id)

    @on(messages.ToggleMit)
    def _on_toggle_mit(self, event: messages.ToggleMit) -> None:
        if event.task_id in self.model:
            self.toggle_mit(event.task_id)

    @on(messages.SetQuadrant)
    def _on_set_quadrant(self, event: messages.SetQuadrant) -> None:
        if event.task_id in self.model:
            self.set_quadrant(event.task_id, event.quadrant)

    @on(messages.MoveStage)
    def _on_move_stage(self, event: messages.MoveStage) -> None:
        if event.task_id in self.model:
            self.move_stage(event.task_id, event.step)

    @on(messages.UndoChange)
    def _on_undo(self, event: messages.UndoChange) -> None:
        self.undo()

    @on(messages.AddTask)
    def _on_add(self, event: messages.AddTask) -> None:
        self.action_add()

    def on_task_list_highlighted(self, event: TaskList.Highlighted) -> None:
        if event.task_list is not self.tasklist:
            return
        event.stop()
        text = self.detail(event.task_id)
        line = self.query_one("#mits-detail", Static)
        line.update(safe_content(text, 600, newlines=True))
        line.display = bool(text)
        cut = self.tasklist.title_cut(event.task_id)
        t = self.model.get(event.task_id or "")
        self.tasklist.tooltip = safe_content(t.title, 500) if cut and t is not None else None

    def detail(self, tid: str | None) -> str:
        """The line under the list: the highlighted task's whole title when the row cuts it, then
        (not in the compact form) its quadrant, stage, sprints and carried days."""
        t = self.model.get(tid or "")
        if t is None:
            return ""
        title = safe(t.title, 500) if self.tasklist.title_cut(tid) else ""
        if self.has_class("-compact"):
            return title
        parts = [core.QUADRANT_NAMES[core.quadrant_of(t)]]
        if t.stage in core.STAGE_NAMES:
            parts.append(core.STAGE_NAMES[t.stage])
        pva = core.planned_vs_actual(t, self.sprint_minutes)
        if pva["estimate"] or pva["spent_s"]:
            parts.append(f"{core.fmt_hm(pva['spent_s'])} of {pva['estimate']} sprints")
        if core.is_mit(t, self.day) and not t.done and core.carried_days(t, self.day):
            parts.append(f"carried {core.carried_days(t, self.day)}d")
        return "\n".join(x for x in (title, " · ".join(parts)) if x)

    # ---------------------------------------------------------------- key actions

    def selected(self) -> Task | None:
        tid = self.tasklist.current_id
        return self.model.get(tid) if tid else None

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
        tid = t.id

        def done(fields: dict[str, Any] | None) -> None:
            if fields and tid in self.model:
                self.edit(tid, fields)

        self.app.push_screen(TaskForm(self.ctx, t, is_mit=core.is_mit(t, self.day)), done)

    def action_done(self) -> None:
        t = self.selected()
        if t is not None:
            self.toggle_done(t.id)

    def action_mit(self) -> None:
        t = self.selected()
        if t is not None:
            self.toggle_mit(t.id)

    def action_delete(self) -> None:
        t = self.selected()
        if t is not None:
            self.delete(t.id)

    def action_undo(self) -> None:
        self.undo()

    def action_matrix(self) -> None:
        from cockpit.tui.mits.matrix import MatrixScreen

        self.open_view(MatrixScreen(self.snapshot(), self))

    def action_board(self) -> None:
        from cockpit.tui.mits.board import BoardScreen

        self.open_view(BoardScreen(self.snapshot(), self))

    def action_plan(self) -> None:
        from cockpit.tui.mits.plan import MorningPlanScreen

        if any(isinstance(s, MorningPlanScreen) for s in self.app.screen_stack):
            return

        def planned(ids: list[str] | None) -> None:
            if ids is None:
                return
            self.set_mits(ids)
            n = len(ids)
            self.app.notify(
                f"Today's plan: {n} MIT{'s' if n != 1 else ''}." if n else "No MITs picked today."
            )
            self.call_after_refresh(self.focus_pane)

        self.open_view(MorningPlanScreen(self.snapshot(), self), planned)

    def action_shutdown(self) -> None:
        from cockpit.tui.mits.shutdown import ShutdownScreen

        def closed(close: bool | None) -> None:
            if close:
                from cockpit.services import mits

                self.submit(lambda: mits.close_day(self.ctx) and None)
                self.app.notify("Workday closed. Shutdown complete: see you tomorrow.", timeout=6)

        self.app.push_screen(ShutdownScreen(self.ctx, self.day, list(self.model.values())), closed)

    def action_retro(self) -> None:
        from cockpit.tui.mits.retro import RetroScreen

        self.app.push_screen(RetroScreen(self.ctx, self.day))

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
