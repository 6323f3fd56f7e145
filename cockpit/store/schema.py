"""Every collection and document of the store, named once.

Services open their collections through these functions, never by a bare name, so a name, its
partitioning and the label shown in error messages live in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cockpit.store import by_id, by_iso_week, by_month

if TYPE_CHECKING:
    from cockpit.store import DocRef, Store
    from cockpit.store.collection import Collection

# collections: name -> (partition field, partition kind, label)
TASKS = "tasks"
RETROS = "retros"
TIME_ENTRIES = "time_entries"
FOCUS_SESSIONS = "focus_sessions"
PAPERS = "papers"
PAPER_QUEUE = "paper_queue"
PAPER_DECISIONS = "paper_decisions"
JOBS = "jobs"

# single documents
DOC_FOCUS = "focus"
DOC_MITS = "mits"
DOC_AUDIT_TRACK = "audit-track"
DOC_PAPERS_FETCH = "papers-fetch"
DOC_PAPERS_PROFILE = "papers-profile"
DOC_GPU_IDLE = "gpu_idle"
DOC_SETTINGS = "settings"


def tasks(store: Store) -> Collection:
    """Ids are plain numbers (time entries, focus records and papers hold them); task n lives in
    the file of its hundred (``tasks/0042xx.json``), so a task write rewrites 100 tasks at most."""
    return store.collection(TASKS, by_id(), label="task")


def retros(store: Store) -> Collection:
    return store.collection(RETROS, label="retro")


def time_entries(store: Store) -> Collection:
    return store.collection(TIME_ENTRIES, by_month("start"), label="time entry")


def focus_sessions(store: Store) -> Collection:
    return store.collection(FOCUS_SESSIONS, by_month("start"), label="focus record")


def papers(store: Store) -> Collection:
    return store.collection(PAPERS, by_iso_week("announced"), label="paper")


def paper_queue(store: Store) -> Collection:
    return store.collection(PAPER_QUEUE, label="queued paper")


def paper_decisions(store: Store) -> Collection:
    """One small record per decided paper, in the same ISO week partition as the paper."""
    return store.collection(PAPER_DECISIONS, by_iso_week("announced"), label="decision")


def jobs(store: Store) -> Collection:
    return store.collection(JOBS, partition=by_month("started"), label="job")


def doc(store: Store, name: str) -> DocRef:
    """One of the single documents named above."""
    return store.doc(name)
