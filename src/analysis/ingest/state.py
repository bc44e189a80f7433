"""What the last ingest saw of each raw file, so the next run re-parses only what changed.

Two tables in each generation (Arrow IPC files: only Refrain reads them): ``.state.arrow`` holds, per
raw file, its size, mtime, ctime, content hash, the key of what its parse depended on (the parsing
code, the speaker registry, its manifest row, sidecar, profiles and companions) and the parse's
outcome; ``.state-docs.arrow`` holds the documents the parse gave (before de-duplication), with their
warnings. A file whose key
is unchanged and whose size, mtime and ctime match is restored from the state; one whose bytes
hash the same is restored after hashing. Both are safe to delete: the next ingest is then full.

The state also records a digest of the metadata files the scan read (:func:`context_digest`, in the
table's schema metadata): when it is unchanged, so is every file's key, and a file unchanged on disk is
restored without working its key out again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from analysis import config
from analysis.ingest.schema import (
    SCHEMA_VERSION,
    STATE_DOCS_FILE,
    STATE_DOCS_SCHEMA,
    STATE_FILE,
    STATE_SCHEMA,
    FileResult,
)
from analysis.parquet import read_arrow, read_parquet
from analysis.speakers import SpeakerRegistry

if TYPE_CHECKING:
    from analysis.ingest.sources import RawFile

#: The library's shared modules the ingest imports (tests/ingest/test_incremental.py checks the list is
#: closed: every module an ingest module imports, at any depth, is among the code of :func:`parse_code`).
SHARED_CODE = (
    "__init__.py",
    "config.py",
    "csvout.py",
    "engine.py",
    "errors.py",
    "names.py",
    "params.py",
    "parquet.py",
    "safe_yaml.py",
    "speakers.py",
    "text.py",
    "tokens.py",
)


def parse_code() -> list[Path]:
    """Every module whose code can change what an ingest writes or keeps: the ingest's own modules (its
    importers and their label rules among them; not the fetcher, which only adds raw files) and the
    shared modules they import (the text layers, the tokenizer that counts words and makes the index,
    the registry's resolution of a label)."""
    library = config.LIBRARY_DIR
    own = [*library.glob("ingest/*.py"), *library.glob("ingest/importers/*.py")]
    return sorted([*own, *(library / name for name in SHARED_CODE)])


def parser_fingerprint(registry: SpeakerRegistry) -> str:
    """Changes whenever the code of :func:`parse_code` or the speaker registry changes (invalidates the
    state: every file is parsed again and every part written again, so that nothing a generation keeps
    was made by other code than the rest)."""
    h = hashlib.sha256(f"schema:{SCHEMA_VERSION}\n".encode())
    h.update(config.files_digest(parse_code(), config.LIBRARY_DIR).encode())
    h.update(registry.fingerprint().encode())
    return h.hexdigest()[:16]


def aux_hash(aux) -> str:
    """A short hash of what a file's parse depends on besides its own bytes (``metadata.Aux``, or None)."""
    if aux is None or aux.empty:
        return "-"
    h = hashlib.sha256(json.dumps(aux.manifest_row, sort_keys=True).encode())
    h.update(hashlib.sha256(aux.sidecar or b"").digest())
    for folder, data in aux.profiles:
        h.update(folder.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(data).digest())
    for name, sha in aux.companions:
        h.update(f"{name}\0{sha}\n".encode())
    return h.hexdigest()[:12]


CONTEXT_KEY = b"refrain:context"  # the state's schema metadata: the digest of the metadata files read


class Previous(Mapping[str, dict]):
    """The previous run's rows by raw path (:data:`STATE_SCHEMA`'s columns, a row made when one is asked
    for), and the digest of the metadata files it read ("" if unknown). An incremental scan asks for
    every file's row: :meth:`unchanged` and :meth:`restore` read the columns without making them."""

    def __init__(self, columns: dict[str, list] | None = None, context: str = "") -> None:
        self.columns = columns if columns is not None else {name: [] for name in STATE_SCHEMA.names}
        self.row_of = {path: i for i, path in enumerate(self.columns["path"])}
        self.context = context

    def __getitem__(self, path: str) -> dict:
        i = self.row_of[path]
        return {name: values[i] for name, values in self.columns.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(self.row_of)

    def __len__(self) -> int:
        return len(self.row_of)

    def __contains__(self, path: object) -> bool:
        return path in self.row_of

    def documents(self, fingerprint: str) -> set[str]:
        """Paths the previous run read as documents with today's parsing code (``fingerprint`` covers how a
        name is classified): such a file is a document again, and with the same metadata, of the same key."""
        prefix = fingerprint + ":"
        c = self.columns
        return {
            p
            for p, k, s in zip(c["path"], c["key"], c["status"], strict=True)
            if k.startswith(prefix) and s != "archive"
        }

    def unchanged(self, path: str, size: int, mtime_ns: int, ctime_ns: int) -> bool:
        """Whether the previous run saw ``path`` with this size, mtime and ctime."""
        i = self.row_of.get(path)
        c = self.columns
        return i is not None and c["size"][i] == size and c["mtime_ns"][i] == mtime_ns and c["ctime_ns"][i] == ctime_ns

    def restore_unchanged(self, files: Iterable[RawFile], known: set[str]) -> list[FileResult | None]:
        """For each of ``files``, its result as :func:`restore` makes it when the previous run read it as a
        document (``known``, :meth:`documents`) and it is on disk with the same size, mtime and ctime (a
        restored mtime does not restore the ctime), else None: one pass over the columns, no row made."""
        c, row_of = self.columns, self.row_of
        sizes, mtimes, ctimes = c["size"], c["mtime_ns"], c["ctime_ns"]
        sha256, key, status, reason, warnings, rejected = (c[name] for name in _RESTORED)
        out: list[FileResult | None] = []
        for f in files:
            i = row_of.get(f.rel) if f.path is not None and f.skip is None and f.rel in known else None
            if i is None or sizes[i] != f.size or mtimes[i] != f.mtime_ns or ctimes[i] != f.ctime_ns:
                out.append(None)
                continue
            said, rows = _lists(warnings[i], rejected[i])
            out.append(
                FileResult(
                    f.rel,
                    f.size,
                    f.mtime_ns,
                    f.ctime_ns,
                    sha256[i],
                    key[i],
                    status[i],
                    reason[i],
                    said,
                    rows,
                    restored=status[i] == "ingested",
                )
            )
        return out


def context_digest(ctx) -> str:
    """A digest of every metadata file a scan read (``metadata.Context``): its path and hash, or why it
    could not be used. Two scans with the same digest give every file the same key."""
    h = hashlib.sha256()
    for rel, sha in sorted(ctx.sha256.items()):
        h.update(f"{rel}\0{sha}\n".encode("utf-8", "surrogateescape"))
    for rel, why in sorted(ctx.problems.items()):
        h.update(f"{rel}\0!{why}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:16]


def load_state(gen: Path) -> Previous:
    """The previous run's rows by raw path (empty when there is none or it is of another version)."""
    previous = Previous()
    path = gen / STATE_FILE
    if not path.exists() or not (gen / STATE_DOCS_FILE).exists():
        return previous
    try:
        table = read_arrow(path)
    except (OSError, pa.ArrowInvalid):
        return previous
    if table.schema != STATE_SCHEMA:
        return previous  # written by another version: start afresh
    context = (table.schema.metadata or {}).get(CONTEXT_KEY, b"").decode()
    return Previous(table.to_pydict(), context)  # column by column: much faster than row by row


@dataclass(frozen=True)
class OldGeneration:
    """What an incremental build reads of the current generation besides the state: read by :meth:`read`
    while the parse's workers parse (on a thread beside the state and the scan, contending for the GIL,
    it made both slower than it was quick: docs/decisions/0005)."""

    path: Path
    info: dict  # corpus.json
    manifest: dict[str, dict]  # manifest.json's files
    documents: pa.Table | None  # documents.parquet's doc_id and raw_sha256 (None: no such file)
    state_docs: pa.Table | None  # every document the last parse gave (.state-docs.arrow; None: none)

    @classmethod
    def read(cls, gen: Path) -> OldGeneration:
        docs = gen / config.DOCUMENTS_FILE
        state_docs = gen / STATE_DOCS_FILE
        return cls(
            gen,
            _read_json(gen / config.CORPUS_INFO_FILE),
            _read_json(gen / "manifest.json").get("files", {}),
            read_parquet(docs, ["doc_id", "raw_sha256"]) if docs.exists() else None,
            read_arrow(state_docs) if state_docs.exists() else None,
        )

    def docs_of(self, paths: list[str]) -> tuple[pa.Table, pa.ChunkedArray]:
        """The documents the last parse gave for ``paths`` (in file order), :data:`STATE_DOCS_SCHEMA`, and
        the place in ``paths`` of each one's file."""
        table = self.state_docs
        if not paths or table is None:
            return STATE_DOCS_SCHEMA.empty_table(), pa.chunked_array([], pa.int32())
        if table.schema != STATE_DOCS_SCHEMA:
            raise RuntimeError(f"{self.path / STATE_DOCS_FILE} is of another version; run ingest with --full")
        where = pc.index_in(table["path"], value_set=pa.array(paths, pa.string()))  # one pass: filter and place
        found = pc.is_valid(where)
        return table.filter(found), where.filter(found)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def restore(res: FileResult, old: Mapping) -> None:
    """Take a file's result from the previous run's row (its documents are read from the state's document
    table by the build; de-duplication is decided again)."""
    _take(res, *(old[name] for name in _RESTORED))


_RESTORED = ("sha256", "key", "status", "reason", "warnings", "rejected")  # what a result takes from its row


def _take(res: FileResult, sha256: str, key: str, status: str, reason: str, warnings: str, rejected: str) -> None:
    res.sha256, res.key, res.status, res.reason = sha256, key, status, reason
    res.warnings, res.rejected = _lists(warnings, rejected)
    res.restored = status == "ingested"
    res.parsed = False


def _lists(warnings: str, rejected: str) -> tuple[list[str], list[tuple[str, str]]]:
    """A state row's warnings and rejected rows (as stored: lines, and JSON) as a result holds them."""
    return (
        [w for w in warnings.split("\n") if w] if warnings else [],
        [tuple(r) for r in json.loads(rejected)] if rejected else [],
    )


def state_table(in_path_order: Iterable[FileResult], context: str) -> pa.Table:
    """This run's state rows, from its files in path order (metadata files and unreadable files have none),
    with the digest of the metadata files the scan read (:func:`context_digest`)."""
    rows = [r for r in in_path_order if r.status != "metadata" and r.key]
    columns = {
        "path": [r.path for r in rows],
        "size": [r.size for r in rows],
        "mtime_ns": [r.mtime_ns for r in rows],
        "ctime_ns": [r.ctime_ns for r in rows],
        "sha256": [r.sha256 for r in rows],
        "key": [r.key for r in rows],
        "status": [r.status for r in rows],
        "reason": [r.reason for r in rows],
        "warnings": ["\n".join(r.warnings) for r in rows],
        "rejected": [json.dumps(r.rejected, ensure_ascii=False) if r.rejected else "" for r in rows],
    }
    return pa.Table.from_pydict(columns, schema=STATE_SCHEMA.with_metadata({CONTEXT_KEY: context.encode()}))
