"""Scan the raw folder (or archive): classify every file, read metadata, decide what to parse.

Every file becomes a :class:`~analysis.ingest.schema.FileResult`. Metadata (manifests, sidecars,
source profiles, READMEs, an importer's companion files) is read first, so each document sees its
manifest row, sidecar, profile and companions (:class:`Aux`); files unchanged since the last run
are restored from the state; the rest become :class:`Task`\\ s for :mod:`analysis.ingest.parse`.

An archive inside the raw folder (``data/raw/kremlin/kremlin-en-news.tar.xz``) is read without
extracting it: its members are listed as ``<archive path>/<member path>``. When the archive file
is unchanged since the last run (size, mtime and ctime), its members are restored from the state
without opening it; otherwise each member is compared with the state by its hash.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import hashlib
import io
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.ingest.importers import companion_of, document_suffixes
from analysis.ingest.schema import FileResult
from analysis.ingest.sources import ARCHIVE_SUFFIXES, RawFile, is_archive, iter_archive, iter_raw
from analysis.ingest.state import aux_hash, restore

META_SUFFIXES = (".meta.yaml", ".meta.yml")
PROFILE_NAME = "profile.yaml"
_INFO_NAMES = {"readme.md", "readme.txt", "readme", "licence", "license", "licence.md", "license.md"}


@dataclass(frozen=True)
class Aux:
    """What a file's parse depends on besides its own bytes."""

    manifest_row: dict | None = None
    sidecar: bytes | None = None
    profiles: tuple[bytes, ...] = ()  # the profile.yaml files that apply, outermost first
    companions: tuple[tuple[str, str], ...] = ()  # (path, sha256) of the companion files it is given

    @property
    def empty(self) -> bool:
        return self.manifest_row is None and self.sidecar is None and not self.profiles and not self.companions


@dataclass
class Task:
    """A file to parse: where its bytes are (a path on disk, or the bytes of an archive member)."""

    result: FileResult
    source: str | bytes
    old_sha: str | None  # the hash of the previous run's bytes, when the rest of its key is unchanged


@dataclass
class Scan:
    """The scan's outcome: every file's result so far, the files to parse, and the companions' bytes."""

    results: list[FileResult]
    tasks: list[Task]
    context: _Context = field(default_factory=lambda: _Context())

    @property
    def companions(self) -> dict[str, bytes]:
        return self.context.data


@dataclass
class _Context:
    """Metadata files seen so far, by folder (archive members' folders included)."""

    manifests: dict[str, dict[str, dict]] = field(default_factory=dict)
    sidecars: dict[tuple[str, str], bytes] = field(default_factory=dict)
    profiles: dict[str, bytes] = field(default_factory=dict)
    folder_companions: dict[str, list[str]] = field(default_factory=dict)
    doc_companions: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)  # metadata file -> content hash
    data: dict[str, bytes] = field(default_factory=dict)  # companion file -> bytes

    def aux(self, f: RawFile) -> Aux:
        folders = _ancestors(f.parent)
        is_html = f.name.lower().endswith((".html", ".htm"))
        row = None
        if is_html:
            for folder in reversed(folders):  # the closest manifest
                if folder in self.manifests:
                    row = self.manifests[folder].get(_stem(f.name))
                    break
        companions = [c for folder in folders for c in self.folder_companions.get(folder, [])]
        for stem in dict.fromkeys((_stem(f.name), f.name.split(".", 1)[0])):  # "X.ana.xml": "X.ana", "X"
            companions += self.doc_companions.get((f.parent, stem), [])
        return Aux(
            manifest_row=row,
            sidecar=self.sidecars.get((f.parent, _stem(f.name))),
            profiles=tuple(self.profiles[folder] for folder in folders if folder in self.profiles),
            companions=tuple((c, self.sha256[c]) for c in companions),
        )


def _ancestors(folder: str) -> list[str]:
    """``"a/b"`` -> ``["", "a", "a/b"]``: the folders a file's metadata may come from, outermost first."""
    parts = folder.split("/") if folder else []
    return [""] + ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def classify(name: str) -> str:
    """``metadata``, ``archive``, ``document`` (some importer may read it) or ``unsupported``."""
    low = name.lower()
    if low.endswith(META_SUFFIXES) or low in ("manifest.csv", PROFILE_NAME) or low in _INFO_NAMES:
        return "metadata"
    if companion_of(name) is not None:
        return "metadata"
    if low.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    suffix = "." + low.rsplit(".", 1)[-1] if "." in low else ""
    return "document" if suffix in document_suffixes() else "unsupported"


def scan(raw_dir: Path, previous: dict[str, dict], *, fingerprint: str, progress) -> Scan:
    """Every raw file's result so far, the files still to parse, and the companion files' bytes."""
    out = Scan([], [])
    ctx = out.context
    bar = progress(total=None)
    if is_archive(raw_dir):
        _scan_archive(iter_archive(raw_dir), ctx, out, previous, fingerprint, bar)
    else:
        files = list(iter_raw(raw_dir))
        for f in files:  # metadata first: every document sees its manifest, sidecar, profile, companions
            if not f.skip and classify(f.name) == "metadata":
                _read_metadata(f, ctx)
        for f in files:
            bar.update(1)
            kind = "skip" if f.skip else classify(f.name)
            if kind == "archive":
                _scan_nested_archive(f, ctx, out, previous, fingerprint, bar)
            else:
                _scan_entry(f, kind, ctx, out, previous, fingerprint, read_now=False)
    bar.close()
    _flag_orphan_sidecars(out.results)
    return out


def _scan_entry(
    f: RawFile,
    kind: str,
    ctx: _Context,
    out: Scan,
    previous: dict[str, dict],
    fingerprint: str,
    *,
    read_now: bool,
    data: bytes | None = None,
) -> None:
    """One entry of a folder, or one member of an archive (``data``: its bytes, already read)."""
    res = FileResult(f.rel, f.size, f.mtime_ns, f.ctime_ns)
    out.results.append(res)
    if kind == "skip":  # a link, a FIFO, a hidden or unreadable entry: listed, never read
        res.reason = f.skip or "not read"
        return
    if kind == "metadata":
        res.status, res.reason = "metadata", _metadata_reason(f.rel)
        res.sha256 = ctx.sha256.get(f.rel, "")
        if not res.sha256:
            res.status, res.reason = "skipped", "unreadable: metadata file could not be read"
        return
    if kind == "archive":  # an archive inside an archive is not opened
        res.reason = "archive inside an archive: not opened (extract it into the raw folder)"
        _hash_quietly(res, f, data)
        return
    if kind == "unsupported":
        suffix = ("." + f.name.rsplit(".", 1)[-1]) if "." in f.name else "(none)"
        res.reason = f"unsupported file type {suffix!r}"
        _hash_quietly(res, f, data)
        return
    old = previous.get(f.rel)
    res.aux = ctx.aux(f)
    res.key = fingerprint + ":" + aux_hash(res.aux)
    same_key = old is not None and old["key"] == res.key
    # Unchanged on disk: same size, mtime and ctime (a restored mtime does not restore the ctime).
    # An archive member has no ctime: its bytes are read anyway, so it is compared by its hash.
    if (
        old is not None
        and same_key
        and data is None
        and f.path is not None
        and f.size >= 0
        and (old["size"], old["mtime_ns"], old["ctime_ns"]) == (f.size, f.mtime_ns, f.ctime_ns)
    ):
        restore(res, old)
        return
    old_sha = old["sha256"] if old is not None and same_key else None
    if data is not None:
        out.tasks.append(Task(res, data, old_sha))
    elif f.path is not None and not read_now:  # a worker reads, hashes and parses the file
        out.tasks.append(Task(res, f.path, old_sha))
    else:
        try:
            out.tasks.append(Task(res, f.read(), old_sha))
        except OSError as exc:
            res.reason = f"unreadable: {exc.strerror or exc}"


def _scan_archive(
    members: Iterable[RawFile], ctx: _Context, out: Scan, previous: dict[str, dict], fingerprint: str, bar
) -> int:
    """Read an archive in one pass, then classify its members (their metadata may come last). Returns
    the number of members."""
    pending: list[tuple[RawFile, str, bytes | None]] = []
    for f in members:
        bar.update(1)
        kind = "skip" if f.skip else classify(f.name)
        data = None
        if kind != "skip":
            try:
                data = f.read()  # while the member is current: an archive is read as a stream
            except OSError as exc:
                f.skip, kind = f"unreadable: {exc.strerror or exc}", "skip"
        if kind == "metadata" and data is not None:
            _read_metadata(f, ctx, data)
        pending.append((f, kind, data))
    for f, kind, data in pending:
        _scan_entry(f, kind, ctx, out, previous, fingerprint, read_now=True, data=data)
    return len(pending)


def _scan_nested_archive(
    f: RawFile, ctx: _Context, out: Scan, previous: dict[str, dict], fingerprint: str, bar
) -> None:
    """An archive in the raw folder: restored whole when unchanged, else read member by member."""
    res = FileResult(f.rel, f.size, f.mtime_ns, f.ctime_ns)
    out.results.append(res)
    res.key = fingerprint + ":" + aux_hash(ctx.aux(f))
    old = previous.get(f.rel)
    prefix = f.rel + "/"
    if (
        old is not None
        and old["status"] == "archive"
        and old["key"] == res.key
        and (old["size"], old["mtime_ns"], old["ctime_ns"]) == (f.size, f.mtime_ns, f.ctime_ns)
    ):
        restore(res, old)
        for path in sorted(p for p in previous if p.startswith(prefix)):
            row = previous[path]
            member = FileResult(path, row["size"], row["mtime_ns"], row["ctime_ns"])
            restore(member, row)
            out.results.append(member)
        return
    try:
        with open(f.path or "", "rb") as fh:
            res.sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
        n = _scan_archive(iter_archive(Path(f.path or ""), prefix=prefix), ctx, out, previous, fingerprint, bar)
    except (OSError, tarfile.TarError, EOFError) as exc:
        res.status, res.reason = "skipped", f"unreadable archive: {exc}"
        return
    res.status, res.reason = "archive", f"archive of {n:,} file(s), each listed as {prefix}…"


def _flag_orphan_sidecars(results: list[FileResult]) -> None:
    """A sidecar with no document of the same name describes nothing: report it, do not accept it."""
    stems = {r.path.rsplit(".", 1)[0] for r in results if classify(r.path.rsplit("/", 1)[-1]) == "document"}
    for r in results:
        low = r.path.lower()
        for suffix in META_SUFFIXES:
            if r.status == "metadata" and low.endswith(suffix) and r.path[: -len(suffix)] not in stems:
                r.status = "skipped"
                r.reason = f"orphan-sidecar: no document named {r.path[: -len(suffix)].rsplit('/', 1)[-1]}.* beside it"


def _hash_quietly(res: FileResult, f: RawFile, data: bytes | None = None) -> None:
    with contextlib.suppress(OSError):
        res.sha256 = hashlib.sha256(data if data is not None else f.read()).hexdigest()


def _read_metadata(f: RawFile, ctx: _Context, data: bytes | None = None) -> None:
    name = f.name.lower()
    if data is None:
        try:
            data = f.read()
        except OSError:
            return
    ctx.sha256[f.rel] = hashlib.sha256(data).hexdigest()
    if name == "manifest.csv":
        rows = csv.DictReader(io.StringIO(data.decode("utf-8", errors="replace")))
        ctx.manifests[f.parent] = {row["id"]: row for row in rows if row.get("id")}
    elif name == PROFILE_NAME:
        ctx.profiles[f.parent] = data
    elif name.endswith(META_SUFFIXES):
        stem = f.name[: -len(".meta.yaml")] if name.endswith(".meta.yaml") else f.name[: -len(".meta.yml")]
        ctx.sidecars[(f.parent, stem)] = data
    elif (companion := companion_of(f.name)) is not None and companion.scope != "none":
        ctx.data[f.rel] = data
        if companion.scope == "folder":
            ctx.folder_companions.setdefault(f.parent, []).append(f.rel)
        else:
            ctx.doc_companions.setdefault((f.parent, companion.stem), []).append(f.rel)


def _metadata_reason(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    low = name.lower()
    if low.endswith(META_SUFFIXES):
        return "sidecar metadata"
    if low == "manifest.csv":
        return "manifest of the pages in this folder"
    if low == PROFILE_NAME:
        return "source profile: defaults for every file in this folder and below"
    companion = companion_of(name)
    if companion is not None:
        return companion.what
    return "documentation"


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
    for m in members:  # every member: the archive's metadata may come after the file
        if m.skip:
            continue
        if classify(m.name) == "metadata":
            _read_metadata(m, ctx)
        elif m.rel == rel:
            found = (m, m.read())
    if found is None:
        raise RuntimeError(f"cannot re-read {rel} to rebuild its paragraphs; run ingest with --full")
    return found[1], ctx.aux(found[0]), ctx.data
