"""Build the processed corpus from raw files: in parallel, incrementally, deterministically.

Every raw file ends up in ``ingest_report.csv`` with one of these statuses:

* ``ingested``: became a document (``warnings`` lists anything repaired or guessed);
* ``skipped``: not ingested, ``reason`` says why (empty file, no date, duplicate body, …);
* ``metadata``: a sidecar, manifest or README read alongside the documents.

One bad file never stops the build. Outputs, in the processed folder:

* ``documents.parquet``: one row per document;
* ``turns.parquet/part-NNN.parquet``: one row per paragraph, as a Parquet *dataset* (a folder of
  part files, as Spark writes it; pandas, DuckDB, Spark and Dask read the folder as one table).
  A document's rows live in the part chosen by a hash of its id, so a change to a few raw files
  rewrites only a few parts;
* ``ingest_report.csv`` and ``corpus.json`` (corpus version, counts, layout);
* ``.state.parquet``: what each raw file was last time (size, mtime, content hash, parse result)
  so that the next run re-parses only files whose content changed.

Same inputs give byte-identical outputs, whether built at once or incrementally: rows are sorted,
no timestamp is written, and the incremental path assembles exactly the tables a full build
would. Parsing runs on ``jobs`` processes (default: every core, at most 2 on this project's
machines is typical); small batches are parsed in-process.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import multiprocessing as mp
import os
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from . import config
from .importers.base import Document, IngestError
from .importers.kremlin import parse_kremlin_page
from .importers.plaintext import has_front_matter, parse_plaintext
from .importers.qa_article import parse_qa_article
from .sources import RawFile, is_archive, iter_raw
from .speakers import SpeakerRegistry, default_registry
from .text import count_words, spoken

SCHEMA_VERSION = 3
STATE_FILE = ".state.parquet"

DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("date", pa.date32()),
        ("title", pa.string()),
        ("source", pa.string()),
        ("source_url", pa.string()),
        ("language", pa.string()),
        ("kind", pa.string()),
        ("licence", pa.string()),
        ("place", pa.string()),
        ("translated_from", pa.string()),
        ("sections", pa.string()),
        ("importer", pa.string()),
        ("raw_path", pa.string()),
        ("raw_sha256", pa.string()),
        ("body_sha256", pa.string()),
        ("n_paragraphs", pa.int32()),
        ("n_words", pa.int32()),
        ("speakers", pa.string()),
    ]
)

TURN_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("para_no", pa.int32()),
        ("turn_no", pa.int32()),
        ("speaker", pa.string()),
        ("speaker_label", pa.string()),
        ("speaker_role", pa.string()),
        ("role", pa.string()),
        ("section", pa.string()),
        ("attribution", pa.string()),
        ("text", pa.string()),
        ("n_words", pa.int32()),
    ]
)

STATE_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("sha256", pa.string()),
        ("key", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("warnings", pa.string()),
        ("has_doc", pa.bool_()),
        *[pa.field("doc_" + f.name, pa.string() if f.name == "date" else f.type) for f in DOCUMENT_SCHEMA],
    ]
)

REPORT_FIELDS = ["path", "status", "doc_id", "reason", "warnings", "bytes", "sha256"]
_META_SUFFIXES = (".meta.yaml", ".meta.yml")
_DOC_SUFFIXES = {".html", ".htm", ".txt", ".md", ".markdown"}
_INFO_NAMES = {"readme.md", "readme.txt", "readme", "licence", "license", "licence.md", "license.md"}
_PARALLEL_MIN = 64  # fewer files to parse than this: parse in-process


# --- results ----------------------------------------------------------------------------------

@dataclass
class FileResult:
    """What one raw file became in this build."""

    path: str
    size: int
    mtime_ns: int
    sha256: str = ""
    key: str = ""
    status: str = "skipped"
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    doc: dict | None = None  # document row (DOCUMENT_SCHEMA), before de-duplication
    aux: tuple = (None, None)  # (manifest row, sidecar bytes) the parse depends on
    turns: pa.Table | None = None  # only for files parsed in this run
    parsed: bool = False  # parsed in this run (not reused from the state)

    def report_row(self) -> dict:
        return {"path": self.path, "status": self.status, "doc_id": (self.doc or {}).get("doc_id", "")
                if self.status == "ingested" else "", "reason": self.reason,
                "warnings": " | ".join(self.warnings), "bytes": max(self.size, 0) if self.sha256 else 0,
                "sha256": self.sha256}


@dataclass
class IngestResult:
    documents: list[dict]  # document rows, sorted by date and id
    report: list[dict]  # ingest report rows, sorted by path
    info: dict
    parsed: int  # files parsed in this run
    reused: int  # files taken unchanged from the previous run
    parts_written: int  # turn parts (re)written


# --- entry point ------------------------------------------------------------------------------

def ingest(raw_dir: Path | str = config.RAW_DIR, out_dir: Path | str = config.PROCESSED_DIR, *,
           registry: SpeakerRegistry | None = None, quiet: bool = False, jobs: int | None = None,
           full: bool = False, progress: bool | None = None) -> IngestResult:
    """Read every file under ``raw_dir`` (a folder or a tar archive); update ``out_dir``.

    ``full=True`` ignores what a previous run left and rebuilds everything.
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    registry = registry or default_registry()
    jobs = max(1, jobs or os.cpu_count() or 1)
    if progress is None:
        progress = not quiet and os.environ.get("CI", "").lower() not in ("true", "1") and sys.stderr.isatty()
    previous = {} if full else _load_state(out_dir)
    fingerprint = parser_fingerprint(registry)
    results = _scan_and_parse(raw_dir, previous, fingerprint=fingerprint, registry=registry, jobs=jobs,
                              progress=progress)
    kept = _deduplicate(results)
    info = _corpus_info(kept, results, registry)
    report = [r.report_row() for r in sorted(results, key=lambda r: r.path)]
    parts = _write_outputs(results, kept, info, report, out_dir, registry=registry, raw_dir=raw_dir, full=full)
    result = IngestResult(
        documents=[r.doc for r in kept],
        report=report,
        info=info,
        parsed=sum(r.parsed for r in results),
        reused=sum(not r.parsed and r.status != "metadata" for r in results),
        parts_written=parts,
    )
    if not quiet:
        _print_summary(result, out_dir)
    return result


def parser_fingerprint(registry: SpeakerRegistry) -> str:
    """Changes whenever the parsing code or the speaker registry changes (invalidates the state)."""
    h = hashlib.sha256(f"schema:{SCHEMA_VERSION}\n".encode())
    here = Path(__file__).parent
    for path in sorted([*here.glob("importers/*.py"), here / "text.py", here / "speakers.py"]):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    h.update(json.dumps(registry.speakers, sort_keys=True, default=str).encode())
    h.update(json.dumps({k: sorted(v) for k, v in registry.anonymous.items()}, sort_keys=True).encode())
    h.update(json.dumps(sorted(registry.name_particles)).encode())
    return h.hexdigest()[:16]


# --- scanning and parsing ---------------------------------------------------------------------

def _classify(name: str) -> str:
    low = name.lower()
    if low.endswith(_META_SUFFIXES) or low == "manifest.csv" or low in _INFO_NAMES:
        return "metadata"
    suffix = "." + low.rsplit(".", 1)[-1] if "." in low else ""
    return "document" if suffix in _DOC_SUFFIXES else "unsupported"


@dataclass
class _Context:
    """Metadata files seen so far: manifests by folder, sidecars by (folder, stem)."""

    manifests: dict[str, dict[str, dict]] = field(default_factory=dict)
    sidecars: dict[tuple[str, str], bytes] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)  # metadata file -> content hash
    html_before_manifest: int = 0

    def manifest_row(self, f: RawFile) -> dict | None:
        folder = f.parent
        while True:
            if folder in self.manifests:
                return self.manifests[folder].get(f.name.rsplit(".", 1)[0])
            if not folder:
                return None
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""

    def sidecar(self, f: RawFile) -> bytes | None:
        return self.sidecars.get((f.parent, f.name.rsplit(".", 1)[0]))


def _scan_and_parse(raw_dir: Path, previous: dict[str, dict], *, fingerprint: str, registry: SpeakerRegistry,
                    jobs: int, progress: bool) -> list[FileResult]:
    archive = is_archive(raw_dir)
    ctx = _Context()
    results: list[FileResult] = []
    pending: list[tuple[FileResult, bytes, dict | None, bytes | None]] = []
    deferred: list[tuple[FileResult, RawFile, bytes]] = []
    files = list(iter_raw(raw_dir)) if not archive else iter_raw(raw_dir)
    if not archive:  # read metadata first: every document sees its manifest and sidecar
        for f in files:
            if _classify(f.name) == "metadata":
                _read_metadata(f, ctx)
    bar = _progress(progress, total=len(files) if not archive else None)
    for f in files:
        bar.update(1)
        res = FileResult(f.rel, f.size, f.mtime_ns)
        results.append(res)
        kind = _classify(f.name)
        if kind == "metadata":
            if archive:
                _read_metadata(f, ctx)
            res.status, res.reason = "metadata", _metadata_reason(f.rel)
            res.sha256 = ctx.sha256.get(f.rel, "")
            if not res.sha256:
                res.status, res.reason = "skipped", "unreadable: metadata file could not be read"
            continue
        if kind == "unsupported":
            res.reason = f"unsupported file type {('.' + f.name.rsplit('.', 1)[-1]) if '.' in f.name else '(none)'!r}"
            _hash_quietly(res, f)
            continue
        old = previous.get(f.rel)
        is_html = f.name.lower().endswith((".html", ".htm"))
        manifest_row = ctx.manifest_row(f) if is_html else None
        if archive and is_html and not ctx.manifests:
            ctx.html_before_manifest += 1
        sidecar = ctx.sidecar(f)
        res.aux = (manifest_row, sidecar)
        res.key = fingerprint + ":" + _aux_hash(manifest_row, sidecar)
        same_key = bool(old) and old["key"] == res.key
        if same_key and old["size"] == f.size and old["mtime_ns"] == f.mtime_ns and f.size >= 0:
            _restore(res, old)
            continue
        old_sha = old["sha256"] if same_key else None
        if f.path is not None:  # a worker reads, hashes and parses the file
            pending.append((res, f.path, old_sha))
            continue
        try:
            raw = f.read()
        except OSError as exc:
            res.reason = f"unreadable: {exc.strerror or exc}"
            continue
        if archive and sidecar is None and not is_html:
            deferred.append((res, f, raw, old_sha))  # its sidecar may come later in the archive
            continue
        pending.append((res, raw, old_sha))
    for res, f, raw, old_sha in deferred:
        sidecar = ctx.sidecar(f)
        res.aux = (None, sidecar)
        res.key = fingerprint + ":" + _aux_hash(None, sidecar)
        pending.append((res, raw, old_sha if previous.get(f.rel, {}).get("key") == res.key else None))
    bar.close()
    _parse_pending(pending, previous, registry=registry, jobs=jobs)
    _flag_orphan_sidecars(results)
    if archive and ctx.manifests and ctx.html_before_manifest:
        for r in results:
            if r.path.lower().endswith("manifest.csv"):
                r.warnings.append(f"{ctx.html_before_manifest} page(s) came before this manifest in the archive "
                                  "and were parsed without it; extract the archive to use it for every page")
    return results


def _flag_orphan_sidecars(results: list[FileResult]) -> None:
    """A sidecar with no document of the same name describes nothing: report it, do not accept it."""
    stems = {r.path.rsplit(".", 1)[0] for r in results if _classify(r.path.rsplit("/", 1)[-1]) == "document"}
    for r in results:
        low = r.path.lower()
        for suffix in _META_SUFFIXES:
            if r.status == "metadata" and low.endswith(suffix) and r.path[: -len(suffix)] not in stems:
                r.status = "skipped"
                r.reason = f"orphan-sidecar: no document named {r.path[: -len(suffix)].rsplit('/', 1)[-1]}.* beside it"


def _hash_quietly(res: FileResult, f: RawFile) -> None:
    try:
        res.sha256 = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        pass


def _read_metadata(f: RawFile, ctx: _Context) -> None:
    name = f.name.lower()
    try:
        data = f.read()
    except OSError:
        return
    ctx.sha256[f.rel] = hashlib.sha256(data).hexdigest()
    if name == "manifest.csv":
        rows = csv.DictReader(io.StringIO(data.decode("utf-8", errors="replace")))
        ctx.manifests[f.parent] = {row["id"]: row for row in rows if row.get("id")}
    elif name.endswith(_META_SUFFIXES):
        stem = f.name[: -len(".meta.yaml")] if name.endswith(".meta.yaml") else f.name[: -len(".meta.yml")]
        ctx.sidecars[(f.parent, stem)] = data


def _metadata_reason(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith(_META_SUFFIXES):
        return "sidecar metadata"
    if name == "manifest.csv":
        return "manifest of the pages in this folder"
    return "documentation"


def _aux_hash(manifest_row: dict | None, sidecar: bytes | None) -> str:
    if manifest_row is None and sidecar is None:
        return "-"
    h = hashlib.sha256(json.dumps(manifest_row, sort_keys=True).encode())
    h.update(sidecar or b"")
    return h.hexdigest()[:12]


def _restore(res: FileResult, old: dict) -> None:
    res.sha256, res.key = old["sha256"], old["key"]
    res.status, res.reason = old["status"], old["reason"]
    res.warnings = [w for w in (old["warnings"] or "").split("\n") if w]
    res.doc = {f: old["doc_" + f] for f in DOCUMENT_SCHEMA.names} if old["has_doc"] else None
    if res.status == "skipped" and res.reason.startswith(("duplicate-body", "duplicate-id")):
        res.status, res.reason = "ingested", ""  # de-duplication is decided again below


def _parse_pending(pending, previous: dict[str, dict], *, registry: SpeakerRegistry, jobs: int) -> None:
    """Read (where needed), hash and parse files, on ``jobs`` processes when there are many."""
    tasks = [(res.path, source, old_sha, *res.aux) for res, source, old_sha in pending]
    if jobs > 1 and len(tasks) >= _PARALLEL_MIN:
        # Workers send back small tuples; their paragraph tables go through a shared-memory spill
        # (Arrow IPC files, memory-mapped here) instead of being pickled one by one.
        with tempfile.TemporaryDirectory(prefix="refrain-spill-") as spill:
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            with ctx.Pool(jobs, initializer=_init_worker, initargs=(registry, spill)) as pool:
                outcomes = pool.map(_parse_task, tasks, chunksize=max(1, len(tasks) // (jobs * 16)))
            outcomes = _read_spill(outcomes)
    else:
        _init_worker(registry)
        outcomes = [_parse_task(t) for t in tasks]
    for (res, _, _), outcome in zip(pending, outcomes):
        tag, res.sha256 = outcome[0], outcome[1]
        if tag == "unreadable":
            res.reason, res.key = outcome[2], ""
        elif tag == "unchanged":  # touched, same content: the previous result stands
            _restore(res, previous[res.path])
            res.sha256 = outcome[1]
        elif tag == "ok":
            _, _, res.doc, res.turns, res.warnings = outcome
            res.status, res.parsed = "ingested", True
        else:
            res.status, res.reason, res.parsed = "skipped", outcome[2], True


_REGISTRY: SpeakerRegistry | None = None
_SPILL: dict = {}


def _init_worker(registry: SpeakerRegistry, spill_dir: str | None = None) -> None:
    global _REGISTRY
    _REGISTRY = registry
    _SPILL.clear()
    if spill_dir:
        _SPILL["path"] = os.path.join(spill_dir, f"worker-{os.getpid()}.arrows")


def _spill(table: pa.Table) -> tuple[str, int, int]:
    """Append a table, as a complete Arrow IPC stream, to this worker's spill file."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, TURN_SCHEMA) as writer:
        writer.write_table(table)
    buf = sink.getvalue()
    handle = _SPILL.get("file") or _SPILL.setdefault("file", open(_SPILL["path"], "ab"))
    offset = handle.tell()
    handle.write(buf)
    handle.flush()  # complete on disk before the task's result is sent
    return (_SPILL["path"], offset, buf.size)


def _read_spill(outcomes: list[tuple]) -> list[tuple]:
    """Replace spill locations in the outcomes by the tables they point to (copied into memory)."""
    maps: dict[str, pa.MemoryMappedFile] = {}
    out = []
    for o in outcomes:
        if o[0] == "ok" and isinstance(o[3], tuple):
            path, offset, length = o[3]
            mm = maps.get(path) or maps.setdefault(path, pa.memory_map(path))
            table = pa.ipc.open_stream(pa.py_buffer(mm.read_at(length, offset))).read_all()
            o = (*o[:3], table, o[4])
        out.append(o)
    for mm in maps.values():
        mm.close()
    return out


def _parse_task(task) -> tuple:
    """Runs in a worker: (tag, sha256, ...) for one file. ``source`` is a path or the bytes."""
    rel, source, old_sha, manifest_row, sidecar = task
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
    try:
        doc = parse_raw(rel, raw, sha=sha, registry=_REGISTRY, manifest_row=manifest_row, sidecar=sidecar)
    except IngestError as exc:
        return ("skip", sha, f"{exc.code}: {exc.message}")
    except Exception as exc:  # a parser bug must not stop the other files
        return ("skip", sha, f"parse-error: {type(exc).__name__}: {exc}")
    doc_row, turns = document_rows(doc)
    return ("ok", sha, doc_row, _spill(turns) if _SPILL else turns, list(doc.warnings))


def parse_raw(rel: str, raw: bytes, *, sha: str, registry: SpeakerRegistry, manifest_row: dict | None = None,
              sidecar: bytes | None = None) -> Document:
    """Pick the importer for one raw file and run it."""
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith((".html", ".htm")):
        return parse_kremlin_page(raw, raw_path=rel, raw_sha256=sha, registry=registry, manifest_row=manifest_row)
    if sidecar is not None:
        try:
            meta = yaml.safe_load(sidecar.decode("utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise IngestError("bad-metadata", f"its .meta.yaml sidecar is not valid YAML: {exc}") from exc
        importer = meta.get("importer")
        if importer == "qa_article":
            return parse_qa_article(raw, meta=meta, raw_path=rel, raw_sha256=sha, registry=registry)
        raise IngestError("bad-metadata", f"its .meta.yaml sidecar names unknown importer {importer!r}")
    if has_front_matter(raw):
        return parse_plaintext(raw, raw_path=rel, raw_sha256=sha, registry=registry, doc_id=_doc_id_from_path(rel))
    raise IngestError("no-metadata", "no metadata: add YAML front matter or a .meta.yaml sidecar")


def _doc_id_from_path(rel: str) -> str:
    stem = rel.rsplit(".", 1)[0]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem.replace("/", "-")).strip("-")


def document_rows(doc: Document) -> tuple[dict, pa.Table]:
    """The document's row and its paragraphs as a table (TURN_SCHEMA)."""
    paras = doc.paragraphs
    turn_nos, turn_no = [], 0
    for i, p in enumerate(paras):
        if p.new_turn or i == 0:
            turn_no += 1
        turn_nos.append(turn_no)
    n_words = [count_words(spoken(p.text) if "[" in p.text or "(" in p.text else p.text) for p in paras]
    speakers = sorted({p.speaker for p in paras if p.role == "speech" and p.speaker})
    table = pa.Table.from_arrays(
        [
            pa.array([doc.doc_id] * len(paras), pa.string()),
            pa.array(range(len(paras)), pa.int32()),
            pa.array(turn_nos, pa.int32()),
            pa.array([p.speaker for p in paras], pa.string()),
            pa.array([p.speaker_label for p in paras], pa.string()),
            pa.array([p.speaker_role for p in paras], pa.string()),
            pa.array([p.role for p in paras], pa.string()),
            pa.array([p.section for p in paras], pa.string()),
            pa.array([p.attribution for p in paras], pa.string()),
            pa.array([p.text for p in paras], pa.string()),
            pa.array(n_words, pa.int32()),
        ],
        schema=TURN_SCHEMA,
    )
    doc_row = {
        "doc_id": doc.doc_id, "date": doc.date.isoformat(), "title": doc.title, "source": doc.source,
        "source_url": doc.source_url, "language": doc.language, "kind": doc.kind, "licence": doc.licence,
        "place": doc.place, "translated_from": doc.translated_from, "sections": doc.sections,
        "importer": doc.importer, "raw_path": doc.raw_path, "raw_sha256": doc.raw_sha256,
        "body_sha256": doc.body_sha256, "n_paragraphs": len(paras), "n_words": sum(n_words),
        "speakers": "; ".join(speakers),
    }
    return doc_row, table


# --- de-duplication and corpus info -------------------------------------------------------------

def _deduplicate(results: list[FileResult]) -> list[FileResult]:
    """Keep the earliest of documents with the same body (or id); mark the others skipped."""
    kept: list[FileResult] = []
    by_body: dict[str, FileResult] = {}
    by_id: dict[str, FileResult] = {}
    docs = [r for r in results if r.status == "ingested" and r.doc]
    for r in sorted(docs, key=lambda r: (r.doc["date"], r.doc["doc_id"], r.path)):
        first = by_id.get(r.doc["doc_id"])
        if first is not None:
            r.status, r.reason = "skipped", f"duplicate-id: id {r.doc['doc_id']} is already used by {first.path}"
            continue
        first = by_body.get(r.doc["body_sha256"])
        if first is not None:
            r.status = "skipped"
            r.reason = f"duplicate-body: same body text as {first.doc['doc_id']} ({first.path})"
            continue
        by_body[r.doc["body_sha256"]] = by_id[r.doc["doc_id"]] = r
        kept.append(r)
    return kept


def n_parts(n_docs: int) -> int:
    """Turn parts for a corpus of ``n_docs`` documents: about 25 documents a part, a power of two."""
    return min(256, 2 ** max(0, math.ceil(math.log2(max(n_docs, 1) / 25))))


def part_of(doc_id: str, parts: int) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % parts


def _corpus_info(kept: list[FileResult], results: list[FileResult], registry: SpeakerRegistry) -> dict:
    digest = hashlib.sha256()
    for r in sorted(results, key=lambda r: r.path):
        digest.update(f"{r.path}\0{r.sha256}\n".encode())
    digest.update(f"speakers:{registry.version}\nschema:{SCHEMA_VERSION}\n".encode())
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    dates = [r.doc["date"] for r in kept]
    return {
        "corpus_version": digest.hexdigest()[:12],
        "schema_version": SCHEMA_VERSION,
        "speakers_version": registry.version,
        "files": len(results),
        "statuses": dict(sorted(statuses.items())),
        "documents": len(kept),
        "date_min": min(dates) if dates else None,
        "date_max": max(dates) if dates else None,
        "turn_parts": n_parts(len(kept)),
    }


# --- writing ------------------------------------------------------------------------------------

def _write_outputs(results: list[FileResult], kept: list[FileResult], info: dict, report: list[dict], out_dir: Path, *,
                   registry: SpeakerRegistry, raw_dir: Path, full: bool) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    turns_dir = out_dir / config.TURNS_FILE
    if turns_dir.is_file():  # an older layout: a single file
        turns_dir.unlink()
    turns_dir.mkdir(exist_ok=True)
    parts = info["turn_parts"]
    old_info = _read_json(out_dir / config.CORPUS_INFO_FILE)
    old_docs = _read_old_documents(out_dir) if not full and old_info.get("turn_parts") == parts else None

    new_ids = {r.doc["doc_id"]: r for r in kept}
    part_members: dict[int, list[str]] = {}
    for d in sorted(new_ids):
        part_members.setdefault(part_of(d, parts), []).append(d)
    if old_docs is None:
        dirty = set(range(parts))
    else:
        changed = {d for d, r in new_ids.items() if r.parsed or old_docs.get(d) != r.doc["raw_sha256"]}
        removed = set(old_docs) - set(new_ids)
        dirty = {part_of(d, parts) for d in changed | removed}
    def build_part(k: int) -> None:
        members = part_members.get(k, [])
        old_part = _read_part(turns_dir, k) if old_docs is not None else None
        tables, reuse = [], []
        for d in members:
            r = new_ids[d]
            if r.turns is not None:
                tables.append(r.turns)
            elif old_part is not None and d in old_docs and old_docs[d] == r.doc["raw_sha256"]:
                reuse.append(d)  # unchanged: its rows are taken from the old part below
            else:  # e.g. a document that was a duplicate before: parse it again
                tables.append(_reparse(raw_dir, r, registry))
        if reuse:
            tables.append(old_part.filter(pc.is_in(old_part["doc_id"], value_set=pa.array(reuse, pa.string()))))
        table = pa.concat_tables(tables).combine_chunks() if tables else TURN_SCHEMA.empty_table()
        table = table.sort_by([("doc_id", "ascending"), ("para_no", "ascending")])
        _write_parquet(table, turns_dir / f"part-{k:03d}.parquet")

    # Arrow releases the GIL while it sorts, encodes and compresses: write parts on every core.
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        list(pool.map(build_part, sorted(dirty)))
    for stale in turns_dir.glob("part-*.parquet"):
        if int(stale.stem.split("-")[1]) >= parts:
            stale.unlink()

    docs = pa.Table.from_pylist([_typed(r.doc) for r in sorted(kept, key=lambda r: (r.doc["date"], r.doc["doc_id"]))],
                                schema=DOCUMENT_SCHEMA)
    _write_parquet(docs, out_dir / config.DOCUMENTS_FILE)
    with (out_dir / config.INGEST_REPORT_FILE).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(report)
    (out_dir / config.CORPUS_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    _write_state(results, out_dir)
    return len(dirty)


def _typed(doc: dict) -> dict:
    import datetime as dt

    return {**doc, "date": dt.date.fromisoformat(doc["date"])}


def _reparse(raw_dir: Path, r: FileResult, registry: SpeakerRegistry) -> pa.Table:
    """Paragraphs of a document that is new to the output but was not parsed in this run."""
    for f in iter_raw(raw_dir):
        if f.rel == r.path:
            _init_worker(registry)
            outcome = _parse_task((r.path, f.read(), None, *r.aux))
            if outcome[0] == "ok":
                return outcome[3]
            break
    raise RuntimeError(f"cannot re-read {r.path} to rebuild its paragraphs; run ingest with --full")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _read_old_documents(out_dir: Path) -> dict[str, str] | None:
    path = out_dir / config.DOCUMENTS_FILE
    if not path.exists():
        return None
    t = pq.ParquetFile(path).read(columns=["doc_id", "raw_sha256"])
    return dict(zip(t["doc_id"].to_pylist(), t["raw_sha256"].to_pylist()))


def _read_part(turns_dir: Path, k: int) -> pa.Table | None:
    path = turns_dir / f"part-{k:03d}.parquet"
    return pq.ParquetFile(path).read() if path.exists() else None


def _load_state(out_dir: Path) -> dict[str, dict]:
    path = out_dir / STATE_FILE
    if not path.exists():
        return {}
    try:
        table = pq.ParquetFile(path).read()
    except (OSError, pa.ArrowInvalid):
        return {}
    if table.schema != STATE_SCHEMA:
        return {}  # written by another version: start afresh
    rows = table.to_pylist()
    return {row["path"]: row for row in rows}


def _write_state(results: Iterable[FileResult], out_dir: Path) -> None:
    empty = dict.fromkeys(DOCUMENT_SCHEMA.names)
    rows = [{"path": r.path, "size": r.size, "mtime_ns": r.mtime_ns, "sha256": r.sha256, "key": r.key,
             "status": r.status, "reason": r.reason, "warnings": "\n".join(r.warnings), "has_doc": bool(r.doc),
             **{"doc_" + k: v for k, v in (r.doc or empty).items()}}
            for r in sorted(results, key=lambda r: r.path) if r.status != "metadata" and r.key]
    _write_parquet(pa.Table.from_pylist(rows, schema=STATE_SCHEMA), out_dir / STATE_FILE)


def _write_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd", write_statistics=True)
    tmp.replace(path)


# --- progress and summary -----------------------------------------------------------------------

class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(enabled: bool, total: int | None):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="file", desc="ingest", file=sys.stderr, mininterval=0.5)


def _print_summary(result: IngestResult, out_dir: Path) -> None:
    info = result.info
    print(
        f"ingest: {info['files']} files -> {info['documents']} documents "
        f"({', '.join(f'{k} {v}' for k, v in info['statuses'].items())}); parsed {result.parsed}, "
        f"unchanged {result.reused}, {result.parts_written} turn part(s) written; "
        f"corpus {info['corpus_version']}, {info['date_min']} to {info['date_max']}; wrote {out_dir}",
        file=sys.stderr,
    )
    for row in result.report:
        if row["status"] == "skipped":
            print(f"  skipped {row['path']}: {row['reason']}", file=sys.stderr)
        for w in filter(None, row["warnings"].split(" | ")):
            print(f"  warning {row['path']}: {w}", file=sys.stderr)
