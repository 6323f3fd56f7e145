"""GPU jobs use cases shared by the CLI and the TUI, one module per job:

* ``poller``: poll hosts (one connection each, concurrently) into typed ``HostState`` records;
* ``views``: the job rows of a poll (``JobView``);
* ``records``: the stored jobs (``Job``), open and recent;
* ``lifecycle``: after a poll, advance the stored jobs, raise alerts, book training, write status;
* ``idle``: idle cost of paid hosts;
* ``actions``: launch, tail, kill, attach, host check.

The names below are the package's API (``from cockpit.services import gpu as svc``).
"""

from __future__ import annotations

from cockpit.core.gpu_records import JOB_KEYS, HostState, Job, JobView
from cockpit.services.gpu.actions import (
    attach,
    attach_command,
    attach_line,
    check_host,
    kill,
    launch,
    session_name,
    tail,
    tail_job,
)
from cockpit.services.gpu.lifecycle import record, record_states, update_status
from cockpit.services.gpu.poller import LOCAL, MAX_OUTPUT, SLURM_HISTORY_S, SLURM_MISSING, Poller, SlurmRead
from cockpit.services.gpu.records import jobs_collection, list_jobs, open_launched, recent_launched
from cockpit.services.gpu.views import build_jobs
from cockpit.store import CorruptFileError, StoreWriteError  # what a poll's record may raise

__all__ = [
    "CorruptFileError",
    "JOB_KEYS",
    "LOCAL",
    "MAX_OUTPUT",
    "SLURM_HISTORY_S",
    "SLURM_MISSING",
    "HostState",
    "Job",
    "JobView",
    "Poller",
    "SlurmRead",
    "StoreWriteError",
    "attach",
    "attach_command",
    "attach_line",
    "build_jobs",
    "check_host",
    "jobs_collection",
    "kill",
    "launch",
    "list_jobs",
    "open_launched",
    "recent_launched",
    "record",
    "record_states",
    "session_name",
    "tail",
    "tail_job",
    "update_status",
]
