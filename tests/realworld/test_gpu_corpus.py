"""Real nvidia-smi and tmux output from ../shared/corpus parses, with the values a user would see."""

import pytest

from cockpit.core import jobs
from cockpit.sources import parse_nvidia_smi as smi
from cockpit.sources import parse_ps, parse_tmux

pytestmark = pytest.mark.realworld


def read(corpus, name):
    return (corpus / name).read_text(encoding="utf-8")


def test_h100_query_gpu_with_units(corpus):
    (g,) = smi.parse_gpus(read(corpus, "gpu/nvsmi_query_gpu_590_h100_load_units.csv"), header=True)
    assert g.name == "NVIDIA H100 80GB HBM3"
    assert (g.util_pct, g.mem_used_mib, g.mem_total_mib, g.temp_c) == (100, 19818, 81559, 59)
    assert g.power_w == 631.95 and g.power_limit_w == 700 and g.mig is False


def test_h100_mig_utilisation_is_missing_not_zero(corpus):
    (g,) = smi.parse_gpus(read(corpus, "gpu/nvsmi_query_gpu_590_h100_mig_load_units.csv"), header=True)
    assert g.mig is True and g.util_pct is None and g.mem_util_pct is None
    assert g.mem_used_mib == 11125 and g.power_w == 433.78


def test_p100_nounits_header_keeps_units_and_total_is_derived(corpus):
    (g,) = smi.parse_gpus(read(corpus, "gpu/nvsmi_query_gpu_510_tesla_p100_nounits.csv"), header=True)
    assert g.name == "Tesla P100-PCIE-16GB" and g.util_pct == 0 and g.mem_used_mib == 0
    assert g.mem_total_mib == 103 + 0 + 16280 and g.power_w == 28.16 and g.temp_c == 37


def test_compute_apps_mig_parent_uuid(corpus):
    apps = smi.parse_apps(read(corpus, "gpu/nvsmi_compute_apps_590_h100_mig_load.csv"), header=True)
    assert [(a.pid, a.used_mib, a.name) for a in apps] == [
        (21180, 2296, "/root/tools/memhog"),
        (21181, 1272, "/root/tools/memhog"),
        (21198, 7484, "./gpu_burn"),
    ]
    assert {a.gpu_uuid for a in apps} == {"GPU-00000000-0000-0000-0000-000000000000"}


def test_compute_apps_windows_paths_and_missing_memory(corpus):
    apps = smi.parse_apps(read(corpus, "gpu/nvsmi_compute_apps_610_windows_wddm_load.csv"), header=True)
    assert len(apps) == 21
    assert all(a.used_mib is None for a in apps)
    names = [a.name for a in apps]
    assert (
        r"C:\Program Files (x86)\Microsoft\EdgeWebView\Application\149.0.4022.80\msedgewebview2.exe" in names
    )
    assert r"C:\Program Files\NVIDIA Corporation\NVIDIA App\CEF\NVIDIA Overlay.exe" in names


def test_tmux_list_panes_capture(corpus):
    panes = parse_tmux.parse_panes(read(corpus, "tmux/tmux_list_panes_a_F_tab_3.3a_local.tsv"))
    assert len(panes) == 6
    by_id = {p.pane_id: p for p in panes}
    assert by_id["%4"].session == "exp 2_ablation" and by_id["%4"].target == "exp 2_ablation:0.0"
    assert by_id["%5"].session == "näive_α"
    assert by_id["%1"].path == "/tmp/tmuxfx/run dir" and by_id["%1"].target == "train:0.1"
    dead = by_id["%3"]
    assert dead.dead and dead.dead_status == 3 and dead.path == "" and dead.window_name == "crashed"
    # a dead pane is never the owner of a running GPU process
    procs = parse_ps.parse_ps(f"  999 {dead.pane_pid} root 5 python\n")
    assert jobs.map_to_panes([999], procs, panes) == {}


def test_tmux_resurrect_file_is_not_mistaken_for_panes(corpus):
    assert parse_tmux.parse_panes(read(corpus, "tmux/tmux_resurrect_save_file_fixture.txt")) == []
