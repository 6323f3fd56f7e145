"""Parsers of Slurm's JSON: ``squeue --json`` (22.05 and 23.02+), ``sacct --json`` and slurmrestd job
lists. Each returns ``cockpit.core.slurm.SlurmJob`` values.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from cockpit.core.slurm import PENDING_STATES, SlurmJob, lifecycle_of, normalize_state
from cockpit.sources.parse_slurm_fields import (
    JobId,
    _is_infinite,
    _num,
    _str,
    gpu_count,
    gpu_count_per_node,
    gpu_ids,
    parse_time,
    split_wait_status,
)

# ---------------------------------------------------------------- JSON (squeue, sacct, slurmrestd)


def parse_json(
    text: str | Mapping[str, Any], user: str | None = None, now: dt.datetime | None = None
) -> list[SlurmJob]:
    """``squeue --json`` (22.05 and 23.02+), ``sacct --json`` and slurmrestd job lists.

    22.05's ``squeue --json`` ignores ``--me``/``-u``: pass ``user`` to keep that user's jobs.
    ``now`` (remote time) gives running jobs their elapsed time."""
    data = json.loads(text) if isinstance(text, str) else text
    if not isinstance(data, Mapping):
        raise ValueError("not a JSON object")
    raw_jobs = data.get("jobs")
    if not isinstance(raw_jobs, list):
        raise ValueError("no 'jobs' list")
    jobs = []
    for j in raw_jobs:
        if not isinstance(j, Mapping):
            continue
        job = _job_from_db_json(j) if isinstance(j.get("state"), Mapping) else _job_from_ctld_json(j, now)
        if job is not None and (user is None or not job.user or job.user == user):
            jobs.append(job)
    return jobs


def _ids_from_json(
    job_id: str, array_job: Any, array_task: Any, task_string: str, het_job: Any, het_off: Any
) -> JobId:
    aj = _num(array_job)
    at = _num(array_task)
    hj = _num(het_job)
    ho = _num(het_off)
    if aj:
        task = str(int(at)) if at is not None else (f"[{task_string}]" if task_string else "")
        text = f"{int(aj)}_{task}" if task else job_id
        return JobId(text, None, str(int(aj)), task)
    if hj:
        off = str(int(ho)) if ho is not None else "0"
        return JobId(f"{int(hj)}+{off}", None, het_job_id=str(int(hj)), het_offset=off)
    return JobId(job_id, None)


def _exit_from_json(v: Any) -> tuple[int | None, int | None]:
    if isinstance(v, Mapping):  # 23.02+: {status, return_code, signal: {id, name}}
        rc = _num(v.get("return_code"))
        sig_obj = v.get("signal")
        sig = _num(sig_obj.get("id")) if isinstance(sig_obj, Mapping) else _num(sig_obj)
        status = v.get("status")
        words = status if isinstance(status, list) else [status]
        if rc is None and sig is None and not any(w in ("SUCCESS", "ERROR", "SIGNALED") for w in words):
            return None, None
        return (int(rc) if rc is not None else 0), (int(sig) if sig is not None else 0)
    n = _num(v)
    if n is None:
        return None, None
    return split_wait_status(int(n))  # 22.05: the raw wait status


def _job_from_ctld_json(j: Mapping[str, Any], now: dt.datetime | None) -> SlurmJob | None:
    job_id = str(_num(j.get("job_id")) or "")
    if not job_id:
        return None
    ids = _ids_from_json(
        job_id,
        j.get("array_job_id"),
        j.get("array_task_id"),
        _str(j.get("array_task_string")),
        j.get("het_job_id"),
        j.get("het_job_offset"),
    )
    state, by = normalize_state(j.get("job_state"))
    rc, sig = _exit_from_json(j.get("exit_code"))
    start = parse_time(_num(j.get("start_time")))
    end = parse_time(_num(j.get("end_time")))
    active = lifecycle_of(state) in ("pending", "running")
    if state in PENDING_STATES:
        start = None
    limit = j.get("time_limit")
    limit_min = _num(limit)
    elapsed = None
    if start is not None:
        stop = end if not active else now
        if stop is not None:
            elapsed = max(0, int((stop - start).total_seconds()))
    nodes = _str(j.get("nodes"))
    node_count = _num(j.get("node_count"))
    gres = j.get("gres_detail") or []
    gres_text = ",".join(str(g) for g in gres) if isinstance(gres, list) else _str(gres)
    gpus = gpu_count(_str(j.get("tres_alloc_str")), _str(j.get("tres_per_job")), gres_text)
    if gpus is None:
        gpus = gpu_count_per_node(_str(j.get("tres_per_node")), int(node_count) if node_count else None)
    reason = _str(j.get("state_reason"))
    stdout = _str(j.get("stdout_expanded")) or _str(j.get("standard_output"))
    return SlurmJob(
        job_id=ids.text,
        name=_str(j.get("name")),
        user=_str(j.get("user_name")),
        state=state,
        reason="" if reason == "None" else reason,
        elapsed_s=elapsed,
        time_limit_s=None if limit_min is None or _is_infinite(limit) else int(limit_min) * 60,
        nodes=nodes,
        node_count=int(node_count) if node_count is not None else None,
        gpus=gpus,
        gpu_ids=gpu_ids(gres_text),
        exit_code=None if active else rc,
        signal=None if active else sig,
        start=start,
        end=None if active else end,
        submit=parse_time(_num(j.get("submit_time"))),
        stdout_path=stdout,
        workdir=_str(j.get("current_working_directory")),
        partition=_str(j.get("partition")),
        raw_id=job_id,
        array_job_id=ids.array_job_id,
        array_task=ids.array_task,
        het_job_id=ids.het_job_id,
        het_offset=ids.het_offset,
        cancelled_by=by or "",
        source="squeue-json",
    )


def _job_from_db_json(j: Mapping[str, Any]) -> SlurmJob | None:
    job_id = str(_num(j.get("job_id")) or "")
    if not job_id:
        return None
    arr = j.get("array") if isinstance(j.get("array"), Mapping) else {}
    het = j.get("het") if isinstance(j.get("het"), Mapping) else {}
    ids = _ids_from_json(
        job_id,
        arr.get("job_id"),
        arr.get("task_id"),
        _str(arr.get("task")),
        het.get("job_id"),
        het.get("job_offset"),
    )
    st = j.get("state") or {}
    state, by = normalize_state(st.get("current"))
    t = j.get("time") if isinstance(j.get("time"), Mapping) else {}
    rc, sig = _exit_from_json(j.get("exit_code"))
    limit = t.get("limit")
    limit_min = _num(limit)
    tres = j.get("tres") if isinstance(j.get("tres"), Mapping) else {}
    gpus = None
    for item in tres.get("allocated") or []:
        if (
            isinstance(item, Mapping)
            and item.get("type") == "gres"
            and str(item.get("name", "")).startswith("gpu")
        ):
            if item.get("name") == "gpu":
                gpus = int(item.get("count") or 0)
                break
            gpus = (gpus or 0) + int(item.get("count") or 0)
    reason = _str(st.get("reason"))
    nodes = _str(j.get("nodes"))
    return SlurmJob(
        job_id=ids.text,
        name=_str(j.get("name")),
        user=_str(j.get("user")),
        state=state,
        reason="" if reason == "None" else reason,
        elapsed_s=_num(t.get("elapsed")),
        time_limit_s=None if limit_min is None or _is_infinite(limit) else int(limit_min) * 60,
        nodes="" if nodes == "None assigned" else nodes,
        node_count=_num(j.get("allocation_nodes")),
        gpus=gpus,
        exit_code=rc,
        signal=sig,
        start=parse_time(_num(t.get("start"))),
        end=parse_time(_num(t.get("end"))),
        submit=parse_time(_num(t.get("submission"))),
        stdout_path=_str(j.get("stdout_expanded")) or _str(j.get("stdout")),
        workdir=_str(j.get("working_directory")),
        partition=_str(j.get("partition")),
        raw_id=job_id,
        array_job_id=ids.array_job_id,
        array_task=ids.array_task,
        het_job_id=ids.het_job_id,
        het_offset=ids.het_offset,
        cancelled_by=by or "",
        source="sacct-json",
    )
