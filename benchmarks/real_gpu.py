"""On a machine with an NVIDIA GPU: the real NVML read against the nvidia-smi query, in one run.

Not part of ``python -m benchmarks`` (it needs a driver); run it by hand and paste its Markdown
into BENCHMARKS.md:

    python -m benchmarks.real_gpu [--out DIR]

``--out`` also saves the raw nvidia-smi answers (the query cockpit sends to remote hosts and
the full ``nvidia-smi -q``) for comparing with the recorded outputs the tests replay.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import time
from pathlib import Path

from cockpit.sources import nvml
from cockpit.sources import probe as probe_mod


def _times(fn: object, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _fmt(ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=20)
    return f"{statistics.median(ms):.2f} ms (p95 {q[18]:.2f})"


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.real_gpu")
    ap.add_argument("--out", type=Path, help="folder for the raw nvidia-smi answers")
    ap.add_argument("-n", type=int, default=50, help="reads of each kind")
    args = ap.parse_args()

    t0 = time.perf_counter()
    gpus, procs = nvml.read()  # the first read includes nvmlInit
    first = (time.perf_counter() - t0) * 1000
    smi_gpu = ["nvidia-smi", *probe_mod.nvidia_smi_gpu_args()]
    smi_app = ["nvidia-smi", *probe_mod.nvidia_smi_app_args()]

    def smi() -> None:
        subprocess.run(smi_gpu, capture_output=True, check=True)
        subprocess.run(smi_app, capture_output=True, check=True)

    nv_ms = _times(nvml.read, args.n)
    smi_ms = _times(smi, max(5, args.n // 5))
    ratio = statistics.median(smi_ms) / statistics.median(nv_ms)
    driver = subprocess.run(
        ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"], capture_output=True, text=True
    ).stdout.split()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, cmd in (
            ("query-gpu.csv", smi_gpu),
            ("query-apps.csv", smi_app),
            ("nvidia-smi-q.txt", ["nvidia-smi", "-q"]),
            ("nvidia-smi.txt", ["nvidia-smi"]),
        ):
            r = subprocess.run(cmd, capture_output=True, text=True)
            (args.out / name).write_text(r.stdout + r.stderr)
    print(f"GPUs: {', '.join(f'{g.index}: {g.name} ({g.mem_total_mib:.0f} MiB)' for g in gpus)}")
    print(f"driver {driver[0] if driver else '?'}; {len(procs)} compute processes; {platform.node()}")
    print()
    print("| read | median (p95) | vs. NVML |")
    print("|---|---|---|")
    print(f"| NVML first read (nvmlInit included) | {first:.1f} ms | - |")
    print(f"| NVML `read()`, every GPU and process (cockpit's local path) | {_fmt(nv_ms)} | 1 |")
    print(
        f"| baseline: `nvidia-smi` GPU query + apps query (cockpit's remote path, two processes) "
        f"| {_fmt(smi_ms)} | {ratio:.0f}x |"
    )
    for g in gpus:
        print(
            f"\nGPU {g.index}: util {g.util_pct}%, mem {g.mem_used_mib:.0f}/{g.mem_total_mib:.0f} MiB, "
            f"{g.temp_c} C, power {g.power_w} W of {g.power_limit_w} W, MIG {g.mig}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
