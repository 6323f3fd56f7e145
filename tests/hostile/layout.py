"""Check a rendered 80x24 frame: every pane's border complete, the footer on the last line."""

from __future__ import annotations

from rich.cells import cell_len

TOP = ("╭", "┌", "┏", "╔", "▛")
BOTTOM = ("╰", "└", "┗", "╚", "▙")
SIDE = ("│", "┃", "║", "▌", "▐")


def cells(line: str) -> list[str]:
    """One entry per terminal cell (a wide character fills two: itself and '')."""
    out: list[str] = []
    for i, ch in enumerate(line):
        w = cell_len(line[: i + 1]) - cell_len(line[:i])  # grapheme-aware, as Textual lays out
        if w <= 0 and out:
            out[-1] += ch
            continue
        out.append(ch)
        out.extend([""] * (w - 1))
    return out


def border_problems(lines: list[str], regions: dict[str, tuple[int, int, int, int]]) -> list[str]:
    """Broken borders as readable notes: for each pane id, its (x, y, width, height)."""
    grid = [cells(line) for line in lines]
    problems = []

    def at(x: int, y: int) -> str:
        return grid[y][x] if y < len(grid) and x < len(grid[y]) else "<off screen>"

    for name, (x, y, w, h) in regions.items():
        right, bottom = x + w - 1, y + h - 1
        if at(x, y) not in TOP or at(right, y)[:1] not in ("╮", "┐", "┓", "╗", "▜"):
            problems.append(f"{name}: top corners {at(x, y)!r} {at(right, y)!r} on row {y}")
        if at(x, bottom) not in BOTTOM or at(right, bottom)[:1] not in ("╯", "┘", "┛", "╝", "▟"):
            problems.append(f"{name}: bottom corners {at(x, bottom)!r} {at(right, bottom)!r} on row {bottom}")
        for row in range(y + 1, bottom):
            if at(x, row) not in SIDE or at(right, row) not in SIDE:
                problems.append(f"{name}: side border broken on row {row}: {lines[row]!r}")
        for col in range(x + 1, right):
            if at(col, bottom) not in ("─", "━", "═", "▄"):
                problems.append(f"{name}: bottom border broken at column {col}: {lines[bottom]!r}")
                break
    return problems
