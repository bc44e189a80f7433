"""What every importer produces: a :class:`Document` made of :class:`Paragraph` rows.

Roles of a paragraph (the ``role`` column of ``turns.parquet``):

=============  ==================================================================  ==========
role           meaning                                                             attributed
=============  ==================================================================  ==========
speech         words of a named speaker (``speaker`` says who)                     yes
question       an anonymous speaker: "Question", "Remark", a voice from the floor  no
moderator      an anonymous host or moderator                                      no
narration      third-person text by the publisher (news items, scene-setting)      no
lead           the page lead or an article's lede (journalist's summary)           no
headline       the outlet's headline                                               no
heading        a section heading; for Q&A articles, the topic of what follows      no
boilerplate    publisher promo or advert ("You're currently reading …")            no
pullquote      an editorial highlight repeating words said elsewhere on the page   no
editorial      an editor's note in italics ("Excerpts from the transcript")        no
=============  ==================================================================  ==========

Only ``speech`` paragraphs count as a speaker's own words, and within them only the text outside
translator's ``[bracketed]`` insertions (see :mod:`analysis.text`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

ROLES = (
    "speech",
    "question",
    "moderator",
    "narration",
    "lead",
    "headline",
    "heading",
    "boilerplate",
    "pullquote",
    "editorial",
    "quotation",  # a document the speaker reads into the record (importers/readout.py): his reading, not counted
)


@dataclass
class Paragraph:
    """One paragraph of a document, with who said it."""

    text: str
    role: str
    speaker: str | None = None
    speaker_label: str | None = None
    speaker_role: str | None = None  # the printed title before the name ("Defence Minister")
    section: str | None = None
    attribution: str = "none"  # label | continuation | front-matter | byline | title | in-office | reading | none
    new_turn: bool = False  # True where a speaker label (or a role change) starts a new turn

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown paragraph role {self.role!r}")


@dataclass
class Document:
    """One statement, article or page, ready to be written to the processed corpus."""

    doc_id: str
    date: dt.date
    title: str
    source: str
    source_url: str | None
    language: str
    kind: str
    licence: str | None
    importer: str
    raw_path: str
    raw_sha256: str
    paragraphs: list[Paragraph]
    place: str | None = None
    translated_from: str | None = None
    sections: str | None = None  # publisher's own filing, e.g. "News; Transcripts"
    warnings: list[str] = field(default_factory=list)
    raw_row: str = ""  # for a file of many statements: the data row(s) it came from ("12", "12-14")
    speaker: str | None = None  # the statement's own speaker, when its metadata names one (not stored)

    @property
    def body_sha256(self) -> str:
        """Hash of the body text (not of the file): two pages with the same words collide."""
        body = "\n".join(p.text for p in self.paragraphs if p.role not in ("headline", "lead", "boilerplate"))
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r\f"} | {0x7F: None}
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = [bytes([c]) for c in _CONTROL]  # in UTF-8 a control byte is always a control character


def decode_utf8(raw: bytes, warnings: list[str]) -> str:
    """The text of a raw file: UTF-8 (a BOM dropped), or UTF-16 when it starts with a UTF-16 BOM.

    An invalid byte is replaced by U+FFFD and reported with its offset; NUL and other control
    characters (never text, and invalid in HTML) are removed and reported.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
        warnings.append("UTF-16 text (byte-order mark): decoded as UTF-16")
    else:
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = sum(1 for _ in _bad_offsets(raw))
            warnings.append(
                f"invalid UTF-8: {bad} byte(s), first at offset {exc.start} (0x{raw[exc.start]:02x}); "
                "replaced with U+FFFD"
            )
            text = raw.decode("utf-8", errors="replace")
        if not any(c in raw for c in _CONTROL_BYTES):  # one memchr per control byte: fast
            return text
    return strip_controls(text, warnings, what="text")


def strip_controls(text: str, warnings: list[str], *, what: str) -> str:
    """``text`` without NUL and other control characters (tab, newline and form feed kept), reported."""
    found = _CONTROL_RE.search(text)
    if found is None:
        return text
    cleaned = text.translate(_CONTROL)
    removed = len(text) - len(cleaned)
    first = found.start()
    warnings.append(
        f"{removed} control character(s) removed from the {what} (first U+{ord(text[first]):04X} at character {first})"
    )
    return cleaned


def _bad_offsets(raw: bytes):
    pos = 0
    while pos < len(raw):
        try:
            raw[pos:].decode("utf-8")
            return
        except UnicodeDecodeError as exc:
            yield pos + exc.start
            pos += exc.start + max(1, exc.end - exc.start)


@dataclass
class Collection:
    """What a file holding many statements becomes (a table of speeches, say): its documents, and the
    parts of it that became none, each with the reason (``("row 12", "no date: …")``)."""

    documents: list[Document]
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the file as a whole


@dataclass(frozen=True)
class RawSource:
    """One raw file with what its parse depends on: its bytes, a manifest row, a sidecar's metadata,
    the source profile of its folder and the companion files an importer asked for."""

    rel: str  # path relative to the raw folder, with '/'
    raw: bytes
    sha256: str
    manifest_row: dict | None = None
    sidecar: dict | None = None  # the parsed .meta.yaml beside the file, if any
    profile: dict | None = None  # defaults from the profile.yaml of its folder (and the folders above)
    companions: dict[str, bytes] = field(default_factory=dict)  # name -> bytes (a ParlaMint person list, …)

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.rel.rsplit("/", 1)[-1].lower()
        return "." + name.rsplit(".", 1)[-1] if "." in name else ""
