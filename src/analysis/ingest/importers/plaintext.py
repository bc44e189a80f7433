"""Importer for statements a journalist adds by hand: ``.md`` or ``.txt`` with YAML front matter.

Example::

    ---
    title: Remarks at a news conference
    date: 2024-02-14
    speaker: Vladimir Putin
    source: Kremlin pool report
    source_url: https://example.org/...
    language: en
    licence: CC BY 4.0
    ---
    # Optional heading (becomes the section of what follows)

    The speaker's first paragraph. A blank line separates paragraphs.

    Question: A labelled turn by someone else ("Question:", "Remark:" or a known name).

    Vladimir Putin: Back to the speaker.

Required keys: ``title``, ``date`` (YYYY-MM-DD), ``speaker``. The text is read as a transcript
(:mod:`analysis.ingest.importers.transcript`): unlabelled paragraphs belong to the front-matter
speaker; a paragraph that opens with a label switches the turn. Labels, plain or in ``**bold**``:
a name with or without its title ("Defence Minister Sergei Shoigu:", "PUTIN:"),
``Q:``/``Q.``/``Question:``/``Interviewer:`` (an anonymous questioner) and ``A:``/``A.``/``Answer:``
(the front-matter speaker answering). A label followed by a quotation mark is a quotation inside
the current turn ("Question: “How much funding is required?”"), not a new speaker. A sidecar may
add facts (stated in both, they must agree); the folder's ``profile.yaml`` gives defaults.
"""

from __future__ import annotations

import re

from analysis import safe_yaml
from analysis.errors import IngestError
from analysis.ingest.importers.base import Document, RawSource, decode_utf8
from analysis.ingest.importers.common import facts_from_name, require
from analysis.ingest.importers.transcript import build_document
from analysis.speakers import SpeakerRegistry

_FRONT_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def has_front_matter(raw: bytes) -> bool:
    """True when the file opens with ``---`` (UTF-8, with or without a BOM, or UTF-16 with one)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw[:16].decode("utf-16", errors="ignore").startswith("---")
    return raw.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def parse_plaintext(source: RawSource, *, registry: SpeakerRegistry) -> Document:
    """A statement added by hand: YAML front matter, then the text (read as a transcript)."""
    warnings: list[str] = []
    text = decode_utf8(source.raw, warnings)
    m = _FRONT_RE.match(text)
    if not m:
        raise IngestError("no-front-matter", "no YAML front matter: the file must start with a '---' block")
    try:
        meta = safe_yaml.load(m.group(1), what="front matter", max_bytes=256_000) or {}
    except safe_yaml.YamlError as exc:
        raise IngestError("bad-front-matter", str(exc)) from exc
    if not isinstance(meta, dict):
        raise IngestError("bad-front-matter", "front matter must be a YAML mapping of keys to values")
    sidecar = source.sidecar or {}
    for key, value in sidecar.items():  # facts the front matter lacks may come from a sidecar; stated twice, they agree
        if key in meta and meta[key] != value and key not in ("importer", "format"):
            raise IngestError(
                "conflicting-metadata",
                f"the sidecar says {key}: {value!r} but the front matter says {key}: {meta[key]!r}; keep one",
            )
    profile = dict(source.profile or {})
    defaults = {k: v for k, v in profile.items() if k not in ("file_name", "header", "format", "importer")}
    meta = {**defaults, **facts_from_name(profile, source.name), **sidecar, **meta}
    require(meta, "title")
    require(meta, "speaker")
    meta.setdefault("kind", "statement")
    try:
        doc = build_document(source, meta, text[m.end() :], registry=registry, importer="plaintext", warnings=warnings)
    except IngestError as exc:
        if exc.code == "empty-body":
            raise IngestError("empty-body", "empty body: front matter but no text") from exc
        raise
    if not any(p.role == "speech" and p.text for p in doc.paragraphs):
        raise IngestError("empty-body", "empty body: front matter but no text")
    return doc


class PlaintextImporter:
    """Statements added by hand: Markdown or text that opens with YAML front matter."""

    name = "plaintext"
    suffixes = frozenset({".md", ".txt", ".markdown"})
    priority = 20

    def recognises(self, source: RawSource) -> bool:
        return has_front_matter(source.raw)

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document:
        return parse_plaintext(source, registry=registry)


IMPORTER = PlaintextImporter()
