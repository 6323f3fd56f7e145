"""Papers use cases shared by the CLI and the TUI: fetch/ingest, rank, decide, queue, passes, notes.

Store layout:
- ``papers``: one file per ISO week of the announcement date (see ``core.papers``);
- ``paper_queue``: the kept papers (queue items, one file);
- ``paper_decisions``: one record per decided paper, in the paper's ISO week;
- docs ``papers-fetch`` (per category: last max id, announcement dates seen) and
  ``papers-profile`` (what the model was last trained on, its top terms).

The CLI and the TUI get records (``core.papers.Paper``, ``QueueItem``, ``Decision`` and
``core.ranking.Ranked``), never the store's dicts. Modules: ``base`` (collections, reading
records), ``intake`` (fetch, ingest, lookup), ``rank`` (profile, model, ranking), ``reading``
(decisions, the queue, passes, notes) and ``liked`` (likes and the library, several ids at once, import, BibTeX).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from cockpit.services.papers.base import (
    DECISIONS,
    QueueFull,
    current_week,
    decided_count,
    decision_map,
    decisions,
    find_paper,
    fingerprint,
    papers,
    parse_id,
    queue,
    queue_items,
    resolve_week,
    today,
    week_papers,
    week_size,
)
from cockpit.services.papers.reading import (
    DecideResult,
    QueueView,
    Undo,
    decide,
    drop,
    finish_pass,
    note_path,
    queue_view,
    start_pass,
    undo,
)

# Loaded on first use, not at start-up: the app's first frame needs only ``base`` and ``reading``
# (fetching, ranking, the library and imports are a key press away). The imports are spelled out
# below, so the import graph (and lint-imports) sees every one of them.
_LAZY = {
    # intake
    "FetchReport": "intake",
    "StoreReport": "intake",
    "fetch": "intake",
    "ingest": "intake",
    "kept_ids": "intake",
    "lookup": "intake",
    "missed_days": "intake",
    "store_papers": "intake",
    "today_et": "intake",
    # liked
    "ImportReport": "liked",
    "Liked": "liked",
    "Outcome": "liked",
    "bibtex": "liked",
    "check_ids": "liked",
    "decide_many": "liked",
    "find_papers": "liked",
    "import_file": "liked",
    "library": "liked",
    # rank
    "decided": "rank",
    "mit_titles": "rank",
    "model": "rank",
    "profile": "rank",
    "ranked": "rank",
    "rerank": "rank",
    "save_profile": "rank",
}

if TYPE_CHECKING:
    from cockpit.services.papers.intake import (
        FetchReport,
        StoreReport,
        fetch,
        ingest,
        kept_ids,
        lookup,
        missed_days,
        store_papers,
        today_et,
    )
    from cockpit.services.papers.liked import (
        ImportReport,
        Liked,
        Outcome,
        bibtex,
        check_ids,
        decide_many,
        find_papers,
        import_file,
        library,
    )
    from cockpit.services.papers.rank import (
        decided,
        mit_titles,
        model,
        profile,
        ranked,
        rerank,
        save_profile,
    )


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where == "intake":
        import cockpit.services.papers.intake
    elif where == "liked":
        import cockpit.services.papers.liked
    elif where == "rank":
        import cockpit.services.papers.rank  # noqa: F401 - reached through sys.modules below
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(sys.modules[f"{__name__}.{where}"], name)
    globals()[name] = value
    return value


__all__ = [
    "DECISIONS",
    "DecideResult",
    "FetchReport",
    "ImportReport",
    "Liked",
    "Outcome",
    "QueueFull",
    "QueueView",
    "StoreReport",
    "Undo",
    "bibtex",
    "check_ids",
    "current_week",
    "decide",
    "decided",
    "decided_count",
    "decision_map",
    "decide_many",
    "decisions",
    "drop",
    "fetch",
    "find_paper",
    "find_papers",
    "fingerprint",
    "import_file",
    "finish_pass",
    "ingest",
    "kept_ids",
    "library",
    "lookup",
    "missed_days",
    "mit_titles",
    "model",
    "note_path",
    "papers",
    "parse_id",
    "profile",
    "queue",
    "queue_items",
    "queue_view",
    "ranked",
    "rerank",
    "resolve_week",
    "save_profile",
    "start_pass",
    "store_papers",
    "today",
    "today_et",
    "undo",
    "week_papers",
    "week_size",
]
