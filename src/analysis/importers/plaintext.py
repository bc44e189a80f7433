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

Required keys: ``title``, ``date`` (YYYY-MM-DD), ``speaker``. Unlabelled paragraphs belong to the
front-matter speaker; a paragraph that opens with a label switches the turn.
"""
from __future__ import annotations

import re

import yaml

from ..speakers import SpeakerRegistry
from ..text import normalize_ws
from .base import Document, IngestError, Paragraph, decode_utf8
from .common import meta_date, require

_FRONT_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_LABEL_RE = re.compile(r"^(?:\*\*)?([A-Z][\w.'\u2019 -]{0,60}?)(?:\*\*)?\s*:(?:\*\*)?\s+(?=\S)")
_HEADING_RE = re.compile(r"^#{1,6}\s+(.*)$")


def has_front_matter(raw: bytes) -> bool:
    return raw.lstrip(b"\xef\xbb\xbf").startswith(b"---")


def parse_plaintext(raw: bytes, *, raw_path: str, raw_sha256: str, registry: SpeakerRegistry,
                    doc_id: str) -> Document:
    warnings: list[str] = []
    text = decode_utf8(raw, warnings)
    m = _FRONT_RE.match(text)
    if not m:
        raise IngestError("no-front-matter", "no YAML front matter: the file must start with a '---' block")
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise IngestError("bad-front-matter", f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise IngestError("bad-front-matter", "front matter must be a YAML mapping of keys to values")
    date = meta_date(meta)
    title = require(meta, "title")
    speaker_name = require(meta, "speaker")
    resolved = registry.resolve(speaker_name)
    if not resolved.known:
        warnings.append(f"unknown speaker {speaker_name!r} (not in config/speakers.yaml); stored as given")
    default_speaker = resolved.speaker or speaker_name

    body = text[m.end():]
    blocks = [normalize_ws(b) for b in re.split(r"\n\s*\n", body)]
    paragraphs: list[Paragraph] = []
    section = None
    speaker, label, role = default_speaker, speaker_name, "speech"
    for block in blocks:
        if not block:
            continue
        h = _HEADING_RE.match(block)
        if h:
            section = h.group(1).strip()
            paragraphs.append(Paragraph(section, "heading", section=section, new_turn=True))
            continue
        lm = _LABEL_RE.match(block)
        if lm and registry.looks_like_name(lm.group(1)):
            res = registry.resolve(lm.group(1))
            if not res.known:
                warnings.append(f"unknown speaker label {res.label!r}; kept as a speaker of its own")
            speaker, label, role = res.speaker, res.label, res.role
            paragraphs.append(Paragraph(block[lm.end():], role, speaker=speaker, speaker_label=label,
                                        section=section, attribution="label", new_turn=True))
            continue
        paragraphs.append(Paragraph(block, role, speaker=speaker, speaker_label=label, section=section,
                                    attribution="front-matter" if speaker == default_speaker else "continuation",
                                    new_turn=not paragraphs))
    if not any(p.role == "speech" and p.text for p in paragraphs):
        raise IngestError("empty-body", "empty body: front matter but no text")
    return Document(
        doc_id=str(meta.get("id") or doc_id),
        date=date,
        title=title,
        source=str(meta.get("source") or "added by hand"),
        source_url=meta.get("source_url"),
        language=str(meta.get("language") or "en"),
        kind=str(meta.get("kind") or "statement"),
        licence=meta.get("licence"),
        importer="plaintext",
        raw_path=raw_path,
        raw_sha256=raw_sha256,
        paragraphs=paragraphs,
        place=meta.get("place"),
        translated_from=meta.get("translated_from"),
        warnings=warnings,
    )
