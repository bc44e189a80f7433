"""Scan the raw folder (or archive): classify every file, read metadata, decide what to parse.

Every file becomes a :class:`~analysis.ingest.schema.FileResult`. Metadata (manifests, sidecars,
READMEs) is read first, so each document sees its manifest row and sidecar; files unchanged since
the last run are restored from the state; the rest become :class:`Task`\\ s for
:mod:`analysis.ingest.parse`.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from analysis.ingest.importers import document_suffixes
from analysis.ingest.schema import FileResult
from analysis.ingest.sources import RawFile, is_archive, iter_raw
from analysis.ingest.state import aux_hash, restore

META_SUFFIXES = (".meta.yaml", ".meta.yml")
_INFO_NAMES = {"readme.md", "readme.txt", "readme", "licence", "license", "licence.md", "license.md"}


@dataclass
class Task:
    """A file to parse: where its bytes are (a path on disk, or the bytes of an archive member)."""

    result: FileResult
    source: str | bytes
    old_sha: str | None  # the hash of the previous run's bytes, when the rest of its key is unchanged


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


def classify(name: str) -> str:
    """``metadata``, ``document`` (some importer may read it) or ``unsupported``."""
    low = name.lower()
    if low.endswith(META_SUFFIXES) or low == "manifest.csv" or low in _INFO_NAMES:
        return "metadata"
    suffix = "." + low.rsplit(".", 1)[-1] if "." in low else ""
    return "document" if suffix in document_suffixes() else "unsupported"


def scan(
    raw_dir: Path, previous: dict[str, dict], *, fingerprint: str, progress
) -> tuple[list[FileResult], list[Task]]:
    """Every raw file's result so far, and the files still to parse."""
    archive = is_archive(raw_dir)
    ctx = _Context()
    results: list[FileResult] = []
    tasks: list[Task] = []
    deferred: list[tuple[FileResult, RawFile, bytes]] = []  # archive members waiting for a later sidecar
    files = iter_raw(raw_dir) if archive else list(iter_raw(raw_dir))
    if not archive:  # read metadata first: every document sees its manifest and sidecar
        for f in files:
            if classify(f.name) == "metadata":
                _read_metadata(f, ctx)
    bar = progress(total=None if archive else len(files))  # type: ignore[arg-type]
    for f in files:
        bar.update(1)
        res = FileResult(f.rel, f.size, f.mtime_ns, f.ctime_ns)
        results.append(res)
        if f.skip:  # a link, a FIFO, a hidden or unreadable entry: listed, never read
            res.reason = f.skip
            continue
        kind = classify(f.name)
        if kind == "metadata":
            if archive:
                _read_metadata(f, ctx)
            res.status, res.reason = "metadata", _metadata_reason(f.rel)
            res.sha256 = ctx.sha256.get(f.rel, "")
            if not res.sha256:
                res.status, res.reason = "skipped", "unreadable: metadata file could not be read"
            continue
        if kind == "unsupported":
            suffix = ("." + f.name.rsplit(".", 1)[-1]) if "." in f.name else "(none)"
            res.reason = f"unsupported file type {suffix!r}"
            _hash_quietly(res, f)
            continue
        old = previous.get(f.rel)
        is_html = f.name.lower().endswith((".html", ".htm"))
        manifest_row = ctx.manifest_row(f) if is_html else None
        if archive and is_html and not ctx.manifests:
            ctx.html_before_manifest += 1
        sidecar = ctx.sidecar(f)
        res.aux = (manifest_row, sidecar)
        res.key = fingerprint + ":" + aux_hash(manifest_row, sidecar)
        same_key = old is not None and old["key"] == res.key
        # Unchanged on disk: same size, mtime and ctime (a restored mtime does not restore the ctime).
        # An archive member has no ctime: its bytes are read anyway, so it is compared by its hash.
        if (
            old is not None
            and same_key
            and not archive
            and f.size >= 0
            and (old["size"], old["mtime_ns"], old["ctime_ns"]) == (f.size, f.mtime_ns, f.ctime_ns)
        ):
            restore(res, old)
            continue
        old_sha = old["sha256"] if old is not None and same_key else None
        if f.path is not None:  # a worker reads, hashes and parses the file
            tasks.append(Task(res, f.path, old_sha))
            continue
        try:
            raw = f.read()
        except OSError as exc:
            res.reason = f"unreadable: {exc.strerror or exc}"
            continue
        if archive and sidecar is None and not is_html:
            deferred.append((res, f, raw))  # its sidecar may come later in the archive
            continue
        tasks.append(Task(res, raw, old_sha))
    for res, f, raw in deferred:
        sidecar = ctx.sidecar(f)
        res.aux = (None, sidecar)
        res.key = fingerprint + ":" + aux_hash(None, sidecar)
        same = previous.get(f.rel, {}).get("key") == res.key
        tasks.append(Task(res, raw, previous[f.rel]["sha256"] if same else None))
    bar.close()
    _flag_orphan_sidecars(results)
    if archive and ctx.manifests and ctx.html_before_manifest:
        for r in results:
            if r.path.lower().endswith("manifest.csv"):
                r.warnings.append(
                    f"{ctx.html_before_manifest} page(s) came before this manifest in the archive "
                    "and were parsed without it; extract the archive to use it for every page"
                )
    return results, tasks


def _flag_orphan_sidecars(results: list[FileResult]) -> None:
    """A sidecar with no document of the same name describes nothing: report it, do not accept it."""
    stems = {r.path.rsplit(".", 1)[0] for r in results if classify(r.path.rsplit("/", 1)[-1]) == "document"}
    for r in results:
        low = r.path.lower()
        for suffix in META_SUFFIXES:
            if r.status == "metadata" and low.endswith(suffix) and r.path[: -len(suffix)] not in stems:
                r.status = "skipped"
                r.reason = f"orphan-sidecar: no document named {r.path[: -len(suffix)].rsplit('/', 1)[-1]}.* beside it"


def _hash_quietly(res: FileResult, f: RawFile) -> None:
    with contextlib.suppress(OSError):
        res.sha256 = hashlib.sha256(f.read()).hexdigest()


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
    elif name.endswith(META_SUFFIXES):
        stem = f.name[: -len(".meta.yaml")] if name.endswith(".meta.yaml") else f.name[: -len(".meta.yml")]
        ctx.sidecars[(f.parent, stem)] = data


def _metadata_reason(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith(META_SUFFIXES):
        return "sidecar metadata"
    if name == "manifest.csv":
        return "manifest of the pages in this folder"
    return "documentation"
