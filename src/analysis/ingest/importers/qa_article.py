"""Importer for translated Q&A articles such as Meduza's "notable comments" pieces.

The raw file is plain text, one paragraph per line, kept byte-identical; what the lines are comes
from a ``.meta.yaml`` sidecar next to it:

* ``preamble``: how to read each line before the first topic heading (``headline``, ``lead``,
  ``boilerplate``); none of it is the speaker's words;
* ``heading_pattern``: a regular expression for topic headings ("On a ceasefire"); each heading
  becomes the ``section`` of the remarks under it;
* ``speaker``: who the remarks under the headings belong to.

Square-bracketed insertions stay in the text for display; the counting layer drops them.
"""

from __future__ import annotations

from analysis.errors import IngestError
from analysis.ingest.importers.base import Document, Paragraph, RawSource, decode_utf8
from analysis.ingest.importers.common import check_text_fields, match_limited, meta_date, require, user_pattern
from analysis.speakers import SpeakerRegistry
from analysis.text import normalize_ws

_PREAMBLE_ROLES = {"headline", "lead", "boilerplate", "narration", "editorial"}


def parse_qa_article(raw: bytes, *, meta: dict, raw_path: str, raw_sha256: str, registry: SpeakerRegistry) -> Document:
    warnings: list[str] = []
    text = decode_utf8(raw, warnings)
    if text.startswith("---"):
        raise IngestError(
            "conflicting-metadata",
            "the file has YAML front matter but its sidecar names the "
            "qa_article importer (whose lines are all text): keep one",
        )
    check_text_fields(meta)
    lines = [normalize_ws(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise IngestError("empty-body", "empty body: no text lines")
    speaker_name = require(meta, "speaker")
    resolved = registry.resolve(speaker_name)
    if not resolved.known:
        warnings.append(f"speaker {speaker_name!r} is not in config/speakers.yaml; stored as given")
    speaker = resolved.speaker or speaker_name
    heading_re = user_pattern(meta.get("heading_pattern") or r"^On\s+\S.{0,100}$", "heading_pattern")
    preamble = list(meta.get("preamble") or [])
    bad = [r for r in preamble if r not in _PREAMBLE_ROLES]
    if bad:
        raise IngestError("bad-metadata", f"unknown preamble role(s) {bad} (allowed: {sorted(_PREAMBLE_ROLES)})")

    paragraphs: list[Paragraph] = []
    section: str | None = None
    is_heading = [
        match_limited(heading_re, line, "heading_pattern", where=f"on line {i + 1}") is not None
        for i, line in enumerate(lines)
    ]
    first_heading = next((i for i, yes in enumerate(is_heading) if yes), None)
    if first_heading is None:
        raise IngestError("no-headings", f"no line matches the heading pattern {heading_re.pattern!r}")
    if preamble and len(preamble) != first_heading:
        warnings.append(
            f"sidecar lists {len(preamble)} preamble line(s) but {first_heading} line(s) precede the "
            "first heading; unlisted lines are read as lead"
        )
    for i, line in enumerate(lines):
        if i < first_heading:
            role = preamble[i] if i < len(preamble) else ("headline" if i == 0 else "lead")
            paragraphs.append(Paragraph(line, role, new_turn=True))
        elif is_heading[i]:
            section = line
            paragraphs.append(Paragraph(line, "heading", section=section, new_turn=True))
        else:
            new = paragraphs[-1].role == "heading"
            paragraphs.append(
                Paragraph(
                    line,
                    "speech",
                    speaker=speaker,
                    speaker_label=speaker_name,
                    section=section,
                    attribution="byline",
                    new_turn=new,
                )
            )
    if not any(p.role == "speech" for p in paragraphs):
        raise IngestError("empty-body", "empty body: headings but no remarks under them")

    headline = next((p.text for p in paragraphs if p.role == "headline"), "")
    return Document(
        doc_id=require(meta, "doc_id"),
        date=meta_date(meta),
        title=meta.get("title") or headline,
        source=meta.get("outlet") or meta.get("source") or "unknown outlet",
        source_url=meta.get("source_url"),
        language=meta.get("language") or "en",
        kind="qa_article",
        licence=meta.get("licence"),
        importer="qa_article",
        raw_path=raw_path,
        raw_sha256=raw_sha256,
        paragraphs=paragraphs,
        place=meta.get("place"),
        translated_from=meta.get("translated_from"),
        warnings=warnings,
    )


class QaArticleImporter:
    """Translated Q&A articles: plain text whose sidecar says ``importer: qa_article``."""

    name = "qa_article"
    suffixes = frozenset({".txt", ".md"})
    priority = 50

    def recognises(self, source: RawSource) -> bool:
        return False  # only when a sidecar names it

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document:
        return parse_qa_article(
            source.raw, meta=source.sidecar or {}, raw_path=source.rel, raw_sha256=source.sha256, registry=registry
        )


IMPORTER = QaArticleImporter()
