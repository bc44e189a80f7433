"""What the last ingest saw of each raw file, so the next run re-parses only what changed.

``.state.parquet`` in the processed folder holds, per raw file, its size, mtime, content hash, the
key of what its parse depended on (the parsing code, the speaker registry, its manifest row and
sidecar) and the parse result. A file whose key is unchanged and whose size and mtime match is
restored from the state; one whose bytes hash the same is restored after hashing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analysis.ingest.schema import SCHEMA_VERSION, STATE_FILE, STATE_SCHEMA, FileResult
from analysis.speakers import SpeakerRegistry

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def parser_fingerprint(registry: SpeakerRegistry) -> str:
    """Changes whenever the parsing code or the speaker registry changes (invalidates the state)."""
    h = hashlib.sha256(f"schema:{SCHEMA_VERSION}\n".encode())
    code = [
        *PACKAGE_DIR.glob("ingest/importers/*.py"),
        PACKAGE_DIR / "ingest" / "schema.py",
        PACKAGE_DIR / "text.py",
        PACKAGE_DIR / "speakers.py",
        PACKAGE_DIR / "names.py",
    ]
    for path in sorted(p for p in code if p.exists()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(registry.fingerprint().encode())
    return h.hexdigest()[:16]


def aux_hash(aux) -> str:
    """A short hash of what a file's parse depends on besides its own bytes (``scan.Aux``, or None)."""
    if aux is None or aux.empty:
        return "-"
    h = hashlib.sha256(json.dumps(aux.manifest_row, sort_keys=True).encode())
    for part in (aux.sidecar or b"", *aux.profiles):
        h.update(hashlib.sha256(part).digest())
    for name, sha in aux.companions:
        h.update(f"{name}\0{sha}\n".encode())
    return h.hexdigest()[:12]


def load_state(out_dir: Path) -> dict[str, dict]:
    """The previous run's rows by raw path (empty when there is none or it is of another version)."""
    path = out_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        table = pq.ParquetFile(path).read()
    except (OSError, pa.ArrowInvalid):
        return {}
    if table.schema != STATE_SCHEMA:
        return {}  # written by another version: start afresh
    return {row["path"]: row for row in table.to_pylist()}


def restore(res: FileResult, old: dict) -> None:
    """Take a file's result from the previous run (de-duplication is decided again)."""
    res.sha256, res.key = old["sha256"], old["key"]
    res.status, res.reason = old["status"], old["reason"]
    res.warnings = [w for w in (old["warnings"] or "").split("\n") if w]
    res.docs = json.loads(old["documents"] or "[]")
    res.rejected = [tuple(r) for r in json.loads(old["rejected"] or "[]")]


def state_table(results: Iterable[FileResult]) -> pa.Table:
    """This run's state rows (metadata files and unreadable files have none)."""
    rows = [
        {
            "path": r.path,
            "size": r.size,
            "mtime_ns": r.mtime_ns,
            "ctime_ns": r.ctime_ns,
            "sha256": r.sha256,
            "key": r.key,
            "status": r.status,
            "reason": r.reason,
            "warnings": "\n".join(r.warnings),
            "documents": json.dumps(r.docs, sort_keys=True, ensure_ascii=False) if r.docs else "",
            "rejected": json.dumps(r.rejected, ensure_ascii=False) if r.rejected else "",
        }
        for r in sorted(results, key=lambda r: r.path)
        if r.status != "metadata" and r.key
    ]
    return pa.Table.from_pylist(rows, schema=STATE_SCHEMA)
