"""Scan the raw folder (or archive): classify every file, read metadata, decide what to parse.

Every file becomes a :class:`~analysis.ingest.schema.FileResult`. Metadata (manifests, sidecars,
source profiles, READMEs, an importer's companion files) is read first, so each document sees its
manifest row, sidecar, profiles and companions (:class:`Aux`); files unchanged since the last run
are restored from the state; the rest become :class:`Task`\\ s, handed to
:mod:`analysis.ingest.parse` as a stream (``Scan.tasks``), so that an archive's members are never
all in memory at once.

An archive inside the raw folder (``data/raw/kremlin/kremlin-en-news.tar.xz``) is read without
extracting it: its members are listed as ``<archive path>/<member path>``. When the archive file
is unchanged since the last run (size, mtime and ctime), its members are restored from the state
without opening it. Otherwise it is read twice as a stream: once for its metadata and its list of
members, once for the documents (each compared with the state by its hash). An archive that cannot
be read to its end is refused whole (:func:`settle_damaged`): its members keep what the last run
made of them, and any it could not read before are listed with the reason.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis.ingest.metadata import (
    METADATA_MAX_BYTES,
    Aux,
    Context,
    classify,
    flag_orphan_sidecars,
    metadata_reason,
    read_metadata,
)
from analysis.ingest.schema import FileResult, bounded
from analysis.ingest.sources import ARCHIVE_SUFFIXES, ArchiveDamaged, RawFile, is_archive, iter_archive, iter_raw
from analysis.ingest.state import Previous, aux_hash, context_digest, restore


@dataclass
class Task:
    """A file to parse: where its bytes are (a path on disk, or the bytes of an archive member)."""

    result: FileResult
    source: str | bytes
    old_sha: str | None  # the hash of the previous run's bytes, when the rest of its key is unchanged


@dataclass
class Scan:
    """The scan's outcome: every file's result (those still to parse are completed by the parse), the
    stream of files to parse, the companions' bytes, and the archives that could not be read."""

    results: list[FileResult]
    tasks: Iterator[Task]
    context: Context
    damaged: dict[str, str] = field(default_factory=dict)  # archive path -> why it was refused
    previous: Previous = field(default_factory=Previous)
    digest: str = ""  # the digest of the metadata files read (state.context_digest)

    @property
    def companions(self) -> dict[str, bytes]:
        return self.context.data


def scan(raw_dir: Path, previous: Previous, *, fingerprint: str) -> Scan:
    """Every raw file's result so far and the stream of files still to parse (consume it once)."""
    ctx = Context()
    out = Scan([], iter(()), ctx, previous=previous)
    if is_archive(raw_dir):
        members = _list_archive(raw_dir, "", ctx)
        if isinstance(members, str):
            raise ValueError(f"the raw archive {raw_dir} is damaged: {members}; nothing was ingested")
        out.tasks = _archive(raw_dir, "", members, ctx, out, fingerprint)
    else:
        files = list(iter_raw(raw_dir))
        known = previous.documents(fingerprint)
        for f in files:  # metadata first: every document sees its manifest, sidecar, profile, companions
            if not f.skip and f.rel not in known and classify(f.name) == "metadata":
                read_metadata(f, ctx)
        out.digest = context_digest(ctx)
        if previous and previous.context != out.digest:
            known = set()  # a metadata file changed: every file's key is worked out again
        streams: list[Iterator[Task]] = []
        direct: list[Task] = []
        for f, restored in zip(files, previous.restore_unchanged(files, known), strict=True):
            if restored is not None:
                out.results.append(restored)
                continue
            # a file read as a document before, with today's code, is one again: its kind needs no importer
            kind = "skip" if f.skip else "document" if f.rel in known else classify(f.name)
            if kind == "archive":
                streams.append(_nested_archive(f, ctx, out, fingerprint))
            else:
                task = _entry(f, kind, ctx, out, fingerprint)
                if task is not None:
                    direct.append(task)
        out.tasks = _chain(direct, streams)
    flag_orphan_sidecars(out.results)
    return out


def _unchanged(f: RawFile, previous: Previous) -> bool:
    """Same size, mtime and ctime on disk as the previous run saw (a restored mtime does not restore the ctime)."""
    return f.path is not None and f.size >= 0 and previous.unchanged(f.rel, f.size, f.mtime_ns, f.ctime_ns)


def _chain(first: list[Task], streams: list[Iterator[Task]]) -> Iterator[Task]:
    yield from first
    for stream in streams:
        yield from stream


def _entry(f: RawFile, kind: str, ctx: Context, out: Scan, fingerprint: str, *, in_archive: bool = False):
    """One entry of a folder, or one member of an archive: its result, and its task when it must be parsed
    (an archive member's task has no bytes yet: :func:`_archive` reads them on its second pass)."""
    res = FileResult(f.rel, f.size, f.mtime_ns, f.ctime_ns)
    out.results.append(res)
    if kind == "skip":  # a link, a FIFO, a hidden, unreadable or too large entry: listed, never read
        res.reason = f.skip or "not read"
        return None
    if kind == "metadata":
        res.status, res.reason = "metadata", metadata_reason(f.rel)
        res.sha256 = ctx.sha256.get(f.rel, "")
        if f.rel in ctx.problems:
            res.status, res.reason = "skipped", ctx.problems[f.rel]
        elif not res.sha256:
            res.status, res.reason = "skipped", "unreadable: metadata file could not be read"
        return None
    if kind == "archive":  # an archive inside an archive is not opened
        res.reason = "archive inside an archive: not opened (extract it into the raw folder)"
        if not in_archive:
            _hash_quietly(res, f)
        return None
    if kind == "unsupported":
        suffix = ("." + f.name.rsplit(".", 1)[-1]) if "." in f.name else "(none)"
        res.reason = f"unsupported file type {suffix!r}"
        if not in_archive:
            _hash_quietly(res, f)
        return None
    clash = ctx.sidecar_clash(f)
    if clash is not None:  # two sidecars for one document: neither is picked
        res.reason = clash
        if not in_archive:
            _hash_quietly(res, f)
        return None
    old = out.previous.get(f.rel)
    res.aux = ctx.aux(f)
    res.key = fingerprint + ":" + aux_hash(res.aux)
    same_key = old is not None and old["key"] == res.key
    # An archive member has no ctime: its bytes are read anyway, so it is compared by its hash.
    if not in_archive and old is not None and same_key and _unchanged(f, out.previous):
        restore(res, old)
        return None
    old_sha = old["sha256"] if old is not None and same_key else None
    if in_archive:
        return Task(res, b"", old_sha)
    if f.path is not None:  # a worker reads, hashes and parses the file
        return Task(res, f.path, old_sha)
    try:
        return Task(res, f.read(), old_sha)
    except OSError as exc:
        res.reason = f"unreadable: {exc.strerror or exc}"
        return None


def _list_archive(path: Path, prefix: str, ctx: Context) -> list[RawFile] | str:
    """First pass over an archive: its members (not their bytes) and its metadata files (read); or why
    it cannot be read to its end."""
    members: list[RawFile] = []
    try:
        for f in iter_archive(path, prefix=prefix):
            if not f.skip and classify(f.name) == "metadata":
                read_metadata(f, ctx)
            members.append(f)
    except ArchiveDamaged as exc:
        return str(exc)
    return members


def _archive(path: Path, prefix: str, members: list[RawFile], ctx: Context, out: Scan, fingerprint: str):
    """Results for an archive's members, then (lazily) the tasks of those to parse, their bytes read on a
    second pass and compared with the state by hash (a member whose hash is unchanged is restored)."""
    tasks: dict[str, Task] = {}
    for f in members:
        kind = "skip" if f.skip else classify(f.name)
        task = _entry(f, kind, ctx, out, fingerprint, in_archive=True)
        if task is not None:
            tasks[f.rel] = task
    return _read_members(path, prefix, tasks, out)


def _read_members(path: Path, prefix: str, tasks: dict[str, Task], out: Scan) -> Iterator[Task]:
    if not tasks:
        return
    try:
        for f in iter_archive(path, prefix=prefix):
            task = tasks.pop(f.rel, None)
            if task is None:
                continue
            try:
                data = f.read()
            except OSError as exc:
                task.result.reason = f"unreadable: {exc.strerror or exc}"
                continue
            sha = hashlib.sha256(data).hexdigest()
            if task.old_sha == sha:  # same bytes, same key: the previous result stands
                restore(task.result, out.previous[f.rel])
                continue
            if not data.strip():  # nothing to parse: no need for a worker
                task.result.sha256, task.result.reason, task.result.parsed = sha, "empty file", True
                continue
            task.source = data
            yield task
    except ArchiveDamaged as exc:
        out.damaged[prefix.rstrip("/") or str(path)] = str(exc)
        return
    for rel, task in tasks.items():  # listed on the first pass, gone on the second: the archive changed
        out.damaged.setdefault(prefix.rstrip("/") or str(path), f"member {rel} missing on the second read")
        task.result.reason = "unreadable: the archive changed while it was read"


def _nested_archive(f: RawFile, ctx: Context, out: Scan, fingerprint: str) -> Iterator[Task]:
    """An archive in the raw folder: restored whole when unchanged, else listed (results made now) and
    its documents read as a stream."""
    res = FileResult(f.rel, f.size, f.mtime_ns, f.ctime_ns)
    out.results.append(res)
    res.key = fingerprint + ":" + aux_hash(ctx.aux(f))
    old = out.previous.get(f.rel)
    prefix = f.rel + "/"
    if old is not None and old["status"] == "archive" and old["key"] == res.key and _unchanged(f, out.previous):
        restore(res, old)
        for path in sorted(p for p in out.previous if p.startswith(prefix)):
            row = out.previous[path]
            member = FileResult(path, row["size"], row["mtime_ns"], row["ctime_ns"])
            restore(member, row)
            out.results.append(member)
        return iter(())
    try:
        with open(f.path or "", "rb") as fh:
            res.sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        res.status, res.reason = "skipped", f"unreadable archive: {exc.strerror or exc}"
        return iter(())
    members = _list_archive(Path(f.path or ""), prefix, ctx)
    if isinstance(members, str):
        res.status, res.reason = "skipped", bounded(f"damaged archive: {members}; refused whole")
        out.damaged[f.rel] = members
        return iter(())
    res.status, res.reason = "archive", f"archive of {len(members):,} file(s), each listed as {prefix}…"
    return _archive(Path(f.path or ""), prefix, members, ctx, out, fingerprint)


def settle_damaged(scanned: Scan) -> None:
    """Refuse each damaged archive whole, after the parse: its members keep the previous run's result
    (with a warning), members the previous run did not have are listed as not ingested, and members
    of the previous run it could not list are restored (an incremental run never drops documents it
    could not read again)."""
    for archive, why in scanned.damaged.items():
        prefix = archive + "/"
        note = bounded(f"the archive could not be read again ({why}): kept as the last run read it")
        mine = {r.path: r for r in scanned.results if r.path.startswith(prefix)}
        for path, r in mine.items():
            old = scanned.previous.get(path)
            if old is not None and old["status"] != "metadata":
                restore(r, old)
                r.parsed, r.warnings = False, [*r.warnings, note]
            else:
                r.status, r.parsed, r.n_docs = "skipped", False, 0
                r.reason = bounded(f"damaged archive ({why}): not ingested")
        for path in sorted(p for p in scanned.previous if p.startswith(prefix) and p not in mine):
            row = scanned.previous[path]
            r = FileResult(path, row["size"], row["mtime_ns"], row["ctime_ns"])
            restore(r, row)
            r.warnings = [*r.warnings, note]
            scanned.results.append(r)
        top = next((r for r in scanned.results if r.path == archive), None)
        if top is not None:
            top.status, top.reason = "skipped", bounded(f"damaged archive: {why}; refused whole")


def _hash_quietly(res: FileResult, f: RawFile) -> None:
    if f.path is None or f.size > METADATA_MAX_BYTES:
        return
    with contextlib.suppress(OSError):
        res.sha256 = hashlib.sha256(f.read()).hexdigest()


def reread(raw_dir: Path, rel: str, scanned: Scan) -> tuple[bytes, Aux, dict[str, bytes]]:
    """A file's bytes, what its parse depends on and the companions' bytes, read again (for a document
    the corpus needs whose paragraphs were not parsed in this run, e.g. one that was a duplicate)."""
    ctx = copy.deepcopy(scanned.context)
    members: Iterable[RawFile] | None = None
    if is_archive(raw_dir):
        members = iter_archive(raw_dir)
    else:
        parts = rel.split("/")
        for i in range(1, len(parts)):
            head = "/".join(parts[:i])
            if head.lower().endswith(ARCHIVE_SUFFIXES) and (raw_dir / head).is_file():
                members = iter_archive(raw_dir / head, prefix=head + "/")
                break
    if members is None:
        f = next((f for f in iter_raw(raw_dir) if f.rel == rel and not f.skip), None)
        if f is None:
            raise RuntimeError(f"cannot re-read {rel} to rebuild its paragraphs; run ingest with --full")
        return f.read(), ctx.aux(f), ctx.data
    found: tuple[RawFile, bytes] | None = None
    try:
        for m in members:  # every member: the archive's metadata may come after the file
            if m.skip:
                continue
            if classify(m.name) == "metadata":
                read_metadata(m, ctx)
            elif m.rel == rel:
                found = (m, m.read())
    except ArchiveDamaged as exc:
        raise RuntimeError(f"cannot re-read {rel} to rebuild its paragraphs: {exc}") from None
    if found is None:
        raise RuntimeError(f"cannot re-read {rel} to rebuild its paragraphs; run ingest with --full")
    return found[1], ctx.aux(found[0]), ctx.data
