"""Parsers of nvidia-smi CSV queries, into the GPU model of ``cockpit.core.gpu``.

The field lists below are THE place that says what cockpit asks nvidia-smi for: the probe
(cockpit.sources.probe) builds its command from them and the test stand-in answers them.
Every numeric value that nvidia-smi reports as ``[N/A]``, ``[Not Supported]``,
``[Unknown Error]`` or ``[Requested functionality has been deprecated]`` becomes ``None``,
never 0: idle detection would otherwise lie.
"""

from __future__ import annotations

import csv
import io
import re

from cockpit.core.gpu import Gpu, GpuProcess

GPU_FIELDS: tuple[str, ...] = (
    "index",
    "uuid",
    "name",
    "pci.bus_id",
    "utilization.gpu",
    "utilization.memory",
    "memory.used",
    "memory.total",
    "temperature.gpu",
    "power.draw",
    "enforced.power.limit",
    "mig.mode.current",
)
# What every driver cockpit may meet answers; asked only when the full query names a field the
# driver does not know (an old driver fails the whole query: "Field ... is not a valid field").
GPU_FIELDS_BASIC: tuple[str, ...] = GPU_FIELDS[:10]
APP_FIELDS: tuple[str, ...] = ("pid", "gpu_uuid", "used_memory", "process_name")


def is_unknown_field(text: str) -> bool:
    """nvidia-smi's answer when a queried field is newer than the driver."""
    return "not a valid field" in text.lower()


# Header names in CSV with a header row (``--format=csv``) that mean the same field.
_ALIASES = {"used_gpu_memory": "used_memory", "gpu_name": "gpu_name", "gpu_bus_id": "gpu_bus_id"}
_UNIT = re.compile(r"\s*\[[^\]]*\]\s*$")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?")


def num(raw: str | None) -> float | None:
    """``'19818 MiB'`` -> 19818.0; ``'[N/A]'``, ``'N/A'``, ``''``, ``'[Not Supported]'`` -> None."""
    if raw is None:
        return None
    s = raw.strip()
    if not s or s.startswith("[") or s.upper() in ("N/A", "NA", "-"):
        return None
    m = _NUMBER.match(s)
    return float(m.group(0)) if m else None


def _int(raw: str | None) -> int | None:
    v = num(raw)
    return int(v) if v is not None else None


def _text(raw: str | None) -> str:
    s = (raw or "").strip()
    return "" if s.startswith("[") and s.endswith("]") else s


def read_csv(text: str, fields: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    """Rows of an unquoted nvidia-smi CSV as dicts.

    With ``fields`` the text has no header (``noheader``) and columns are matched by position;
    without, the first line is the header (units like `` [MiB]`` are dropped from names).
    Extra columns (a last field containing ``, ``) are joined back into the last field.
    """
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return []
    if fields is None:
        header = [_UNIT.sub("", h).strip() for h in lines[0].split(",")]
        fields = tuple(_ALIASES.get(h, h) for h in header)
        lines = lines[1:]
    rows = []
    for values in csv.reader(io.StringIO("\n".join(lines)), skipinitialspace=True):
        if len(values) < len(fields):
            raise ValueError(f"expected {len(fields)} columns, got {len(values)}: {','.join(values)[:80]!r}")
        if len(values) > len(fields):
            values = values[: len(fields) - 1] + [", ".join(values[len(fields) - 1 :])]
        rows.append(dict(zip(fields, values, strict=True)))
    return rows


def gpus_from_rows(rows: list[dict[str, str]]) -> list[Gpu]:
    out = []
    for i, r in enumerate(rows):
        power = num(r.get("power.draw"))
        for alt in ("power.draw.instant", "power.draw.average"):
            if power is None:
                power = num(r.get(alt))
        index = _int(r.get("index"))
        total = num(r.get("memory.total"))
        parts = [num(r.get(k)) for k in ("memory.used", "memory.free", "memory.reserved")]
        if total is None and parts[0] is not None and parts[1] is not None:
            total = sum(p for p in parts if p is not None)  # old drivers: no memory.total asked
        out.append(
            Gpu(
                index=i if index is None else index,
                uuid=_text(r.get("uuid")),
                name=_text(r.get("name")),
                bus_id=_text(r.get("pci.bus_id")),
                util_pct=num(r.get("utilization.gpu")),
                mem_util_pct=num(r.get("utilization.memory")),
                mem_used_mib=num(r.get("memory.used")),
                mem_total_mib=total,
                temp_c=num(r.get("temperature.gpu")),
                power_w=power,
                power_limit_w=num(r.get("enforced.power.limit")),
                mig=_text(r.get("mig.mode.current")).lower() == "enabled",
            )
        )
    return out


def parse_gpus(text: str, header: bool = False, fields: tuple[str, ...] = GPU_FIELDS) -> list[Gpu]:
    """``--query-gpu=<fields> --format=csv,noheader,nounits`` (or any CSV with a header)."""
    return gpus_from_rows(read_csv(text, None if header else fields))


def parse_apps(text: str, header: bool = False) -> list[GpuProcess]:
    """``--query-compute-apps=APP_FIELDS --format=csv,noheader,nounits``; empty text = none."""
    out = []
    for r in read_csv(text, None if header else APP_FIELDS):
        pid = _int(r.get("pid"))
        if pid is None:
            continue
        out.append(
            GpuProcess(pid, _text(r.get("gpu_uuid")), num(r.get("used_memory")), _text(r.get("process_name")))
        )
    return out


def is_no_devices(text: str) -> bool:
    """nvidia-smi's messages for 'installed but no usable GPU'."""
    low = text.lower()
    return "no devices were found" in low or "couldn't communicate with the nvidia driver" in low
