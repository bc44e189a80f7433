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
front-matter speaker; a paragraph that opens with a label switches the turn. Labels, plain or in
``**bold**``: a name with or without its title ("Defence Minister Sergei Shoigu:", "PUTIN:"),
``Q:``/``Q.``/``Question:``/``Interviewer:`` (an anonymous questioner) and ``A:``/``A.``/``Answer:``
(the front-matter speaker answering). A label followed by a quotation mark is a quotation inside
the current turn ("Question: “How much funding is required?”"), not a new speaker.
"""

from __future__ import annotations

import re

from analysis import safe_yaml
from analysis.errors import IngestError
from analysis.ingest.importers.base import Document, Paragraph, RawSource, decode_utf8
from analysis.ingest.importers.common import check_text_fields, meta_date, require
from analysis.speakers import SpeakerRegistry, page_resolver
from analysis.text import normalize_ws

_FRONT_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_LABEL_RE = re.compile(
    r"^(?:\*\*)?([A-Za-z][\w.,'\u2019 ()-]{0,160}?)(?:\*\*)?\s*:(?:\*\*)?\s+(?=\S)"  # "Name:", "**Q:**"
    r"|^(?:\*\*)?([QA])\.(?:\*\*)?\s+(?=\S)"  # "Q. …", "A. …" (never "A lot of …")
)
_QUOTE_OPENERS = ("“", '"', "«", "„", "‘")
_HEADING_RE = re.compile(r"^#{1,6}\s+(.*)$")


_OMISSION_RE = re.compile(r"^[\s<‹\[(]*(?:…|\.\.\.)[\s>›\])]*$")


def _label(block: str, registry: SpeakerRegistry) -> tuple[str | None, str]:
    """(the label as printed, the text after it), or (None, block) when the block opens with none."""
    lm = _LABEL_RE.match(block)
    printed = (lm.group(1) or lm.group(2)) if lm else None
    if lm and printed and not block[lm.end() :].startswith(_QUOTE_OPENERS) and registry.looks_like_name(printed):
        return printed, block[lm.end() :]
    return None, block


def has_front_matter(raw: bytes) -> bool:
    """True when the file opens with ``---`` (UTF-8, with or without a BOM, or UTF-16 with one)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw[:16].decode("utf-16", errors="ignore").startswith("---")
    return raw.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def parse_plaintext(
    raw: bytes, *, raw_path: str, raw_sha256: str, registry: SpeakerRegistry, doc_id: str, sidecar: dict | None = None
) -> Document:
    warnings: list[str] = []
    text = decode_utf8(raw, warnings)
    m = _FRONT_RE.match(text)
    if not m:
        raise IngestError("no-front-matter", "no YAML front matter: the file must start with a '---' block")
    try:
        meta = safe_yaml.load(m.group(1), what="front matter", max_bytes=256_000) or {}
    except safe_yaml.YamlError as exc:
        raise IngestError("bad-front-matter", str(exc)) from exc
    if not isinstance(meta, dict):
        raise IngestError("bad-front-matter", "front matter must be a YAML mapping of keys to values")
    if sidecar:  # facts the front matter lacks may come from a sidecar; a fact stated twice must agree
        for key, value in sidecar.items():
            if key in meta and meta[key] != value and key not in ("importer", "format"):
                raise IngestError(
                    "conflicting-metadata",
                    f"the sidecar says {key}: {value!r} but the front matter says {key}: {meta[key]!r}; keep one",
                )
        meta = {**sidecar, **meta}
    check_text_fields(meta)
    date = meta_date(meta)
    title = require(meta, "title")
    speaker_name = require(meta, "speaker")
    resolved = registry.resolve(speaker_name)
    if not resolved.known:
        warnings.append(f"unknown speaker {speaker_name!r} (not in config/speakers.yaml); stored as given")
    default_speaker = resolved.speaker or speaker_name

    body = text[m.end() :]
    blocks = [b for b in (normalize_ws(x) for x in re.split(r"\n\s*\n", body)) if b]
    found = [_label(b, registry) for b in blocks]
    # One name per person: "Medvedev:" after "President Dmitry Medvedev:" (or the front matter) is him.
    resolve = page_resolver([speaker_name] + [lab for lab, _ in found if lab], registry, warnings)
    paragraphs: list[Paragraph] = []
    section = None
    speaker, label, role = default_speaker, speaker_name, "speech"
    speaker_role = resolved.title
    warned: set[str] = set()
    for block, (printed, rest) in zip(blocks, found, strict=True):
        h = _HEADING_RE.match(block)
        if h:
            section = h.group(1).strip()
            paragraphs.append(Paragraph(section, "heading", section=section, new_turn=True))
            continue
        if _OMISSION_RE.match(block):  # "<…>", "[…]": the transcriber's mark of a cut
            paragraphs.append(Paragraph(block, "editorial"))
            continue
        if printed:
            res = resolve(printed)
            speaker_role = res.title
            if res.role == "answer":  # "A:", "Answer:": the statement's own speaker
                res = type(res)(default_speaker, "speech", True, printed, None)
            elif not res.known and res.speaker and res.speaker != default_speaker and res.label not in warned:
                warned.add(res.label)
                warnings.append(f"unknown speaker label {res.label!r}; kept as speaker {res.speaker!r}")
            speaker, label, role = res.speaker, printed, res.role
            paragraphs.append(
                Paragraph(
                    rest,
                    role,
                    speaker=speaker,
                    speaker_label=label,
                    speaker_role=speaker_role,
                    section=section,
                    attribution="label",
                    new_turn=True,
                )
            )
            continue
        paragraphs.append(
            Paragraph(
                block,
                role,
                speaker=speaker,
                speaker_label=label,
                section=section,
                speaker_role=speaker_role,
                attribution="front-matter" if speaker == default_speaker else "continuation",
                new_turn=not paragraphs,
            )
        )
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


def doc_id_from_path(rel: str) -> str:
    """A document id from a raw path: ``statements/2024-02-14-x.md`` -> ``statements-2024-02-14-x``."""
    stem = rel.rsplit(".", 1)[0]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem.replace("/", "-")).strip("-")


class PlaintextImporter:
    """Statements added by hand: Markdown or text that opens with YAML front matter."""

    name = "plaintext"
    suffixes = frozenset({".md", ".txt", ".markdown"})
    priority = 20

    def recognises(self, source: RawSource) -> bool:
        return has_front_matter(source.raw)

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document:
        return parse_plaintext(
            source.raw,
            raw_path=source.rel,
            raw_sha256=source.sha256,
            registry=registry,
            doc_id=doc_id_from_path(source.rel),
            sidecar=source.sidecar,
        )


IMPORTER = PlaintextImporter()
