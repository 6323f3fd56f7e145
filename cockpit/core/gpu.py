"""The GPU model shared by every source (nvidia-smi over SSH, NVML locally), and how the pane draws
utilisation (bars, sparklines). Pure: the nvidia-smi parsers live in
``cockpit.sources.parse_nvidia_smi``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gpu:
    index: int
    uuid: str = ""
    name: str = ""
    bus_id: str = ""
    util_pct: float | None = None
    mem_util_pct: float | None = None
    mem_used_mib: float | None = None
    mem_total_mib: float | None = None
    temp_c: float | None = None
    power_w: float | None = None
    power_limit_w: float | None = None
    mig: bool = False


@dataclass(frozen=True)
class GpuProcess:
    pid: int
    gpu_uuid: str
    used_mib: float | None
    name: str


# ---------------------------------------------------------------- history / sparkline

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None], width: int = 12) -> str:
    """Percentages 0..100 as block characters; missing samples are a space."""
    out = []
    for v in values[-width:]:
        if v is None:
            out.append(" ")
        else:
            out.append(SPARK[min(len(SPARK) - 1, max(0, int(v / 100 * len(SPARK))))])
    return "".join(out)


def bar(pct: float | None, width: int) -> str:
    """A fixed-width text bar; unknown is shown as dots, never as empty (which would read 0)."""
    if width <= 0:
        return ""
    if pct is None:
        return "·" * width
    filled = round(max(0.0, min(100.0, pct)) / 100 * width)
    return "█" * filled + "░" * (width - filled)
