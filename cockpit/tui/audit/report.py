"""The time-audit report: day, week, month, audit period or a custom range, with terminal charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from cockpit.core import audit as core
from cockpit.errors import CockpitError
from cockpit.services import audit
from cockpit.tui.audit.render import bar, safe_color
from cockpit.tui.shell.footer import KeyFooter
from cockpit.tui.shell.safe import SafeInput, safe

if TYPE_CHECKING:
    from cockpit.context import Context

KIND_LABEL = {"day": "Day", "week": "Week", "month": "Month", "audit": "Audit period", "range": "Range"}


def render(r: core.Report, cats: Sequence[core.CategoryInfo], width: int, kind: str) -> Content:
    info = {c.id: c for c in cats}
    colors = {c.id: safe_color(c.color) for c in cats}
    keys = {c.id: c.key for c in cats}
    last = r.end - core.DAY
    span = f"{r.first:%a %d %b %Y}" if r.first == last else f"{r.first:%d %b} - {last:%d %b %Y}"
    lines: list[Content] = [
        Content.styled(
            safe(f"{KIND_LABEL.get(kind, kind)} {span} · {r.tz} · {core.fmt_hm(r.total_s)} tracked"), "bold"
        )
    ]
    if r.previous is not None:
        d = r.total_s - r.previous.total_s
        lines.append(
            Content(
                f"previous period {core.fmt_hm(r.previous.total_s)} ({'+' if d >= 0 else ''}{core.fmt_hm(d)})"
            )
        )
    lines.append(Content(""))
    if not r.total_s:
        lines.append(Content("Nothing tracked in this period."))
        return Content("\n").join(lines)
    names = {cid: safe(info[cid].name if cid in info else cid, 200) for cid in r.categories}
    # the names have the room first: whole while the bars keep 16 cells, else cut with "…"
    name_w = max(8, min(max(Content(n).cell_length for n in names.values()), width - 24 - 16))
    bar_w = max(8, width - name_w - 24)
    top = max(r.categories.values())
    trend = r.trend()
    for cid in sorted(r.categories, key=lambda c: -r.categories[c]):
        n = max(1, int(round(r.categories[cid] / top * bar_w)))
        delta = trend.get(cid)
        tr = "" if delta is None else f" {'+' if delta >= 0 else ''}{core.fmt_hm(delta)}"
        lines.append(
            Content.assemble(
                Content(names[cid]).truncate(name_w, ellipsis=True, pad=True),
                " ",
                ("█" * n, colors.get(cid, "grey")),
                " " * (bar_w - n),
                f" {core.fmt_hm(r.categories[cid]):>6} {r.percent(cid):3.0f}%{tr}",
            )
        )
    if len(r.days) > 1:
        lines.append(Content(""))
        lines.append(Content.styled("Per day (each block starts with its category key)", "bold"))
        day_w = max(8, width - 20)
        scale = max(d.total_s for d in r.days) or 1
        for d in r.days:
            parts = [(c.id, d.categories.get(c.id, 0.0)) for c in cats]
            b = bar(parts, day_w, scale, colors, keys)
            pad = " " * max(0, day_w - len(b.plain))
            sw = f" {d.switches}sw" if d.switches else ""
            lines.append(Content.assemble(f"{d.day:%a %d} ", b, pad, f" {core.fmt_hm(d.total_s):>6}{sw}"))
    lines.append(Content(""))
    lines.append(
        Content(
            f"Deep work {core.fmt_hm(r.deep_s)} · active {core.fmt_hm(r.active_s)} · passive {core.fmt_hm(r.passive_s)}"
        )
    )
    lines.append(
        Content(
            f"Admin share {100 * r.admin_share:.0f}% · sources: "
            + ", ".join(f"{safe(k, 30)} {core.fmt_hm(v)}" for k, v in sorted(r.sources.items()))
        )
    )
    active_days = max(1, sum(1 for d in r.days if d.total_s))
    lines.append(
        Content(
            f"Context switches {r.context_switches} ({r.context_switches / active_days:.1f}/day) · "
            f"fragments {len(r.fragments)} · lost to switching {100 * r.lost_share:.0f}%"
        )
    )
    sinks = r.sinks(cats)
    if sinks:
        lines.append(
            Content(
                "Time sinks: "
                + ", ".join(
                    f"{safe(info[c].name if c in info else c, 30)} {core.fmt_hm(s)}" for c, s in sinks
                )
            )
        )
    return Content("\n").join(lines)


class ReportScreen(Screen[None]):
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="audit_report.close"),
        Binding("d", "kind('day')", "Day", id="audit_report.day"),
        Binding("w", "kind('week')", "Week", id="audit_report.week"),
        Binding("m", "kind('month')", "Month", id="audit_report.month"),
        Binding("a", "kind('audit')", "Audit", id="audit_report.audit"),
        Binding("c", "custom", "Custom", id="audit_report.custom"),
        Binding("left,h", "move(-1)", "Earlier", id="audit_report.prev"),
        Binding("right,l", "move(1)", "Later", id="audit_report.next"),
    ]
    DEFAULT_CSS = """
    ReportScreen #report-range { display: none; }
    ReportScreen.-custom #report-range { display: block; }
    ReportScreen #report-body { padding: 0 1; }
    """

    def __init__(self, ctx: Context, kind: str = "week") -> None:
        super().__init__()
        self.ctx = ctx
        self.kind = kind
        self.first, self.end = audit.period(ctx, kind)

    def compose(self) -> ComposeResult:
        yield SafeInput(placeholder="from to, e.g. 2026-11-02 2026-11-13 (Enter)", id="report-range")
        with VerticalScroll():
            yield Static("", id="report-body", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_report()

    def refresh_report(self) -> None:
        r = audit.report(self.ctx, self.first, self.end, kind=self.kind)
        width = max(40, (self.size.width or 80) - 4)
        self.query_one("#report-body", Static).update(render(r, audit.categories(self.ctx), width, self.kind))

    def on_resize(self) -> None:
        self.refresh_report()

    def action_close(self) -> None:
        if self.has_class("-custom"):
            self.remove_class("-custom")
            return
        self.dismiss(None)

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self.first, self.end = audit.period(self.ctx, kind)
        self.refresh_report()

    def action_move(self, step: int) -> None:
        self.first, self.end = core.shift(
            self.kind if self.kind != "range" else "range", self.first, self.end, step
        )
        self.refresh_report()

    def action_custom(self) -> None:
        self.add_class("-custom")
        self.query_one("#report-range", SafeInput).focus()

    @on(SafeInput.Submitted, "#report-range")
    def _range(self, event: SafeInput.Submitted) -> None:
        parts = event.value.split()
        try:
            if len(parts) != 2:
                raise CockpitError("give two dates: FROM TO")
            first, last = audit.parse_date(parts[0]), audit.parse_date(parts[1])
            if last < first:
                raise CockpitError("TO is before FROM")
        except CockpitError as e:
            self.notify(str(e), severity="error")
            return
        self.kind, self.first, self.end = "range", first, last + dt.timedelta(days=1)
        self.remove_class("-custom")
        self.set_focus(None)
        self.refresh_report()
