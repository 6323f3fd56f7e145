"""Modal screens of the GPU pane: tail (last 200 lines), kill confirmation, launch form, a run's
outcome note, a run's journal entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from cockpit.tui.shell.safe import SafeInput, safe, safe_content
from cockpit.tui.shell.toggle import TickBox

if TYPE_CHECKING:
    from cockpit.context import Context
    from cockpit.core.gpu_records import Job, JobView
    from cockpit.services.gpu import Poller

_BOX = """
    {cls} {{ align: center middle; }}
    {cls} > .box {{
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }}
"""


class TailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="gpu.tail_close")]
    DEFAULT_CSS = _BOX.format(cls="TailScreen") + "TailScreen #tail-body { height: auto; }"

    def __init__(self, poller: Poller, job: JobView) -> None:
        super().__init__()
        self.poller, self.job = poller, job

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="box") as box:
            where = self.job.tmux_target or self.job.stdout or self.job.slurm_id
            box.border_title = safe_content(f"tail {safe(where, 40)}  (Esc closes)")
            yield Static("loading…", id="tail-body", markup=False)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False, group="gpu-tail")
    def _load(self) -> None:
        from cockpit.services import gpu as svc

        try:
            text = svc.tail_job(self.poller, self.job, 200)
            body = safe(text, newlines=True) or "(no output)"
        except Exception as e:  # noqa: BLE001
            body = f"tail failed: {safe(str(e), max_len=200)}"
        self.app.call_from_thread(self._show, body)

    def _show(self, body: str) -> None:
        self.query_one("#tail-body", Static).update(Content(body))
        self.query_one(VerticalScroll).scroll_end(animate=False)


class ConfirmKill(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "yes", "Kill", id="gpu.kill_yes"),
        Binding("n,escape", "no", "Keep", id="gpu.kill_no"),
    ]
    DEFAULT_CSS = _BOX.format(cls="ConfirmKill")

    def __init__(self, job: JobView) -> None:
        super().__init__()
        self.job = job

    def compose(self) -> ComposeResult:
        slurm_id = self.job.slurm_id
        where = self.job.tmux_target or (f"Slurm job {slurm_id}" if slurm_id else f"pid {self.job.pid}")
        action = "cancel it (scancel)" if slurm_id else "send SIGTERM"
        with Vertical(classes="box"):
            yield Static(
                Content(
                    f"Kill {safe(str(where), max_len=40)} on {safe(str(self.job.host), max_len=30)}?\n"
                    f"{safe(str(self.job.command or ''), max_len=100)}\n\n"
                    f"y: {action}   n / Esc: keep it running"
                )
            )

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class LaunchForm(ModalScreen[None]):
    """Host, name, note, GPUs, directory, command; the pre-flight checklist must be ticked."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="gpu.launch_cancel")]
    DEFAULT_CSS = _BOX.format(cls="LaunchForm") + "LaunchForm Input { margin: 0; }"

    def __init__(self, ctx: Context, poller: Poller) -> None:
        super().__init__()
        self.ctx, self.poller = ctx, poller

    def compose(self) -> ComposeResult:
        hosts = [h.name for h in self.poller.hosts]
        with VerticalScroll(classes="box") as box:
            box.border_title = "Launch a job  (Esc cancels)"
            yield SafeInput(hosts[0] if hosts else "", placeholder="host", id="launch-host")
            yield SafeInput(placeholder="command, e.g. python train.py --lr 3e-4", id="launch-cmd")
            yield SafeInput(placeholder="name (tmux session)", id="launch-name")
            yield SafeInput(placeholder="note / hypothesis", id="launch-note")
            yield SafeInput(placeholder="GPUs, e.g. 0,1", id="launch-gpus")
            yield SafeInput(placeholder="directory on the host", id="launch-cwd")
            for i, item in enumerate(self.ctx.config.gpu.preflight):
                yield TickBox(Content(safe(item, max_len=100)), id=f"preflight-{i}")
            yield Static("", id="launch-error", markup=False)
            with Horizontal():
                yield Button("Launch", id="launch-go", variant="primary")

    def _value(self, name: str) -> str:
        return self.query_one(f"#launch-{name}", SafeInput).value.strip()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "launch-go":
            self.submit()

    def on_input_submitted(self) -> None:
        self.submit()

    def on_mount(self) -> None:
        # keys typed at once go to the command line (the host is prefilled)
        self.query_one("#launch-cmd", SafeInput).focus()

    def submit(self) -> None:
        err = self.query_one("#launch-error", Static)
        unticked = [c for c in self.query(Checkbox) if not c.value]
        if unticked:
            err.update("tick every pre-flight item first")
            return
        cmd = self._value("cmd")  # a command line: the host's shell runs it ($SHELL -c)
        if not cmd:
            err.update("give a command")
            return
        err.update("launching…")
        self._launch(self._value("host"), cmd)

    @work(thread=True, exclusive=True, exit_on_error=False, group="gpu-launch")
    def _launch(self, host: str, cmd: str) -> None:
        from cockpit.services import gpu as svc

        try:
            job = svc.launch(
                self.ctx,
                self.poller,
                host,
                cmd,
                self._value("name") or None,
                self._value("note"),
                self._value("gpus") or None,
                self._value("cwd") or None,
            )
        except Exception as e:  # noqa: BLE001
            msg = safe(str(e), max_len=200)
            self.app.call_from_thread(self.query_one("#launch-error", Static).update, msg)
            return
        self.app.call_from_thread(self._done, job)

    def _done(self, job: Job) -> None:
        self.app.notify(
            f"launched {safe(job.session or '', max_len=40)} on {safe(job.host or '', max_len=30)}"
        )
        self.dismiss(None)


class NoteForm(ModalScreen[None]):
    """The outcome note of the selected run, kept in its journal entry."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="gpu.note_cancel")]
    DEFAULT_CSS = _BOX.format(cls="NoteForm")

    def __init__(self, ctx: Context, job: JobView) -> None:
        super().__init__()
        self.ctx, self.job = ctx, job

    def compose(self) -> ComposeResult:
        from cockpit.services.gpu import runs

        self.ref = runs.id_of_view(self.ctx, self.job)
        old = runs.outcome_note(self.ctx, self.ref) if self.ref else ""
        with Vertical(classes="box") as box:
            where = self.job.tmux_target or f"pid {self.job.pid}"
            box.border_title = safe_content(
                f"Outcome note: {safe(where, max_len=40)}  (Enter saves, Esc cancels)"
            )
            yield SafeInput(old, placeholder="how did it go?", id="note-text")
            yield Static(
                "" if self.ref else "this job is not in the journal yet", id="note-error", markup=False
            )

    def on_input_submitted(self) -> None:
        from cockpit.services.gpu import runs

        if not self.ref:
            return
        text = self.query_one("#note-text", SafeInput).value
        try:
            runs.note(self.ctx, self.ref, text)
        except Exception as e:  # noqa: BLE001
            self.query_one("#note-error", Static).update(safe(str(e), max_len=200))
            return
        self.app.notify("outcome note saved")
        self.dismiss(None)


class RunEntry(ModalScreen[None]):
    """One run's journal entry, as ``cockpit jobs show`` prints it (Enter on the runs table)."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close", id="gpu.entry_close")]
    DEFAULT_CSS = _BOX.format(cls="RunEntry") + "RunEntry #entry-body { height: auto; }"

    def __init__(self, ref: str, lines: list[str]) -> None:
        super().__init__()
        self.ref, self.lines = ref, lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="box") as box:
            box.border_title = safe_content(f"run {safe(self.ref, 40)}  (Esc closes)")
            yield Static(safe_content("\n".join(self.lines), newlines=True), id="entry-body")
