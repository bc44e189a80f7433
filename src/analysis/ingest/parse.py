r"""Parse one file: read, hash and run its importer, and spill what it gives (in a worker process).

A :class:`Parser` gathers the documents of a batch column by column
(:class:`~analysis.ingest.schema.DocumentBatch`) and appends them to its worker's own spill file as
Arrow IPC streams: one for the document rows, one per bucket (``crc32(doc_id) mod 64``) for the
paragraphs, so the store can write each turn part from its own buckets. The ingest receives small
outcomes and the spill :class:`Segment`\ s; it never holds a file's paragraphs in memory. A table
of a million rows streams through the same way, a few thousand documents at a time. A file's
parse may take :data:`FILE_SECONDS` (an alarm in the worker); the pool is :mod:`.workers`.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import signal
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import IngestError
from analysis.ingest.importers import (
    RawSource,
    inherited_role_labels,
    parse_source,
    profile_name,
    read_profiles,
    read_sidecar,
)
from analysis.ingest.importers.base import Collection
from analysis.ingest.metadata import Aux
from analysis.ingest.schema import KEY, SPILL_DOCS_SCHEMA, SPILL_TURNS_SCHEMA, DocumentBatch, FileResult, bounded
from analysis.ingest.state import restore
from analysis.speakers import SpeakerRegistry

BUCKETS = 64  # paragraph buckets in the spill; every number of turn parts divides it
FILE_SECONDS = float(os.environ.get("REFRAIN_PARSE_SECONDS", "120"))  # one file's parse, at most
FLUSH_PARAGRAPHS = 50_000  # a worker writes its gathered documents out at this many paragraphs

# (tag, sha256, ...): ("ok", sha, n_docs, file warnings, rejected), ("skip", sha, reason),
# ("unchanged", sha), ("unreadable", "", reason)
Outcome = tuple


def parse_raw(
    rel: str,
    raw: bytes,
    *,
    sha: str,
    registry: SpeakerRegistry,
    manifest_row: dict | None = None,
    sidecar: bytes | None = None,
    profiles: tuple[tuple[str, bytes], ...] = (),
    companions: dict[str, bytes] | None = None,
    stream: bool = False,
) -> Collection:
    """Pick the importer for one raw file and run it: its documents (:class:`IngestError` when it cannot).

    ``profiles`` are the ``(folder, bytes)`` of the profile.yaml files from the raw folder down to the
    file's own (see :func:`~analysis.ingest.importers.read_profiles` for how they combine). With
    ``stream``, a file of many statements may give its documents as an iterator (read it once)."""
    meta = read_sidecar(sidecar) if sidecar is not None else None
    notes: list[str] = []
    profile = None
    if profiles:
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        profile, origin, notes = read_profiles(profiles, folder)
        dropped = inherited_role_labels(profile, origin, folder, registry)
        if dropped:
            profile["speakers"] = {k: v for k, v in profile["speakers"].items() if str(k) not in dropped}
            notes.append(
                f"profile speakers: {', '.join(map(repr, dropped))} mapped to a person in "
                f"{profile_name(origin['speakers'])} not applied here (an anonymous role is "
                "re-attributed only by a file's own metadata or its own folder's profile)"
            )
    source = RawSource(rel, raw, sha, manifest_row, meta, profile, dict(companions or {}))
    found = parse_source(source, registry=registry)
    if not stream and not isinstance(found.documents, list):
        found.documents = list(found.documents)
    found.warnings[:0] = notes
    return found


@dataclass(frozen=True)
class Segment:
    """One Arrow IPC stream in a spill file: document rows (``bucket`` -1) or one bucket's paragraphs."""

    path: str
    offset: int
    length: int
    bucket: int


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


@dataclass
class Parser:
    """Parses the work items of a batch; picklable, so a process pool can run it. A batch comes with the
    bytes of the companion files its items need (see metadata.Aux): the pool is started before the
    scan has read them."""

    registry: SpeakerRegistry
    spill_dir: str
    file_seconds: float = FILE_SECONDS

    def run(
        self, items: list[tuple], companions: dict[str, bytes] | None = None
    ) -> tuple[list[Outcome], list[Segment]]:
        batch = DocumentBatch()
        segments: list[Segment] = []
        outcomes = [self.one(item, batch, segments, companions or {}) for item in items]
        if len(batch):
            segments += self._spill(batch)
        return outcomes, segments

    def one(self, item: tuple, batch: DocumentBatch, segments: list[Segment], companions: dict[str, bytes]) -> Outcome:
        number, rel, source, old_sha, aux = item
        aux = aux or Aux()
        if isinstance(source, str):
            try:
                with open(source, "rb") as fh:
                    raw = fh.read()
            except OSError as exc:
                return ("unreadable", "", f"unreadable: {exc.strerror or exc}")
        else:
            raw = source
        sha = hashlib.sha256(raw).hexdigest()
        if old_sha is not None and sha == old_sha:
            return ("unchanged", sha)
        if not raw.strip():
            return ("skip", sha, "empty file")
        companions = {path: companions[path] for path, _ in aux.companions}
        timed = self.file_seconds > 0 and _main_thread()
        if timed:
            previous = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, self.file_seconds)
        n = 0
        try:
            found = parse_raw(
                rel,
                raw,
                sha=sha,
                registry=self.registry,
                manifest_row=aux.manifest_row,
                sidecar=aux.sidecar,
                profiles=aux.profiles,
                companions=companions,
                stream=True,
            )
            for doc in found.documents:
                batch.add(doc, (number << 32) | n)
                n += 1
                if batch.paragraphs >= FLUSH_PARAGRAPHS:
                    segments += self._spill(batch)
        except _Timeout:
            return ("skip", sha, f"parse-timeout: parsing took longer than {self.file_seconds:g} s; it was stopped")
        except IngestError as exc:
            return ("skip", sha, bounded(f"{exc.code}: {exc.message}"))
        except RecursionError:
            return ("skip", sha, "parse-error: nested too deeply to be read")
        except Exception as exc:  # a parser bug, or MemoryError at the worker's limit: this file only
            return ("skip", sha, bounded(f"parse-error: {type(exc).__name__}: {exc}"))
        finally:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        rejected = [(row, bounded(why)) for row, why in found.rejected]
        if not n:  # a file of many statements none of which could be read: each row is listed too
            reasons = "; ".join(f"{row}: {why}" for row, why in found.rejected[:3])
            why = f"no-documents: nothing in the file became a statement ({reasons or 'empty'})"
            return ("skip", sha, bounded(why), rejected)
        return ("ok", sha, n, [bounded(w) for w in found.warnings], rejected)

    def _spill(self, batch: DocumentBatch) -> list[Segment]:
        """Append the batch, as complete Arrow IPC streams, to this process's spill file."""
        docs, turns = batch.tables()
        path = os.path.join(self.spill_dir, f"worker-{os.getpid()}.arrows")
        out = []
        with open(path, "ab") as handle:  # complete on disk before the batch's outcome is sent
            out.append(_append(handle, path, docs, -1))
            if turns.num_rows:
                buckets = bucket_array(turns["doc_id"])
                order = pc.sort_indices(buckets)
                turns, buckets = turns.take(order), buckets.take(order)
                values = buckets.to_numpy()
                edges = [0, *(np.flatnonzero(np.diff(values)) + 1).tolist(), len(values)]
                for lo, hi in itertools.pairwise(edges):
                    out.append(_append(handle, path, turns.slice(lo, hi - lo), int(values[lo])))
        return out


def bucket_array(doc_ids: pa.ChunkedArray | pa.Array) -> pa.Array:
    """``crc32(doc_id) mod 64`` of every row (computed once per distinct id)."""
    ids = doc_ids.to_pylist()
    memo: dict[str, int] = {}
    return pa.array([memo.get(d) if d in memo else memo.setdefault(d, zlib.crc32(d.encode()) % BUCKETS) for d in ids])


def _append(handle, path: str, table: pa.Table, bucket: int) -> Segment:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    buf = sink.getvalue()
    offset = handle.tell()
    handle.write(buf)
    return Segment(path, offset, buf.size, bucket)


def read_segment(segment: Segment) -> pa.Table:
    """The table of one spill segment (read into memory: a mapped file would count its pages as the
    process's own)."""
    with open(segment.path, "rb") as fh:
        fh.seek(segment.offset)
        data = fh.read(segment.length)
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def apply(res: FileResult, outcome: Outcome, previous: Mapping[str, dict]) -> None:
    tag, res.sha256 = outcome[0], outcome[1]
    if tag == "unreadable":
        res.reason, res.key = outcome[2], ""
    elif tag == "unchanged":  # touched, same content: the previous result stands
        restore(res, previous[res.path])
        res.sha256 = outcome[1]
    elif tag == "ok":
        _, _, res.n_docs, res.warnings, res.rejected = outcome
        res.status, res.reason, res.parsed, res.restored = "ingested", "", True, False
    else:
        res.status, res.reason, res.parsed = "skipped", outcome[2], True
        res.rejected = list(outcome[3]) if len(outcome) > 3 else []


def reparse(source: bytes, res: FileResult, registry: SpeakerRegistry, companions: dict[str, bytes] | None = None):
    """Document rows and paragraphs (``SPILL_*`` tables) of a file that is new to the output but was not
    parsed in this run (e.g. a document that was a duplicate before), parsed here."""
    aux = res.aux or Aux()
    found = parse_raw(
        res.path,
        source,
        sha=hashlib.sha256(source).hexdigest(),
        registry=registry,
        manifest_row=aux.manifest_row,
        sidecar=aux.sidecar,
        profiles=aux.profiles,
        companions={path: (companions or {})[path] for path, _ in aux.companions},
    )
    batch = DocumentBatch()
    for n, doc in enumerate(found.documents):
        batch.add(doc, (res.number << 32) | n)
    if not len(batch):
        raise RuntimeError(f"cannot re-read {res.path} to rebuild its paragraphs; run ingest with --full")
    docs, turns = batch.tables()
    assert docs.schema == SPILL_DOCS_SCHEMA and turns.schema == SPILL_TURNS_SCHEMA
    return docs.drop_columns([KEY]), turns
