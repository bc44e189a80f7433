"""Label rules that need the whole page, not one paragraph (used by the en.kremlin.ru importer).

* **A label inside a paragraph**: "You have already asked me this question. <b>Question:</b> No, I did
  not …" — a bold label after the end of a sentence, printed inside the previous speaker's paragraph,
  opens a paragraph of its own when it is an anonymous role's ("Question", "Remark") or names someone
  introduced by a proper label elsewhere on the page.
* **A given name misspelt against the title**: a label "Dmitry Doe" on a page whose title names "Denis
  Doe" (and no other Doe) is read as Denis Doe, with a warning (the registry cannot know every
  official; the page's own title can).
* **A lone label on a page that narrates**: one speaker label on the whole page, on a paragraph with no
  first-person word, that speaks of the speaker in the third person (an album called "Putin: 20 Years",
  a caption) is narration, with a warning, not the speaker's words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from analysis.ingest.importers.base import Paragraph
from analysis.ingest.importers.html_blocks import B_CLOSE, B_OPEN, Block, strip_marks
from analysis.ingest.importers.label_names import looks_like_name
from analysis.names import REGNAL, places
from analysis.speakers import Resolution, SpeakerRegistry

_INLINE_LABEL_RE = re.compile(r"(?<=[.!?…”»)])\s+(?=" + B_OPEN + r"\s*([^\x01\x02:]{1,80}?)\s*:\s*" + B_CLOSE + ")")
_LEAD_LABEL_RE = re.compile(B_OPEN + r"\s*([^\x01\x02:]{1,80}?)\s*:")
_TITLE_NAME_RE = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")
_FIRST_PERSON_RE = re.compile(r"\bI\b|\b(?i:me|my|mine|we|our|ours|us)\b")
LONE_LABEL_MIN_WORDS = 15  # shorter lone turns ("Putin: Congratulations!") are left as they are


def split_inline_labels(blocks: list[Block], registry: SpeakerRegistry, warnings: list[str]) -> list[Block]:
    """The page's blocks with each paragraph cut before a label printed inside it (see the module)."""
    inline = [
        [] if b.in_quote or B_OPEN not in b.marked[1:] else list(_INLINE_LABEL_RE.finditer(b.marked)) for b in blocks
    ]
    if not any(inline):  # most pages: no bold run after a sentence inside a paragraph
        return blocks
    introduced: set[str] = set()
    for b in blocks:
        m = _LEAD_LABEL_RE.match(b.marked)
        if m and looks_like_name(registry, m.group(1)) and (who := registry.resolve(m.group(1)).speaker):
            introduced.add(who)
    out: list[Block] = []
    for b, found in zip(blocks, inline, strict=True):
        cuts = [m for m in found if _opens_turn(m.group(1), registry, introduced)]
        if not cuts:
            out.append(b)
            continue
        start = 0
        for m in cuts:
            out.append(Block(b.marked[start : m.start()], b.in_quote))
            start = m.end()
        out.append(Block(b.marked[start:], b.in_quote))
        warnings.append(f"speaker label {cuts[0].group(1)!r} printed inside a paragraph: the paragraph is cut there")
    return [b for b in out if strip_marks(b.marked).strip()]


def _opens_turn(label: str, registry: SpeakerRegistry, introduced: set[str]) -> bool:
    """An anonymous role's label ("Question"), or the label of someone introduced by a proper one."""
    res = registry.resolve(label)
    return res.role != "speech" or (res.speaker in introduced and looks_like_name(registry, label))


def title_names(title: str, registry: SpeakerRegistry) -> list[str]:
    """Two-word names printed in a page's title ("Meeting with Minister Denis Doe" -> ["Denis Doe"]): two
    capitalised words, neither a title's word nor a place's."""
    words = title.split()
    return [
        f"{a} {b}"
        for a, b in itertools.pairwise(words)
        if _TITLE_NAME_RE.fullmatch(f"{a} {b}") and not _titular(a, registry) and not _titular(b, registry)
    ]


def _titular(word: str, registry: SpeakerRegistry) -> bool:
    """A word of a title, a regnal or religious rank, or a place: not a given name."""
    low = word.lower()
    return low in registry.names.role_words or low in REGNAL or low in (registry.names.places or places())


def with_title(
    resolve: Callable[[str], Resolution], title: str, registry: SpeakerRegistry, warnings: list[str]
) -> Callable[[str], Resolution]:
    """``resolve``, with an unknown name that differs from one in the title by its given name alone read as
    the title's (see the module)."""
    by_surname: dict[str, set[str]] | None = None  # the title's names, read when first needed (rarely)
    warned: set[str] = set()

    def answer(label: str) -> Resolution:
        nonlocal by_surname
        res = resolve(label)
        if res.known or not res.speaker or len(res.speaker.split()) != 2:
            return res
        if _titular(res.speaker.split()[0], registry):
            return res  # "Patriarch Kirill": a title and a name, not a misspelt given name
        if by_surname is None:
            by_surname = {}
            for n in title_names(title, registry):
                by_surname.setdefault(n.split()[-1], set()).add(n)
        same = by_surname.get(res.speaker.split()[-1], set())
        if res.speaker in same:
            return res
        if len(same) != 1:
            return res
        right = next(iter(same))
        if res.speaker not in warned:
            warned.add(res.speaker)
            warnings.append(
                f"speaker {res.speaker!r} read as {right!r}, the name in the page's title (a misspelt label)"
            )
        return Resolution(right, res.role, res.known, res.label, res.title)

    return answer


def lone_label_narration(paragraphs: list[Paragraph], warnings: list[str]) -> None:
    """Demote a lone label's turn to narration when it tells of the speaker (see the module), in place."""
    labelled = [p for p in paragraphs if p.attribution == "label"]
    if len(labelled) != 1 or labelled[0].role != "speech" or not labelled[0].speaker:
        return
    speaker = labelled[0].speaker
    turn = [p for p in paragraphs if p.role == "speech" and p.speaker == speaker]
    text = " ".join(p.text for p in turn)
    surname = speaker.split()[-1]
    if len(text.split()) < LONE_LABEL_MIN_WORDS or _FIRST_PERSON_RE.search(text):
        return
    if not re.search(rf"\b{re.escape(surname)}\b|\bthe President\b", text):
        return
    for p in turn:
        p.role, p.speaker, p.speaker_label, p.speaker_role, p.attribution = "narration", None, None, None, "none"
    warnings.append(
        f"one speaker label ({labelled[0].speaker_label or speaker!r}) on a page whose {len(text.split())} words "
        f"have no first-person word and speak of {speaker} in the third person: read as narration"
    )
