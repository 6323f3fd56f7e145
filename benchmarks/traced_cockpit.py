"""cockpit with tracemalloc on, for ``python -m benchmarks.soak --trace-memory``.

SIGUSR1 writes a snapshot of the live allocations (25 frames each) to the next numbered file
``$COCKPIT_TRACE_DIR/snapshot-N.pickle``; the soak compares the first and the last.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType


def main() -> int:
    out = Path(os.environ["COCKPIT_TRACE_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    numbers = itertools.count()
    tracemalloc.start(25)

    def dump(_sig: int, _frame: FrameType | None) -> None:
        path = out / f"snapshot-{next(numbers)}.pickle"
        tracemalloc.take_snapshot().dump(str(path.with_suffix(".tmp")))
        path.with_suffix(".tmp").rename(path)  # whole, or not there yet

    signal.signal(signal.SIGUSR1, dump)
    from cockpit.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
