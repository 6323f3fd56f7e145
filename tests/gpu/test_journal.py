"""The experiment journal for real: a training script logging through MLflow (its default SQLite
store, and its file store) and Weights & Biases (offline), launched through cockpit in real tmux
on a real sshd host, in a git repo with a config file and a dvc.lock; the GPU stand-in's
answers give the GPU use. Then the journal's commands, the webhook's post of the outcome, a
hostile tracker folder, and idle money at a partial share."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from cockpit.services import gpu as svc
from tests.harness.sshd import H100_BUSY, P100_IDLE
from tests.harness.tmux import clean_env
from tests.harness.tools import unavailable

pytestmark = pytest.mark.infra
UUID = "GPU-00000000-0000-0000-0000-000000000000"


def need_trackers() -> None:
    """The real trackers come with the test extra: skip without them (fail under CI=true)."""
    import importlib.util

    gone = [m for m in ("mlflow", "wandb") if importlib.util.find_spec(m) is None]
    if gone:
        unavailable("not installed: " + ", ".join(gone) + " (pip install -e '.[test]')")


TRAIN = r"""
import os, pathlib, sys, time

args = sys.argv[1:]
cfg_path, tracker = args[args.index("--config") + 1], args[args.index("--tracker") + 1]
cfg = dict(line.split(": ", 1) for line in open(cfg_path).read().splitlines() if ": " in line)
lr = float(cfg["lr"])
run_id = os.environ["COCKPIT_RUN_ID"]


def wait():
    pathlib.Path(f"started-{tracker}").write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while not pathlib.Path(f"go-{tracker}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


if tracker.startswith("mlflow"):
    import mlflow

    if tracker == "mlflow-files":
        mlflow.set_tracking_uri("file:./mlruns")
    with mlflow.start_run(run_name="journal-test"):
        mlflow.set_tag("cockpit_run_id", run_id)
        mlflow.log_params(cfg)
        for step in range(3):
            mlflow.log_metric("val_loss", lr * (3 - step), step=step)
        wait()
else:
    import wandb

    run = wandb.init(project="journal-test", config={**cfg, "cockpit_run_id": run_id})
    for step in range(3):
        run.log({"val_loss": lr * (3 - step)})
    wait()
    run.finish()
print("done: val_loss", lr)
"""

DVC_LOCK = """schema: '2.0'
stages:
  prepare:
    cmd: python prepare.py
    deps:
    - path: data/raw.csv
      md5: 0f3a5b7c9d1e2f4a6b8c0d2e4f6a8b0c
      size: 1024
    outs:
    - path: data/train.csv
      md5: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d
      size: 2048
"""


def git(repo: Path, *args: str) -> str:
    env = clean_env(
        {
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@x",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@x",
        }
    )
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def make_repo(root: Path, name: str, lr: str) -> Path:
    repo = root / name
    repo.mkdir(parents=True)
    (repo / "train.py").write_text(TRAIN)
    (repo / "config.yaml").write_text(f"lr: {lr}\nbatch: 32\n")
    (repo / "dvc.lock").write_text(DVC_LOCK)
    (repo / "notes.md").write_text("first\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    (repo / "notes.md").write_text("first\nsecond\nthird\n")  # uncommitted: a dirty tree, a diff stat
    return repo


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append((dict(self.headers), body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    server.got = []  # type: ignore[attr-defined]
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server
    server.shutdown()
    server.server_close()


def make_ctx(fresh_hosts, write_config, home, clock, extra: str = "", host: str = "h2", cost: float = 8.0):
    from cockpit.context import Context

    text = fresh_hosts.config_toml(
        hosts=[host], extra_host=f"cost_per_hour = {cost}", gpu="connect_timeout_s = 5.0"
    )
    write_config(text + extra)
    ctx = Context.open(home, clock=clock)
    ctx.alerts = []  # type: ignore[attr-defined]
    ctx.notifier.toast = ctx.alerts.append  # type: ignore[attr-defined]
    return ctx


def poll(ctx, poller):
    states, _ = svc.record_states(ctx, poller.poll(), poller=poller)
    return {s.name: s for s in states}


def wait_file(path: Path, timeout: float = 90.0) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists() or not path.read_text():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} never appeared")
        time.sleep(0.2)
    return path.read_text()


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env({"COCKPIT_HOME": str(home)})
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_runs_logged_by_mlflow_and_wandb_land_in_the_journal(
    fresh_hosts, write_config, home, clock, hook, tmp_path
):
    need_trackers()
    h2 = fresh_hosts.hosts["h2"]
    extra = (
        f'[notify]\nchannels = ["webhook"]\nwebhook_url = "http://127.0.0.1:{hook.server_address[1]}/run"\n'
    )
    ctx = make_ctx(fresh_hosts, write_config, home, clock, extra)
    root = h2.home / "work"
    shutil.rmtree(root, ignore_errors=True)
    repo_a = make_repo(root, "a", "0.1")
    repo_b = make_repo(root, "b", "0.2")
    repo_c = make_repo(root, "c", "0.3")
    py = sys.executable
    p = svc.Poller(ctx, only=["h2"])
    try:
        a = svc.launch(
            ctx,
            p,
            "h2",
            [py, "train.py", "--config", "config.yaml", "--tracker", "mlflow"],
            name="lr-a",
            note="lower lr converges",
            cwd=str(repo_a),
        )
        b = svc.launch(
            ctx,
            p,
            "h2",
            [
                "env",
                "WANDB_MODE=offline",
                "WANDB_SILENT=true",
                py,
                "train.py",
                "--config",
                "config.yaml",
                "--tracker",
                "wandb",
            ],
            name="lr-b",
            note="higher lr is faster",
            cwd=str(repo_b),
        )
        c = svc.launch(
            ctx,
            p,
            "h2",
            [
                "env",
                "MLFLOW_ALLOW_FILE_STORE=true",
                py,
                "train.py",
                "--config",
                "config.yaml",
                "--tracker",
                "mlflow-files",
            ],
            name="lr-c",
            note="file store",
            cwd=str(repo_c),
        )
        pids = {
            k: int(wait_file(repo / f"started-{t}"))
            for k, repo, t in (("a", repo_a, "mlflow"), ("b", repo_b, "wandb"), ("c", repo_c, "mlflow-files"))
        }
        h2.set_apps(
            [
                (pids["a"], UUID, 5000, "python"),
                (pids["b"], UUID, 7000, "python"),
                (pids["c"], UUID, 3000, "python"),
            ]
        )
        poll(ctx, p)
        clock.advance(1800)
        poll(ctx, p)
        for repo, t in ((repo_a, "mlflow"), (repo_b, "wandb"), (repo_c, "mlflow-files")):
            (repo / f"go-{t}").write_text("1")
        h2.set_apps([])
        deadline = time.monotonic() + 90
        while True:
            poll(ctx, p)
            jobs = {j["id"]: j for j in svc.jobs_collection(ctx).all()}
            if all(jobs[x.id]["state"] == "finished" for x in (a, b, c)):
                break
            assert time.monotonic() < deadline, {k: j["state"] for k, j in jobs.items()}
            time.sleep(0.3)
    finally:
        p.close()

    ja, jb, jc = (jobs[x.id]["journal"] for x in (a, b, c))
    head_a = git(repo_a, "rev-parse", "HEAD").strip()
    assert jobs[a.id]["git_commit"] == head_a and jobs[a.id]["git_dirty"] is True
    assert "notes.md" in ja["diff_stat"] and "2 insertions" in ja["diff_stat"]
    (cfg,) = ja["configs"]
    import hashlib

    assert cfg["path"] == "config.yaml"
    assert cfg["sha256"] == hashlib.sha256(b"lr: 0.1\nbatch: 32\n").hexdigest()
    copy = ctx.paths.data_dir / "journal" / cfg["copy"]
    assert ja["data_version"]["outs"] == {
        "data/raw.csv": "0f3a5b7c9d1e2f4a6b8c0d2e4f6a8b0c",
        "data/train.csv": "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
    }
    assert ja["run_id"] == jobs[a.id]["run_id"]
    # GPU use from the stand-in's answers: one GPU for the 30 minutes the fake clock moved
    for j, peak in ((ja, 5000), (jb, 7000), (jc, 3000)):
        assert j["gpu_hours"] == 0.5 and j["cost"] == 4.0
        assert j["usage"]["peak_gpu_mem_mib"] == peak and j["mean_util_pct"] == 100.0
        assert j["usage"]["shared"] is True and j["usage"]["gpu_names"] == ["NVIDIA H100 80GB HBM3"]
    # the outcome from each tracker's own files
    assert ja["outcome"]["source"] == "mlflow" and ja["outcome"]["metrics"] == {
        "val_loss": pytest.approx(0.1)
    }
    assert ja["outcome"]["params"]["lr"] == "0.1" and "mlflow.db" in ja["outcome"]["link"]
    assert jb["outcome"]["source"] == "wandb" and jb["outcome"]["metrics"] == {"val_loss": pytest.approx(0.2)}
    assert jb["outcome"]["link"].startswith(str(repo_b / "wandb"))
    assert jc["outcome"]["source"] == "mlflow" and jc["outcome"]["metrics"] == {
        "val_loss": pytest.approx(0.3)
    }
    assert jc["outcome"]["link"].startswith(f"file://{repo_c}/mlruns/")
    # the webhook got each end with its metric
    bodies = b"\n".join(body for _h, body in hook.got).decode()
    assert "val_loss=0.1" in bodies and "val_loss=0.2" in bodies and "0.50 GPU-h" in bodies

    # the journal's commands
    r = cli(home, "jobs", "show", a.id, "--json")
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout)["job"]
    assert shown["journal"]["outcome"]["metrics"]["val_loss"] == pytest.approx(0.1)
    r = cli(home, "jobs", "show", a.id)
    shown_lines = {
        ln.split(":", 1)[0].strip(): ln.split(":", 1)[1].strip() for ln in r.stdout.splitlines()[1:]
    }
    assert shown_lines["git"] == f"{head_a} (dirty)" and shown_lines["hypothesis"] == "lower lr converges"
    assert shown_lines["GPU-hours"] == "0.5" and shown_lines["cost"] == "4" and "val_loss = 0.1" in r.stdout
    r = cli(home, "jobs", "note", b.id, "diverged", "late")
    assert r.returncode == 0 and "noted on" in r.stdout
    r = cli(home, "jobs", "export", "--format", "csv")
    lines = r.stdout.splitlines()
    assert lines[0].endswith("metric:val_loss") and len(lines) == 4
    assert "diverged late" in lines[2] and head_a in lines[1]
    r = cli(home, "jobs", "export", "--format", "json")
    rows = json.loads(r.stdout)["runs"]
    assert [x["metrics"]["val_loss"] for x in rows] == [
        pytest.approx(0.1),
        pytest.approx(0.2),
        pytest.approx(0.3),
    ]
    r = cli(home, "jobs", "diff", a.id, b.id)
    assert r.returncode == 0, r.stderr
    assert "config config.yaml: changed" in r.stdout and "-lr: 0.1" in r.stdout and "+lr: 0.2" in r.stdout
    assert "val_loss" in r.stdout and "(+0.1)" in r.stdout
    r = cli(home, "jobs", "--all", "--json")
    assert [j["id"] for j in json.loads(r.stdout)["jobs"]] == [a.id, b.id, c.id]
    assert copy.read_bytes() == b"lr: 0.1\nbatch: 32\n"


def test_config_copies_are_private(fresh_hosts, write_config, home, clock, tmp_path):
    h2 = fresh_hosts.hosts["h2"]
    ctx = make_ctx(fresh_hosts, write_config, home, clock)
    repo = h2.home / "cfg"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    (repo / "exp.toml").write_text("seed = 1\n")
    p = svc.Poller(ctx, only=["h2"])
    try:
        job = svc.launch(ctx, p, "h2", "sleep 30 --cfg=exp.toml; true", name="cfg", cwd=str(repo))
    finally:
        p.close()
    j = svc.jobs_collection(ctx).get(job.id)["journal"]
    (c,) = j["configs"]
    copy = ctx.paths.data_dir / "journal" / c["copy"]
    assert copy.read_bytes() == b"seed = 1\n" and copy.stat().st_mode & 0o777 == 0o600
    assert copy.parent.stat().st_mode & 0o077 == 0
    assert "diff_stat" not in j and "data_version" not in j  # no git, no DVC: simply absent
    assert svc.jobs_collection(ctx).get(job.id)["git_commit"] is None
    h2.kill_tmux()


def test_hostile_tracker_folder_is_shown_cleaned_or_skipped(fresh_hosts, write_config, home, clock, caplog):
    h2 = fresh_hosts.hosts["h2"]
    ctx = make_ctx(fresh_hosts, write_config, home, clock)
    work = h2.home / "hostile"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    p = svc.Poller(ctx, only=["h2"])
    try:
        job = svc.launch(
            ctx,
            p,
            "h2",
            "echo 'epoch 3 loss=0.25'; while [ ! -f go ]; do sleep 0.1; done",
            name="hostile",
            cwd=str(work),
        )
        run = work / "mlruns" / "0" / "aaaa"
        (run / "tags").mkdir(parents=True)
        (run / "metrics").mkdir()
        (run / "params").mkdir()
        (run / "meta.yaml").write_text("run_id: aaaa\nstart_time: 1\n")
        (run / "tags" / "cockpit_run_id").write_text(job.run_id or "")
        (run / "metrics" / "\x1b[31mred\x1b[0m").write_text("1 0.5 0\n1 1.5 1\n")
        (run / "metrics" / "garbled").write_text("\x00\x01nonsense")
        (run / "params" / "huge").write_bytes(b"x" * (3 * 1024 * 1024))
        broken = work / "mlruns" / "0" / "bbbb"
        broken.mkdir()
        (broken / "meta.yaml").write_bytes(b"\xff\xfe\x00garbage")
        wb = work / "wandb" / "run-20260101_000000-zzzz" / "files"
        wb.mkdir(parents=True)
        (wb / "wandb-summary.json").write_text('{"acc": 0.9, "broken')
        (wb.parent / "run-zzzz.wandb").write_bytes(b":W&B\xe1\xbe\x01" + b"\xff" * 300)
        (work / "go").write_text("1")
        caplog.set_level(logging.WARNING)
        deadline = time.monotonic() + 30
        while svc.jobs_collection(ctx).get(job.id)["state"] != "finished":
            states = poll(ctx, p)
            assert states["h2"].ok
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        p.close()
    out = svc.jobs_collection(ctx).get(job.id)["journal"]["outcome"]
    assert out["source"] == "mlflow" and out["metrics"]["red"] == 1.5  # the name cleaned of its escapes
    assert "garbled" not in out["metrics"] or "\x00" not in str(out["metrics"]["garbled"])
    assert len(out["params"]["huge"]) <= 300
    logged = caplog.text
    assert "garbled" in logged and "not JSON" in logged and "run log unreadable" in logged
    h2.kill_tmux()


def test_a_run_with_no_tracker_keeps_the_panes_last_metric_line(fresh_hosts, write_config, home, clock):
    h2 = fresh_hosts.hosts["h2"]
    ctx = make_ctx(fresh_hosts, write_config, home, clock)
    p = svc.Poller(ctx, only=["h2"])
    try:
        job = svc.launch(ctx, p, "h2", "echo 'step 10 loss=0.42 acc=0.91'; echo bye", name="plain")
        deadline = time.monotonic() + 30
        while svc.jobs_collection(ctx).get(job.id)["state"] != "finished":
            poll(ctx, p)
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        p.close()
    out = svc.jobs_collection(ctx).get(job.id)["journal"]["outcome"]
    assert out == {"source": "pane", "line": "step 10 loss=0.42 acc=0.91", "metrics": {}}
    h2.kill_tmux()


def test_some_idle_gpus_of_a_paid_host_alert_with_their_share(fresh_hosts, write_config, home, clock):
    h4 = fresh_hosts.hosts["h4"]
    busy = H100_BUSY
    idle = [P100_IDLE.replace("0, GPU-ef1b", f"{i}, GPU-ef1b{i}", 1) for i in (1, 2, 3)]
    h4.set_gpus([busy, *idle])
    ctx = make_ctx(fresh_hosts, write_config, home, clock, host="h4", cost=8.0)  # idle 30 min, repeat 60
    p = svc.Poller(ctx, only=["h4"])
    try:
        poll(ctx, p)
        clock.advance(29 * 60)
        poll(ctx, p)
        assert ctx.alerts == []
        clock.advance(16 * 60)  # 45 min: 3 of 4 GPUs idle, each 2.0/h -> 3 * 2.0 * 0.75 = 4.50
        poll(ctx, p)
        (a,) = ctx.alerts
        assert a.title == "Idle GPUs on h4: 3 of 4, 4.50 burned"
        clock.advance(30 * 60)
        poll(ctx, p)
        assert len(ctx.alerts) == 1  # not again before the repeat interval (60 min)
        clock.advance(31 * 60)
        poll(ctx, p)
        assert len(ctx.alerts) == 2 and ctx.alerts[1].title == "Idle GPUs on h4: 3 of 4, 10.60 burned"
    finally:
        p.close()
