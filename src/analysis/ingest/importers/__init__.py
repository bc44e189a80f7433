"""Importers: one module per kind of source, found by the :func:`importer_for` registry.

Every importer is an :class:`Importer`: it says which raw files it recognises and turns one into a
:class:`~analysis.ingest.importers.base.Document` (or raises
:class:`~analysis.errors.IngestError` with a short reason code). A module of this package that
defines ``IMPORTER = SomeImporter()`` is registered; adding a source kind is one new file.

How a raw file finds its importer: a ``.meta.yaml`` sidecar that names one (``importer:`` or
``format:``) wins; then the ``profile.yaml`` of its folder, for files whose suffix the named
importer reads; otherwise the importers are asked in ``priority`` order (lowest first) whether
they recognise the file.

An importer may also claim metadata files of its format (:meth:`Importer.companion`): a ParlaMint
person list describes every sitting in its folder, a ``-meta.tsv`` the sitting of the same name.
The scan reads them first and hands them to the parse in ``RawSource.companions``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple, Protocol

from analysis import safe_yaml
from analysis.errors import IngestError
from analysis.ingest.importers.base import Collection, Document, RawSource
from analysis.speakers import SpeakerRegistry


class Importer(Protocol):
    """What every importer provides."""

    name: str  # as a sidecar names it (``importer: qa_article``) and the ``importer`` column stores it
    suffixes: frozenset[str]  # file suffixes it may read (".html"); the scan lists others as unsupported
    priority: int  # asked in this order (lowest first) when no sidecar names an importer

    def recognises(self, source: RawSource) -> bool:
        """True when this importer reads ``source`` (only asked when no sidecar names an importer)."""
        ...

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document | Collection:
        """The document in ``source`` (or the documents, for a file of many statements);
        :class:`IngestError` when it cannot be one."""
        ...


class Companion(NamedTuple):
    """A metadata file an importer reads alongside documents (see :func:`companion_of`)."""

    # "folder": every document of the folder and below; "document": the one named ``stem``; "none": listed only
    scope: str
    stem: str  # for scope "document": the document's file name without its suffix
    what: str  # for the ingest report ("ParlaMint person list")


SIDECAR_MAX_BYTES = 256_000  # metadata, not text: more than this is a mistake


@lru_cache(maxsize=1)
def importers() -> tuple[Importer, ...]:
    """Every registered importer, in priority order."""
    found: list[Importer] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        importer = getattr(module, "IMPORTER", None)
        if importer is not None:
            found.append(importer)
    return tuple(sorted(found, key=lambda i: (i.priority, i.name)))


@lru_cache(maxsize=1)
def document_suffixes() -> frozenset[str]:
    """Suffixes of files some importer may read (everything else is listed as unsupported)."""
    return frozenset().union(*(i.suffixes for i in importers()))


def _metadata(data: bytes, what: str) -> dict:
    """A metadata file (sidecar or profile) as a mapping; :class:`IngestError` naming ``what`` otherwise."""
    try:
        meta = safe_yaml.load(data, what=what, max_bytes=SIDECAR_MAX_BYTES) or {}
    except safe_yaml.YamlError as exc:
        raise IngestError("bad-metadata", str(exc)) from exc
    if not isinstance(meta, dict):
        raise IngestError("bad-metadata", f"{what} must be a mapping of keys to values")
    return meta


def read_sidecar(data: bytes) -> dict:
    """A ``.meta.yaml`` sidecar as a mapping; :class:`IngestError` when it is not one."""
    return _metadata(data, "its .meta.yaml sidecar")


def companion_of(name: str) -> Companion | None:
    """The companion a metadata file is to some importer's documents, if it is one."""
    for claim in _claims():
        found = claim(name)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=1)
def _claims() -> tuple[Callable[[str], Companion | None], ...]:
    return tuple(claim for i in importers() if (claim := getattr(i, "companion", None)) is not None)


def read_profiles(profiles: tuple[tuple[str, bytes], ...], folder: str) -> tuple[dict, dict[str, str], list[str]]:
    """The ``profile.yaml`` files that apply to a file in ``folder``, merged: ``(profiles, folder)`` pairs
    from the outermost folder in, the nearest winning key by key (a key's whole value: a nearer
    ``speakers`` replaces a farther one, it is not merged). Returns the merged defaults, the folder
    each key came from, and a warning for each key a nearer profile sets to another value."""
    merged: dict = {}
    origin: dict[str, str] = {}
    warnings: list[str] = []
    for where, data in profiles:
        meta = _metadata(data, f"the profile.yaml of {where or 'the raw folder'}")
        for key, value in meta.items():
            if key in merged and merged[key] != value:
                warnings.append(
                    f"profile {key!r}: {profile_name(where)} overrides {profile_name(origin[key])} "
                    "(the nearest profile wins)"
                )
            merged[key], origin[key] = value, where
    return merged, origin, warnings


def profile_name(folder: str) -> str:
    """How a folder's profile is named in messages: ``a/b/profile.yaml``, or ``profile.yaml`` at the top."""
    return f"{folder}/profile.yaml" if folder else "profile.yaml"


def inherited_role_labels(profile: dict, origin: dict[str, str], folder: str, registry: SpeakerRegistry) -> list[str]:
    """Labels of anonymous roles ("Question", "Q", "Moderator") that a profile of a *parent* folder maps
    to a person. Turning a questioner into someone's words is a decision for a file's own metadata or
    the profile of its own folder: the ingest drops these entries (with a warning) for files below."""
    speakers = profile.get("speakers")
    if not isinstance(speakers, dict) or origin.get("speakers", folder) == folder:
        return []
    out = []
    for label in speakers:
        res = registry.resolve(str(label))
        if res.known and res.role != "speech":
            out.append(str(label))
    return out


def importer_for(source: RawSource) -> Importer:
    """The importer that reads ``source``; :class:`IngestError` when none does."""
    by_name = {i.name: i for i in importers()}
    for where, meta in (("its .meta.yaml sidecar", source.sidecar), ("the profile.yaml of its folder", source.profile)):
        named = (meta or {}).get("importer") or (meta or {}).get("format")
        if named is None:
            continue
        if named not in by_name:
            raise IngestError(
                "bad-metadata", f"{where} names unknown format {named!r} (known: {', '.join(sorted(by_name))})"
            )
        if source.suffix not in by_name[named].suffixes:  # "format: transcript" for a .pdf: the PDF's reader
            reader = next(
                (i for i in importers() if named in getattr(i, "reads_formats", ()) and source.suffix in i.suffixes),
                None,
            )
            if reader is not None:
                return reader
        if meta is source.sidecar or source.suffix in by_name[named].suffixes:
            return by_name[named]
    for importer in importers():
        if source.suffix in importer.suffixes and importer.recognises(source):
            return importer
    if source.sidecar is not None:
        raise IngestError("bad-metadata", "its .meta.yaml sidecar names no format (add `format:`)")
    raise IngestError("no-metadata", "no metadata: add YAML front matter or a .meta.yaml sidecar naming its `format`")


def parse_source(source: RawSource, *, registry: SpeakerRegistry) -> Collection:
    """Pick the importer for one raw file and run it: its documents (one, for most files)."""
    out = importer_for(source).parse(source, registry=registry)
    return out if isinstance(out, Collection) else Collection([out])
