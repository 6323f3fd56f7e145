"""The real NVML and nvidia-smi paths, on a machine with an NVIDIA driver (skipped elsewhere).

No fakes here: the real nvidia-ml-py bindings, the real nvidia-smi, and (where torch or cupy
is installed) a real process holding GPU memory. The nvidia-smi half runs the very probe
script that cockpit sends to remote hosts, only through the local shell instead of SSH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cockpit.sources import nvml
from cockpit.sources import probe as probe_mod
from cockpit.sources.tmux import run_local


def _driver() -> None:
    nvml.reset()
    try:
        nvml.read()
    except nvml.NvmlUnavailable as e:
        pytest.skip(f"no usable NVIDIA driver here ({e})")


pytestmark = pytest.mark.usefixtures("_real_driver")


@pytest.fixture
def _real_driver() -> Iterator[None]:
    _driver()
    if not shutil.which("nvidia-smi"):
        pytest.skip("nvidia-smi not on PATH")
    yield
    nvml.reset()


def _smi_probe() -> probe_mod.HostProbe:
    nonce = probe_mod.new_nonce()
    rc, out = run_local(probe_mod.build_script(nonce, gpus=True), 60)
    assert rc == 0, out
    return probe_mod.parse_output(out, nonce, gpus=True)


def test_nvml_and_nvidia_smi_agree_on_every_gpu() -> None:
    gpus, _ = nvml.read()
    smi = _smi_probe()
    assert gpus, "NVML listed no GPU on a machine with a driver"
    assert smi.gpu_error in (None, ""), smi.gpu_error
    by_uuid = {g.uuid: g for g in smi.gpus}
    assert sorted(by_uuid) == sorted(g.uuid for g in gpus)
    for g in gpus:
        s = by_uuid[g.uuid]
        assert g.name == s.name and g.name.startswith("NVIDIA")
        assert g.index == s.index
        # NVML reports bytes, nvidia-smi MiB: the totals agree to the MiB
        assert g.mem_total_mib is not None and s.mem_total_mib is not None
        assert abs(g.mem_total_mib - s.mem_total_mib) <= 1, (g.mem_total_mib, s.mem_total_mib)
        assert g.util_pct is not None and 0 <= g.util_pct <= 100
        assert g.temp_c is not None and 0 < g.temp_c < 120
        if s.power_limit_w is not None:
            assert g.power_limit_w is not None and abs(g.power_limit_w - s.power_limit_w) < 1
        assert g.mig == s.mig


HOLDER = (
    "import sys, time\n"
    "n = int(sys.argv[1]) * 2**20\n"
    "try:\n"
    "    import torch\n"
    "    x = torch.ones(n, dtype=torch.uint8, device='cuda'); torch.cuda.synchronize()\n"
    "except ImportError:\n"
    "    import cupy\n"
    "    x = cupy.ones(n, dtype=cupy.uint8); cupy.cuda.Device().synchronize()\n"
    "print('ready', flush=True)\n"
    "print(f'holding {sys.argv[1]} MiB on the GPU', flush=True)\n"
    "time.sleep(300)\n"
)


def _gpu_holder(tmp_path: Path, mib: int) -> subprocess.Popen[str] | None:
    """A real process holding ``mib`` MiB of GPU memory until killed (torch, else cupy)."""
    script = tmp_path / "hold_gpu.py"
    script.write_text(HOLDER)
    p = subprocess.Popen(
        [sys.executable, str(script), str(mib)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert p.stdout is not None
    line = p.stdout.readline()
    if line.strip() != "ready":
        p.kill()
        err = p.stderr.read() if p.stderr else ""
        if "No module named" in err:
            return None
        raise AssertionError(f"the GPU holder did not start: {err[-2000:]}")
    return p


def test_a_real_gpu_process_shows_in_nvml_nvidia_smi_and_as_a_job(
    tmp_path: Path, write_config, home: Path, clock
) -> None:
    from cockpit.context import Context
    from cockpit.services import gpu as svc

    holder = _gpu_holder(tmp_path, 1024)
    if holder is None:
        pytest.skip("neither torch nor cupy here to hold GPU memory")
    try:
        deadline = time.monotonic() + 30
        while True:
            _, procs = nvml.read()
            mine = [p for p in procs if p.pid == holder.pid]
            if mine or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        seen = sorted(p.pid for p in procs)
        assert mine, f"NVML lists pids {seen}, not the holder {holder.pid}"
        assert mine[0].used_mib is None or mine[0].used_mib >= 1024
        smi = _smi_probe()
        assert holder.pid in {a.pid for a in smi.apps}, smi.apps

        write_config("[gpu]\nlocal = true\n")
        ctx = Context.open(home, clock=clock)
        p = svc.Poller(ctx, only=["local"])
        try:
            (st,) = p.poll()
        finally:
            p.close()
        assert st.ok and st.gpus and st.compute_procs >= 1
        jobs = [j for j in st.jobs if j.pid == holder.pid]
        assert jobs and "hold_gpu.py" in (jobs[0].command or ""), st.jobs
    finally:
        holder.kill()
        holder.wait()


def test_cli_gpu_json_reads_the_real_local_gpus(write_config, home: Path) -> None:
    write_config("[gpu]\nlocal = true\n")
    env = {**os.environ, "COCKPIT_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-m", "cockpit", "gpu", "--json", "--host", "local"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    gpus, _ = nvml.read()
    text = json.dumps(data)
    for g in gpus:
        assert g.uuid in text and g.name in text


async def test_gpu_pane_shows_the_real_gpu(write_config, home: Path, clock) -> None:
    from cockpit.context import Context
    from cockpit.tui.app import CockpitApp

    write_config("[gpu]\nlocal = true\npoll_seconds = 0.5\n")
    ctx = Context.open(home, clock=clock)
    gpus, _ = nvml.read()
    app = CockpitApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("5")
        pane = app.query_one("#gpu")
        deadline = time.monotonic() + 30
        while "local" not in pane.rendered or " mem " not in pane.rendered["local"]:
            assert time.monotonic() < deadline, pane.rendered
            await pilot.pause(0.2)
        text = pane.rendered["local"]
        # one line per GPU, the wide layout ends with the model name, cut at 16 characters
        assert text.count(" mem ") == len(gpus)
        assert gpus[0].name[:15] in text


def test_e2e_in_tmux_a_real_gpu_job_in_its_pane_by_keys(tmp_path: Path, write_config, home: Path) -> None:
    """cockpit in a real tmux at 80x24; a GPU job runs in another tmux session of the same server."""
    from tests.harness.tmux import TmuxScreen, cockpit_cmd

    if not shutil.which("tmux"):
        pytest.skip("tmux not installed")
    try:
        import torch  # noqa: F401
    except ImportError:
        pytest.skip("torch is needed to hold GPU memory from a tmux pane")
    (tmp_path / "hold_gpu.py").write_text(HOLDER)
    write_config("[gpu]\nlocal = true\npoll_seconds = 1.0\n")
    gpus, _ = nvml.read()
    with TmuxScreen(cockpit_cmd(), 80, 24, env={"COCKPIT_HOME": str(home)}, sock_dir=tmp_path) as s:
        s.wait_for("Quit")
        job = f"{sys.executable} {tmp_path / 'hold_gpu.py'} 1024"
        s.tmux("new-session", "-d", "-s", "gpujob", "-x", "80", "-y", "10", job)
        s.send("5")
        s.send("z")
        s.wait_gone("1 Focus")
        screen = s.wait_for("gpujob:0.0", timeout=60)  # NVML's pid mapped to its tmux pane
        screen = s.wait_for("holding 1024 MiB on the GPU")  # the job's last line
        assert gpus[0].name[:15] in screen and " mem " in screen
        s.send("Enter")  # tail
        s.wait_for("tail gpujob:0.0")
        s.send("Escape")
        s.wait_gone("tail gpujob")
        s.tmux("kill-session", "-t", "gpujob")
        s.wait_gone("holding 1024 MiB", timeout=30)
        s.send("C-q")
        assert s.wait_exit() == 0
