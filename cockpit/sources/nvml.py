"""The local machine's GPUs through NVML (``import pynvml``, from the nvidia-ml-py package).

Each query is guarded on its own: a value the driver does not support is None, never 0.
"""

from __future__ import annotations

import threading
from typing import Any

from cockpit.core.gpu import Gpu, GpuProcess


class NvmlUnavailable(Exception):
    pass


_lock = threading.Lock()
_initialised = False


def _pynvml() -> Any:
    try:
        import pynvml
    except ImportError:
        raise NvmlUnavailable("NVML bindings missing (pip install nvidia-ml-py)") from None
    return pynvml


def _init(nv: Any) -> None:
    global _initialised
    with _lock:
        if _initialised:
            return
        try:
            nv.nvmlInit()
        except nv.NVMLError_LibraryNotFound:
            raise NvmlUnavailable("no NVIDIA driver") from None
        except nv.NVMLError as e:
            raise NvmlUnavailable(f"NVML failed: {e}") from None
        _initialised = True


def reset() -> None:
    """Forget the init state (tests swap the pynvml module)."""
    global _initialised
    _initialised = False


def _try(fn: Any, *args: Any) -> Any:
    nv = _pynvml()
    try:
        return fn(*args)
    except nv.NVMLError:
        return None


def _str(v: Any) -> str:
    if v is None:
        return ""
    return v.decode(errors="replace") if isinstance(v, bytes) else str(v)


def read() -> tuple[list[Gpu], list[GpuProcess]]:
    nv = _pynvml()
    _init(nv)
    try:
        count = nv.nvmlDeviceGetCount()
    except nv.NVMLError as e:
        raise NvmlUnavailable(f"NVML failed: {e}") from None
    gpus: list[Gpu] = []
    procs: list[GpuProcess] = []
    for i in range(count):
        h = _try(nv.nvmlDeviceGetHandleByIndex, i)
        if h is None:
            continue
        uuid = _str(_try(nv.nvmlDeviceGetUUID, h))
        util = _try(nv.nvmlDeviceGetUtilizationRates, h)
        mem = _try(nv.nvmlDeviceGetMemoryInfo, h)
        temp = _try(nv.nvmlDeviceGetTemperature, h, nv.NVML_TEMPERATURE_GPU)
        power = _try(nv.nvmlDeviceGetPowerUsage, h)
        limit = _try(nv.nvmlDeviceGetEnforcedPowerLimit, h)
        mig = _try(nv.nvmlDeviceGetMigMode, h)
        pci = _try(nv.nvmlDeviceGetPciInfo, h)
        gpus.append(
            Gpu(
                index=i,
                uuid=uuid,
                name=_str(_try(nv.nvmlDeviceGetName, h)),
                bus_id=_str(getattr(pci, "busId", "")) if pci is not None else "",
                util_pct=float(util.gpu) if util is not None else None,
                mem_util_pct=float(util.memory) if util is not None else None,
                mem_used_mib=mem.used / 2**20 if mem is not None else None,
                mem_total_mib=mem.total / 2**20 if mem is not None else None,
                temp_c=float(temp) if temp is not None else None,
                power_w=power / 1000 if power is not None else None,
                power_limit_w=limit / 1000 if limit is not None else None,
                mig=bool(mig[0]) if isinstance(mig, list | tuple) and mig else False,
            )
        )
        for p in _try(nv.nvmlDeviceGetComputeRunningProcesses, h) or []:
            used = getattr(p, "usedGpuMemory", None)
            procs.append(GpuProcess(int(p.pid), uuid, used / 2**20 if used is not None else None, ""))
    return gpus, procs
