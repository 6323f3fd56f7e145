"""Real sshd hosts on 127.0.0.2/.3/.4, real tmux jobs, the stand-in nvidia-smi: polling, jobs
lifecycle with the exit-status wrapper, alerts, the CLI, and faults (down, stalled, wrong key,
garbage, a megabyte of output)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from cockpit.services import gpu as svc
from tests.harness.sshd import H100_MIG, P100_IDLE, Cluster, SshHost, StallServer
from tests.harness.tmux import clean_env

pytestmark = pytest.mark.infra
UUID = "GPU-00000000-0000-0000-0000-000000000000"


def poll(ctx, hosts=None):
    p = svc.Poller(ctx, only=hosts)
    try:
        states, _alerts = svc.record_states(ctx, p.poll())
        return {s.name: s for s in states}
    finally:
        p.close()


def wait_states(ctx, want: dict[str, str], timeout: float = 20.0) -> dict[str, dict]:
    """Poll until each named job (by session) has the wanted state."""
    deadline = time.monotonic() + timeout
    while True:
        poll(ctx)
        jobs = {j["session"]: j for j in svc.jobs_collection(ctx).all()}
        if all(jobs.get(k, {}).get("state") == v for k, v in want.items()):
            return jobs
        if time.monotonic() > deadline:
            raise AssertionError(f"states: { {k: j.get('state') for k, j in jobs.items()} }")
        time.sleep(0.2)


def cli(home, *args):
    env = clean_env({"COCKPIT_HOME": str(home)})
    return subprocess.run(
        [sys.executable, "-m", "cockpit", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_three_hosts_gpus_and_a_gpu_job_mapped_to_its_pane(gpu_ctx, fresh_hosts):
    h2, h3, h4 = (fresh_hosts.hosts[n] for n in ("h2", "h3", "h4"))
    h3.set_gpus([H100_MIG])
    h4.set_gpus([P100_IDLE])
    h2.sh(
        'tmux new-session -d -s train \'sh -c "printf \\"epoch 1\\n 45%%|####  | 450/1000 [00:30<00:36, 15.00it/s]\\n\\"; sleep 60"\''
    )
    pane_pid = int(h2.sh("tmux list-panes -a -F '#{pane_pid}'").split()[0])
    # the GPU process is a grandchild of the pane's shell
    child = int(h2.sh(f"sleep 0.3; pgrep -P {pane_pid} | head -1").strip())
    h2.set_apps([(child, UUID, 7484, "python")])
    ctx = gpu_ctx()
    states = poll(ctx)
    assert all(s.ok for s in states.values()), {n: s.error for n, s in states.items()}
    (g2,) = states["h2"].gpus
    assert (g2.util_pct, g2.mem_used_mib, g2.power_w) == (100, 19818, 631.95)
    assert states["h3"].gpus[0].util_pct is None and states["h3"].gpus[0].mig
    assert states["h4"].gpus[0].name == "Tesla P100-PCIE-16GB"
    (job,) = states["h2"].jobs
    assert job.tmux_target == "train:0.0" and job.gpus == (0,) and job.gpu_mem_mib == 7484
    assert job.progress_pct == 45 and job.eta_s == 36 and "450/1000" in job.last_line
    assert job.pid == child and job.user


def test_a_gpu_process_outside_tmux_shows_its_whole_command_line(gpu_ctx, fresh_hosts):
    """ps over SSH has no terminal and would cut args at 80 columns: the probe asks for all of it."""
    h2 = fresh_hosts.hosts["h2"]
    tail = "--run-name=" + "r" * 120 + "-END"
    job = subprocess.Popen(
        ["sh", "-c", 'exec "$@"', "sh", sys.executable, "-c", "import time; time.sleep(60)", tail],
        env=h2.env(),
    )
    try:
        h2.set_apps([(job.pid, UUID, 512, "python")])
        (st,) = poll(gpu_ctx(), ["h2"]).values()
    finally:
        job.kill()
        job.wait()
    (j,) = st.jobs
    assert j.pid == job.pid and j.tmux_target is None and j.gpu_mem_mib == 512
    assert j.command.endswith(tail) and j.command.startswith(sys.executable)


def test_hundreds_of_polls_on_one_connection_keep_its_bookkeeping_small(gpu_ctx, fresh_hosts):
    """One poll a second for hours: the connection must not remember every channel it opened."""
    from cockpit.sources.ssh import RECENT_CHANNELS

    p = svc.Poller(gpu_ctx(), only=["h2"])
    try:
        for _ in range(6 * RECENT_CHANNELS):
            (st,) = p.poll()
            assert st.ok, st.error
        conn = p.links["h2"].conn
        transport = conn._client.get_transport()
        assert len(transport.channels_seen) <= 2 * RECENT_CHANNELS
        assert transport.is_active()  # the same connection all along, still in use
        assert p.poll()[0].ok
    finally:
        p.close()


def test_launched_jobs_exit_0_exit_3_and_killed(gpu_ctx, fresh_hosts, clock):
    ctx = gpu_ctx()
    p = svc.Poller(ctx, only=["h2"])
    try:
        ok = svc.launch(ctx, p, "h2", ["sh", "-c", "echo done; sleep 1"], name="ok", note="baseline")
        svc.launch(ctx, p, "h2", ["sh", "-c", "echo boom >&2; sleep 1; exit 3"], name="bad")
        long = svc.launch(ctx, p, "h2", ["sleep", "300"], name="long", gpus="0,1")
    finally:
        p.close()
    assert ok.pane_id.startswith("%") and ok.git_commit is None and long.gpus == (0, 1)
    state = poll(ctx, ["h2"])["h2"]
    assert {j.name for j in state.jobs if j.state == "running"} >= {"long"}
    job = next(j for j in state.jobs if j.name == "long")
    p = svc.Poller(ctx, only=["h2"])
    try:
        svc.kill(p, "h2", job)
    finally:
        p.close()
    jobs = wait_states(ctx, {"ok": "finished", "bad": "failed", "long": "failed"})
    assert jobs["ok"]["exit_code"] == 0 and jobs["bad"]["exit_code"] == 3
    assert jobs["long"]["exit_code"] == 143  # SIGTERM, recorded by the wrapper
    assert jobs["ok"]["note"] == "baseline" and jobs["ok"]["ended"] and jobs["ok"]["duration_s"] is not None
    titles = {a.title: a for a in ctx.alerts}
    assert titles["Job finished: ok on h2"].urgency == "normal"
    crash = titles["Job CRASHED early: bad on h2"]
    assert crash.urgency == "critical" and "exit 3" in crash.body and crash.source == "gpu"
    assert "killed by SIGTERM" in titles["Job CRASHED early: long on h2"].body
    # each transition alerts once
    poll(ctx, ["h2"])
    assert len(ctx.alerts) == 3
    from cockpit import status

    assert status.read(ctx.paths.status_file)["gpu"]["failed"] == 2


def test_launch_records_git_commit_and_dirty_flag_on_the_host(gpu_ctx, fresh_hosts, home):
    gpu_ctx()
    h2 = fresh_hosts.hosts["h2"]
    repo = h2.home / "proj"
    repo.mkdir(exist_ok=True)
    h2.sh(
        f"cd {repo} && git init -q && git -c user.email=a@b -c user.name=a commit -q --allow-empty -m x && touch new"
    )
    commit = h2.sh(f"cd {repo} && git rev-parse HEAD").strip()
    r = cli(home, "launch", "h2", "--name", "g", "--cwd", str(repo), "--", "true")
    assert r.returncode == 0, r.stderr
    assert f"at {commit[:10]} (dirty)" in r.stdout
    r = cli(home, "jobs", "--all", "--json")
    (job,) = json.loads(r.stdout)["jobs"]
    assert job["git_commit"] == commit and job["git_dirty"] is True and job["cwd"] == str(repo)


def test_cli_text_output_of_gpu_and_jobs(gpu_ctx, fresh_hosts, home):
    ctx = gpu_ctx(hosts=["h2", "h3"])
    fresh_hosts.hosts["h3"].stop()
    try:
        r = cli(home, "gpu")
    finally:
        fresh_hosts.hosts["h3"].start()
        fresh_hosts.write_client_files()
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "h2: ok"
    assert lines[1].split() == "GPU0 NVIDIA H100 80GB HBM3 util 100% mem 19818/81559 MiB 59C 632W".split()
    assert lines[2].startswith("h3: ERROR cannot reach 127.0.0.3:")
    assert (
        cli(
            home, "launch", "h2", "--name", "txt", "--note", "is lr too high?", "--", "sh", "-c", "exit 3"
        ).returncode
        == 0
    )
    wait_states(ctx, {"txt": "failed"})
    out = cli(home, "jobs", "--all").stdout.splitlines()
    assert "failed" in out[0] and "h2:txt" in out[0] and "exit 3 after" in out[0]
    assert out[1].strip() == "note: is lr too high?"
    assert cli(home, "jobs").stdout.strip() == "no jobs running (--all for history)"


def test_launch_errors_are_one_line(gpu_ctx, home):
    gpu_ctx()
    r = cli(home, "launch", "h2", "--cwd", "/no/such/dir", "--", "true")
    assert (
        r.returncode == 1
        and r.stderr.strip() == "cockpit: error: launch on h2 failed: no such directory on h2: /no/such/dir"
    )
    r = cli(home, "launch", "h2", "true")
    assert r.returncode == 2 and "after --" in r.stderr
    r = cli(home, "launch", "nope", "--", "true")
    assert r.returncode == 2 and "unknown host 'nope'" in r.stderr


def test_cli_gpu_json_has_exactly_the_documented_shape(gpu_ctx, fresh_hosts, home):
    fresh_hosts.hosts["h3"].set_gpus([H100_MIG])
    gpu_ctx()
    r = cli(home, "gpu", "--json", "--host", "h3")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    (host,) = data["hosts"]
    assert set(host) == {"name", "ok", "error", "gpus", "jobs"}
    (g,) = host["gpus"]
    assert set(g) == {
        "index",
        "uuid",
        "name",
        "util_pct",
        "mem_used_mib",
        "mem_total_mib",
        "temp_c",
        "power_w",
    }
    assert g["uuid"] == "GPU-00000000-0000-0000-0000-000000000000"
    assert g["util_pct"] is None and g["mem_used_mib"] == 11125  # MIG: null, never 0
    cli(home, "launch", "h3", "--name", "j", "--", "sleep", "30")
    job = json.loads(cli(home, "gpu", "--json", "--host", "h3").stdout)["hosts"][0]["jobs"][0]
    assert list(job) == list(svc.JOB_KEYS)
    assert job["state"] == "running" and job["tmux_target"] == "j:0.0"


def test_hosts_check_reports_each_host(gpu_ctx, fresh_hosts, home):
    fresh_hosts.hosts["h4"].remove_nvidia_smi()
    gpu_ctx()
    r = cli(home, "hosts", "check", "--json")
    hosts = {h["name"]: h for h in json.loads(r.stdout)["hosts"]}
    assert hosts["h2"]["reachable"] and hosts["h2"]["nvidia_smi"] and hosts["h2"]["tmux"]
    assert hosts["h4"]["reachable"] and hosts["h4"]["nvidia_smi"] is False


def test_nvidia_smi_missing_or_failing_is_a_note_not_a_dead_host(gpu_ctx, fresh_hosts):
    h4 = fresh_hosts.hosts["h4"]
    h4.set_nvsmi_failure("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")
    st = poll(gpu_ctx(), ["h4"])["h4"]
    assert st.ok and st.gpus == () and any("no NVIDIA GPU" in n for n in st.notes)


def test_old_driver_without_a_newer_field_still_shows_its_gpus(gpu_ctx, fresh_hosts):
    h4 = fresh_hosts.hosts["h4"]
    h4.set_gpus([P100_IDLE])
    h4.set_old_driver("mig.mode.current")
    try:
        st = poll(gpu_ctx(), ["h4"])["h4"]
    finally:
        h4.set_old_driver(None)
    assert st.ok and not any("nvidia-smi" in n for n in st.notes)
    (g,) = st.gpus
    assert g.name == "Tesla P100-PCIE-16GB" and g.mem_total_mib == 16384
    assert g.power_limit_w is None and g.mig is False  # not asked: missing, never 0


def test_idle_paid_host_alerts_with_money_burned(gpu_ctx, fresh_hosts, clock):
    fresh_hosts.hosts["h4"].set_gpus([P100_IDLE])
    ctx = gpu_ctx(
        extra_host="cost_per_hour = 2.5", hosts=["h4"], gpu="idle_minutes = 30\nidle_repeat_minutes = 60"
    )
    poll(ctx)
    clock.advance(45 * 60)
    states = poll(ctx)
    assert states["h4"].idle_cost == 1.88
    (a,) = ctx.alerts
    assert a.title == "Idle GPUs on h4: 1.88 burned" and a.source == "gpu"
    fresh_hosts.hosts["h4"].set_gpus([H100_MIG.replace("[N/A], [N/A]", "90, 10")])
    assert poll(ctx)["h4"].idle_cost == 0


def test_slurm_hosts_without_slurm_support(gpu_ctx, monkeypatch):
    from cockpit.services.gpu import poller

    monkeypatch.setattr(poller, "_slurm", lambda: None)
    st = poll(gpu_ctx(extra_host='kind = "slurm"', hosts=["h2"]))["h2"]
    assert st.error == "slurm support not installed"


# ---------------------------------------------------------------- faults


def test_down_stalled_and_wrong_key_hosts_show_errors_and_never_delay_the_good_ones(
    gpu_ctx, fresh_hosts, tmp_path
):
    stall = StallServer("127.0.0.5")
    down_port = stall.port + 1 if stall.port < 65000 else stall.port - 1
    fresh_hosts.extra_config = (
        f"Host stall\n  HostName 127.0.0.5\n  Port {stall.port}\n  IdentityFile {fresh_hosts.key}\n"
        f"Host down\n  HostName 127.0.0.6\n  Port {down_port}\n  IdentityFile {fresh_hosts.key}\n"
    )
    fresh_hosts.write_client_files()
    # h3's entry in known_hosts is another host's key: a changed key
    kh = fresh_hosts.known_hosts.read_text().splitlines()
    h3_line = fresh_hosts.hosts["h3"].host_key_line()
    other = fresh_hosts.hosts["h2"].host_key_line().split(" ", 1)[1]
    fresh_hosts.known_hosts.write_text(
        "\n".join(ln for ln in kh if ln != h3_line) + f"\n{h3_line.split()[0]} {other}\n"
    )
    try:
        ctx = gpu_ctx(hosts=["stall", "down", "h3", "h2"])
        order: list[str] = []
        p = svc.Poller(ctx)
        p2 = p.poll(on_result=lambda s: order.append(s.name))
        p.close()
        states = {s.name: s for s in p2}
    finally:
        stall.close()
    assert states["h2"].ok and states["h2"].gpus
    assert not states["stall"].ok and "banner" in states["stall"].error
    assert not states["down"].ok and "cannot reach 127.0.0.6" in states["down"].error
    assert not states["h3"].ok and states["h3"].error.startswith("HOST KEY CHANGED for [127.0.0.3]")
    assert states["stall"].last_seen is None
    # the good host's result was handed over before the stalled one's, although listed after it
    assert order.index("h2") < order.index("stall")
    assert [s.name for s in p2] == ["stall", "down", "h3", "h2"]


def test_unknown_host_key_rejected_unless_trust_on_first_use(gpu_ctx, fresh_hosts):
    fresh_hosts.write_client_files(skip_known=("h2",))
    st = poll(gpu_ctx(hosts=["h2"]))["h2"]
    assert not st.ok and "unknown host key for [127.0.0.2]" in st.error and "trust_on_first_use" in st.error
    st = poll(gpu_ctx(hosts=["h2"], extra_host="trust_on_first_use = true"))["h2"]
    assert st.ok
    assert f"[127.0.0.2]:{fresh_hosts.hosts['h2'].port}" in fresh_hosts.known_hosts.read_text()


def test_host_error_keeps_last_seen_time_and_reconnects(gpu_ctx, fresh_hosts, clock):
    ctx = gpu_ctx(hosts=["h2"])
    p = svc.Poller(ctx)
    try:
        first = p.poll()[0]
        assert first.ok
        fresh_hosts.hosts["h2"].stop()
        p.links["h2"].conn.close()  # the old connection dies with the server
        clock.advance(60)
        down = p.poll()[0]
        fresh_hosts.hosts["h2"].start()  # same address, port and host key
        time.sleep(1.1)  # the first backoff step
        back = p.poll()[0]
    finally:
        p.close()
    assert not down.ok and down.last_seen == first.polled_at and "cannot reach" in down.error
    assert back.ok and back.last_seen == back.polled_at != first.polled_at


def test_a_host_still_answering_is_not_asked_again_and_each_host_has_its_interval(
    gpu_ctx, fresh_hosts, write_config, home, clock
):
    import threading

    from cockpit.context import Context

    stall = StallServer("127.0.0.5")
    fresh_hosts.extra_config = f"Host stall\n  HostName 127.0.0.5\n  Port {stall.port}\n"
    fresh_hosts.write_client_files()
    gpu_ctx(hosts=[])
    write_config(
        fresh_hosts.config_toml(hosts=[], gpu="connect_timeout_s = 2.0")
        + '[[hosts]]\nname = "h2"\npoll_seconds = 1.0\n[[hosts]]\nname = "h3"\npoll_seconds = 10.0\n'
        + '[[hosts]]\nname = "stall"\npoll_seconds = 100.0\n'
    )
    ctx = Context.open(home, clock=clock)
    p = svc.Poller(ctx)
    try:
        t = threading.Thread(target=p.poll, kwargs={"hosts": [p.host("stall")]})
        t.start()
        deadline = time.monotonic() + 5
        while "stall" not in p.in_flight:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert [s.name for s in p.poll()] == ["h2", "h3"]  # stall skipped, not queued behind itself
        t.join()
        clock.advance(2)
        assert [h.name for h in p.due(clock.monotonic())] == ["h2"]
        clock.advance(9)
        assert [h.name for h in p.due(clock.monotonic())] == ["h2", "h3"]
    finally:
        p.close()
        stall.close()


def test_a_failing_host_is_retried_with_backoff(gpu_ctx, fresh_hosts):
    from cockpit.sources.ssh import Link, SshError

    fresh_hosts.extra_config = (
        f"Host down\n  HostName 127.0.0.9\n  Port 9\n  IdentityFile {fresh_hosts.key}\n"
    )
    fresh_hosts.write_client_files()
    clock = [100.0]
    link = Link("down", str(fresh_hosts.ssh_config), str(fresh_hosts.known_hosts), monotonic=lambda: clock[0])
    with pytest.raises(SshError, match="cannot reach 127.0.0.9:9"):
        link.run("true", 5, 1000)
    with pytest.raises(SshError, match=r"\(retry in 1 s\)"):
        link.run("true", 5, 1000)  # no new connection attempt inside the backoff
    clock[0] += 1.5
    with pytest.raises(SshError, match="cannot reach"):
        link.run("true", 5, 1000)
    with pytest.raises(SshError, match=r"\(retry in 2 s\)"):
        link.run("true", 5, 1000)  # doubled


def test_launch_on_the_local_machine(write_config, home, clock, tmp_path, monkeypatch):
    from cockpit.context import Context

    monkeypatch.setenv("TMUX_TMPDIR", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    write_config("[gpu]\nlocal = true\n")
    ctx = Context.open(home, clock=clock)
    p = svc.Poller(ctx)
    try:
        job = svc.launch(ctx, p, "local", ["sh", "-c", "echo local-run; exit 5"], name="loc")
        deadline = time.monotonic() + 15
        while svc.jobs_collection(ctx).get(job.id)["state"] == "running":
            assert time.monotonic() < deadline
            svc.record(ctx, p.poll())
            time.sleep(0.2)
        assert svc.tail(p, "local", job.pane_id).startswith("local-run")
    finally:
        p.close()
        subprocess.run(
            ["tmux", "kill-server"], env={**clean_env(), "TMUX_TMPDIR": str(tmp_path)}, capture_output=True
        )
    rec = svc.jobs_collection(ctx).get(job.id)
    assert rec["state"] == "failed" and rec["exit_code"] == 5


@pytest.fixture
def bad_hosts(tmp_path):
    c = Cluster(tmp_path / "bad", ["127.0.0.7", "127.0.0.8"], names=["garbage", "mega"])
    c.hosts["garbage"].force_command = "head -c 4000 /dev/urandom"
    c.hosts["mega"].force_command = "head -c 1100000 /dev/zero | tr '\\\\0' x"
    c.start()
    yield c
    c.stop()


def test_garbage_and_a_megabyte_of_output(bad_hosts, write_config, home, clock):
    from cockpit.context import Context

    write_config(bad_hosts.config_toml())
    ctx = Context.open(home, clock=clock)
    states = poll(ctx)
    assert not states["garbage"].ok and states["garbage"].error.startswith("unexpected output from host")
    assert not states["mega"].ok and "sent more than 1024 KiB" in states["mega"].error


def test_hostile_text_in_job_output_is_cleaned(gpu_ctx, fresh_hosts):
    ctx = gpu_ctx(hosts=["h2"])
    p = svc.Poller(ctx)
    try:
        svc.launch(
            ctx, p, "h2", ["printf", "[bold red]x[/] \\033]0;title\\007\\033[31mred\\n"], name="hostile"
        )
    finally:
        p.close()
    wait_states(ctx, {"hostile": "finished"})
    (job,) = [j for j in poll(ctx)["h2"].jobs if j.name == "hostile"]
    assert job.state == "finished" and job.last_line == "[bold red]x[/] red"


def test_proxyjump_reaches_a_host_through_another(gpu_ctx, fresh_hosts):
    h3 = fresh_hosts.hosts["h3"]
    fresh_hosts.extra_config = f"Host viajump\n  HostName {h3.addr}\n  Port {h3.port}\n  ProxyJump h2\n  IdentityFile {fresh_hosts.key}\n"
    fresh_hosts.write_client_files()
    st = poll(gpu_ctx(hosts=["viajump"]))["viajump"]
    assert st.ok and st.gpus[0].power_w == 631.95
    sessions = fresh_hosts.hosts["h2"].sh("tmux ls 2>/dev/null || true")
    assert sessions == ""  # nothing ran on the jump host


def test_finished_jobs_feed_the_time_audit_as_training(gpu_ctx, fresh_hosts, clock):
    from cockpit.services import audit

    ctx = gpu_ctx(hosts=["h2"], gpu="connect_timeout_s = 2.0\n[audit]\njobs_as_training = true")
    p = svc.Poller(ctx)
    try:
        svc.launch(ctx, p, "h2", ["true"], name="short")
    finally:
        p.close()
    clock.advance(1800)
    wait_states(ctx, {"short": "finished"})
    (entry,) = audit.entries(ctx).all()
    assert entry["category"] == "training" and entry["source"] == "job" and entry["note"] == "short on h2"
    assert entry["start"] == "2026-11-25T09:00:00+00:00" and entry["end"] == "2026-11-25T09:30:00+00:00"


def test_gpu_processes_outside_cockpit_become_history_with_an_end_alert(gpu_ctx, fresh_hosts):
    h2 = fresh_hosts.hosts["h2"]
    h2.sh("tmux new-session -d -s mine 'sleep 300'")
    pid = int(h2.sh("tmux list-panes -t mine -F '#{pane_pid}'").split()[0])
    h2.set_apps([(pid, UUID, 100, "python")])
    ctx = gpu_ctx(hosts=["h2"])
    poll(ctx)
    (rec,) = svc.jobs_collection(ctx).all()
    assert rec["discovered"] and rec["state"] == "running" and rec["tmux_target"] == "mine:0.0"
    h2.set_apps([])
    poll(ctx)
    (rec,) = svc.jobs_collection(ctx).all()
    assert rec["state"] == "finished" and rec["exit_code"] is None
    assert [a.title for a in ctx.alerts] == [f"Job ended: {rec['command']} on h2"]


def test_local_host_reads_nvml_through_pynvml(monkeypatch, write_config, home, clock, tmp_path):
    """The local path: a fake pynvml module (the only GPU stand-in) and the local tmux/ps."""
    import types

    from cockpit.context import Context
    from cockpit.sources import nvml

    fake = types.ModuleType("pynvml")

    class NVMLError(Exception):
        pass

    class NVMLError_LibraryNotFound(NVMLError):  # noqa: N801
        pass

    class NVMLError_NotSupported(NVMLError):  # noqa: N801
        pass

    def unsupported(*_a):
        raise NVMLError_NotSupported()

    fake.NVMLError, fake.NVMLError_LibraryNotFound = NVMLError, NVMLError_LibraryNotFound
    fake.NVML_TEMPERATURE_GPU = 0
    fake.nvmlInit = lambda: None
    fake.nvmlDeviceGetCount = lambda: 1
    fake.nvmlDeviceGetHandleByIndex = lambda i: f"h{i}"
    fake.nvmlDeviceGetUUID = lambda h: UUID
    fake.nvmlDeviceGetName = lambda h: b"NVIDIA H100 80GB HBM3"
    fake.nvmlDeviceGetUtilizationRates = lambda h: types.SimpleNamespace(gpu=100, memory=11)
    fake.nvmlDeviceGetMemoryInfo = lambda h: types.SimpleNamespace(used=19818 * 2**20, total=81559 * 2**20)
    fake.nvmlDeviceGetTemperature = lambda h, s: 59
    fake.nvmlDeviceGetPowerUsage = unsupported  # [Not Supported] -> None, not 0
    fake.nvmlDeviceGetEnforcedPowerLimit = lambda h: 700000
    fake.nvmlDeviceGetMigMode = lambda h: [0, 0]
    fake.nvmlDeviceGetPciInfo = lambda h: types.SimpleNamespace(busId=b"00000000:00:09.0")
    # a real process with a command line longer than 80 columns, where COLUMNS=80 would cut ps
    monkeypatch.setenv("COLUMNS", "80")
    long_arg = "--run-name=" + "x" * 150 + "-END"
    job = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", long_arg])
    fake.nvmlDeviceGetComputeRunningProcesses = lambda h: [
        types.SimpleNamespace(pid=job.pid, usedGpuMemory=None)
    ]
    monkeypatch.setitem(sys.modules, "pynvml", fake)
    monkeypatch.setenv("TMUX_TMPDIR", str(tmp_path))
    nvml.reset()
    write_config("[gpu]\nlocal = true\n")
    ctx = Context.open(home, clock=clock)
    try:
        st = poll(ctx)["local"]
    finally:
        job.kill()
        job.wait()
    (g,) = st.gpus
    assert st.ok and g.util_pct == 100 and round(g.mem_used_mib) == 19818 and g.power_w is None
    assert g.power_limit_w == 700 and g.name == "NVIDIA H100 80GB HBM3"
    # the job row names the process by its whole command line, as ps gives it for NVML's pid
    (j,) = st.jobs
    assert j.pid == job.pid and j.tmux_target is None
    assert j.command.endswith(long_arg) and "time.sleep(60)" in j.command

    def not_found():
        raise NVMLError_LibraryNotFound()

    fake.nvmlInit = not_found
    nvml.reset()
    st = poll(ctx)["local"]
    assert st.ok and st.gpus == () and "no NVIDIA driver" in st.notes


def test_real_pynvml_without_a_driver_says_no_driver(monkeypatch):
    """The real nvidia-ml-py on this GPU-less machine: NVMLError_LibraryNotFound -> 'no NVIDIA driver'."""
    from cockpit.sources import nvml

    nvml.reset()
    try:
        with pytest.raises(nvml.NvmlUnavailable, match="no NVIDIA driver"):
            nvml.read()
    except AssertionError:
        pytest.skip("this machine has an NVIDIA driver")
    finally:
        nvml.reset()


_ = SshHost  # re-exported for readers: the harness class behind `cluster`
