"""The journal's host scripts: what a run's folder holds at its start (git, config files,
``dvc.lock``) and at its end (the tracker's files), read by one POSIX sh script over the host's
connection (or locally), framed so that no file content can be mistaken for the frame.

Every piece comes back as ``<nonce> KIND base64(name) [size]`` followed by its content in
base64; a file is cut at its size limit (``head -c``). ``parse`` turns the answer into
``Piece`` values; what they mean is ``cockpit.core.journal`` and ``cockpit.core.trackers``.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path

CONFIG_MAX = 1024 * 1024  # a config file's private copy: at most this much
PATCH_MAX = 1024 * 1024
TRACKER_FILE_MAX = 256 * 1024
MAX_RUNS = 20  # newest tracker runs read per folder


@dataclass(frozen=True)
class Piece:
    kind: str  # "value", "file", "run", "mfile", "wfile"
    name: str
    data: bytes
    size: int | None = None


def new_nonce() -> str:
    return "J" + secrets.token_hex(8)


# a function each script defines: `put KIND NAME [SIZE]` then the content on stdin
_PUT = 'put() { printf "%s %s %s %s\\n" "$N" "$1" "$(printf %s "$2" | base64 | tr -d "\\n")" "$3"; base64; }'


def capture_script(nonce: str, cwd: str | None, pid: int | None, configs: list[str]) -> str:
    """The start of a run: its folder (``cwd``, or the process's own through ``/proc``), its
    ``COCKPIT_RUN_ID``, git commit, dirty flag, diff stat and diff, ``dvc.lock``, config files."""
    lines = [f"N={nonce}", _PUT]
    if pid is not None:
        p = int(pid)
        lines += [
            f'D=$(readlink /proc/{p}/cwd 2>/dev/null) && cd "$D" || exit 41',
            f"tr '\\0' '\\n' < /proc/{p}/environ 2>/dev/null | sed -n 's/^COCKPIT_RUN_ID=//p' | head -n 1 | put value run_id",
            f"tr '\\0' ' ' < /proc/{p}/cmdline 2>/dev/null | put value cmdline",
        ]
    elif cwd:
        lines.append(f"cd {shlex.quote(cwd)} || exit 41")
    lines += [
        "pwd | put value cwd",
        "if command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1; then",
        "  git rev-parse HEAD 2>/dev/null | put value git_commit",
        '  if [ -n "$(git status --porcelain 2>/dev/null | head -c1)" ]; then echo 1; else echo 0; fi | put value git_dirty',
        "  git diff --stat HEAD 2>/dev/null | tail -n 60 | put value diff_stat",
        f"  git diff HEAD 2>/dev/null | head -c {PATCH_MAX} | put value patch",
        "fi",
        f"if [ -f dvc.lock ]; then head -c {CONFIG_MAX} dvc.lock | put value dvc_lock; fi",
    ]
    for c in configs:
        q = shlex.quote(c)
        lines.append(
            f'if [ -f {q} ]; then S=$(wc -c < {q} | tr -d " "); head -c {CONFIG_MAX} {q} | put file {q} "$S"; fi'
        )
    return "\n".join(lines) + "\n"


# the rows the outcome needs from MLflow's SQLite backend, newest runs first, as JSON
_SQLITE = f"""
import json, sqlite3, sys
c = sqlite3.connect("file:mlflow.db?mode=ro", uri=True, timeout=2)
runs = c.execute("SELECT run_uuid, name, start_time, experiment_id FROM runs ORDER BY start_time DESC LIMIT {MAX_RUNS}").fetchall()
ids = [r[0] for r in runs]
marks = ",".join("?" * len(ids)) or "''"
out = {{"runs": runs}}
for table, q in (("tags", "tags"), ("params", "params"), ("metrics", "latest_metrics")):
    sql = "SELECT run_uuid, key, substr(value, 1, 300) FROM " + q + " WHERE run_uuid IN (" + marks + ") LIMIT 2000"
    out[table] = c.execute(sql, ids).fetchall()
sys.stdout.write(json.dumps(out))
"""


def outcome_script(nonce: str, cwd: str) -> str:
    """The end of a run: the newest MLflow runs (file store ``mlruns/``), the MLflow SQLite
    backend ``mlflow.db`` when present, and the newest W&B run folders, of ``cwd``."""
    m = TRACKER_FILE_MAX
    return (
        "\n".join(
            [
                f"N={nonce}",
                _PUT,
                f"cd {shlex.quote(cwd)} || exit 41",
                # MLflow file store: mlruns/<experiment>/<run>/{meta.yaml,tags,params,metrics}
                f"if [ -d mlruns ]; then ls -dt mlruns/*/*/ 2>/dev/null | head -n {MAX_RUNS} | while IFS= read -r r; do",
                '  [ -f "$r/meta.yaml" ] || continue',
                '  : | put run "mlflow:$r"',
                f'  head -c {m} "$r/meta.yaml" | put mfile meta.yaml',
                '  for k in tags params; do [ -d "$r/$k" ] && find "$r/$k" -type f 2>/dev/null | head -n 300 | while IFS= read -r f; do',
                '    head -c 4096 "$f" | put mfile "$k/${f#"$r/$k/"}"; done; done',
                '  [ -d "$r/metrics" ] && find "$r/metrics" -type f 2>/dev/null | head -n 300 | while IFS= read -r f; do',
                '    tail -n 1 "$f" | head -c 4096 | put mfile "metrics/${f#"$r/metrics/"}"; done',
                "done; fi",
                # MLflow SQLite backend (its default store): read on the host by its Python's sqlite3
                f"if [ -f mlflow.db ] && command -v python3 >/dev/null 2>&1; then python3 -c {shlex.quote(_SQLITE)} 2>&1 | head -c {m} | put value mlflow_db; fi",
                # Weights & Biases: wandb/run-*/ and wandb/offline-run-*/
                f"ls -dt wandb/run-*/ wandb/offline-run-*/ 2>/dev/null | head -n {MAX_RUNS} | while IFS= read -r r; do",
                '  : | put run "wandb:$r"',
                "  for f in files/wandb-summary.json files/config.yaml files/wandb-metadata.json; do",
                f'    [ -f "$r/$f" ] && head -c {m} "$r/$f" | put wfile "$f"; done',
                '  for f in "$r"/run-*.wandb; do',
                f'    [ -f "$f" ] && head -c {4 * m} "$f" | put wfile run.wandb; done',
                "done",
            ]
        )
        + "\n"
    )


def parse(text: str, nonce: str) -> list[Piece]:
    """The pieces of a script's answer, in order; lines outside a frame are ignored and a
    piece whose name or content is not base64 is dropped."""
    out: list[Piece] = []
    head: tuple[str, str, int | None] | None = None
    body: list[str] = []

    def flush() -> None:
        if head is None:
            return
        try:
            data = base64.b64decode("".join(body), validate=False)
        except (binascii.Error, ValueError):
            return
        out.append(Piece(head[0], head[1], data, head[2]))

    for line in text.splitlines():
        if line.startswith(nonce + " "):
            flush()
            parts = line.split(" ")
            kind = parts[1] if len(parts) > 1 else ""
            try:
                name = base64.b64decode(parts[2] if len(parts) > 2 else "").decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                head, body = None, []
                continue
            size = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else None
            head, body = (kind, name, size), []
        elif head is not None:
            body.append(line.strip())
    flush()
    return out


# ---------------------------------------------------------------- private copies


def save_private(folder: Path, name: str, data: bytes) -> None:
    """``folder/name`` written 0600 in a 0700 folder (a config copy, a diff); kept as is when it
    exists (names are content hashes)."""
    from cockpit.paths import make_private_dir

    make_private_dir(folder)
    path = folder / name
    if path.exists():
        return
    tmp = folder / f".{name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def read_private(folder: Path, name: str) -> bytes | None:
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None
