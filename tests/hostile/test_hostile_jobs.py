"""Job output lines full of hostile text, from a job on a real loopback sshd host."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.harness.tmux import cockpit_cli as cli
from tests.harness.tools import need_tool
from tests.hostile.layout import border_problems, cells
from tests.hostile.strings import FORBIDDEN, HOSTILE, control_bytes

ADDR = "127.0.0.71"  # away from the gpu tests' hosts
FAST = "connect_timeout_s = 3.0\npoll_seconds = 0.5"


@pytest.fixture(scope="module")
def evil_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    need_tool("/usr/sbin/sshd", "ssh-keygen", "tmux")
    from tests.harness.sshd import Cluster

    c = Cluster(tmp_path_factory.mktemp("evilhosts"), [ADDR], names=["evil"]).start()
    yield c
    c.stop()


@pytest.fixture
def job_ctx(evil_cluster, home, write_config, clock):
    from cockpit.context import Context
    from cockpit.services import gpu as svc

    host = evil_cluster.hosts["evil"]
    host.kill_tmux()
    write_config(evil_cluster.config_toml(gpu=FAST))
    lines = host.home / "hostile-lines.txt"
    lines.write_text("\n".join(HOSTILE.values()) + "\n" + HOSTILE["markup"] + " " + HOSTILE["osc52"] + "\n")
    ctx = Context.open(home, clock=clock)
    p = svc.Poller(ctx, only=["evil"])
    try:
        job = svc.launch(
            ctx, p, "evil", ["sh", "-c", f"cat {lines}; sleep 300"], name="hostile", note=HOSTILE["link"]
        )
    finally:
        p.close()
    yield ctx, job
    host.kill_tmux()


def test_job_output_in_the_cli_is_literal_and_clean(job_ctx):
    ctx, _job = job_ctx
    home = ctx.paths.config_dir
    deadline = time.monotonic() + 20
    while True:
        r = cli(home, "gpu")
        if "[bold red]boom[/]" in r.stdout or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert r.returncode == 0, r.stderr
    assert "[bold red]boom[/]" in r.stdout  # the job's last line, brackets and all
    assert control_bytes(r.stdout) == [] and not any(b in r.stdout for b in FORBIDDEN)
    r = cli(home, "jobs")
    assert r.returncode == 0 and "hostile" in r.stdout
    assert "[link=https://evil.example]x[/link]" in r.stdout  # the note
    assert control_bytes(r.stdout) == []
    r = cli(home, "gpu", "--json")
    data = json.loads(r.stdout)
    (job,) = [j for h in data["hosts"] for j in h["jobs"] if "boom" in (j.get("last_line") or "")]
    assert "[bold red]boom[/]" in job["last_line"] and "\x1b" not in job["last_line"]


async def test_job_output_in_the_pane_and_tail_keeps_80x24(job_ctx):
    from cockpit.tui.app import CockpitApp

    ctx, job = job_ctx
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.query_one("#gpu")
        key = f"evil|{job.pane_id}"
        for _ in range(200):
            if key in pane.rows and "boom" in str(pane.rows[key]):
                break
            await pilot.pause(0.1)
        assert "[bold red]boom[/]" in " ".join(map(str, pane.rows[key]))
        await pilot.press("5", "z")
        await pilot.pause(0.5)
        lines = [s.text for s in app.screen._compositor.render_strips()]
        text = "\n".join(lines)
        assert "[bold red]boom[/]" in text or "[bold red]boo" in text
        r = app.main.pane("gpu").region
        assert border_problems(lines, {"gpu": (r.x, r.y, r.width, r.height)}) == []
        assert control_bytes(text) == [] and all(len(cells(line)) <= 80 for line in lines)
        await pilot.press("t")
        for _ in range(100):
            if type(app.screen).__name__ == "TailScreen":
                body = str(app.screen.query_one("#tail-body").render())
                if "moved" in body:
                    break
            await pilot.pause(0.1)
        body = str(app.screen.query_one("#tail-body").render())
        for needle in ("[link=https://evil.example]x[/link]", "[/]", "漢字テスト", "dcs", "clip"):
            assert needle in body, f"{needle!r} not in the tail"
        assert control_bytes(body) == [] and not any(b in body for b in FORBIDDEN)
        lines = [s.text for s in app.screen._compositor.render_strips()]
        assert len(lines) == 24 and all(len(cells(line)) <= 80 for line in lines)


async def test_kill_confirm_and_launch_form_show_hostile_text_cleaned(job_ctx, home, write_config, clock):
    """`k` on the job whose stored name, note and command are hostile (a hand edit), then `l`
    with hostile pre-flight items: both dialogs show the text cleaned, markup as typed."""
    from cockpit.context import Context
    from cockpit.services import gpu as svc
    from cockpit.tui.app import CockpitApp
    from tests.harness.pilot import settle
    from tests.hostile.strings import ALL_IN_ONE, LINK, MARKUP
    from tests.hostile.test_hostile_screens import assert_clean, frame

    ctx, job = job_ctx
    svc.jobs_collection(ctx).update(job.id, {"command": ALL_IN_ONE, "name": ALL_IN_ONE, "note": ALL_IN_ONE})
    config = (home / "config.toml").read_text()
    write_config(config.replace("[gpu]\n", f"[gpu]\npreflight = {json.dumps([MARKUP, LINK, '[/]'])}\n", 1))
    ctx = Context.open(home, clock=clock)
    app = CockpitApp(ctx)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        pane = app.query_one("#gpu")
        await pilot.press("5")
        key = f"evil|{job.pane_id}"
        for _ in range(200):
            if key in pane.rows and pane.jobs[key].state == "running":
                break
            await pilot.pause(0.1)
        await settle(app, pilot, 0.2, clear_toasts=True)
        await pilot.press("k")
        await settle(app, pilot, 0.3)
        assert type(app.screen).__name__ == "ConfirmKill"
        assert_clean(app, "kill confirmation")
        assert "[bold red]boom[/] [link=https://evil.example]x[/link] [/]" in frame(app)  # the command
        await pilot.press("n")  # keep it running
        await settle(app, pilot, 0.3)
        assert type(app.screen).__name__ == "MainScreen" and pane.jobs[key].state == "running"
        await pilot.press("l")
        await settle(app, pilot, 0.3)
        assert type(app.screen).__name__ == "LaunchForm"
        await pilot.press(*"echo [bold]x[/]")  # typed into the command line
        await settle(app, pilot, 0.1)
        frames = []
        for n in range(8):  # Tab down the form to the pre-flight items (below the fold at 80x24)
            assert_clean(app, f"launch form, after {n} tabs")
            frames.append(frame(app))
            await pilot.press("tab")
            await settle(app, pilot, 0.1)
        shown = "\n".join(frames)
        for needle in (MARKUP, LINK, "echo [bold]x[/]"):
            assert needle in shown, f"{needle!r} not shown literally in the launch form\n{frames[-1]}"
        await pilot.press("escape")
        await settle(app, pilot, 0.3)
        assert type(app.screen).__name__ == "MainScreen"
        assert_clean(app, "launch form, closed")
