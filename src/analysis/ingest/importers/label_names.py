"""Names in printed speaker labels, as the importers read them on a page.

The registry (:mod:`analysis.speakers`) says whom a label stands for; this module says whether words
printed like a label name anyone, and makes one name of each person on a page:

* :func:`looks_like_name`: a person (or an anonymous role of the registry), not a bold heading
  ("Statements following the meeting:", "Meeting points:"), a sentence ("Naturally, we will discuss
  …:") or a place before a quotation ("France: “…”");
* :func:`is_role_label`: a printed title with no name ("Executive Chairman of the World Economic
  Forum");
* :func:`near_miss`: a leader whose surname an unmatched label's last word closely resembles (a
  likely typo, for a warning);
* :func:`person_label`, :func:`office_only`, :func:`role_like`: the shapes of a person's label, of an
  office printed with no name and of the words after a label's comma, as the plain-text transcripts'
  rules (:class:`~analysis.ingest.importers.labels.LabelReader`) test them;
* :func:`page_resolver`: a resolver for the labels of one page that gives each person one name (the
  long first label, the short later ones, a spelling printed once).

Answers that depend on the registry and the label alone are remembered by the registry
(:meth:`~analysis.speakers.SpeakerRegistry.remember`): labels repeat across pages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.ingest.importers.label_words import (
    HONORIFICS,
    INSTITUTIONS,
    NOT_NAMES,
    PERSON_TITLES,
    ROMAN_RE,
    SENTENCE_STARTERS,
    SENTENCE_WORD_RE,
    STRUCTURE,
)
from analysis.names import clean_label, decapitalise, places, squash, strip_asides
from analysis.speakers import Resolution, SpeakerRegistry

_SENTENCE_RE = re.compile(r"[?!;“”\"«»]|\b(?:is|are|was|were|will|would|has|have|had|said|says|I|we|you)\b")
_INITIAL_RE = re.compile(r"[A-Z]\.?")


# --- one label -----------------------------------------------------------------------------------


def looks_like_name(registry: SpeakerRegistry, label: str) -> bool:
    """True when a cleaned label could be a person (or a known anonymous role).

    Bold headings such as "Statements following the meeting:" or "Meeting points:" end with
    a lower-case word and are rejected; "President of Russia Vladimir Putin" is accepted.
    """
    return registry.remember("name", label, lambda text: _looks_like_name(registry, text))


def _looks_like_name(registry: SpeakerRegistry, label: str) -> bool:
    if _SENTENCE_RE.search(strip_asides(label)):
        return False  # "Naturally, we will discuss …": a sentence, not a label
    first = clean_label(label).split()[:1]
    if first and first[0].lower() in SENTENCE_STARTERS and len(clean_label(label).split()) > 1:
        return False  # "And a question for President Putin: …" is a sentence, not a label
    res = registry.resolve(label)
    if res.known:
        return True
    names = registry.names
    if res.label.lower() in (names.places if names.places is not None else places()):
        return False  # "France: “…”" is a quotation, not a speaker
    name, title = registry.split(label)
    if title and len(name.split()) >= 2 and len(label.split()) <= 30 and not _SENTENCE_RE.search(label):
        return True  # "Olympic ice hockey champion Ilya Kovalchuk", "Head of the … faction Sergei Mironov"
    return _capitalised_name(registry, res.label)


def _capitalised_name(registry: SpeakerRegistry, label: str) -> bool:
    """At most ten words, capitalised (or particles of a name), the first a capital and the last a name's."""
    tokens = label.replace(".", ". ").split()
    if not tokens or len(tokens) > 10:
        return False
    names = registry.names
    if not names.name_token(tokens[-1], inside=False) or not tokens[0][:1].isupper():
        return False
    return all(
        t[:1].isupper() or t.lower() in registry.name_particles or names.name_token(t, inside=True) for t in tokens
    )


def is_role_label(registry: SpeakerRegistry, label: str) -> bool:
    """True for a printed title with no name ("Executive Chairman of the World Economic Forum")."""
    cleaned = clean_label(label)
    tokens = cleaned.split()
    if not 2 <= len(tokens) <= 20 or _SENTENCE_RE.search(cleaned):
        return False
    name, _ = registry.split(label)
    return not name and tokens[0].lower().strip("’'") in registry.names.role_words


def near_miss(registry: SpeakerRegistry, label: str) -> str | None:
    """A leader whose surname the unmatched label's last word closely resembles (a likely typo)."""
    words = clean_label(label).split()
    if not words:
        return None
    # a label's last word recurs on every page: compared once
    return registry.remember("near", squash(words[-1]), lambda last: _leader_like(registry, last))


def _leader_like(registry: SpeakerRegistry, last: str) -> str | None:
    return next((n for n in registry.leaders if close_surname(last, squash(n.split()[-1]))), None)


def close_surname(last: str, surname: str) -> bool:
    """A surname the label's last word resembles (a ratio of 0.8 or more; never the same word)."""
    if last == surname or 2 * min(len(last), len(surname)) < 0.8 * (len(last) + len(surname)):
        return False  # the same word, or lengths too different for the ratio to reach 0.8
    matcher = difflib.SequenceMatcher(None, last, surname)
    return matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8


def role_like(registry: SpeakerRegistry, part: str) -> bool:
    """The part of a label after its comma that describes the person ("reporter at Channel One")."""
    words = part.split()
    role_words, particles = registry.names.role_words, registry.name_particles
    return 0 < len(words) <= 10 and all(
        w[:1].isupper() or w.lower().strip(".") in role_words or w.lower() in particles for w in words
    )


def person_label(registry: SpeakerRegistry, text: str, *, strict: bool) -> bool:
    """A person as a label prints one: a name of capitalised words (two at least, or one after a title)
    at the end, before it nothing but a title ("Shipyard director Igor Obrubov", "SECRETARY
    MNUCHIN", "Mr. Lehrer"); ``strict``: no lower-case word at all. Not a sentence, a table
    heading ("Fiscal Year From"), a document's part ("Schedule L", "Part II") or an initial."""
    text = decapitalise(text)
    if SENTENCE_WORD_RE.search(text) or any(c.isdigit() for c in text):
        return False
    tokens = text.split()
    if not tokens or len(tokens) > 20 or tokens[0].lower().strip(".") in STRUCTURE:
        return False
    if tokens[0].lower() in NOT_NAMES:  # "In my annual message …", "By order of …", "And V.A"
        return False
    particles = registry.name_particles
    if strict and not all(t[:1].isupper() or t.lower() in particles for t in tokens):
        return False
    if tokens[-1].lower().strip(".,'’") in INSTITUTIONS:
        return False  # "Interior Department", "Cruiser Atlanta"
    name, title = registry.split(text)
    words = name.split()
    if not words or len(words) > 5 or not all(t[:1].isupper() or t.lower() in particles for t in words):
        return False
    last = words[-1].strip("'’")
    if len(last) < 2 or "." in last or ROMAN_RE.fullmatch(last) or last.lower() in HONORIFICS:
        return False  # "General Ulysses S", "Part II", "Governor and Mrs"
    if any(w.lower() in NOT_NAMES for w in words):
        return False
    if not title:
        return len(words) >= 2
    title_words = title.split()
    if title_words[-1].lower() in particles:  # "Secretary of War": an office, not a person called War
        return False
    role_words = registry.names.role_words
    return any(w.lower().strip(".,'’") in role_words for w in title_words)


def office_only(registry: SpeakerRegistry, cleaned: str) -> bool:
    """A printed office with no name: "The Attorney General", "THE VICE PRESIDENT", "The Secretary of
    Transportation" (a title word after "The", words capitalised), or a title the registry finds no
    name in."""
    words = cleaned.split()
    particles = registry.name_particles
    if not 2 <= len(words) <= 6 or not all(w[:1].isupper() or w.lower() in particles for w in words):
        return False
    if words[-1].lower().strip(".,") in INSTITUTIONS:
        return False  # "The Navy Department", "INTERIOR DEPARTMENT": a body, not a person
    if words[0].lower() == "the":
        return words[1].lower().strip(".") in PERSON_TITLES
    role_words = registry.names.role_words
    return (
        words[0].lower().strip(".") in role_words
        and words[-1].lower() not in HONORIFICS
        and all(w.lower().strip(".") in role_words or w.lower() in particles for w in words)
    )


# --- the labels of a page ------------------------------------------------------------------------


def page_resolver(labels: list[str], registry: SpeakerRegistry, warnings: list[str]) -> Callable[[str], Resolution]:
    """A resolver for the labels of one document that makes one name of each person on it.

    Within a transcript the first label of a person is usually long ("St Petersburg Governor
    Alexander Beglov") and later ones short ("Alexander Beglov", "Beglov"), and a name may be
    misspelt once ("Fydor Lukyanov"). Names the registry does not know are therefore mapped to
    the shortest full form printed on the page that ends them, and a rare spelling to a
    near-identical frequent one (with a warning naming both).
    """
    page = _Printed.of(labels, registry)
    everyone = list(page.counts)  # first printed first
    names = [n for n in everyone if n not in page.known]  # registry names are never remapped
    mapping: dict[str, str] = {}
    for name in names:
        form = _other_form(name, everyone, registry)
        if form is not None:
            mapping[name] = form
    for name in names:
        other = None if name in mapping else _respelt(name, names, mapping, page)
        if other is not None:
            mapping[name] = other
            warnings.append(f"speaker {name!r} read as {other!r}, the same person spelt differently on this page")

    def resolve(label: str) -> Resolution:
        res = registry.resolve(label)
        if res.speaker in mapping:
            return Resolution(mapping[res.speaker], res.role, res.known, res.label, res.title)
        return res

    return resolve


@dataclass
class _Printed:
    """The names a page's labels resolve to: how often each is printed (first printed first), which the
    registry knows, and which are printed with a title (the formal introduction)."""

    counts: dict[str, int] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)
    titled: set[str] = field(default_factory=set)
    order: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, labels: list[str], registry: SpeakerRegistry) -> _Printed:
        page = cls()
        for label in labels:
            res = registry.resolve(label)
            if res.speaker:
                page.counts[res.speaker] = page.counts.get(res.speaker, 0) + 1
                if res.known:
                    page.known.add(res.speaker)
                if res.title:
                    page.titled.add(res.speaker)
        page.order = {n: i for i, n in enumerate(page.counts)}
        return page

    def prefers(self, other: str, name: str) -> bool:
        """Whether ``other``'s spelling wins over ``name``'s: the formal introduction's (printed with a
        title); else the first printed, unless another is printed at least twice as often."""
        if (other in self.titled) != (name in self.titled):
            return other in self.titled
        counts, order = self.counts, self.order
        return counts[other] >= 2 * counts[name] or (order[other] < order[name] and 2 * counts[other] > counts[name])


def _other_form(name: str, everyone: list[str], registry: SpeakerRegistry) -> str | None:
    """The form printed elsewhere on the page that is the name of the person ``name`` stands for."""
    shorter = [
        m
        for m in everyone
        if m != name and len(m.split()) >= 2 and name.endswith(" " + m) and not _is_full_form(name, m, registry)
    ]
    if shorter:  # "Petersburg Alexander Beglov" -> "Alexander Beglov"
        return max(shorter, key=len)
    tokens = name.split()
    full = [
        m
        for m in everyone
        if m != name and m.endswith(" " + name) and (len(tokens) == 1 or _is_full_form(m, name, registry))
    ]
    if len(full) == 1:  # "Beglov", "Van der Bellen" -> the one full name on the page that ends with it
        return full[0]
    initial = _initialled(name, everyone)
    if len(initial) == 1:  # "D. Valeyev" -> "Dinar Valeyev"
        return initial[0]
    return None


def _initialled(name: str, everyone: list[str]) -> list[str]:
    """Names on the page that differ from ``name`` by an initial: "D. Valeyev" -> "Dinar Valeyev", "Adnan Amin"
    -> "Adnan Z. Amin"."""
    tokens = name.split()
    spelt_out = [
        m
        for m in everyone
        if m != name
        and len(tokens) == 2
        and _INITIAL_RE.fullmatch(tokens[0])
        and m.split()[-1] == tokens[-1]
        and m.split()[0][:1] == tokens[0][:1]
        and len(m.split()) >= 2
    ]
    with_initial = [
        m
        for m in everyone
        if m != name
        and [t for t in m.split() if not _INITIAL_RE.fullmatch(t)] == tokens
        and len(m.split()) > len(tokens)
    ]
    return spelt_out + with_initial


def _respelt(name: str, names: list[str], mapping: dict[str, str], page: _Printed) -> str | None:
    """The name not yet remapped that ``name`` is a misspelling of: spelt alike, and its spelling preferred."""
    return next(
        (o for o in names if o != name and o not in mapping and page.prefers(o, name) and _spelt_alike(name, o)),
        None,
    )


def _spelt_alike(name: str, other: str) -> bool:
    """The same number of words (two or more), the surnames alike from their first letter, the rest alike."""
    a, b = name.split(), other.split()
    return (
        len(a) == len(b) >= 2
        and a[-1][:1] == b[-1][:1]
        and _similar(a[-1], b[-1], 0.75)
        and all(_similar(x, y, 0.8) for x, y in zip(a[:-1], b[:-1], strict=True))
    )


def _is_full_form(long: str, short: str, registry: SpeakerRegistry) -> bool:
    """True when ``long`` is ``short`` with its given name ("Alexander Van der Bellen"), not a title."""
    extra = long.split()[: len(long.split()) - len(short.split())]
    return bool(extra) and extra[0].lower() in registry.given_names


def _similar(a: str, b: str, threshold: float) -> bool:
    return difflib.SequenceMatcher(None, squash(a), squash(b)).ratio() >= threshold
