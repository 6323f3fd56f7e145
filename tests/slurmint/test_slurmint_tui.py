"""The GPU pane with a Slurm login node: a Pilot test (pending and running Slurm rows, Kill
cancels through scancel, Tail shows the stdout file)."""

from __future__ import annotations

import time

import pytest

from tests.slurmint.conftest import HOST, LoginNode

pytestmark = pytest.mark.infra
FAST = "connect_timeout_s = 5.0\npoll_seconds = 1.0"


async def until(pilot, clock, cond, timeout=40.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        clock.advance(0.5)  # the pane polls each host when its (injected) clock says it is due
        await pilot.pause(0.2)


async def test_pane_shows_slurm_rows_tails_and_cancels(login: LoginNode, slurm_ctx, clock) -> None:
    from textual.widgets import DataTable

    from cockpit.tui.app import CockpitApp

    c = login.slurm
    held = c.sbatch("-J", "[bold]held[/]", "--hold", wrap="true")
    run = c.sbatch("-J", "pane-job", "-o", "%x-%j.out", wrap="echo pane job says hi; sleep 300")
    c.wait_state(run, "RUNNING", timeout=60)
    ctx = slurm_ctx(FAST)
    app = CockpitApp(ctx)
    hk, rk = f"{HOST}|slurm:{held}", f"{HOST}|slurm:{run}"
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("5")
            shown = ctx.notifier.toast  # the Focus pane shows alerts as toasts: watch them pass
            ctx.notifier.toast = lambda a: (ctx.alerts.append(a), shown and shown(a))
            pane = app.query_one("#gpu")
            await until(pilot, clock, lambda: hk in pane.rows and rk in pane.rows)
            host, where, state, _gpus, _prog, last = pane.rows[hk]
            assert (host, where, state, last) == (HOST, f"slurm {held}", "pending", "pending: JobHeldUser")
            assert pane.rows[rk][2] == "running" and pane.rows[rk][5].endswith("pane-job")
            table = app.query_one("#gpu-jobs", DataTable)
            table.move_cursor(row=table.get_row_index(rk))
            await pilot.press("t")
            await until(pilot, clock, lambda: type(app.screen).__name__ == "TailScreen")
            body = app.screen.query_one("#tail-body")
            await until(pilot, clock, lambda: "pane job says hi" in str(body.render()))
            await pilot.press("escape")
            await pilot.press("k")
            await until(pilot, clock, lambda: type(app.screen).__name__ == "ConfirmKill")
            assert f"Slurm job {run}" in str(app.screen.query_one("Static").render())
            await pilot.press("y")
            await until(pilot, clock, lambda: pane.rows.get(rk, ("",) * 3)[2] == "failed")
            assert c.job_state(run) == "CANCELLED"
            await until(pilot, clock, lambda: any("cancelled" in a.title for a in ctx.alerts))
            assert [a.title for a in ctx.alerts] == [f"Slurm job cancelled: {run} pane-job on {HOST}"]
    finally:
        c.run("scancel", held, run, check=False)
