"""A run's outcome from the user's own tracker, read from its local files (no tracker library):

* MLflow's file store, ``mlruns/<experiment>/<run>/`` (``meta.yaml``, ``tags/``, ``params/``,
  ``metrics/`` whose last line is ``timestamp value step``), and rows of its SQLite backend;
* a Weights & Biases run folder: ``files/wandb-summary.json``, ``files/config.yaml`` and
  ``files/wandb-metadata.json`` when written, else the run's own ``run-ID.wandb`` log (the
  records of an offline run: ``cockpit.core.wandb_log``);
* otherwise the last progress or metric line of the pane.

The run matches the job when it recorded the job's ``COCKPIT_RUN_ID`` (an MLflow tag or
param, a W&B config value), else when it started in the job's folder within 60 s after the job.
Broken files are skipped (``problems`` says which); names and values are cleaned of escapes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from cockpit.core.text import clean

MATCH_WINDOW_S = 60.0
MAX_ITEMS = 200


@dataclass
class TrackerRun:
    source: str  # "mlflow" | "wandb"
    run: str  # the tracker's run id
    folder: str = ""
    name: str | None = None
    started: float | None = None  # epoch seconds
    link: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def marks(self) -> set[str]:
        """Every value that may be the job's COCKPIT_RUN_ID."""
        return {*self.params.values(), *self.tags.values()}

    def outcome(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "run": self.run,
            "name": self.name,
            "link": self.link,
            "metrics": dict(list(self.metrics.items())[:MAX_ITEMS]),
            "params": dict(list(self.params.items())[:MAX_ITEMS]),
        }


def _name(s: str) -> str:
    return clean(s, max_len=120)


def _value(s: str) -> str:
    return clean(s.strip(), max_len=300)


def number(text: str) -> float | str:
    """A metric's value: a number when it reads as one, else its text (shown literally)."""
    try:
        v = float(text)
    except ValueError:
        return _value(text)
    return v if v == v and abs(v) != float("inf") else _value(text)


def _yaml_scalars(text: str) -> dict[str, str]:
    """The top-level ``key: value`` lines of a simple YAML file."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line[0] in " \t-#":
            continue
        k, sep, v = line.partition(":")
        if sep:
            out[k.strip()] = v.strip().strip("'\"")
    return out


def mlflow_run(folder: str, files: dict[str, bytes], problems: list[str]) -> TrackerRun | None:
    """A run of MLflow's file store from its files (``meta.yaml``, ``tags/X``, ``params/X``,
    ``metrics/X`` holding the last line)."""
    meta = _yaml_scalars(files.get("meta.yaml", b"").decode("utf-8", "replace"))
    run_id = meta.get("run_id") or folder.rstrip("/").rsplit("/", 1)[-1]
    if not run_id:
        problems.append(f"mlflow: {_name(folder)}: no run_id in meta.yaml, skipped")
        return None
    r = TrackerRun("mlflow", _value(run_id), folder=folder)
    try:
        r.started = int(meta.get("start_time", "")) / 1000
    except ValueError:
        r.started = None
    for path, data in files.items():
        kind, _, name = path.partition("/")
        text = data.decode("utf-8", "replace")
        if kind == "tags":
            r.tags[_name(name)] = _value(text)
        elif kind == "params":
            r.params[_name(name)] = _value(text)
        elif kind == "metrics":
            parts = text.split()
            if len(parts) >= 2:
                r.metrics[_name(name)] = number(parts[1])
            else:
                problems.append(f"mlflow: {_name(folder)}: metric {_name(name)!r} unreadable, skipped")
    r.name = r.tags.get("mlflow.runName") or meta.get("run_name") or None
    uri = meta.get("artifact_uri", "")
    r.link = _value(uri.removesuffix("/artifacts")) if uri else None
    return r


def mlflow_sqlite_runs(rows: dict[str, Any], folder: str) -> list[TrackerRun]:
    """Runs of MLflow's SQLite backend from its ``runs``, ``tags``, ``params`` and
    ``latest_metrics`` rows (as read by ``cockpit.sources.trackers``)."""
    out: dict[str, TrackerRun] = {}
    for run_uuid, name, start_ms, exp in rows.get("runs", []):
        r = TrackerRun("mlflow", _value(str(run_uuid)), folder=folder, name=_value(str(name or "")) or None)
        r.started = start_ms / 1000 if isinstance(start_ms, int | float) else None
        r.link = f"{folder}/mlflow.db#/experiments/{exp}/runs/{r.run}"
        out[str(run_uuid)] = r
    for table, attr in (("tags", "tags"), ("params", "params")):
        for run_uuid, key, value in rows.get(table, []):
            if str(run_uuid) in out:
                getattr(out[str(run_uuid)], attr)[_name(str(key))] = _value(str(value))
    for run_uuid, key, value in rows.get("metrics", []):
        if str(run_uuid) in out:
            out[str(run_uuid)].metrics[_name(str(key))] = number(str(value))
    return list(out.values())


def _json(data: bytes, what: str, problems: list[str]) -> Any:
    try:
        return json.loads(data.decode("utf-8", "replace"))
    except ValueError:
        problems.append(f"wandb: {what} is not JSON (broken or cut), skipped")
        return None


def _wandb_config(text: str) -> dict[str, str]:
    """``files/config.yaml``: top-level keys, each with a ``value:`` line under it."""
    out: dict[str, str] = {}
    key: str | None = None
    for line in text.splitlines():
        if line and line[0] not in " \t#":
            key = line.split(":", 1)[0].strip()
        elif key and line.strip().startswith("value:") and not key.startswith("_"):
            out[_name(key)] = _value(line.split(":", 1)[1].strip().strip("'\""))
    return out


def wandb_run(folder: str, files: dict[str, bytes], problems: list[str]) -> TrackerRun | None:
    """A W&B run folder (``wandb/run-DATE-ID/`` or ``offline-run-``) from its files."""
    m = re.search(r"run-\d{8}_\d{6}-([^/]+)/?$", folder)
    r = TrackerRun("wandb", _value(m.group(1) if m else folder), folder=folder)
    r.link = _value(folder.rstrip("/"))
    summary = files.get("files/wandb-summary.json")
    if summary is not None:
        s = _json(summary, f"{_name(folder)} wandb-summary.json", problems)
        if isinstance(s, dict):
            for k, v in list(s.items())[:MAX_ITEMS]:
                if (
                    not str(k).startswith("_")
                    and isinstance(v, int | float | str)
                    and not isinstance(v, bool)
                ):
                    r.metrics[_name(str(k))] = number(str(v)) if not isinstance(v, str) else _value(v)
    if "files/config.yaml" in files:
        r.params.update(_wandb_config(files["files/config.yaml"].decode("utf-8", "replace")))
    meta = files.get("files/wandb-metadata.json")
    if meta is not None:
        md = _json(meta, f"{_name(folder)} wandb-metadata.json", problems)
        if isinstance(md, dict) and isinstance(md.get("startedAt"), str):
            r.started = _iso_epoch(md["startedAt"])
    log = files.get("run.wandb")
    if log is not None:
        from cockpit.core import wandb_log

        try:
            rec = wandb_log.read(log)
        except ValueError as e:
            problems.append(
                f"wandb: {_name(folder)} run log unreadable ({clean(str(e), max_len=80)}), skipped"
            )
        else:
            r.params = {**{_name(k): _value(v) for k, v in rec.config.items()}, **r.params}
            if not r.metrics:
                r.metrics = {_name(k): number(v) for k, v in rec.summary.items()}
            r.started = r.started if r.started is not None else rec.started
            r.name = _value(rec.name) if rec.name else r.name
            if rec.url:
                r.link = _value(rec.url)
    return r


def _iso_epoch(text: str) -> float | None:
    import datetime as dt

    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.timestamp()


def match(runs: list[TrackerRun], run_id: str | None, job_started: float | None) -> TrackerRun | None:
    """The tracker run of a job: one that recorded its COCKPIT_RUN_ID, else the first one that
    started within ``MATCH_WINDOW_S`` after the job (MLflow before W&B, newest first)."""
    if run_id:
        for r in runs:
            if run_id in r.marks():
                return r
    if job_started is None:
        return None
    near = [r for r in runs if r.started is not None and 0 <= r.started - job_started <= MATCH_WINDOW_S]
    return min(near, key=lambda r: r.started or 0.0) if near else None


_METRIC = re.compile(r"[A-Za-z_][\w./-]*\s*[:=]\s*[-+]?\d")


def last_metric_line(text: str) -> str | None:
    """The last line of a pane that reads as progress or a metric (``loss=0.3``, ``acc: 91``,
    ``45%|###``), cleaned; None when there is none."""
    for line in reversed(text.splitlines()[-400:]):
        shown = clean(line, max_len=200).strip()
        if shown and (_METRIC.search(shown) or re.search(r"\d+(\.\d+)?%", shown)):
            return shown
    return None
