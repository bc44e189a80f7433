"""Importer for en.kremlin.ru event pages (``/events/president/news/NNNNN``), raw HTML.

What the page gives, and where:

* title: ``h1.entry-title``; lead: ``.read__lead``; place: ``.read__place``;
* date: ``time.read__published[datetime]``, else the ``time`` in the "Publication status" box
  (announcements lack the first; a warning says so), else the MANIFEST row, else an error;
* body: ``[itemprop=articleBody]`` without the photo slider, person tooltips, "See also" boxes
  and the publication-status footer;
* speaker turns: a paragraph that opens with a bold label ("<b>Vladimir Putin</b>:"). Labels are
  messy: split over several ``<b>`` tags, colon inside or after the bold or missing, an aside in
  parentheses ("(retranslated)"), no space ("VladimirPutin"), misspelled ("Vladmir Putin"), or
  plain text. Unlabelled paragraphs continue the current turn; a plain "Question:" inside a turn
  is the speaker's own words (a rhetorical or read-out question) and does not end it.
* block quotes are pull-quotes repeating words said elsewhere on the page: kept, never counted.

A page with no labels at all is third-person news, unless it is filed under Transcripts and
written in the first person (an article or address): it is then attributed to the leader named in
its title, or to the one in office on its date, and the ingest report says which rule applied.
"""

from __future__ import annotations

import datetime as dt
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from analysis.errors import IngestError
from analysis.ingest.importers.base import Document, Paragraph, RawSource, decode_utf8
from analysis.ingest.importers.common import check_date
from analysis.ingest.importers.html_blocks import MARKS_RE, Block, Candidate, label_candidate
from analysis.ingest.importers.html_blocks import blocks as read_blocks
from analysis.ingest.importers.html_blocks import plain as _plain
from analysis.ingest.importers.label_names import is_role_label, looks_like_name, near_miss, page_resolver
from analysis.ingest.importers.page_checks import lone_label_narration, split_inline_labels, with_title
from analysis.speakers import Resolution, SpeakerRegistry
from analysis.text import count_words, normalize_ws

SOURCE = "en.kremlin.ru"
LICENCE = "CC BY 4.0 (content of the President of Russia website, http://en.kremlin.ru)"
URL_TEMPLATE = "http://en.kremlin.ru/events/president/news/{id}"
OFFICE = "President of Russia"  # whose site this is: unlabelled first-person pages are his

_REMOVE = (
    ".slider, .read__bottommeta, .read__tooltip, .masha-ignore, .read__cut, script, style, "
    "noscript, figure, .read__tags"
)
_PLAIN_LABEL_RE = re.compile(r"^([A-Z][\w.'\u2019-]*(?:\s+[\w.'\u2019-]+){0,5}?)\s*(\([^()]*\))?\s*:\s+(?=\S)")
_FIRST_PERSON_RE = re.compile(r"\bI\b|\b(?i:me|my|we|our|us)\b")
# An editor's note closing a paragraph: "(<i>Ms Skvortsova went on to speak about …</i>)".
_TRAILING_NOTE_RE = re.compile(r"\s*\(\s*\x03[^\x04]*\x04[^()\x03]*\)\s*$|\s*\x03\s*\([^\x04]*\)\s*\x04\s*$")
_SEPARATOR_RE = re.compile(r"^[\s*•·]+$")
_ELLIPSIS_RE = re.compile(r"^<\s*(?:…|\.\.\.)\s*>$")


def parse_kremlin_page(
    raw: bytes,
    *,
    raw_path: str,
    raw_sha256: str,
    registry: SpeakerRegistry,
    manifest_row: dict | None = None,
) -> Document:
    """Parse one en.kremlin.ru page into a :class:`Document`; raise :class:`IngestError`."""
    warnings: list[str] = []
    html = decode_utf8(raw, warnings)
    tree = LexborHTMLParser(html)
    body = tree.css_first("[itemprop=articleBody]")
    if body is None:
        raise IngestError("not-a-kremlin-page", "no [itemprop=articleBody] element: not an en.kremlin.ru event page")

    page_id = _page_id(tree, raw_path, manifest_row)
    title = _text(tree.css_first("h1.entry-title")) or _text(tree.css_first("h1"))
    if not title and manifest_row:
        title = manifest_row.get("title") or ""
        warnings.append("no <h1> title; title taken from MANIFEST.csv")
    date = _page_date(tree, manifest_row, warnings)
    lead = _text(tree.css_first(".read__lead"))
    place = _text(tree.css_first(".read__place")) or None
    sections = _sections(tree)

    for node in body.css(_REMOVE):
        node.decompose()
    blocks = split_inline_labels(read_blocks(body), registry, warnings)
    paragraphs = _attribute(blocks, registry, warnings, page_title=title)
    lone_label_narration(paragraphs, warnings)

    if lead:
        paragraphs.insert(0, Paragraph(text=lead, role="lead", new_turn=True))
    if not any(p.role not in ("lead",) and p.text for p in paragraphs):
        raise IngestError("empty-body", "empty body: the page has a title but no text")

    if not any(p.speaker_label for p in paragraphs):
        _attribute_unlabelled(
            paragraphs, title=title, lead=lead, sections=sections, date=date, registry=registry, warnings=warnings
        )

    kind = _kind(paragraphs, sections)
    source_url = (manifest_row or {}).get("source_url") or URL_TEMPLATE.format(id=page_id)
    return Document(
        doc_id=f"kremlin-{page_id}",
        date=date,
        title=title,
        source=SOURCE,
        source_url=source_url,
        language="en",
        kind=kind,
        licence=LICENCE,
        importer="kremlin",
        raw_path=raw_path,
        raw_sha256=raw_sha256,
        paragraphs=paragraphs,
        place=place,
        translated_from="ru",
        sections=sections or None,
        warnings=warnings,
    )


# --- page metadata ---------------------------------------------------------------------------


def _text(node: LexborNode | None) -> str:
    return normalize_ws(node.text(separator=" ")) if node is not None else ""


def _page_id(tree: LexborHTMLParser, raw_path: str, manifest_row: dict | None) -> str:
    if manifest_row and manifest_row.get("id"):
        return str(manifest_row["id"])
    og = tree.css_first('meta[property="og:url"]')
    if og is not None:
        m = re.search(r"/(\d+)/?$", og.attributes.get("content") or "")
        if m:
            return m.group(1)
    m = re.search(r"(\d+)\.html?$", raw_path)
    if m:
        return m.group(1)
    raise IngestError("no-id", "cannot tell the page id (no og:url, no numeric file name)")


def _page_date(tree: LexborHTMLParser, manifest_row: dict | None, warnings: list[str]) -> dt.date:
    node = tree.css_first("time.read__published")
    if node is not None and node.attributes.get("datetime"):
        return _iso(node.attributes["datetime"] or "")
    status = tree.css_first(".read__status time[datetime]")
    if status is not None:
        warnings.append("no read__published date; date taken from the page's publication status")
        return _iso(status.attributes["datetime"] or "")
    if manifest_row and manifest_row.get("date"):
        warnings.append("no date in the page; date taken from MANIFEST.csv")
        return _iso(manifest_row["date"])
    raise IngestError("no-date", "no date: the page has no read__published or publication-status time")


def _iso(value: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise IngestError("bad-date", f"unreadable date {value!r}") from exc
    return check_date(date)


def _sections(tree: LexborHTMLParser) -> str:
    status = tree.css_first(".read__status")
    if status is None:
        return ""
    for p in status.css("p"):
        if "Published in sections" in normalize_ws(p.text()):
            return "; ".join(normalize_ws(a.text()) for a in p.css("a"))
    return ""


# --- labels and turns ------------------------------------------------------------------------


def _attribute(
    blocks: list[Block], registry: SpeakerRegistry, warnings: list[str], *, page_title: str
) -> list[Paragraph]:
    """The page's paragraphs, each with its role and speaker (see the module)."""
    turns = _Turns(blocks, registry, warnings, page_title=page_title)
    for block, cand in zip(blocks, turns.candidates, strict=True):
        turns.read(block, cand)
    return turns.paragraphs


class _Turns:
    """Reads a page's blocks in order: who speaks, from which label, the paragraphs so far."""

    def __init__(self, blocks: list[Block], registry: SpeakerRegistry, warnings: list[str], *, page_title: str):
        self.registry, self.warnings = registry, warnings
        # Pass 1: people introduced by proper labels (bold with a colon) anywhere on the page.
        self.candidates = [None if b.in_quote else label_candidate(b.marked) for b in blocks]
        labels = [c.label for c in self.candidates if c and c.strong and looks_like_name(registry, c.label)]
        self.resolve = with_title(page_resolver(labels, registry, warnings), page_title, registry, warnings)
        self.confirmed = {self.resolve(label).speaker for label in labels} - {None}
        self.paragraphs: list[Paragraph] = []
        self.speaker: str | None = None
        self.speaker_label: str | None = None
        self.role = "narration"
        self.title: str | None = None
        self.pending_label = False  # a label stood on a line of its own: the next paragraph opens the turn
        self.warned: set[str] = set()

    def accepted(self, label: str) -> bool:
        """A plain-text or colon-less label: a known person, or one introduced by a proper label here."""
        if not looks_like_name(self.registry, label):
            return False
        res = self.resolve(label)
        return (res.known and res.speaker is not None) or res.speaker in self.confirmed

    def read(self, block: Block, cand: Candidate | None) -> None:
        """The paragraph(s) of one block."""
        plain = _plain(block.marked)
        if block.in_quote:
            self.paragraphs.append(Paragraph(plain, "pullquote", section=None))
            return
        if _SEPARATOR_RE.match(plain):
            self.paragraphs.append(Paragraph(plain, "heading", new_turn=True))
            self.speaker, self.speaker_label, self.role = None, None, "narration"
            return
        if _is_italic_only(block.marked) or _ELLIPSIS_RE.match(plain):
            self.paragraphs.append(Paragraph(plain, "editorial"))
            return
        block, trailing_note = _trailing_note(block)
        if trailing_note is not None:  # "… (Ms Skvortsova went on to …)" in italics
            plain, cand = _plain(block.marked), label_candidate(block.marked)
        found = self._label(cand, plain)
        if found is None and cand is not None and (self._nameless(cand) or self._heading(cand, plain)):
            return  # (an editor's note closing it is dropped)
        if found is not None:
            self._open_turn(*found)
        else:
            self._continue_turn(plain)
        if trailing_note:
            self.paragraphs.append(Paragraph(trailing_note, "editorial"))

    def _label(self, cand: Candidate | None, plain: str) -> tuple[str, str] | None:
        """(the label, the text after it) of a block that opens with a speaker's label, else None."""
        if cand is not None:
            if (cand.strong and looks_like_name(self.registry, cand.label)) or (
                not cand.strong and self.accepted(cand.label)
            ):
                return cand.label, _plain(cand.rest)
            return None
        pm = _PLAIN_LABEL_RE.match(plain)
        if pm and self.accepted(pm.group(1)) and self.registry.resolve(pm.group(1)).speaker is not None:
            return pm.group(1), plain[pm.end() :]
        return None

    def _nameless(self, cand: Candidate) -> bool:
        """A title with no name ("Executive Chairman of the World Economic Forum:"): someone other than the
        current speaker, not identified by name on the page; read as a question (True)."""
        if not (cand.strong and _plain(cand.rest) and is_role_label(self.registry, cand.label)):
            return False
        self.speaker, self.speaker_label, self.role = None, normalize_ws(cand.label), "question"
        self.title = self.registry.split(cand.label)[1]
        self.paragraphs.append(self._said(_plain(cand.rest), opens=True))
        return True

    def _heading(self, cand: Candidate, plain: str) -> bool:
        """A bold paragraph that is not a label: a heading ("Meeting points:", a subtitle) (True)."""
        if _plain(cand.rest):
            return False
        self.paragraphs.append(Paragraph(plain, "heading", section=plain.rstrip(":"), new_turn=False))
        return True

    def _open_turn(self, label: str, text: str) -> None:
        res = self.resolve(label)
        self.speaker, self.speaker_label, self.role = res.speaker, normalize_ws(label), res.role
        if self.role == "answer":  # an anonymous "Answer:" on a page of many speakers: someone replying
            self.role = "question"
        self.title = res.title
        self._warn_near_miss(res)
        if text:
            self.paragraphs.append(self._said(text, opens=True))
        else:  # the label stands on a line of its own: the turn starts with the next paragraph
            self.pending_label = True

    def _warn_near_miss(self, res: Resolution) -> None:
        """Once per label, a warning for an unknown label that looks like a leader's misspelt name."""
        if res.known or res.label in self.warned:
            return
        near = near_miss(self.registry, res.label)
        if near:
            self.warned.add(res.label)
            self.warnings.append(
                f"speaker label {res.label!r} looks like {near!r} but matches no alias; "
                "not attributed to them (add a pattern to config/speakers.yaml)"
            )

    def _continue_turn(self, plain: str) -> None:
        """A paragraph without a label: narration, or the current speaker's (the turn's first after a label
        on a line of its own)."""
        if self.role == "narration":
            self.paragraphs.append(Paragraph(plain, "narration"))
            return
        self.paragraphs.append(self._said(plain, opens=self.pending_label))
        self.pending_label = False

    def _said(self, text: str, *, opens: bool) -> Paragraph:
        """A paragraph of the current turn: the one its label ``opens``, or a continuation."""
        return Paragraph(
            text,
            self.role,
            speaker=self.speaker,
            speaker_label=self.speaker_label,
            speaker_role=self.title,
            attribution="label" if opens else "continuation",
            new_turn=opens,
        )


def _trailing_note(block: Block) -> tuple[Block, str | None]:
    """The block without an editor's note in italics closing it, and the note's text (None when none)."""
    tail = block.marked.rstrip()[-2:]
    note = _TRAILING_NOTE_RE.search(block.marked) if "\x03" in block.marked and tail and tail[-1] in ")\x04" else None
    if note and _plain(block.marked[: note.start()]):
        return Block(block.marked[: note.start()], block.in_quote), _plain(note.group(0))
    return block, None


def _is_italic_only(marked: str) -> bool:
    outside = re.sub(r"\x03[^\x04]*\x04", "", marked)
    return bool(re.search(r"\x03", marked)) and not MARKS_RE.sub("", outside).strip(" ()<>….,;")


def _attribute_unlabelled(
    paragraphs: list[Paragraph],
    *,
    title: str,
    lead: str,
    sections: str,
    date: dt.date,
    registry: SpeakerRegistry,
    warnings: list[str],
) -> None:
    """Give a label-less page to its author when it is a first-person transcript or article."""
    body = [p for p in paragraphs if p.role == "narration"]
    text = " ".join(p.text for p in body)
    n_words = count_words(text)
    first_person = len(_FIRST_PERSON_RE.findall(text)) / max(n_words, 1)
    if "Transcripts" not in sections.split("; ") or first_person < 0.01:
        if "Transcripts" in sections.split("; "):
            warnings.append(
                f"filed under Transcripts but has no speaker labels and few first-person words "
                f"({first_person:.1%}); kept as narration, attributed to nobody"
            )
        return
    named = registry.named_in(title, office=OFFICE)
    speaker: str | None
    if named:
        speaker, how = named[0], "title"
    else:
        speaker, how = registry.in_office(date, office=OFFICE), "in-office"
    if speaker is None:
        return
    for p in body:
        p.role, p.speaker, p.attribution = "speech", speaker, how
    body[0].new_turn = True
    rule = "named in the title" if how == "title" else f"in office on {date.isoformat()}"
    warnings.append(
        f"no speaker labels; attributed to {speaker} ({rule}): filed under Transcripts and written "
        f"in the first person ({first_person:.1%} first-person words)"
    )


def _kind(paragraphs: list[Paragraph], sections: str) -> str:
    speakers = {p.speaker for p in paragraphs if p.role == "speech"}
    labelled = any(p.attribution == "label" for p in paragraphs)
    if labelled and (len(speakers) > 1 or any(p.role in ("question", "moderator") for p in paragraphs)):
        return "transcript"
    if speakers:
        return "speech"
    return "news"


class KremlinImporter:
    """en.kremlin.ru event pages (raw HTML), with the folder's MANIFEST.csv row when there is one."""

    name = "kremlin"
    suffixes = frozenset({".html", ".htm"})
    priority = 10

    def recognises(self, source: RawSource) -> bool:
        return True  # any HTML page; one without the site's article body is refused with a reason

    def parse(self, source: RawSource, *, registry: SpeakerRegistry) -> Document:
        return parse_kremlin_page(
            source.raw,
            raw_path=source.rel,
            raw_sha256=source.sha256,
            registry=registry,
            manifest_row=source.manifest_row,
        )


IMPORTER = KremlinImporter()
