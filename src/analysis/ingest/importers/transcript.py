"""Labelled transcripts: plain text or Markdown, one speaker's turn after another.

A transcript is ``name.txt`` (or ``.md``) whose facts come from a sidecar ``name.meta.yaml``, from
the ``profile.yaml`` of its folder, from its file name or its first lines (as the profile says)::

    format: transcript
    title: Joint press conference
    date: 2019-06-05
    source: pool transcript
    speakers: {PUTIN: Vladimir Putin, XI: Xi Jinping}   # label -> person
    speaker: Vladimir Putin            # optional: whose statement it is ("A:" and the opening lines)
    office: President of Russia        # optional: "THE PRESIDENT:" is whoever held it on the date
    full_stop_labels: true             # optional: also "President Gorbachev." labels (Hansard style)

A profile describes many files at once, with two keys of its own: ``file_name`` (a regular
expression whose named groups, e.g. ``date`` and ``slug``, are facts) and ``header`` (patterns for
the file's first lines, e.g. ``'^President: (?P<speaker>.+)$'``; matched lines are not text). A
``source_url`` may be a template (``…/{month}-{day}-{year}-{slug}``).

Labels recognised without configuration (:mod:`analysis.ingest.importers.labels`): ``Name:``,
``NAME:``, ``[Name]:``, ``**Name:**``, ``THE PRESIDENT:``, ``Q``/``Q.``/``Q:``/``Question:`` (an
anonymous questioner), ``A:``/``A.``/``Answer:`` (the statement's own speaker). Unlabelled lines
continue the current turn. Stage directions in brackets or parentheses ("(APPLAUSE)",
"[Laughter]") are kept for display and never counted. Unknown labels are kept as speakers, with a
warning. The ``plaintext`` importer reads hand-added statements with YAML front matter the same way.
"""

from __future__ import annotations

import re

from analysis.errors import IngestError
from analysis.ingest.importers.base import Document, Paragraph, RawSource, decode_utf8
from analysis.ingest.importers.common import (
    check_text_fields,
    fill_template,
    meta_date,
    statement_facts,
    text_value,
    title_from_slug,
)
from analysis.ingest.importers.labels import LabelReader
from analysis.ingest.importers.readout import is_signature, mark_readings
from analysis.names import clean_label
from analysis.speakers import Resolution, SpeakerRegistry
from analysis.text import normalize_ws

_HEADING_RE = re.compile(r"^#{1,6}\s+(.*)$")
# a line in bold alone, not a sentence: "**Strategic Defense Initiative**" (a transcriber's topic heading)
_BOLD_HEADING_RE = re.compile(r"^\*\*([^*:]{1,80}?[^*:.!?;,])\*\*$")
_OMISSION_RE = re.compile(r"^[\s<‹\[(]*(?:…|\.\.\.)[\s>›\])]*$")
_DIRECTION_RE = re.compile(r"^(?:\([^()]*\)|\[[^\[\]]*\])(?:\s*(?:\([^()]*\)|\[[^\[\]]*\]))*$")  # "(APPLAUSE)"
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LIST_RE = re.compile(r"^(?:[*•-]|\d{1,3}[.)])\s")
_SENTENCE_END = tuple('.!?:;…"”’)]—')


def paragraphs_of(body: str, labels: LabelReader) -> list[str]:
    """The text's paragraphs: blank lines, hard line breaks (two trailing spaces, ``\\``, ``<br>``),
    and lines that open with a label, a list bullet, a heading or a stage direction start one; a
    line that continues a sentence (a soft wrap) is joined to the one before."""
    out: list[str] = []
    current: list[str] = []
    hard = True
    lines = _BR_RE.sub("  \n", body).split("\n")
    labels.prepare(lines)
    for raw_line in lines:
        line = normalize_ws(raw_line.rstrip("\\"))
        if not line:
            if current:
                out.append(" ".join(current))
            current, hard = [], True
            continue
        label_only = len(current) == 1 and current[0].endswith(":") and labels.opens_with_label(current[0])
        starts = not label_only and (
            hard
            or not current
            or labels.opens_with_label(line)
            or bool(_LIST_RE.match(line) or _HEADING_RE.match(line) or line[0] in "([")
            or (current[-1].endswith(_SENTENCE_END) and (line[0].isupper() or line[0] in "\"“‘'"))
        )
        if starts and current:
            out.append(" ".join(current))
            current = []
        current.append(line)
        hard = raw_line.endswith(("  ", "\\")) or raw_line.rstrip().endswith("\\")
    if current:
        out.append(" ".join(current))
    return out


def turns_of(
    blocks: list[str],
    *,
    labels: LabelReader,
    default: Resolution | None,
    default_attribution: str,
    warnings: list[str],
) -> list[Paragraph]:
    """Paragraphs with who says them: a label opens a turn, everything else continues it."""
    found = [labels.read(b) for b in blocks]
    resolve = labels.page([lab for lab, _ in found if lab])
    paragraphs: list[Paragraph] = []
    section = None
    speaker = default.speaker if default else None
    role = "speech" if default and default.speaker else "narration"
    label = default.label if default else None
    speaker_role = default.title if default else None
    attribution = default_attribution if speaker else "none"
    resume = None  # the turn an audience's interjection interrupted
    labelled = any(printed for printed, _ in found)
    lower_case = _mostly_lower_case(blocks)
    for i, (block, (printed, rest)) in enumerate(zip(blocks, found, strict=True)):
        h = _HEADING_RE.match(block) or _BOLD_HEADING_RE.match(block)
        next_labelled = i + 1 < len(found) and found[i + 1][0] is not None
        if (
            h
            or (printed is None and labelled and next_labelled and _is_topic_line(block))
            or (lower_case and _caps_heading(block, printed, labels))
            or (labels.statement_speaker and is_signature(block, labels.statement_speaker))
        ):
            section = (h.group(1) if h else block).strip(" *")
            paragraphs.append(Paragraph(section, "heading", section=section, new_turn=True))
            continue
        if printed is None and (_OMISSION_RE.match(block) or _DIRECTION_RE.match(block)):
            paragraphs.append(Paragraph(block, "editorial", section=section))  # "(APPLAUSE)": the turn goes on
            continue
        if printed is None and resume is not None:  # "AUDIENCE: USA!" interrupted; the speaker goes on
            speaker, role, label, speaker_role, attribution = resume
            resume = None
        if printed is None and _CLOSING_RE.match(block) and speaker and labels.is_office_holder(speaker):
            # "Thank you, Mr. President." after his answer: the senior reporter's closing, not his words
            paragraphs.append(Paragraph(block, "question", section=section, attribution="none", new_turn=True))
            speaker, role, label, speaker_role, attribution = None, "question", None, None, "continuation"
            continue
        if printed is not None:
            before = (speaker, role, label, speaker_role, attribution)
            res = resolve(printed)
            speaker, role, label, speaker_role = res.speaker, res.role, printed, res.title
            resume = (resume or before) if labels.is_interjection(printed) else None
            attribution = "label"
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
            attribution = default_attribution if default and speaker == default.speaker and speaker else "continuation"
            continue
        paragraphs.append(
            Paragraph(
                block,
                role,
                speaker=speaker,
                speaker_label=label,
                speaker_role=speaker_role,
                section=section,
                attribution=attribution,
                new_turn=not paragraphs,
            )
        )
    return paragraphs


def _mostly_lower_case(blocks: list[str]) -> bool:
    """More lower-case letters than capitals (ASCII, counted in C): a text not set in capitals."""
    data = "\n".join(blocks).encode("utf-8")
    return sum(map(data.count, _LOWER)) > sum(map(data.count, _UPPER))


_LOWER = [bytes([c]) for c in range(ord("a"), ord("z") + 1)]
_UPPER = [bytes([c]) for c in range(ord("A"), ord("Z") + 1)]


CAPS_HEADING_CHARS = 200  # a heading in capitals is shorter than this


def _caps_heading(block: str, printed: str | None, labels: LabelReader) -> bool:
    """A line in capitals in a text that is not ("WAR DEPARTMENT.", "DEPARTMENT OF JUSTICE. EXPEDITION IN
    LEGAL PROCEDURE", "THEODORE ROOSEVELT"): a heading or a signature, never a speaker's words, unless
    it opens with the label of a known person, an office or an anonymous role ("THE PRESIDENT. YES.")."""
    text = block.strip(" *")
    if len(text) > CAPS_HEADING_CHARS or text != text.upper() or text.endswith(("!", "?")):
        return False  # (most blocks: at once)
    words = text.split()
    if not 2 <= len(words) <= 15 or sum(c.isalpha() for c in text) < 4:
        return False
    if printed is not None:
        cleaned = clean_label(printed)
        res = labels.registry.resolve(cleaned)
        if res.known or res.role != "speech" or labels.registry.office_label(cleaned) or labels.spouse_title(cleaned):
            return False
    return True


_CLOSING_RE = re.compile(r"^(?:thank you(?: very much)?,? mr\.? president|mr\.? president,? thank you)[.!]?$", re.I)
_TOPIC_END = tuple('.!?:;,…"”’)]—-')


def _is_topic_line(block: str) -> bool:
    """A short title-cased line between turns ("Soviet-U.S. Relations", "U.S. ARMED FORCES"): the
    transcriber's topic heading, as the Public Papers print them."""
    words = block.split()
    if not 1 <= len(words) <= 8 or block.endswith(_TOPIC_END):
        return False
    small = {"a", "an", "and", "of", "the", "in", "on", "for", "to", "with", "vs", "at"}
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in small for w in words) and words[0][:1].isupper()


def parse_transcript(source: RawSource, *, registry: SpeakerRegistry, importer: str = "transcript") -> Document:
    """A labelled transcript whose facts come from its sidecar, profile, name and first lines."""
    warnings: list[str] = []
    text = decode_utf8(source.raw, warnings)
    if text.lstrip().startswith("---") and importer == "transcript":
        raise IngestError(
            "conflicting-metadata",
            "the file opens with YAML front matter but its metadata names the transcript format: "
            "drop `format: transcript` (front matter is read by the plaintext importer) or the front matter",
        )
    meta, body = statement_facts(source, text)
    return build_document(source, meta, body, registry=registry, importer=importer, warnings=warnings)


def build_document(
    source: RawSource, meta: dict, body: str, *, registry: SpeakerRegistry, importer: str, warnings: list[str]
) -> Document:
    """The document of a transcript's ``body`` with the statement's ``meta`` (shared with ``plaintext``)."""
    check_text_fields(meta)
    date = meta_date(meta)
    stem = source.name.rsplit(".", 1)[0]
    title = text_value(meta, "title") or (title_from_slug(meta["slug"]) if meta.get("slug") else None)
    if not title:
        title = title_from_slug(stem)
        warnings.append(f"no title: {title!r} made from the file name")
    speaker_name = text_value(meta, "speaker")
    default = None
    if speaker_name:
        default = registry.resolve(speaker_name)
        if not default.known:
            warnings.append(f"unknown speaker {speaker_name!r} (not in config/speakers.yaml); stored as given")
        default = Resolution(default.speaker or speaker_name, "speech", default.known, speaker_name, default.title)
    labels = LabelReader(
        registry,
        date=date,
        mapping=_mapping(meta),
        statement_speaker=default.speaker if default else None,
        office=text_value(meta, "office"),
        full_stop=bool(meta.get("full_stop_labels")),
        warnings=warnings,
    )
    attribution = "front-matter" if importer == "plaintext" else "metadata"
    paragraphs = turns_of(
        paragraphs_of(body, labels), labels=labels, default=default, default_attribution=attribution, warnings=warnings
    )
    mark_readings(paragraphs, default.speaker if default else None, warnings)
    if not any(p.text for p in paragraphs if p.role != "heading"):
        raise IngestError("empty-body", "empty body: no text after the metadata")
    warnings[:] = list(dict.fromkeys(warnings))  # a warning once, however often its label is printed
    unattributed = sum(len(p.text.split()) for p in paragraphs if p.role == "narration")
    if unattributed and default is None:
        warnings.append(
            f"{unattributed} word(s) before the first speaker label belong to nobody: "
            "the metadata names no `speaker` for the statement"
        )
    url = text_value(meta, "source_url")
    if url and "{" in url:
        url = fill_template(url, meta, date, stem)
    doc_id = text_value(meta, "id") or text_value(meta, "doc_id") or _doc_id(source.rel, meta)
    speakers = {p.speaker for p in paragraphs if p.role == "speech"}
    asked = any(p.role in ("question", "moderator") for p in paragraphs)
    return Document(
        doc_id=doc_id,
        date=date,
        title=title,
        source=text_value(meta, "source") or "added by hand",
        source_url=url,
        language=text_value(meta, "language") or "en",
        kind=text_value(meta, "kind") or ("transcript" if len(speakers) > 1 or asked else "speech"),
        licence=text_value(meta, "licence"),
        importer=importer,
        raw_path=source.rel,
        raw_sha256=source.sha256,
        paragraphs=paragraphs,
        place=text_value(meta, "place"),
        translated_from=text_value(meta, "translated_from"),
        warnings=warnings,
        speaker=default.speaker if default else None,
    )


def _mapping(meta: dict) -> dict[str, str]:
    speakers = meta.get("speakers")
    if speakers is None:
        return {}
    if not isinstance(speakers, dict) or not all(isinstance(v, str) for v in speakers.values()):
        raise IngestError("bad-metadata", f"metadata 'speakers' must map labels to names, got {speakers!r}")
    return {str(k): v for k, v in speakers.items()}


def _doc_id(rel: str, meta: dict) -> str:
    """A document id from a raw path, an archive member's from its path inside the archive:
    ``statements/2024-02-14-x.md`` -> ``statements-2024-02-14-x``."""
    return doc_id_from_path(re.split(r"\.(?:tar(?:\.\w+)?|tgz|txz|tbz2)/", rel)[-1])


def doc_id_from_path(rel: str) -> str:
    """A document id from a path: ``statements/2024-02-14-x.md`` -> ``statements-2024-02-14-x``."""
    stem = rel.rsplit(".", 1)[0]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem.replace("/", "-")).strip("-")


class TextOfFileImporter:
    """An importer of files whose text is read as a transcript's (PDF, Word): a subclass gives ``name``,
    ``suffixes`` and ``text_of(raw)``; labels and facts (sidecar, profile) are the transcript's."""

    name: str
    suffixes: frozenset[str]
    priority = 40
    reads_formats = frozenset({"transcript", "plaintext"})  # a profile of .txt transcripts also describes these

    def recognises(self, source: RawSource) -> bool:
        return True

    def text_of(self, raw: bytes) -> str:
        raise NotImplementedError

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document:
        meta, body = statement_facts(source, self.text_of(source.raw))
        return build_document(source, meta, body, registry=registry, importer=self.name, warnings=[])


class TranscriptImporter:
    """Labelled transcripts (``format: transcript`` in a sidecar or a folder's profile)."""

    name = "transcript"
    suffixes = frozenset({".txt", ".md", ".markdown", ".text"})
    priority = 30

    def recognises(self, source: RawSource) -> bool:
        return False  # only when a sidecar or profile names it: a bare text file has no date or source

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document:
        return parse_transcript(source, registry=registry)


IMPORTER = TranscriptImporter()
