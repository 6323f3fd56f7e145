"""Slurm tool output written by hand, shared by the parser tests (tests/slurm) and the poller's
Slurm wiring tests (tests/slurmint): a squeue header and rows, a job-completion log, and the
probe's section format around them. Shapes seen on Slurm 22.05.8."""

from __future__ import annotations

import datetime as dt

from cockpit.sources.parse_slurm import DELIM

T0 = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
E0 = int(T0.timestamp())


SQUEUE_HEADER = DELIM.join(
    "JOBID JOBID ARRAY_JOB_ID ARRAY_TASK_ID HET_JOB_ID HET_JOB_OFFSET USER STATE REASON TIME TIME_LIMIT "
    "NODES NODELIST TRES_ALLOC TRES_PER_JOB TRES_PER_NODE PARTITION SUBMIT_TIME START_TIME END_TIME "
    "WORK_DIR STDOUT NAME".split()
)


def row(*values: object) -> str:
    return DELIM.join(str(v) for v in values)


JOBCOMP = """\
JobId=3 UserId=ana(1000) GroupId=ana(1000) Name=bad JobState=FAILED Partition=debug TimeLimit=UNLIMITED StartTime=2026-11-25T12:59:50 EndTime=2026-11-25T13:00:00 NodeList=localhost NodeCnt=1 ProcCnt=1 WorkDir=/w ReservationName= Tres=cpu=1,mem=1M,node=1,billing=1 Account=root QOS=normal WcKey= Cluster=c SubmitTime=2026-11-25T12:59:49 EligibleTime=2026-11-25T12:59:49 DerivedExitCode=0:0 ExitCode=7:0
JobId=4 UserId=ana(1000) GroupId=ana(1000) Name=my long name JobState=TIMEOUT Partition=debug TimeLimit=1 StartTime=2026-11-25T12:58:36 EndTime=2026-11-25T13:00:00 NodeList=localhost NodeCnt=1 ProcCnt=1 WorkDir=/w Tres=cpu=1,gres/gpu=2 DerivedExitCode=0:0 ExitCode=0:0
JobId=8 UserId=ana(1000) GroupId=ana(1000) Name=arr JobState=COMPLETED Partition=debug TimeLimit=UNLIMITED StartTime=2026-11-25T13:00:00 EndTime=2026-11-25T13:00:00 NodeList=localhost NodeCnt=1 ArrayJobId=7 ArrayTaskId=1 ExitCode=0:0
JobId=9 UserId=bob(1001) GroupId=bob(1001) Name=x JobState=FAILED ExitCode=1:0
garbage line
JobId=3 UserId=ana(1000) GroupId=ana(1000) Name=bad JobState=FAILED Partition=debug StartTime=2026-11-25T12:59:50 EndTime=2026-11-25T13:00:00 ExitCode=9:0
"""


def probe_text(
    squeue: str, sacct: tuple[int, str, str] | None = None, jobcomp: tuple[int, str] | None = None
) -> str:
    parts = [
        "@@cockpit-slurm:begin meta@@",
        "user=ana",
        f"now={E0}",
        "tz=+0000",
        "version=slurm-wlm 22.05.8",
        "@@cockpit-slurm:end meta rc=0@@",
        "@@cockpit-slurm:begin squeue@@",
        squeue,
        "",
        "@@cockpit-slurm:end squeue rc=0@@",
    ]
    if sacct is not None:
        rc, body, err = sacct
        parts += ["@@cockpit-slurm:begin sacct@@", body, "", f"@@cockpit-slurm:end sacct rc={rc}@@"]
        if err:
            parts += ["@@cockpit-slurm:begin sacct.stderr@@", err, "@@cockpit-slurm:end sacct.stderr@@"]
    if jobcomp is not None:
        rc, body = jobcomp
        parts += ["@@cockpit-slurm:begin jobcomp@@", body, "", f"@@cockpit-slurm:end jobcomp rc={rc}@@"]
    return "\n".join(parts) + "\n"
