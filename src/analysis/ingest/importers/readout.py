"""Documents a statement reads into the record: kept as its speaker's reading, marked ``quotation``.

A president's message to Congress often carries enclosures (a secretary's report, telegrams,
letters, sworn testimony); a speech sometimes reads out testimony as questions and answers. These
are the speaker's reading, not his own words: their paragraphs keep his name and get the role
``quotation``, which is shown with the statement and never counted (only ``speech`` is). Rules,
for a statement whose metadata names its speaker:

* **signature**: in a written statement (no speaker label before it), a paragraph that is the
  speaker's own name alone ("THEODORE ROOSEVELT", "John Doe.") signs what comes before it; what
  follows is an enclosure, up to the next paragraph that opens a message of his own (an address to
  Congress, the Senate or the House, or "Fellow-Citizens");
* **testimony**: a paragraph of the speaker's that announces a document and ends with a colon
  ("The following is the testimony given by Mr. Doe:") followed by ``Q.``/``A.`` paragraphs: the
  questions and answers are the document's, up to the first paragraph that opens with neither label
  (an answer of several paragraphs is read to its first: what follows may be the speaker again).

Paragraphs of other named speakers (labels) are left alone outside enclosures; inside one, a
"label" is the document's (a telegram's address, "CRUISER ATLANTA, Kingston:"), so it is the
reading too. Headings stay headings.
"""

from __future__ import annotations

import re

from analysis.ingest.importers.base import Paragraph
from analysis.names import squash

_OWN_MESSAGE_RE = re.compile(
    r"^\W*(?:to the (?:senate|house|congress)|fellow[- ]citizens|gentlemen of the (?:senate|house|congress)|"
    r"to the senate and house|to the congress)",
    re.I,
)
_ANNOUNCES_RE = re.compile(
    r"\b(?:following|as follows|testimony|reads|read as|text of|which I (?:now )?(?:read|quote)|I quote)\b", re.I
)
SIGNATURE_CHARS = 60  # a name alone is shorter than this
_QA_LABELS = frozenset({"Q", "A"})
_KEEP = frozenset({"heading", "editorial"})


def is_signature(text: str, speaker: str) -> bool:
    """The speaker's name alone, in full or with initials: "THEODORE ROOSEVELT", "U. S. GRANT.", "M. VAN BUREN."."""
    if len(text) > SIGNATURE_CHARS:
        return False
    words = text.replace(".", ". ").strip(" *.,;").split()
    if not 2 <= len(words) <= 5:
        return False
    if squash(" ".join(words)) == squash(speaker):
        return True
    name = speaker.split()
    given = [squash(w) for w in name[:-1]]
    if squash(words[-1]) != squash(name[-1]):
        return False
    for w in words[:-1]:
        key = squash(w)
        if not key or not (key in given or (len(key) == 1 and any(g.startswith(key) for g in given))):
            return False
    return True


def mark_readings(paragraphs: list[Paragraph], speaker: str | None, warnings: list[str]) -> None:
    """Give the documents ``speaker``'s statement reads in the role ``quotation`` (see the module), in place."""
    if not speaker:
        return
    mode = "own"
    marked = 0
    spoken = False  # a label before the signature: a transcript of something said, where a name read out signs nothing
    for i, p in enumerate(paragraphs):
        spoken = spoken or (p.attribution == "label" and mode == "own")
        if mode == "enclosure":
            if p.role not in _KEEP and _OWN_MESSAGE_RE.match(p.text) and p.attribution != "label":
                mode = "own"
            elif p.role not in _KEEP:
                _read(p, speaker)
                marked += 1
                continue
        if mode == "testimony":
            if p.speaker_label in _QA_LABELS and p.attribution == "label":
                _read(p, speaker)
                marked += 1
                continue
            mode = "own"
        if (p.role == "speech" and p.speaker == speaker and p.attribution != "label") or p.role == "heading":
            nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
            if nxt is None:
                continue
            if is_signature(p.text, speaker) and not spoken:
                mode = "enclosure"
            elif (
                p.role == "speech"
                and p.text.rstrip().endswith(":")
                and _ANNOUNCES_RE.search(p.text)
                and nxt.speaker_label in _QA_LABELS
            ):
                mode = "testimony"
    if marked:
        warnings.append(
            f"{marked} paragraph(s) read into the record (enclosures after the signature, testimony): "
            f"kept as {speaker}'s reading, role quotation, not counted"
        )


def _read(p: Paragraph, speaker: str) -> None:
    p.role, p.speaker = "quotation", speaker
    p.attribution = "reading"
