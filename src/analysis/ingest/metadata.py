"""What a file's parse depends on besides its own bytes: metadata files read before any document.

Manifests (``manifest.csv``: a row per page id), sidecars (``name.meta.yaml`` or ``name.csv.meta.yaml``
for ``name.csv``; both for one file is refused), source profiles
(``profile.yaml``, for the folder and below), READMEs and licences, and the companion files an
importer claims (a ParlaMint person list, a ``-meta.tsv``) are read first, into a :class:`Context`;
each document then gets its :class:`Aux`: the manifest row, sidecar, profiles and companions that
apply to it. A metadata file that cannot be used is listed with the reason, never ignored.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.ingest.importers import companion_of, document_suffixes
from analysis.ingest.schema import FileResult, bounded
from analysis.ingest.sources import ARCHIVE_SUFFIXES, RawFile

META_SUFFIXES = (".meta.yaml", ".meta.yml")
PROFILE_NAME = "profile.yaml"
METADATA_MAX_BYTES = 64 << 20  # a manifest, profile, sidecar or README larger than this is not read
_INFO_NAMES = {"readme.md", "readme.txt", "readme", "licence", "license", "licence.md", "license.md"}


@dataclass(frozen=True)
class Aux:
    """What a file's parse depends on besides its own bytes."""

    manifest_row: dict | None = None
    sidecar: bytes | None = None
    profiles: tuple[
        tuple[str, bytes], ...
    ] = ()  # (folder, bytes) of the profile.yaml files that apply, outermost first
    companions: tuple[tuple[str, str], ...] = ()  # (path, sha256) of the companion files it is given, outermost first

    @property
    def empty(self) -> bool:
        return self.manifest_row is None and self.sidecar is None and not self.profiles and not self.companions


@dataclass
class Context:
    """Metadata files seen so far, by folder (archive members' folders included)."""

    manifests: dict[str, dict[str, dict]] = field(default_factory=dict)
    sidecars: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (folder, what it names) -> bytes
    sidecar_files: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # the same key -> file names
    profiles: dict[str, bytes] = field(default_factory=dict)
    folder_companions: dict[str, list[str]] = field(default_factory=dict)
    doc_companions: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)  # metadata file -> content hash
    problems: dict[str, str] = field(default_factory=dict)  # metadata file -> why it could not be used
    data: dict[str, bytes] = field(default_factory=dict)  # companion file -> bytes

    _folders: dict[str, tuple] = field(default_factory=dict, repr=False)  # folder -> what its files share

    def aux(self, f: RawFile) -> Aux:
        manifest, profiles, companions = self._folder(f.parent)
        name = f.name
        row = manifest.get(_stem(name)) if manifest is not None and name.lower().endswith((".html", ".htm")) else None
        for stem in dict.fromkeys((_stem(name), name.split(".", 1)[0])):  # "X.ana.xml": "X.ana", "X"
            companions += tuple((c, self.sha256[c]) for c in self.doc_companions.get((f.parent, stem), []))
        sidecar = next((self.sidecars[k] for k in _sidecar_keys(f) if k in self.sidecars), None)
        if row is None and sidecar is None and not profiles and not companions:
            return _NO_AUX
        return Aux(manifest_row=row, sidecar=sidecar, profiles=profiles, companions=companions)

    def sidecar_clash(self, f: RawFile) -> str | None:
        """Why ``f`` has no sidecar it can use: more than one describes it (``X.meta.yaml`` and
        ``X.csv.meta.yaml``, say), and none is picked silently; None when at most one does."""
        names = [n for k in _sidecar_keys(f) for n in self.sidecar_files.get(k, [])]
        if len(names) < 2:
            return None
        return f"sidecar-clash: {' and '.join(names)} both describe {f.name}: keep one of them"

    def _folder(self, parent: str) -> tuple:
        """What every file of a folder shares: the closest manifest, the profiles and the folder companions
        that apply (worked out once per folder; forgotten whenever another metadata file is read)."""
        found = self._folders.get(parent)
        if found is None:
            folders = _ancestors(parent)
            manifest = next((self.manifests[d] for d in reversed(folders) if d in self.manifests), None)
            profiles = tuple((d, self.profiles[d]) for d in folders if d in self.profiles)
            companions = tuple((c, self.sha256[c]) for d in folders for c in self.folder_companions.get(d, []))
            found = self._folders[parent] = (manifest, profiles, companions)
        return found


_NO_AUX = Aux()


def _ancestors(folder: str) -> list[str]:
    """``"a/b"`` -> ``["", "a", "a/b"]``: the folders a file's metadata may come from, outermost first."""
    parts = folder.split("/") if folder else []
    return [""] + ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _sidecar_keys(f: RawFile) -> tuple[tuple[str, str], ...]:
    """Where the sidecars of ``f`` are kept: ``X.csv`` is described by ``X.meta.yaml`` or ``X.csv.meta.yaml``."""
    return tuple((f.parent, n) for n in dict.fromkeys((_stem(f.name), f.name)))


@lru_cache(maxsize=1 << 16)
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


def read_metadata(f: RawFile, ctx: Context) -> None:
    name = f.name.lower()
    if f.size > METADATA_MAX_BYTES:
        ctx.problems[f.rel] = f"too large for a metadata file: {f.size:,} bytes (at most {METADATA_MAX_BYTES:,})"
        return
    try:
        data = f.read()
    except OSError:
        return
    ctx.sha256[f.rel] = hashlib.sha256(data).hexdigest()
    ctx._folders.clear()
    if name == "manifest.csv":
        rows = _manifest_rows(data, f.rel, ctx)
        if rows is not None:
            ctx.manifests[f.parent] = rows
    elif name == PROFILE_NAME:
        ctx.profiles[f.parent] = data
    elif name.endswith(META_SUFFIXES):
        stem = f.name[: -len(".meta.yaml")] if name.endswith(".meta.yaml") else f.name[: -len(".meta.yml")]
        ctx.sidecars[(f.parent, stem)] = data
        ctx.sidecar_files.setdefault((f.parent, stem), []).append(f.name)
    elif (companion := companion_of(f.name)) is not None and companion.scope != "none":
        ctx.data[f.rel] = data
        if companion.scope == "folder":
            ctx.folder_companions.setdefault(f.parent, []).append(f.rel)
        else:
            ctx.doc_companions.setdefault((f.parent, companion.stem), []).append(f.rel)


MANIFEST_FIELD_MAX = 1_000_000  # characters in one cell of a manifest


def _manifest_rows(data: bytes, rel: str, ctx: Context) -> dict[str, dict] | None:
    """A manifest's rows by ``id``; None (and the reason recorded) when it is not a readable CSV."""
    csv.field_size_limit(MANIFEST_FIELD_MAX)
    try:
        text = data.decode("utf-8")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            ctx.problems[rel] = "unreadable manifest: no 'id' column in its header"
            return None
        return {row["id"]: row for row in reader if isinstance(row.get("id"), str) and row["id"]}
    except UnicodeDecodeError as exc:
        ctx.problems[rel] = f"unreadable manifest: not UTF-8 text ({exc.reason} at byte {exc.start})"
    except csv.Error as exc:
        ctx.problems[rel] = bounded(f"unreadable manifest: not a CSV table ({exc})")
    return None


def metadata_reason(rel: str) -> str:
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


def flag_orphan_sidecars(results: list[FileResult]) -> None:
    """A sidecar with no document of the same name (``X.meta.yaml`` or ``X.csv.meta.yaml`` for ``X.csv``)
    describes nothing: report it, do not accept it."""
    if not any(r.status == "metadata" and r.path.lower().endswith(META_SUFFIXES) for r in results):
        return
    documents = [r.path for r in results if classify(r.path.rsplit("/", 1)[-1]) == "document"]
    stems = {p.rsplit(".", 1)[0] for p in documents} | set(documents)
    for r in results:
        low = r.path.lower()
        for suffix in META_SUFFIXES:
            if r.status == "metadata" and low.endswith(suffix) and r.path[: -len(suffix)] not in stems:
                r.status = "skipped"
                r.reason = f"orphan-sidecar: no document named {r.path[: -len(suffix)].rsplit('/', 1)[-1]}.* beside it"
