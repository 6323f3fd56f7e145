"""Pure GPU/job logic: parsers, ancestry, progress, lifecycle, idle cost, alert decisions."""

import datetime as dt

from cockpit.core import gpu, jobs
from cockpit.core.clock import to_stamp
from cockpit.sources import parse_nvidia_smi as smi
from cockpit.sources import parse_ps, parse_tmux, probe

UUID = "GPU-00000000-0000-0000-0000-000000000000"


def test_missing_values_are_none_never_zero():
    for raw in (
        "[N/A]",
        "[Not Supported]",
        "[Unknown Error]",
        "[Requested functionality has been deprecated]",
        " N/A ",
        "",
    ):
        assert smi.num(raw) is None
    assert smi.num(" 66.84 W ") == 66.84
    assert smi.num("0") == 0.0
    row = f"0, {UUID}, NVIDIA H100, 00000000:00:09.0, [N/A], [Not Supported], 11125, 81559, [Unknown Error], [N/A], 700.00, Enabled"
    (g,) = smi.parse_gpus(row)
    assert g.util_pct is None and g.temp_c is None and g.power_w is None
    assert g.mem_used_mib == 11125 and g.mig is True


# Recorded by this project on an H200 (driver 580.159.04) with a torch matmul loop running:
# cockpit's exact --query-gpu and --query-compute-apps answers.
H200_GPU = "0, GPU-c39cba33-b336-2da3-0c59-8e64ffaff1c5, NVIDIA H200, 00000000:00:06.0, 100, 7, 5325, 143771, 60, 580.35, 700.00, Disabled"
H200_APP = "608, GPU-c39cba33-b336-2da3-0c59-8e64ffaff1c5, 5316, python3"


def test_recorded_h200_answers_parse_to_the_values_nvidia_smi_showed():
    (g,) = smi.parse_gpus(H200_GPU + "\n")
    assert (g.index, g.name, g.bus_id) == (0, "NVIDIA H200", "00000000:00:06.0")
    assert (g.util_pct, g.mem_util_pct, g.mem_used_mib, g.mem_total_mib) == (100, 7, 5325, 143771)
    assert (g.temp_c, g.power_w, g.power_limit_w, g.mig) == (60, 580.35, 700, False)
    (p,) = smi.parse_apps(H200_APP + "\n")
    assert (p.pid, p.gpu_uuid, p.used_mib, p.name) == (608, g.uuid, 5316, "python3")


def test_compute_apps_names_with_commas_and_no_processes():
    text = f"123, {UUID}, 2296, /opt/my, weird, name (x).py\n"
    (p,) = smi.parse_apps(text)
    assert p.pid == 123 and p.used_mib == 2296 and p.name == "/opt/my, weird, name (x).py"
    assert smi.parse_apps("") == []  # container: no processes visible


def test_short_rows_are_an_error_not_zeros():
    import pytest

    with pytest.raises(ValueError):
        smi.parse_gpus("0, x, y")


def test_bars_and_sparkline_show_unknown_differently_from_zero():
    assert gpu.bar(None, 4) == "····"
    assert gpu.bar(0, 4) == "░░░░"
    assert gpu.bar(100, 4) == "████"
    assert gpu.sparkline([0, None, 100], 3) == "▁ █"


PANES = (
    "train\t$0\t0\t@0\tbert\t0\t%0\t100\tpython3\t/w\t/dev/pts/2\t1\t0\t\n"
    "exp 2_ablation\t$1\t1\t@3\tmain\t2\t%4\t200\tsleep\t/w\t/dev/pts/6\t1\t0\t\n"
    "crashed\t$2\t0\t@2\tx\t0\t%3\t300\tsh\t\t/dev/pts/5\t1\t1\t3\n"
    "garbage line\n"
)
PS = """  100     1 alice   3600 bash
  150   100 alice   3500 python train.py --lr 3e-4
  151   150 alice   3400 python -c worker
  200     1 bob       10 sleep 100
  999     1 root      10 /usr/bin/orphan
"""


def test_panes_ps_and_gpu_pid_to_pane_by_ancestry():
    panes = parse_tmux.parse_panes(PANES)
    assert [p.pane_id for p in panes] == ["%0", "%4", "%3"]
    assert panes[1].target == "exp 2_ablation:1.2"
    assert panes[2].dead and panes[2].dead_status == 3 and panes[2].path == ""
    procs = parse_ps.parse_ps(PS)
    assert procs[150].args == "python train.py --lr 3e-4" and procs[150].etime_s == 3500
    mapping = jobs.map_to_panes([151, 999], procs, panes)
    assert mapping[151].pane_id == "%0"  # grandchild of the pane's shell
    assert 999 not in mapping  # not under tmux


def test_ancestry_survives_a_cycle():
    procs = parse_ps.parse_ps("  5  6 a 1 x\n  6  5 a 1 y\n")
    assert jobs.pane_of(5, procs, {}) is None


def test_last_line_skips_blanks_and_dead_notice_and_cleans_escapes():
    text = "epoch 1\n\x1b[31mloss 0.3\x1b[0m\r\n\nPane is dead (status 3, Wed Nov 25 10:00:00 2026)\n\n\n"
    assert parse_tmux.last_line(text) == "loss 0.3"
    assert parse_tmux.last_line("\n\n") == ""
    assert len(parse_tmux.last_line("x" * 10000)) == 200


def test_tqdm_progress_percent_rate_eta():
    p = parse_tmux.parse_progress("Epoch 3:  45%|████▌     | 450/1000 [00:30<00:36, 15.00it/s, loss=0.31]")
    assert p.pct == 45 and p.rate == "15.00it/s" and p.eta_s == 36
    p = parse_tmux.parse_progress("100%|██████████| 10/10 [1:02:03<00:00,  1.20s/it]")
    assert p.pct == 100 and p.eta_s == 0 and p.rate == "1.20s/it"
    p = parse_tmux.parse_progress("  0%|          | 0/100 [00:00<?, ?it/s]")
    assert p.pct == 0 and p.eta_s is None and p.rate is None
    assert parse_tmux.parse_progress("step 10 loss 3.2") is None
    assert parse_tmux.hms_seconds("1-02:00:00") == 93600


def _job(**kw):
    base = {"run_id": "r1", "pane_id": "%1", "session": "s", "state": "running", "host": "h", "name": "exp"}
    base.update(kw)
    return base


def test_lifecycle_exit_file_is_the_truth():
    pane = parse_tmux.parse_panes("s\t$0\t0\t@0\tw\t0\t%1\t10\tsh\t/\t/dev/pts/1\t1\t1\t\n")
    # pane dead with an empty pane_dead_status (the Debian race): the exit file decides
    assert jobs.next_state(_job(), jobs.Observation(ok=True, panes=pane, exits={"r1": 3})) == ("failed", 3)
    assert jobs.next_state(_job(), jobs.Observation(ok=True, panes=pane, exits={"r1": 0})) == ("finished", 0)
    # dead with no exit file (the wrapper could not write it): ended, exit status unknown
    assert jobs.next_state(_job(), jobs.Observation(ok=True, panes=pane)) == ("finished", None)
    assert jobs.next_state(_job(), jobs.Observation(ok=True)) == ("lost", None)
    assert jobs.next_state(_job(), jobs.Observation(ok=False)) == ("lost", None)
    # lost comes back when the host answers again
    live = parse_tmux.parse_panes("s\t$0\t0\t@0\tw\t0\t%1\t10\tsh\t/\t/dev/pts/1\t1\t0\t\n")
    assert jobs.next_state(_job(state="lost"), jobs.Observation(ok=True, panes=live)) == ("running", None)
    assert jobs.next_state(_job(state="failed", exit_code=3), jobs.Observation(ok=False)) == ("failed", 3)
    assert jobs.describe_exit(143) == "killed by SIGTERM"


def test_lifecycle_without_an_exit_file_follows_the_pane_pid():
    live = parse_tmux.parse_panes("s\t$0\t0\t@0\tw\t0\t%1\t10\tsh\t/\t/dev/pts/1\t0\t\t\n")
    assert not live[0].dead
    sh = jobs.Proc(10, 1, "me", 5, "sh -c train")
    zombie = jobs.Proc(10, 1, "me", 5, "[sh] <defunct>")
    other = jobs.Proc(11, 1, "me", 5, "bash")
    obs = lambda *ps: jobs.Observation(ok=True, panes=live, procs={p.pid: p for p in ps})  # noqa: E731
    assert jobs.next_state(_job(pid=10), obs(sh, other)) == ("running", None)
    assert jobs.next_state(_job(pid=10), obs(zombie, other)) == ("finished", None)
    assert jobs.next_state(_job(pid=10), obs(other)) == ("finished", None)
    assert jobs.next_state(_job(pid=10), obs()) == ("running", None)  # no process list: no guess
    assert jobs.next_state(_job(), obs(other)) == ("running", None)  # no pid recorded


def test_early_failure_is_louder_than_a_late_one():
    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    early = _job(state="failed", exit_code=1, started=to_stamp(now - dt.timedelta(minutes=3)))
    late = _job(state="failed", exit_code=1, started=to_stamp(now - dt.timedelta(minutes=30)))
    a1, a2 = jobs.alert_for(early, now, 10), jobs.alert_for(late, now, 10)
    assert a1 is not None and a2 is not None
    t1, u1, t2, u2 = a1.title, a1.urgency, a2.title, a2.urgency
    assert u1 == "critical" and "CRASHED early" in t1
    assert u2 == "normal" and t2.startswith("Job failed")
    assert (
        jobs.alert_for(_job(state="finished", exit_code=0, started=to_stamp(now)), now, 10).urgency
        == "normal"
    )


def test_idle_cost_alerts_after_n_minutes_then_repeats(clock):
    assert jobs.host_is_idle([1.0, None], 0, 5.0) is True
    assert jobs.host_is_idle([1.0], 1, 5.0) is False  # a compute process means busy
    assert jobs.host_is_idle([50.0], 0, 5.0) is False
    assert jobs.host_is_idle([], 0, 5.0) is None
    state, due = jobs.idle_step({}, True, clock.now(), 2.0, 30, 60)
    assert due is None and state["since"]
    clock.advance(31 * 60)
    state, due = jobs.idle_step(state, True, clock.now(), 2.0, 30, 60)
    assert due == 1.03  # 31 minutes at 2.00/h
    clock.advance(10 * 60)
    state, due = jobs.idle_step(state, True, clock.now(), 2.0, 30, 60)
    assert due is None  # not repeated before the interval
    clock.advance(60 * 60)
    state, due = jobs.idle_step(state, True, clock.now(), 2.0, 30, 60)
    assert due == 3.37
    assert jobs.idle_step(state, False, clock.now(), 2.0, 30, 60) == ({}, None)


def test_probe_sections_cannot_be_forged_by_job_output():
    nonce = "abc123"
    out = (
        "==abc123== tmux\n==zzz== end\n==abc123== rc 0\n==abc123== ps\n  1 0 root 5 init\n==abc123== rc 0\n"
        "==abc123== exits\nrun-1 3\n==abc123== rc 0\n==abc123== pane %1\n==abc123==x fake\nhello\n==abc123== end\n"
    )
    p = probe.parse_output(out, nonce, gpus=False)
    assert p.exits == {"run-1": 3}
    assert "hello" in p.captures["%1"] and "fake" in p.captures["%1"]


def test_probe_rejects_garbage_and_truncation():
    import pytest

    with pytest.raises(probe.ProbeError, match="unexpected output"):
        probe.parse_output("\x1b[31mWelcome to my bashrc\n" + "x" * 5000, "n1")
    with pytest.raises(probe.ProbeError, match="cut short"):
        probe.parse_output("==n1== tmux\n", "n1", gpus=False)


def test_probe_script_quotes_and_keeps_one_field_list():
    s = probe.build_script("n'; rm -rf /", gpus=True)
    assert "N='n'\"'\"'; rm -rf /'" in s
    assert "--query-gpu=" + ",".join(smi.GPU_FIELDS) in s
    assert "--query-compute-apps=" + ",".join(smi.APP_FIELDS) in s


def test_gpu_jobs_found_by_ancestry_are_kept_as_history(clock):
    now = clock.now()
    view = {
        "host": "h",
        "pid": 7,
        "command": "python train.py",
        "tmux_target": "exp:0.0",
        "gpus": [0],
        "runtime_s": 600,
    }
    new, changes = jobs.discovered_changes([], [view], True, now)
    (doc,) = new
    assert doc["state"] == "running" and doc["session"] == "exp" and doc["discovered"]
    assert doc["started"] == to_stamp(now - dt.timedelta(minutes=10))
    known = [{**doc, "id": "2026-11-1"}]
    assert jobs.discovered_changes(known, [view], True, now) == ([], {})
    assert jobs.discovered_changes(known, [], False, now) == ([], {"2026-11-1": {"state": "lost"}})
    clock.advance(60)
    _, changes = jobs.discovered_changes(known, [], True, clock.now())
    ended = changes["2026-11-1"]
    assert ended["state"] == "finished" and ended["exit_code"] is None and ended["duration_s"] == 660
    alert = jobs.alert_for({**known[0], **ended}, clock.now(), 10)
    assert alert is not None and alert.source == "gpu"
    title, body = alert.title, alert.body
    assert title == "Job ended: python train.py on h" and "exit status unknown" in body


def test_slurm_states_and_history(clock):
    assert jobs.slurm_state("CANCELLED by 0") == "failed"
    assert jobs.slurm_state("COMPLETED") == "finished"
    assert jobs.slurm_state("TIMEOUT") == "failed"
    assert jobs.slurm_state("PENDING") == "pending"
    assert jobs.slurm_state("RUNNING") == "running"
    view = {"host": "c", "slurm_id": "12_3", "command": "train", "state": "pending", "exit_code": None}
    (doc,), changes = jobs.slurm_changes([], [view], True, clock.now())
    assert doc["state"] == "pending" and changes == {}
    known = [{**doc, "id": "2026-11-4"}]
    clock.advance(120)
    _, changes = jobs.slurm_changes(known, [{**view, "state": "failed", "exit_code": 7}], True, clock.now())
    assert changes["2026-11-4"]["state"] == "failed" and changes["2026-11-4"]["exit_code"] == 7
    assert changes["2026-11-4"]["duration_s"] == 120
    alert = jobs.alert_for({**known[0], **changes["2026-11-4"]}, clock.now(), 10)
    assert alert is not None
    title, urgency = alert.title, alert.urgency
    assert title == "Job CRASHED early: train on c" and urgency == "critical"
    assert jobs.slurm_changes(known, [], False, clock.now())[1] == {"2026-11-4": {"state": "lost"}}


def test_attach_command_quotes_the_session_for_the_local_and_the_remote_shell():
    import shlex

    from cockpit.sources.tmux import attach_command

    hostile = "exp 2; touch /tmp/pwned $(id)"
    cmd = attach_command("gpu-box", hostile)
    assert cmd[:3] == ["tmux", "new-window", "-n"]
    local = shlex.split(cmd[-1])  # what the new window's shell runs (then: a message if it fails)
    local = local[: local.index("||")]
    assert local[:3] == ["ssh", "-t", "gpu-box"] and len(local) == 4
    assert shlex.split(local[3]) == ["tmux", "attach", "-t", "=" + hostile]  # what the remote shell runs
    here = shlex.split(attach_command(None, hostile, "/tmp/my sock")[-1])
    assert here[: here.index("||")] == [
        "env",
        "-u",
        "TMUX",
        "tmux",
        "-S",
        "/tmp/my sock",
        "attach",
        "-t",
        "=" + hostile,
    ]


def test_a_job_end_seen_by_two_processes_is_announced_once(home, clock, write_config):
    """Two pollers (the app and `cockpit gpu`) that both see job 7 fail raise one alert between them."""
    from cockpit.context import Context
    from cockpit.services.alerts import send_once

    write_config('[notify]\nchannels = ["webhook"]\n')  # nothing reaches this terminal
    ctx = Context.open(home, clock=clock)

    ended = _job(id="2026-11-7", state="failed", exit_code=1, started=to_stamp(clock.now()))
    first, second = jobs.alert_for(ended, clock.now(), 10), jobs.alert_for(ended, clock.now(), 10)
    other = jobs.alert_for({**ended, "id": "2026-11-8"}, clock.now(), 10)
    assert first is not None and second is not None and other is not None
    assert send_once(ctx, first) is not None
    assert send_once(ctx, second) is None
    assert send_once(ctx, other) is not None  # another job: its own alert
