"""Run benchmarks and rewrite their sections of BENCHMARKS.md.

Each module ``benchmarks/bench_<name>.py`` defines ``run(quick: bool) -> str`` returning the
Markdown of its section (figures, the baseline measured in the same run, ratios). The text
between ``<!-- bench:<name> -->`` and ``<!-- /bench:<name> -->`` is replaced. Every benchmark
runs with COCKPIT_HOME in a fresh temp folder.

    python -m benchmarks              # all
    python -m benchmarks store focus  # some
    python -m benchmarks --quick      # smaller sizes, for a smoke run
    python -m benchmarks --no-write   # print only
"""

from __future__ import annotations

import argparse
import compileall
import importlib
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "BENCHMARKS.md"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def available() -> list[str]:
    return sorted(p.stem[len("bench_") :] for p in HERE.glob("bench_*.py"))


def replace_section(doc: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(doc):
        return pattern.sub(lambda _m: block, doc)
    return doc.rstrip() + f"\n\n{block}\n"


def main() -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks")
    p.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {', '.join(available())})")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args()
    names = args.names or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(available())}", file=sys.stderr)
        return 2
    doc = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    # Byte-compile cockpit first, as an installed package is: with PYTHONDONTWRITEBYTECODE set
    # (or a read-only checkout) every child process would compile it from source again.
    compileall.compile_dir(str(HERE.parent / "cockpit"), quiet=1)
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"cockpit-bench-{name}-") as tmp:
            os.environ["COCKPIT_HOME"] = tmp
            mod = importlib.import_module(f"benchmarks.bench_{name}")
            t0 = time.perf_counter()
            body = mod.run(quick=args.quick)
            took = time.perf_counter() - t0
        env = getattr(mod, "CMD_ENV", "")  # e.g. the corpus the figures were measured on
        cmd = f"{env + ' ' if env else ''}python -m benchmarks {name}" + (" --quick" if args.quick else "")
        stamp = time.strftime("%Y-%m-%d")
        body = f"{body.strip()}\n\n_Measured {stamp} on {machine()}; `{cmd}` ({took:.0f} s)._"
        print(f"== {name}\n{body}\n")
        doc = replace_section(doc, name, body)
    if not args.no_write:
        DOC.write_text(doc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
