"""Charts as plain data and text: bar cells and the 80-column text report. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from cockpit.core.audit.periods import DAY
from cockpit.core.audit.reports import CategoryInfo, Report, fmt_hm


def cells(parts: Sequence[tuple[str, float]], total_cells: int, scale_s: float) -> list[tuple[str, int]]:
    """Split a bar of ``sum(parts)/scale_s * total_cells`` cells among parts (largest remainder)."""
    if scale_s <= 0 or total_cells <= 0:
        return []
    raw = [(k, s * total_cells / scale_s) for k, s in parts if s > 0]
    want = min(total_cells, int(round(sum(v for _, v in raw))))
    base = [(k, int(v)) for k, v in raw]
    left = want - sum(n for _, n in base)
    order = sorted(range(len(raw)), key=lambda i: -(raw[i][1] - base[i][1]))
    out = [list(x) for x in base]
    for i in order[: max(0, left)]:
        out[i][1] += 1
    return [(str(k), int(n)) for k, n in out if n > 0]


def text_report(r: Report, cats: Sequence[CategoryInfo], width: int | None = 80) -> list[str]:
    """The report as plain lines (no colour): category bars, stacked day bars, key figures.

    ``width`` is the terminal's: bars fill it and no line is longer. ``None`` (output to a pipe or
    a file) lays the bars out for 80 columns and cuts no line."""
    cut = width
    width = width or 80
    info = {c.id: c for c in cats}
    order = [c.id for c in cats] + sorted(k for k in r.categories if k not in info)
    last = r.end - DAY
    span = f"{r.first}" if r.first == last else f"{r.first} .. {last}"
    lines = [f"Time audit {span} ({r.tz}): {fmt_hm(r.total_s)} tracked"]
    if not r.total_s:
        lines.append("nothing tracked in this period")
        return lines
    name_w = 22
    bar_w = max(10, width - name_w - 16)
    top = max(r.categories.values())
    for cid in sorted(r.categories, key=lambda c: -r.categories[c]):
        c = info.get(cid)
        name = (c.name if c else cid)[:name_w]
        n = int(round(r.categories[cid] / top * bar_w)) if top else 0
        lines.append(
            f"{name:<{name_w}} {'#' * n:<{bar_w}} {fmt_hm(r.categories[cid]):>6} {r.percent(cid):3.0f}%"
        )
    if len(r.days) > 1:
        lines.append("")
        day_w = width - 18
        scale = max((d.total_s for d in r.days), default=0) or 1
        for d in r.days:
            parts = [(k, d.categories.get(k, 0.0)) for k in order]
            bar = "".join((info[k].key if k in info else "?") * n for k, n in cells(parts, day_w, scale))
            lines.append(f"{d.day:%a %d %b} {bar:<{day_w}} {fmt_hm(d.total_s):>6}")
        legend = "keys:"
        for c in cats:
            if c.id not in r.categories:
                continue
            item = f" {c.key}={c.name.split('/')[0]}"
            if len(legend) + len(item) > width:
                lines.append(legend)
                legend = "     "
            legend += item
        lines.append(legend)
    lines.append("")
    lines.append(
        f"deep work {fmt_hm(r.deep_s)}  active {fmt_hm(r.active_s)}  passive {fmt_hm(r.passive_s)}  "
        f"admin {100 * r.admin_share:.0f}%"
    )
    per_day = r.context_switches / max(1, sum(1 for d in r.days if d.total_s))
    lines.append(
        f"context switches {r.context_switches} ({per_day:.1f}/day)  "
        f"fragments {len(r.fragments)}  lost to switching {100 * r.lost_share:.0f}%"
    )
    sinks = r.sinks(cats)
    if sinks:
        text = "time sinks: " + ", ".join(
            f"{info[c].name.split('/')[0] if c in info else c} {fmt_hm(s)}" for c, s in sinks
        )
        lines.append(text[:cut] if cut else text)
    if r.previous is not None:
        delta = r.total_s - r.previous.total_s
        sign = "+" if delta >= 0 else ""
        moved = sorted(r.trend().items(), key=lambda x: -abs(x[1]))
        moved = [(k, v) for k, v in moved if k != "total" and abs(v) >= 60][:3]
        detail = ", ".join(
            f"{info[k].name.split('/')[0] if k in info else k} {'+' if v >= 0 else ''}{fmt_hm(v)}"
            for k, v in moved
        )
        text = f"vs previous period: {sign}{fmt_hm(delta)} total" + (f" ({detail})" if detail else "")
        lines.append(text[:cut] if cut else text)
    return lines
