"""Speaker labels of plain-text transcripts: which line opens a turn, and whose turn it is.

Recognised without configuration: ``Name:``, ``NAME:``, ``Title Name:``, ``[Name]:``,
``**Name:**``/``**Name**:``, ``THE PRESIDENT:`` (whoever held the office on the date), ``Q``,
``Q.``, ``Q:``, ``Question:``, ``Interviewer:``, ``AUDIENCE:`` (anonymous), ``A:``, ``A.``,
``Answer:`` (the statement's own speaker). With ``full_stop=True`` also labels closed by a full
stop, as the Public Papers and Hansard print them ("The President.", "Mr. Lehrer.", "President
Gorbachev."): a title and a name, a known speaker, a bare office or an anonymous role, never a
one-word sentence ("Second.").

Not labels: a quotation after the colon ("France: “…”"), a sentence ("And a question for the
President: …"), a salutation ("Gentlemen of the Congress:", "My fellow citizens:", "Sir:"), and a
title with no name standing alone on its line (a letter's "The PRESIDENT:").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from analysis.ingest.importers.label_names import office_only, page_resolver, person_label, role_like
from analysis.ingest.importers.label_words import (
    ABBREVIATIONS,
    INTERJECTIONS,
    NARRATIVE_RE,
    PERSON_TITLES,
    QA_RE,
    QUOTE_OPENERS,
    SALUTATIONS,
    SENTENCE_BREAK_RE,
    SENTENCE_WORD_RE,
    SPOUSE_TITLES,
    STOP_RE,
    VOCATIVE,
    colon_label,
)
from analysis.names import clean_label, decapitalise, squash, strip_asides
from analysis.speakers import Resolution, SpeakerRegistry


def _last(text: str) -> str:
    return squash(text.split()[-1]) if text.split() else ""


class LabelReader:
    """Reads the labels of one transcript: the registry, the statement's date and speaker, the
    metadata's label map and office, and whether labels may end with a full stop."""

    def __init__(
        self,
        registry: SpeakerRegistry,
        *,
        date: dt.date,
        mapping: dict[str, str] | None = None,
        statement_speaker: str | None = None,
        office: str | None = None,
        full_stop: bool = False,
        warnings: list[str],
    ) -> None:
        self.registry = registry
        self.date = date
        self.mapping = {squash(clean_label(k)): v for k, v in (mapping or {}).items()}
        self.statement_speaker = statement_speaker
        self.office = office
        if office is not None and office not in registry.offices:
            raise ValueError(f"office {office!r} is not in config/speakers.yaml (known: {', '.join(registry.offices)})")
        self.full_stop = full_stop
        self.warnings = warnings
        # surnames of the people this transcript names in full: "Medvedev:" after "President Dmitry Medvedev:"
        self.surnames = {squash(n.split()[-1]) for n in (statement_speaker, *(mapping or {}).values()) if n}
        self.weak_ok = True  # labels of a bare name are read only in a transcript with labels of its own (prepare)

    def prepare(self, lines: list[str]) -> None:
        """Read the transcript's titled and full-name labels first, so that a surname alone ("Shoigu:")
        or a moderator's bare name ("Jim Lehrer." beside "Mr. Lehrer.") is a label too."""
        strong = 0
        colon_labels: list[str] = []  # every "X:" opening, looked up once the surnames are known
        for line in lines:
            line = line.strip()
            if QA_RE.match(line):
                strong += 1
                continue
            m = colon_label(line)
            if m:
                colon_labels.append(m.group("label"))
            if m and self._strong(m.group("label"), line[m.end() :]):
                strong += 1
            found = None
            if (
                m
                and len(clean_label(m.group("label")).split()) >= 2
                and self.is_label(m.group("label"), line[m.end() :], colon=True)
            ):
                found = m.group("label")
            elif self.full_stop:
                hit = self._full_stop_label(line)
                found = hit[0] if hit else None
            if found:
                strong += 1
                name = self.registry.resolve(clean_label(found)).speaker
                if name and len(name.split()[-1]) > 1:
                    self.surnames.add(squash(name.split()[-1]))
        # a surname of someone named in full here, printed as a label ("**LEHRER:**" beside "JIM LEHRER:")
        strong += sum(squash(clean_label(label)) in self.surnames for label in colon_labels)
        # "CJ: Great work." in a State of the Union is the President speaking to CJ, not CJ speaking
        self.weak_ok = strong >= 2

    def _strong(self, label: str, rest: str) -> bool:
        """A label no speech would print by chance: the map's, a known person's, an anonymous role's, an office's."""
        cleaned = clean_label(label)
        if squash(cleaned) in self.mapping:
            return True
        res = self.registry.resolve(cleaned)
        return (res.known or res.role != "speech" or bool(self.registry.office_label(cleaned))) and self.is_label(
            label, rest, colon=True
        )

    # --- which lines open with a label --------------------------------------------------------

    def opens_with_label(self, line: str) -> bool:
        """A cheap test: does the line start like a label (it is then a paragraph of its own)?"""
        if QA_RE.match(line):
            return True
        m = colon_label(line)
        if m and self.is_label(m.group("label"), line[m.end() :], colon=True):
            return True
        return self.full_stop and self._full_stop_label(line) is not None

    def read(self, block: str) -> tuple[str | None, str]:
        """(the label as printed, the text after it), or (None, block) when the block opens with none."""
        m = QA_RE.match(block)
        if m:
            return (m.group("label") or m.group("q")), block[m.end() :].lstrip()
        stop = self._full_stop_label(block) if self.full_stop else None
        m = colon_label(block)
        colon = m is not None and self.is_label(m.group("label"), block[m.end() :], colon=True)
        if m and colon and (stop is None or len(stop[0]) >= m.end()):
            return m.group("label").strip(), block[m.end() :]
        if stop is not None:
            return stop
        return None, block

    def _full_stop_label(self, block: str) -> tuple[str, str] | None:
        for stop in STOP_RE.finditer(block[:90]):
            candidate = block[: stop.start()]
            if len(candidate.split()) > 6:
                break
            if self.is_label(candidate, block[stop.end() :], colon=False):
                return candidate, block[stop.end() :]
        return None

    def is_label(self, label: str, rest: str, *, colon: bool) -> bool:
        """True when ``label`` (followed by ``rest``) names who speaks next."""
        cleaned = clean_label(label)
        key = squash(cleaned)
        if not cleaned or not key:
            return False
        if key in self.mapping:
            return True
        if self._not_a_label(label, cleaned, rest):
            return False
        if self._role_or_office(cleaned):
            return bool(rest.strip()) or colon  # "Q.", "AUDIENCE:", "THE PRESIDENT:"
        if office_only(self.registry, cleaned):
            return bool(rest.strip())  # "The Attorney General." / "THE VICE PRESIDENT:"; alone on a line: a salutation
        printed = strip_asides(label)
        parts = [p.strip() for p in printed.split(",") if p.strip()]
        known = self.registry.resolve(cleaned).known
        if not colon:  # "Mr. Lehrer.", "President Gorbachev.": strict, a sentence may end with a name
            return len(parts) <= 1 and self._full_stop_person(cleaned, rest, known=known)
        if len(parts) > 1:  # "BILL SHADEL, MODERATOR:", "Valeriya Korableva, reporter at Channel One:"
            if SENTENCE_WORD_RE.search(printed) or not all(role_like(self.registry, p) for p in parts[1:]):
                return False
            return known or (len(parts[0].split()) >= 2 and person_label(self.registry, parts[0], strict=False))
        return self._colon_person(cleaned, key, known=known)

    def _not_a_label(self, label: str, cleaned: str, rest: str) -> bool:
        """Words printed like a label that are none: a quotation after them, a cut parenthesis, a sentence,
        a stray full stop, a salutation or a greeting."""
        if rest.startswith(QUOTE_OPENERS):
            return True  # a quotation: "France: “…”"
        if "(" in label and ")" not in label:
            return True  # "The Senator from Alabama (Mr" of "… (Mr. Morgan) said": cut inside a parenthesis
        printed = strip_asides(label)
        if NARRATIVE_RE.search(printed):
            return True  # "I chose Senator Jane Doe. …", "We met President Doe: …": a sentence about a person
        # a full stop inside: "THE PRESIDENT. My fellow Americans:" is a sentence; "THE. PRESIDENT." a typo
        # (the words are an office's or a known person's label)
        if self.stray_stop(label) and not (self._role_or_office(cleaned) or self.registry.resolve(cleaned).known):
            return True
        parts = [p.strip() for p in printed.split(",") if p.strip()]
        # "Gentlemen of the Congress:", "Chairman McCormack, my fellow Americans:"
        return any(p.replace("-", " ").lower().split()[0] in SALUTATIONS for p in parts) or self._greeting(cleaned)

    def _role_or_office(self, cleaned: str) -> bool:
        """An anonymous role of the registry ("Q", "AUDIENCE") or an office's bare label ("THE PRESIDENT")."""
        return self.registry.resolve(cleaned).role != "speech" or bool(self.registry.office_label(cleaned))

    def _full_stop_person(self, cleaned: str, rest: str, *, known: bool) -> bool:
        """A label closed by a full stop: a known person's short label, or a titled person (or one whose
        surname this transcript prints in full) not named again in the words after it."""
        if known:
            return len(cleaned.split()) <= 6
        titled = self.registry.split(decapitalise(cleaned))[1] is not None
        surname = _last(cleaned)
        if surname and surname in squash(" ".join(rest.split()[:6])):
            return False  # "Mr. Warren Wiggins. Mr. Wiggins is 42 years old": an announcement, not a turn
        return person_label(self.registry, cleaned, strict=True) and (titled or surname in self.surnames)

    def _colon_person(self, cleaned: str, key: str, *, known: bool) -> bool:
        """A label closed by a colon, with no comma: a known person's, a surname, a name in capitals, or a
        person's (a bare name only in a transcript with labels of its own)."""
        if known:
            return len(cleaned.split()) <= 8
        if len(cleaned.split()) == 1:  # "JONES:", or a surname printed in full elsewhere ("Shoigu:"), not "Now:"
            if cleaned.lower().strip(".") in self.registry.names.role_words:
                return False  # "GENERAL:", "SIR:": a letter's salutation
            return key in self.surnames or (
                self.weak_ok and cleaned.isupper() and sum(c.isalpha() for c in cleaned) >= 2
            )
        if not self.weak_ok and self.registry.split(decapitalise(cleaned))[1] is None:
            return False  # a bare name ("Ryan and Rebecca:") in a speech with no labels of its own
        return person_label(self.registry, cleaned, strict=False)

    @staticmethod
    def stray_stop(label: str) -> bool:
        """A full stop inside the label after a word that is no abbreviation ("THE. PRESIDENT")."""
        return any(m.group(1).lower() not in ABBREVIATIONS for m in SENTENCE_BREAK_RE.finditer(strip_asides(label)))

    @staticmethod
    def spouse_title(label: str) -> bool:
        """The label opens with a title a spouse or relative is printed with ("Mrs. Doe", "First Lady Jane Doe")."""
        words = clean_label(label).lower().replace(".", " ").split()
        return bool(words) and (words[0] in SPOUSE_TITLES or " ".join(words[:2]) in SPOUSE_TITLES)

    def _greeting(self, cleaned: str) -> bool:
        """ "Mr. President", "Mr. Chief Justice", "Madam Speaker": how a speech greets, not who speaks."""
        words = cleaned.lower().split()
        return (
            len(words) >= 2
            and words[0].strip(".") in VOCATIVE
            and words[1].strip(".,") in PERSON_TITLES | {"chief", "justice"}
        )

    def is_office_holder(self, name: str) -> bool:
        """True when ``name`` held an office on the statement's date (who "Mr. President" is)."""
        return self.registry.office_of(name, self.date) is not None

    def is_interjection(self, label: str) -> bool:
        """An audience's interjection ("AUDIENCE: USA!", "CROWD:"): it does not take the floor."""
        return squash(clean_label(label)) in INTERJECTIONS

    # --- whose turn a label opens -------------------------------------------------------------

    def page(self, labels: list[str]) -> Callable[[str], Resolution]:
        """A resolver for this transcript's labels (one name per person on it; see page_resolver)."""
        named = [label for label in labels if not self._special(label)]
        first = [self.statement_speaker] if self.statement_speaker else []
        resolve = page_resolver(first + named, self.registry, self.warnings)
        warned: set[str] = set()
        # full names printed with a spouse's title ("Mrs. Jane Doe"): "Mrs. Doe" may be read as them
        with_title = {self.registry.resolve(lab).speaker for lab in named if self.spouse_title(lab)}

        def answer(label: str) -> Resolution:
            special = self._special(label)
            if special is not None:
                if self.stray_stop(label) and label not in warned:
                    warned.add(label)
                    self.warnings.append(
                        f"label {label!r} has a stray full stop (a typo in the source): read as {special.speaker!r}"
                    )
                return special
            res = resolve(label)
            if self.spouse_title(label) and res.speaker and self.registry.canonical(clean_label(label)) is None:
                registered = res.known or self.registry.canonical(res.speaker) is not None
                if (registered or res.speaker == self.statement_speaker) and res.speaker not in with_title:
                    # "Mrs. Doe" beside President John Doe: his wife (or another relative), not him
                    kept = _title_case(clean_label(label))
                    if label not in warned:
                        warned.add(label)
                        self.warnings.append(
                            f"label {label!r}: a spouse or relative is another person; kept as speaker {kept!r}, "
                            f"not {res.speaker!r}"
                        )
                    return Resolution(kept, "speech", False, res.label, None)
            if res.role == "speech" and res.speaker and office_only(self.registry, clean_label(label)):
                res = Resolution(_title_case(clean_label(label)), "speech", False, res.label, None)
            unknown = res.role == "speech" and not res.known and res.speaker != self.statement_speaker
            if unknown and res.speaker not in warned:
                warned.add(res.speaker or "")
                self.warnings.append(f"unknown speaker label {label!r}; kept as speaker {res.speaker!r}")
            return res

        return answer

    def _special(self, label: str) -> Resolution | None:
        """A label the map, the office or the statement decides: None when the registry does."""
        cleaned = clean_label(label)
        key = squash(cleaned)
        if key in self.mapping:
            person = self.mapping[key]
            return Resolution(person, "speech", True, cleaned, None)
        res = self.registry.resolve(cleaned)
        if res.role == "answer":
            if self.statement_speaker:
                return Resolution(self.statement_speaker, "speech", True, cleaned, None)
            self.warnings.append(f"answer label {label!r} but the metadata names no `speaker`: kept as a questioner's")
            return Resolution(None, "question", True, cleaned, None)
        if self.registry.office_label(cleaned):
            holder = self._holder(cleaned)
            if holder:
                return Resolution(holder, "speech", True, cleaned, _title_case(cleaned))
            self.warnings.append(
                f"label {label!r}: no office holder known on {self.date.isoformat()} "
                "(add `office:` to the metadata); kept as an unknown speaker"
            )
            return Resolution(_title_case(cleaned), "speech", False, cleaned, None)
        return None

    def _holder(self, cleaned: str) -> str | None:
        """Who held the office a bare label names on the statement's date: the metadata's ``office`` when
        the label is one of its labels, else the statement speaker's own office, else the one office
        with that label."""
        offices = self.registry.offices_with_label(cleaned)
        if self.office in offices:
            return self.registry.in_office(self.date, office=self.office)
        if self.statement_speaker:
            held = self.registry.office_of(self.statement_speaker, self.date)
            if held in offices:
                return self.statement_speaker
        holders = {self.registry.in_office(self.date, office=o) for o in offices}
        holders.discard(None)
        return holders.pop() if len(holders) == 1 else None


def _title_case(text: str) -> str:
    """ "THE VICE PRESIDENT" -> "The Vice President" (labels printed in capitals)."""
    return " ".join(w.capitalize() if w.isupper() else w for w in text.split())
