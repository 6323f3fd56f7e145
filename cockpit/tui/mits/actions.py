"""The MITs pane's changes: each shows at once in the in-memory model, then goes to the store
on one writer thread, in order. Undo steps are kept by the writer, so they undo in order.

``TaskActions`` is a mixin of ``MitsPane`` (the pane's own keys, and the messages its screens
post, end up here); it holds no widget of its own.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cockpit.core import tasks as core
from cockpit.tui.mits.rows import show_title

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.mits_records import Task
    from cockpit.services.mits import Undo


class TaskActions:
    """Writes and the actions built on them; the pane supplies the model and the drawing."""

    ctx: Context
    model: dict[str, Task]
    day: str
    pending: int
    app: Any
    notify: Any
    run_worker: Any

    def _init_writer(self) -> None:
        self._queue: queue.Queue[Callable[[], list[Undo] | None]] = queue.Queue()
        self._undo: list[list[Undo]] = []
        self._undo_lock = threading.Lock()
        self._writing = False
        self.pending = 0

    # the pane's side
    @property
    def cap(self) -> int:
        return min(core.HARD_CAP, self.ctx.config.mits.max_mits)

    def render_model(self, keep: str | None = None) -> None:
        raise NotImplementedError

    def read(self) -> Any:
        raise NotImplementedError

    def apply_read(self, data: Any) -> None:
        raise NotImplementedError

    def show_error(self, error: Exception) -> None:
        raise NotImplementedError

    def _reload_worker(self) -> None:
        raise NotImplementedError

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
        from cockpit.services.mits import CorruptFileError

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
            self.model[tid] = t.updated(fields)
        self.render_model(keep=tid)
        self.submit(op)

    # ---------------------------------------------------------------- actions (keys and screens)

    def toggle_done(self, tid: str) -> None:
        from cockpit.core.clock import to_stamp
        from cockpit.services import mits

        t = self.model[tid]
        done = None if t.done else to_stamp(self.ctx.clock.now())
        self.change(tid, {"done": done}, lambda: [mits.complete(self.ctx, tid, done is not None)[1]])
        if done:
            self.notify(f"Done: {show_title(t.title, 60)} (u undoes)", timeout=3, markup=False)

    def toggle_mit(self, tid: str) -> None:
        from cockpit.services import mits

        t = self.model[tid]
        if core.is_mit(t, self.day):
            self.change(tid, core.unpick_fields(t, self.day), lambda: [mits.unmake_mit(self.ctx, tid)[1]])
            return
        if t.done:
            self.notify("A done task cannot be an MIT.", severity="warning", markup=False)
            return
        try:
            fields = core.pick_mit(self.model.values(), tid, self.day, self.cap)
        except core.CapReached as e:
            self.offer_swap(tid, e)
            return
        self.change(tid, fields, lambda: [mits.make_mit(self.ctx, tid)[1]])

    def offer_swap(self, tid: str, err: core.CapReached, task: Task | None = None) -> None:
        from cockpit.services import mits
        from cockpit.tui.mits.dialogs import SwapScreen

        self.notify(f"Cap reached: {err.cap} MITs a day at most. Pick one to swap out.", severity="warning")

        def done(old_id: str | None) -> None:
            if not old_id or old_id not in self.model or tid not in self.model:
                return
            old = self.model[old_id]
            self.model[old_id] = old.updated(core.unpick_fields(old, self.day))
            self.change(
                tid,
                core.mit_fields(self.day, old.mit_order, self.model[tid].mit_days),
                lambda: mits.swap_mit(self.ctx, tid, old_id),
            )

        new = task if task is not None else self.model[tid]
        self.app.push_screen(SwapScreen([t for t in err.mits if not t.done], new), done)

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
            title = show_title(t.title, 60)

            def answer(drop: bool | None) -> None:
                if drop:
                    self.delete(tid)

            self.app.push_screen(ConfirmScreen(f"Eliminate: drop “{title}”?", "Drop", "Keep"), answer)

    def move_stage(self, tid: str, step: int) -> None:
        from cockpit.services import mits

        t = self.model[tid]
        new = core.stage_step(t.stage, step)
        if new == t.stage:
            return
        self.change(tid, {"stage": new}, lambda: [mits.move_stage(self.ctx, tid, step)[1]])

    def delete(self, tid: str) -> None:
        from cockpit.services import mits

        t = self.model.pop(tid, None)
        if t is None:
            return
        self.render_model()
        self.submit(lambda: [mits.delete(self.ctx, tid)])
        self.notify(f"Deleted: {show_title(t.title, 60)} (u undoes)", timeout=4, markup=False)

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

        def op() -> list[Undo]:
            try:
                t = mits.add_task(self.ctx, **fields)
            except mits.MitCapError as e:
                # added as a plain task; the swap is offered (Esc keeps it a plain task)
                t = mits.add_task(self.ctx, **{**fields, "mit": False})
                err = core.CapReached(e.cap, e.mits)
                self.app.call_from_thread(self.offer_swap, t.id, err, t)
            return [(t.id, None)]

        self.submit(op)

    def edit(self, tid: str, fields: dict[str, Any]) -> None:
        from cockpit.services import mits

        want_mit = fields.pop("mit", None)
        if fields:  # the form gives only the changed fields: none changed, nothing is written
            self.change(tid, fields, lambda: [mits.update_task(self.ctx, tid, fields)[1]])
        if want_mit is not None and want_mit != core.is_mit(self.model[tid], self.day):
            self.toggle_mit(tid)

    def set_mits(self, ids: list[str]) -> None:
        from cockpit.services import mits

        for tid in list(self.model):
            t = self.model[tid]
            if core.is_mit(t, self.day) and not t.done and tid not in ids:
                self.model[tid] = t.updated(core.unpick_fields(t, self.day))
        for i, tid in enumerate(ids, 1):
            t = self.model[tid]
            since = t.mit_since if core.is_mit(t, self.day) else self.day
            self.model[tid] = t.updated({**core.mit_fields(self.day, i, t.mit_days), "mit_since": since})
        self.render_model()
        self.submit(lambda: mits.set_mits(self.ctx, ids))
