"""The GPU jobs pane: hosts with their GPUs (bars, temperature, power, sparkline), a jobs table,
host errors with their last-seen time; in a wide terminal (160×48 and up, zoomed or not) also
each GPU's utilisation history as a sparkline as wide as the pane; zoomed, the journal's runs
table (``cockpit.tui.gpu.runs``). Polling runs in a worker thread; each host's result is applied
as it arrives and only widgets whose text changed are updated.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from cockpit.config import LOCAL_HOST
from cockpit.tui.gpu.runs import RunsKeys
from cockpit.tui.shell.pane import Command, Pane
from cockpit.tui.shell.safe import safe, safe_content

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widgets import DataTable

    from cockpit.core.gpu_records import HostState, JobView
    from cockpit.services.gpu import Poller
    from cockpit.tui.gpu.messages import HostPolled, JobsRecorded


def _n(v: float | None, unit: str, width: int) -> str:
    return ("-" if v is None else f"{v:.0f}{unit}").rjust(width)


def render_host(st: HostState, history: dict[int, deque[float | None]], wide: bool) -> str:
    """Plain text of one host block (shown with markup off)."""
    from cockpit.core.gpu import bar, sparkline  # after the first frame: hosts start "connecting…"

    name = safe(st.name, max_len=24)
    if not st.ok:
        seen = f"last seen {st.last_seen[11:19]} UTC" if st.last_seen else "never seen"
        return f"{name}  ERROR {safe(st.error or '', max_len=160)} ({seen})"
    head = name
    if st.error:
        head += f"  {safe(st.error, max_len=60)}"
    if st.idle_cost:
        head += f"  idle, {st.idle_cost:.2f} burned"
    lines = [head]
    for n in st.notes:
        lines.append(f"  {safe(n, max_len=70)}")
    for g in st.gpus:
        mem_pct = (
            g.mem_used_mib / g.mem_total_mib * 100 if g.mem_used_mib is not None and g.mem_total_mib else None
        )
        util = "MIG" if g.util_pct is None and g.mig else _n(g.util_pct, "%", 4)
        line = (
            f" {g.index} {bar(g.util_pct, 8)}{util:>5} mem {bar(mem_pct, 6)}{_n(mem_pct, '%', 4)}"
            f" {_n(g.temp_c, 'C', 4)} {_n(g.power_w, 'W', 5)}"
        )
        if wide:
            line += f" {sparkline(list(history.get(g.index, [])), 12):12} {safe(g.name, max_len=16)}"
        lines.append(line)
    return "\n".join(lines)


def render_history(
    states: list[HostState], history: dict[str, dict[int, deque[float | None]]], width: int
) -> str:
    """One line per GPU: ``host:0 ▂▃▅▇███▇ now 100% avg 63% max 100%`` (the newest sample right)."""
    from cockpit.core.gpu import sparkline

    rows = [
        (st.name, g.index, list(history.get(st.name, {}).get(g.index, []))) for st in states for g in st.gpus
    ]
    if not rows:
        return ""
    names = [f"{safe(name, max_len=16)}:{index}" for name, index, _ in rows]
    name_w = max(len(n) for n in names)
    spark_w = max(8, width - name_w - 28)
    lines = [f"Utilisation, last {spark_w} polls"]
    for label, (_, _, values) in zip(names, rows, strict=True):
        known = [v for v in values if v is not None]
        now = _n(values[-1] if values else None, "%", 4)
        avg = _n(sum(known) / len(known) if known else None, "%", 4)
        top = _n(max(known) if known else None, "%", 4)
        lines.append(f"{label:<{name_w}} {sparkline(values, spark_w):<{spark_w}} now{now} avg{avg} max{top}")
    return "\n".join(lines)


def job_row(j: JobView) -> tuple[str, ...]:
    where = j.tmux_target or (f"pid {j.pid}" if j.pid else None)
    where = where or (f"slurm {j.slurm_id}" if j.slurm_id else "-")
    prog = f"{j.progress_pct:.0f}%" if j.progress_pct is not None else ""
    gpus = ",".join(str(g) for g in j.gpus)
    if not gpus and j.gpu_count:  # a Slurm job whose GPU indices Slurm did not say
        gpus = f"{j.gpu_count}x"
    return (
        safe(str(j.host), max_len=12),
        safe(str(where), max_len=18),
        str(j.state or ""),
        gpus,
        prog,
        safe(str(j.last_line or j.command or ""), max_len=120),
    )


def job_key(j: JobView) -> str:
    ident = j.pane_id or j.launched or (f"slurm:{j.slurm_id}" if j.slurm_id else j.pid)
    return f"{j.host}|{ident}"


class GpuPane(RunsKeys, Pane):
    PANE_ID = "gpu"
    TITLE = "GPU jobs"
    NUMBER = 5

    BINDINGS = [
        Binding("t", "tail", "Tail", id="gpu.tail"),
        Binding("k", "kill", "Kill job", id="gpu.kill"),
        Binding("a", "attach", "Attach", id="gpu.attach"),
        Binding("l", "launch", "Launch", id="gpu.launch"),
        Binding("o", "note", "Outcome note", id="gpu.note"),
        Binding("r", "refresh", "Poll now", id="gpu.refresh", show=False),
        # the runs table (zoomed only: hidden from the footer otherwise)
        Binding("s", "runs_sort", "Sort runs", id="gpu.runs_sort"),
        Binding("S", "runs_reverse", "Reverse sort", id="gpu.runs_reverse", show=False),
        Binding("slash", "runs_filter", "Filter runs", id="gpu.runs_filter"),
        Binding("R", "runs_focus", "Runs/jobs table", id="gpu.runs_focus", show=False),
        Binding("escape", "runs_filter_close", "Clear filter", id="gpu.runs_filter_close", show=False),
        # Enter on the table selects its row; on the pane itself (the table not focused yet) it tails too
        Binding("enter", "tail", "Tail", id="gpu.enter", show=False),
    ]

    DEFAULT_CSS = """
    GpuPane #gpu-hosts { height: auto; max-height: 60%; }
    GpuPane .gpu-host { height: auto; }
    GpuPane .gpu-host.-error { color: $error; }
    GpuPane #gpu-jobs { height: auto; max-height: 1fr; overflow-x: hidden; }
    GpuPane #gpu-history { display: none; height: auto; margin-bottom: 1; }
    GpuPane.-wide #gpu-history.-filled { display: block; }
    GpuPane.-compact #gpu-jobs, GpuPane.-compact #gpu-nojobs { display: none; }
    GpuPane #gpu-runs { display: none; }
    GpuPane.-zoomed #gpu-runs { display: block; }
    GpuPane.-zoomed.-runs #gpu-jobs { max-height: 40%; }
    GpuPane.-zoomed.-runs #gpu-hosts { max-height: 30%; }
    """

    # fixed widths: no re-layout when values change, and the table fits 80 columns
    COLUMNS = (("host", 8), ("where", 14), ("state", 8), ("gpu", 3), ("prog", 4), ("last line", 60))

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.poller: Poller | None = None
        self.states: dict[str, HostState] = {}
        self.rendered: dict[str, str] = {}
        self._history_text = ""  # the utilisation history shown (wide form)
        self.history: dict[str, dict[int, deque[float | None]]] = {}
        self.rows: dict[str, tuple[str, ...]] = {}
        self.jobs: dict[str, JobView] = {}
        self.updates = 0  # widget updates made (benchmarks and tests read it)
        self._wake: Timer | None = None  # the one-shot timer of the next host deadline

    def compose(self) -> ComposeResult:
        cfg = self.ctx.config
        if not cfg.hosts and not cfg.gpu.local:
            yield Static("No hosts configured.", classes="empty")
            yield Static("Add [[hosts]] to config.toml to watch GPUs and jobs.", classes="empty hint")
            return
        names = ([LOCAL_HOST] if cfg.gpu.local else []) + [h.name for h in cfg.hosts]
        with Vertical(id="gpu-hosts"):
            for name in names:
                yield Static(Content(f"{safe(name, max_len=24)}  connecting…"), classes="gpu-host")
        # the jobs table is mounted when the first job shows up (see apply_jobs)
        yield Static("No jobs running.", id="gpu-nojobs", classes="empty")

    def on_mount(self) -> None:
        cfg = self.ctx.config
        if not cfg.hosts and not cfg.gpu.local:
            return
        # After the first frame: the poller (SSH, probe and job modules) and its first poll,
        # whose worker imports paramiko (~0.2 s of CPU), would compete with the first paint.
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        from cockpit.services.gpu import Poller

        self.poller = Poller(self.ctx)
        self.poll(force=True)

    def _table(self, create: bool = False) -> DataTable[str] | None:
        """The jobs table, mounted when the first job shows up (the first frame has none)."""

        def make() -> DataTable[str]:
            from cockpit.tui.gpu.table import JobsTable

            table: DataTable[str] = JobsTable(cursor_type="row", zebra_stripes=False)
            for label, width in self.COLUMNS:
                table.add_column(label, width=width, key=label)
            return table

        return self.lazy_child("gpu-jobs", make if create else None, before="gpu-nojobs")  # type: ignore[return-value]

    def on_unmount(self) -> None:
        if self.poller is not None:
            self.poller.close()

    # ------------------------------------------------------------ polling

    def poll(self, force: bool = False) -> None:
        """Poll the hosts that are due (each by its own deadline); never one still answering.
        Then sleep until the next deadline: a one-shot timer, set again after each poll and each
        host's answer, so a late timer or a slow host never makes another host wait a tick more."""
        if self.poller is None:
            return
        now = self.ctx.clock.monotonic()
        hosts = self.poller.claim(self.poller.hosts if force else self.poller.due(now), now)
        if hosts:
            self._poll_worker(hosts)
        if self._wake is not None:
            self._wake.stop()
            self._wake = None
        wake = self.poller.next_wake()
        if wake is not None:
            self._wake = self.set_timer(max(0.0, wake - now), self.poll, name="gpu-poll")

    @work(thread=True, exit_on_error=False, group="gpu")
    def _poll_worker(self, hosts: list[Any]) -> None:
        from cockpit.services import gpu as svc
        from cockpit.tui.gpu.messages import HostPolled, JobsRecorded

        assert self.poller is not None
        # post_message is thread-safe and keeps order: each host's result, then the recorded jobs
        states = self.poller.poll(
            on_result=lambda st: self.post_message(HostPolled(st)), hosts=hosts, claimed=True
        )
        if not states:
            return
        try:
            merged = {**self.states, **{st.name: st for st in states}}
            states, _alerts = svc.record_states(self.ctx, states, list(merged.values()), self.poller)
        except svc.CorruptFileError:
            pass  # the store banner names the file (the app shows it within a second); no toast per poll
        except Exception as e:  # noqa: BLE001 - a store problem is shown, polling goes on
            self.app.call_from_thread(self.app.notify, f"gpu: {e}", severity="error")
        self.post_message(JobsRecorded(states))

    def on_host_polled(self, message: HostPolled) -> None:
        message.stop()
        self.apply_host(message.state)
        self.poll()  # the host is free again: poll it now if its deadline passed meanwhile

    def on_jobs_recorded(self, message: JobsRecorded) -> None:
        message.stop()
        self.apply_jobs(message.states)

    def apply_host(self, st: HostState) -> None:
        self.states[st.name] = st
        hist = self.history.setdefault(st.name, {})
        for g in st.gpus:
            hist.setdefault(g.index, deque(maxlen=self.ctx.config.gpu.history_points)).append(g.util_pct)
        wide = self.size.width >= 70
        self._draw_history()
        text = render_host(st, hist, wide)
        if self.rendered.get(st.name) == text:
            return
        self.rendered[st.name] = text
        assert self.poller is not None
        names = [h.name for h in self.poller.hosts]
        widgets = list(self.query(".gpu-host").results(Static))
        if st.name in names and names.index(st.name) < len(widgets):
            w = widgets[names.index(st.name)]
            w.update(safe_content(text, newlines=True))
            w.set_class(not st.ok, "-error")
            self.updates += 1

    def wide_changed(self, wide: bool) -> None:
        if wide:
            self._draw_history()

    def _draw_history(self) -> None:
        """Each GPU's utilisation history (wide form only; built when the first GPU answers)."""
        if not self.has_class("-wide") or self.poller is None:
            return
        states = [self.states[h.name] for h in self.poller.hosts if h.name in self.states]
        text = render_history([st for st in states if st.ok], self.history, self.content_size.width)
        if text == self._history_text:
            return
        widget = self.lazy_child(
            "gpu-history",
            (lambda: Static("", markup=False)) if text else None,
            before="gpu-jobs" if self._table() else "gpu-nojobs",
        )
        if widget is None:
            return
        assert isinstance(widget, Static)
        self._history_text = text
        widget.set_class(bool(text), "-filled")
        widget.update(safe_content(text, newlines=True))
        self.updates += 1

    def apply_jobs(self, states: list[HostState]) -> None:
        for st in states:
            self.states[st.name] = st
        rows: dict[str, tuple[str, ...]] = {}
        jobs: dict[str, JobView] = {}
        assert self.poller is not None
        for st in (self.states[h.name] for h in self.poller.hosts if h.name in self.states):
            for j in st.jobs:
                k = job_key(j)
                rows[k] = job_row(j)
                jobs[k] = j
        self.jobs = jobs
        if rows == self.rows:
            return
        table = self._table(create=True)
        assert table is not None
        self.query_one("#gpu-nojobs").display = not rows
        if not rows and table.has_focus:
            self.focus()
        shown = bool(rows) and not table.display
        table.display = bool(rows)
        if shown and self.screen.focused is self:
            # the pane held the focus only while it had no job to show: Enter now opens the tail
            self.call_after_refresh(self._refocus)
        cols = list(table.columns.keys())
        for k in [k for k in self.rows if k not in rows]:
            table.remove_row(k)
        for k, row in rows.items():
            old = self.rows.get(k)
            if old is None:
                table.add_row(*[safe_content(c) for c in row], key=k)
            else:
                for i, (a, b) in enumerate(zip(old, row, strict=True)):
                    if a != b:
                        table.update_cell(k, cols[i], safe_content(b))
        self.rows = rows
        self.updates += 1

    # ------------------------------------------------------------ actions

    def selected_job(self) -> JobView | None:
        if not self.is_mounted or not self.jobs:
            return None
        table = self._table()
        if table is None or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.jobs.get(str(key))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_tail()  # Enter on a job row

    def action_refresh(self) -> None:
        self.poll(force=True)

    def action_tail(self) -> None:
        job = self.selected_job()
        if job is None or not (job.pane_id or job.stdout or job.slurm):
            self.app.notify("select a job in tmux (or a Slurm job with an output file)", severity="warning")
            return
        from cockpit.tui.gpu.modals import TailScreen

        assert self.poller is not None
        self.app.push_screen(TailScreen(self.poller, job))

    def action_kill(self) -> None:
        job = self.selected_job()
        if job is not None and job.state in ("finished", "failed"):
            where = job.tmux_target or (f"Slurm job {job.slurm_id}" if job.slurm_id else f"pid {job.pid}")
            self.app.notify(f"{where} has ended ({job.state}): nothing to kill")
            return
        slurm_live = job is not None and job.slurm_id and job.state in ("running", "pending")
        if job is None or not (job.pid or slurm_live):
            self.app.notify("select a running job to kill it", severity="warning")
            return
        from cockpit.tui.gpu.modals import ConfirmKill

        def done(yes: bool | None) -> None:
            if yes:
                self._kill_worker(job)

        self.app.push_screen(ConfirmKill(job), done)

    @work(thread=True, exit_on_error=False, group="gpu-action")
    def _kill_worker(self, job: JobView) -> None:
        from cockpit.services import gpu as svc

        assert self.poller is not None
        try:
            svc.kill(self.poller, job.host, job)
        except Exception as e:  # noqa: BLE001
            self.app.call_from_thread(self.app.notify, safe(str(e), max_len=200), severity="error")
            return
        what = f"scancel {job.slurm_id}" if job.slurm_id else "sent SIGTERM to"
        self.app.call_from_thread(self.app.notify, safe(f"{what} {job.tmux_target or job.pid or ''}".strip()))
        self.app.call_from_thread(self.poll, True)

    def action_attach(self) -> None:
        from cockpit.services.gpu import attach

        job = self.selected_job()
        if job is None or not job.tmux_target:
            self.app.notify("select a job running in tmux to attach to it", severity="warning")
            return
        session = str(job.tmux_target).rsplit(":", 1)[0]
        if self.app.is_web:
            # a browser tab has no tmux window to open: the shell line goes to its clipboard
            from cockpit.services.gpu import attach_line

            line = attach_line(job.host, session)
            self.app.copy_to_clipboard(line)
            self.app.notify(safe(f"Copied: {line}", max_len=200), title="Attach", timeout=10)
            return
        problem = attach(job.host, session)
        if problem:
            self.app.notify(safe(problem, max_len=160), severity="warning", timeout=10)

    def action_launch(self) -> None:
        if self.poller is None:
            cfg = self.ctx.config
            starting = cfg.hosts or cfg.gpu.local
            self.app.notify(
                "GPU hosts are still starting" if starting else "no hosts configured", severity="warning"
            )
            return
        from cockpit.tui.gpu.modals import LaunchForm

        self.app.push_screen(LaunchForm(self.ctx, self.poller))

    def action_note(self) -> None:
        """The selected run's outcome note (the journal's ``cockpit jobs note``)."""
        job = self.selected_job()
        if job is None or job.slurm_id:
            self.app.notify("select a job launched by cockpit or found on a GPU", severity="warning")
            return
        from cockpit.tui.gpu.modals import NoteForm

        self.app.push_screen(NoteForm(self.ctx, job))

    def commands(self) -> list[Command]:
        return [
            ("GPU: poll now", "Poll every GPU host now", self.action_refresh),
            ("GPU: launch job", "Start a command in tmux on a host", self.action_launch),
        ]
