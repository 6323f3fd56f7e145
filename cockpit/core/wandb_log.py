"""A Weights & Biases run log (``run-ID.wandb``) read without the wandb library.

An offline run writes its config, history and summary only there. The file is a 7-byte header
(``:W&B``, a magic number, a version) then a LevelDB-style log: 32 KiB blocks of chunks, each
a 7-byte header (checksum, little-endian length, type: full, first, middle, last) and bytes.
Each whole record is a protobuf ``Record``; the few fields read here are decoded from the
protobuf wire format by hand: the run (id, name, start time), config and summary updates, and
history rows (whose last values stand in for a summary the run never wrote).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field

BLOCK = 32768
HEADER = 7
MAX_RECORDS = 200_000

# protobuf field numbers of the records read here (wandb_internal.proto)
REC_HISTORY, REC_SUMMARY, REC_CONFIG, REC_RUN = 2, 3, 5, 17
RUN_ID, RUN_ENTITY, RUN_PROJECT, RUN_CONFIG, RUN_SUMMARY, RUN_NAME, RUN_START = 1, 2, 3, 4, 5, 8, 17
ITEM_KEY, ITEM_NESTED, ITEM_JSON = 1, 2, 16


@dataclass
class WandbLog:
    run_id: str | None = None
    name: str | None = None
    url: str | None = None
    started: float | None = None
    config: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)


def _varint(b: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(b) or shift > 63:
            raise ValueError("truncated varint")
        c = b[i]
        i += 1
        value |= (c & 0x7F) << shift
        if not c & 0x80:
            return value, i
        shift += 7


def fields(b: bytes) -> list[tuple[int, int | bytes]]:
    """A message's (field number, value) pairs: ints for varints and fixed fields, bytes for
    length-delimited ones (sub-messages and strings)."""
    out: list[tuple[int, int | bytes]] = []
    i = 0
    while i < len(b):
        tag, i = _varint(b, i)
        num, wire = tag >> 3, tag & 7
        if wire == 0:
            v, i = _varint(b, i)
            out.append((num, v))
        elif wire == 1:
            if i + 8 > len(b):
                raise ValueError("truncated fixed64")
            out.append((num, struct.unpack_from("<q", b, i)[0]))
            i += 8
        elif wire == 2:
            n, i = _varint(b, i)
            if i + n > len(b):
                raise ValueError("truncated field")
            out.append((num, b[i : i + n]))
            i += n
        elif wire == 5:
            if i + 4 > len(b):
                raise ValueError("truncated fixed32")
            out.append((num, struct.unpack_from("<i", b, i)[0]))
            i += 4
        else:
            raise ValueError(f"wire type {wire}")
    return out


def records(data: bytes) -> list[bytes]:
    """The whole records of the log (a cut last record is dropped)."""
    if len(data) < HEADER or data[:4] != b":W&B":
        raise ValueError("not a W&B run log")
    out: list[bytes] = []
    pos, part = HEADER, b""
    while pos + HEADER <= len(data) and len(out) < MAX_RECORDS:
        left = BLOCK - pos % BLOCK
        if left < HEADER:
            pos += left
            continue
        length, kind = struct.unpack_from("<HB", data, pos + 4)
        if kind == 0 and length == 0:  # zero padding to the block's end
            pos += left
            continue
        if not 1 <= kind <= 4:
            raise ValueError(f"chunk type {kind}")
        body = data[pos + HEADER : pos + HEADER + length]
        if len(body) < length:
            break
        pos += HEADER + length
        if kind == 1:
            out.append(body)
        elif kind == 2:
            part = body
        elif kind == 3:
            part += body
        else:
            out.append(part + body)
            part = b""
    return out


def _text(v: int | bytes) -> str:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def _items(msg: bytes, into: dict[str, str]) -> None:
    """Config or summary updates (``update`` = field 1: key, nested key, value as JSON)."""
    for num, item in fields(msg):
        if num != 1 or not isinstance(item, bytes):
            continue
        key, nested, value = "", [], ""
        for n, v in fields(item):
            if n == ITEM_KEY:
                key = _text(v)
            elif n == ITEM_NESTED:
                nested.append(_text(v))
            elif n == ITEM_JSON:
                value = _text(v)
        name = "/".join(nested) if nested else key
        if name and not name.startswith("_"):
            into[name] = _json_value(value)


def _json_value(text: str) -> str:
    try:
        v = json.loads(text)
    except ValueError:
        return text
    if isinstance(v, dict) and "value" in v:  # config items are {"value": ..., "desc": ...}
        v = v["value"]
    return v if isinstance(v, str) else json.dumps(v)


def read(data: bytes) -> WandbLog:
    """The run, config, summary (else the history's last values) of a run log."""
    log = WandbLog()
    history: dict[str, str] = {}
    for rec in records(data):
        for num, v in fields(rec):
            if not isinstance(v, bytes):
                continue
            if num == REC_RUN:
                _run(v, log)
            elif num == REC_CONFIG:
                _items(v, log.config)
            elif num == REC_SUMMARY:
                _items(v, log.summary)
            elif num == REC_HISTORY:
                _items(v, history)
    if not log.summary:
        log.summary = history
    return log


def _run(msg: bytes, log: WandbLog) -> None:
    entity = project = ""
    for n, v in fields(msg):
        if n == RUN_ID:
            log.run_id = _text(v)
        elif n == RUN_ENTITY:
            entity = _text(v)
        elif n == RUN_PROJECT:
            project = _text(v)
        elif n == RUN_NAME:
            log.name = _text(v)
        elif n == RUN_CONFIG and isinstance(v, bytes):
            _items(v, log.config)
        elif n == RUN_SUMMARY and isinstance(v, bytes):
            _items(v, log.summary)
        elif n == RUN_START and isinstance(v, bytes):
            ts = dict(fields(v))
            secs = ts.get(1, 0)
            log.started = float(secs if isinstance(secs, int) else 0)
    if entity and project and log.run_id:
        log.url = f"https://wandb.ai/{entity}/{project}/runs/{log.run_id}"
