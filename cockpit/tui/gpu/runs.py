"""The GPU pane's runs table, shown while the pane is zoomed: every run of the journal (past and
running) with its status, name, hypothesis, git hash, GPU-hours, cost and final metrics. Sorted by
any of them (``s`` the next column, ``S`` the other way), filtered by text in the hypothesis
(``/``), Enter shows a run's journal entry (as ``cockpit jobs show`` prints it).

Built on the first zoom; the journal is read by a worker thread, so neither the first frame nor
the unzoomed pane pays for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from cockpit.tui.shell.safe import SafeInput, safe, safe_content

if TYPE_CHECKING:
    from textual.widgets import DataTable

    from cockpit.context import Context
    from cockpit.tui.shell.pane import Pane

    _PaneBase = Pane
else:
    _PaneBase = object

#: (row field, header, width) of the fixed columns; then one column per metric
COLUMNS = (
    ("state", "status", 8),
    ("name", "name", 10),
    ("note", "hypothesis", 17),
    ("git_commit", "git", 7),
    ("gpu_hours", "GPU-h", 6),
    ("cost", "cost", 6),
)
METRIC_W = 8  # (the fixed columns and one metric fit 80 columns)
#: the sort order of the first load: newest run first
DEFAULT_SORT = ("started", True)
#: the table holds the first rows of the order only (every run is sorted and filtered): a table
#: row costs about 0.1 ms to add, so a key press redraws 5,000 runs in 50 ms, not 500
MAX_SHOWN = 500


def cell(field: str, value: Any) -> str:
    """One cell's text (cleaned)."""
    if value is None or value == "":
        return ""
    if field == "git_commit":
        return safe(value)[:7]
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.2f}" if field in ("gpu_hours", "cost") else f"{value:.4g}"
    return safe(value, max_len=120)


class RunsFilter(SafeInput):
    """The filter's input: text in the hypothesis (or the outcome note)."""


class RunsView(Vertical):
    DEFAULT_CSS = """
    RunsView { height: 1fr; min-height: 5; }
    RunsView.-empty { height: auto; min-height: 1; }
    RunsView.-empty #runs-table { display: none; }
    RunsView #runs-status { height: 1; color: $text-muted; }
    RunsView #runs-filter { height: 1; }
    RunsView #runs-table { height: 1fr; overflow-x: auto; }
    """

    def __init__(self, ctx: Context, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctx = ctx
        self.rows: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []  # the rows in the table's order
        self.metrics: list[str] = []
        self.sort, self.descending = DEFAULT_SORT
        self.text = ""
        self.loaded = False

    def compose(self) -> ComposeResult:
        from cockpit.tui.gpu.table import JobsTable

        yield Static("Runs: loading the journal…", id="runs-status", markup=False)
        yield JobsTable(cursor_type="row", zebra_stripes=False, id="runs-table")

    @property
    def table(self) -> DataTable[str]:
        from textual.widgets import DataTable

        return self.query_one("#runs-table", DataTable)

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="gpu-runs")
    def load(self) -> None:
        """Read every run of the journal (a worker thread: a long journal never blocks a frame)."""
        from cockpit.services.gpu import runs

        try:
            rows = runs.rows(self.ctx)
        except Exception as e:  # noqa: BLE001 - a store problem is shown, the pane goes on
            self.app.call_from_thread(self._status, f"Runs: the journal could not be read: {safe(e, 160)}")
            return
        self.app.call_from_thread(self.show_rows, rows)

    def _status(self, text: str) -> None:
        self.query_one("#runs-status", Static).update(safe_content(text))

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        from cockpit.core.journal_table import metric_names

        self.rows = rows
        self.metrics = metric_names(rows)
        self.loaded = True
        # no run yet: one line, and the hosts and jobs above keep the pane's room
        self.set_class(not rows, "-empty")
        if self.parent is not None:
            self.parent.set_class(bool(rows), "-runs")
        if self.sort not in {k for k, _ in self.sorts()}:
            self.sort, self.descending = DEFAULT_SORT
        self.redraw()

    # ------------------------------------------------------------ sorting and filtering

    def sorts(self) -> list[tuple[str, str]]:
        """What the table sorts by, in the order ``s`` cycles: start, each column, each metric."""
        fixed = [("started", "started"), *((f, label) for f, label, _ in COLUMNS)]
        return fixed + [(f"metric:{m}", safe(m, max_len=30)) for m in self.metrics]

    def cycle_sort(self) -> None:
        keys = [k for k, _ in self.sorts()]
        i = keys.index(self.sort) if self.sort in keys else -1
        self.sort = keys[(i + 1) % len(keys)]
        self.redraw()

    def reverse(self) -> None:
        self.descending = not self.descending
        self.redraw()

    def set_filter(self, text: str) -> None:
        self.text = text
        self.redraw()

    def filter_input(self, create: bool = False) -> RunsFilter | None:
        for w in self.query("#runs-filter"):
            return w  # type: ignore[return-value]
        if not create:
            return None
        box = RunsFilter(
            self.text, id="runs-filter", placeholder="filter: text in the hypothesis", compact=True
        )
        self.mount(box, before="#runs-table")
        return box

    def open_filter(self) -> None:
        box = self.filter_input(create=True)
        assert box is not None
        box.display = True
        box.focus()

    def close_filter(self) -> None:
        """Clear the filter and hide its input; the table takes the focus."""
        box = self.filter_input()
        if box is not None:
            box.display = False
            box.load("")
        self.set_filter("")
        self.table.focus()

    @property
    def filter_open(self) -> bool:
        box = self.filter_input()
        return bool(self.text) or (box is not None and box.display)

    def on_input_changed(self, event: SafeInput.Changed) -> None:
        event.stop()
        self.set_filter(event.value)

    def on_input_submitted(self, event: SafeInput.Submitted) -> None:
        event.stop()
        self.table.focus()

    # ------------------------------------------------------------ drawing

    def redraw(self) -> None:
        from cockpit.core.journal_table import filter_rows, sort_rows

        if not self.loaded:
            return
        table = self.table
        keep = self.selected_id()
        matching = sort_rows(filter_rows(self.rows, self.text), self.sort, self.descending)
        self.shown = matching[:MAX_SHOWN]
        arrow = " ▼" if self.descending else " ▲"
        table.clear(columns=True)
        for f, label, width in COLUMNS:
            head = label + arrow if f == self.sort else label
            table.add_column(head, width=max(width, len(head)), key=f)
        for m in self.metrics:
            label = safe(m, max_len=METRIC_W)
            head = label + arrow if f"metric:{m}" == self.sort else label
            table.add_column(safe_content(head), width=max(METRIC_W, len(head)), key=f"metric:{m}")
        for r in self.shown:
            cells = [cell(f, r.get(f)) for f, _, _ in COLUMNS]
            cells += [cell("metric", (r.get("metrics") or {}).get(m)) for m in self.metrics]
            table.add_row(*(safe_content(c) for c in cells), key=str(r.get("id")))
        ids = [str(r.get("id")) for r in self.shown]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)
        label = dict(self.sorts()).get(self.sort, self.sort)
        where = f" matching {safe(self.text, max_len=30)!r}" if self.text.strip() else ""
        if self.sort == "started":
            order = "newest first" if self.descending else "oldest first"
        else:
            order = "descending" if self.descending else "ascending"
        cut = f"; the first {len(self.shown)} shown" if len(matching) > len(self.shown) else ""
        if not self.rows:
            self._status("Runs: none in the journal yet (l launches one)")
            return
        self._status(f"Runs: {len(matching)} of {len(self.rows)}{where}, by {label} ({order}){cut}")

    def selected_id(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter on a run (the jobs table's Enter tails its job)
        self.open_entry()

    def open_entry(self) -> None:
        from cockpit.services.gpu import runs
        from cockpit.tui.gpu.modals import RunEntry

        ref = self.selected_id()
        if ref is None:
            self.app.notify("no run to show", severity="warning")
            return
        try:
            lines = runs.entry(self.ctx, ref)
        except Exception as e:  # noqa: BLE001 - a run removed meanwhile, a store problem
            self.app.notify(safe(e, max_len=200), severity="error", markup=False)
            return
        self.app.push_screen(RunEntry(ref, lines))


class RunsKeys(_PaneBase):
    """The GPU pane's side of the runs table: built and loaded on zoom, its keys (the pane's
    bindings ``gpu.runs_*``) active while zoomed only."""

    RUNS_ACTIONS = frozenset({"runs_sort", "runs_reverse", "runs_filter", "runs_focus", "runs_filter_close"})

    def _runs(self, create: bool = False) -> RunsView | None:
        def make() -> RunsView:
            return RunsView(self.ctx, id="gpu-runs")

        return self.lazy_child("gpu-runs", make if create else None)  # type: ignore[return-value]

    def zoom_changed(self, zoomed: bool) -> None:
        if zoomed:
            view = self._runs(create=True)
            assert view is not None
            view.load()
        self.refresh_bindings()  # the runs table's keys show in the footer while zoomed

    def reload(self) -> None:
        """The store changed (a run started or ended, a note): read the journal again, zoomed."""
        view = self._runs()
        if view is not None and self.zoomed:
            view.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in self.RUNS_ACTIONS:
            return True
        view = self._runs() if self.zoomed and self.is_mounted else None
        if view is None:
            return False
        return view.filter_open if action == "runs_filter_close" else True

    def action_runs_sort(self) -> None:
        if (view := self._runs()) is not None:
            view.cycle_sort()

    def action_runs_reverse(self) -> None:
        if (view := self._runs()) is not None:
            view.reverse()

    def action_runs_filter(self) -> None:
        if (view := self._runs()) is not None:
            view.open_filter()
            self.refresh_bindings()

    def action_runs_filter_close(self) -> None:
        if (view := self._runs()) is not None:
            view.close_filter()
            self.refresh_bindings()

    def action_runs_focus(self) -> None:
        """Move the focus between the runs table and the jobs table."""
        view = self._runs()
        if view is None:
            return
        jobs = [w for w in self.query("#gpu-jobs") if w.display]
        if view.table.has_focus and jobs:
            jobs[0].focus()
        else:
            view.table.focus()
