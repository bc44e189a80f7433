"""Phrase matching: the one code path behind every count and every evidence row.

A term is a family of patterns (see :mod:`analysis.lexicon`) or one phrase. Patterns are matched
case-insensitively, as whole phrases (a match may not start or end inside a
word), against the *spoken* text of a paragraph (translator's ``[insertions]`` removed) after
folding typographic quotes, so "that's all there is to it" finds "That’s all there is to it".
All phrases are found in one pass over each paragraph with an Aho-Corasick automaton.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

import ahocorasick
import pandas as pd

from .text import fold, normalize_ws, spoken_with_map

if TYPE_CHECKING:
    from .lexicon import Term

CONTEXT_CHARS = 120


class PhraseError(ValueError):
    """A phrase that cannot be matched (empty, or no letters or digits)."""


def phrase_key(phrase: str) -> str:
    """The folded form a phrase is matched in; raises :class:`PhraseError` for an empty phrase."""
    if not isinstance(phrase, str):
        raise PhraseError(f"phrase must be text, got {type(phrase).__name__}")
    key = fold(normalize_ws(phrase))
    if not any(c.isalnum() for c in key):
        raise PhraseError(f"phrase {phrase!r} has no letters or digits")
    return key


@dataclass(frozen=True)
class Match:
    term: str  # the family or phrase as asked
    form: str  # the pattern (surface form) that matched
    start: int  # offsets in the spoken text
    end: int


_WORD = r"[^\W_]+(?:['\-][^\W_]+)*"


def is_wildcard(pattern: str) -> bool:
    return any(tok == "*" or (tok.endswith("*") and len(tok) > 1) for tok in pattern.split())


def wildcard_regex(pattern: str) -> re.Pattern:
    """Compile a pattern with ``*`` (one word) or ``word*`` (prefix) into a whole-word regex."""
    parts = []
    for tok in phrase_key(pattern).split(" "):
        if tok == "*":
            parts.append(_WORD)
        elif tok.endswith("*"):
            parts.append(re.escape(tok[:-1]) + r"[^\W_]*(?:['\-][^\W_]+)*")
        else:
            parts.append(re.escape(tok))
    return re.compile(r"(?<![^\W_])" + " ".join(parts) + r"(?![^\W_])")


class PhraseMatcher:
    """Find many terms (families of patterns, or single phrases) in one pass per paragraph.

    Literal patterns go into one Aho-Corasick automaton; wildcard patterns are regexes. Within a
    term, overlapping matches count once (the earliest, then longest); different terms may
    overlap ("all there is" and "there is to it" are both found in "all there is to it").
    """

    def __init__(self, terms: Sequence["Term | str"]):
        from .lexicon import Term

        if not terms:
            raise PhraseError("at least one phrase is needed")
        self.terms = [t if isinstance(t, Term) else Term(t, (t,)) for t in terms]
        self.terms = list({t.name: t for t in self.terms}.values())
        self._automaton = ahocorasick.Automaton()
        owners: dict[str, list[tuple[str, str]]] = {}
        self._regexes: list[tuple[re.Pattern, str, str]] = []
        for term in self.terms:
            if not term.patterns:
                raise PhraseError(f"{term.name!r} has no patterns")
            for pattern in term.patterns:
                if is_wildcard(pattern):
                    self._regexes.append((wildcard_regex(pattern), term.name, pattern))
                else:
                    owners.setdefault(phrase_key(pattern), []).append((term.name, pattern))
        for key, who in owners.items():
            self._automaton.add_word(key, (key, tuple(who)))
        self._has_literals = bool(owners)
        if self._has_literals:
            self._automaton.make_automaton()

    def find(self, spoken_text: str) -> list[Match]:
        """All whole-phrase matches in a spoken text, in order of position."""
        folded = fold(spoken_text)
        raw: list[Match] = []
        if self._has_literals:
            for end_idx, (key, who) in self._automaton.iter(folded):
                start, end = end_idx - len(key) + 1, end_idx + 1
                if start > 0 and key[0].isalnum() and folded[start - 1].isalnum():
                    continue
                if end < len(folded) and key[-1].isalnum() and folded[end].isalnum():
                    continue
                raw.extend(Match(term, form, start, end) for term, form in who)
        for regex, term, form in self._regexes:
            raw.extend(Match(term, form, m.start(), m.end()) for m in regex.finditer(folded))
        if len(raw) < 2:
            return raw
        raw.sort(key=lambda m: (m.term, m.start, -(m.end - m.start), m.form))
        out: list[Match] = []
        last_end: dict[str, int] = {}
        for m in raw:
            if m.start < last_end.get(m.term, -1):
                continue
            out.append(m)
            last_end[m.term] = m.end
        out.sort(key=lambda m: (m.start, m.end, m.term))
        return out


def find_matches(turns: pd.DataFrame, phrases: Sequence["Term | str"], *,
                 context_chars: int = CONTEXT_CHARS) -> pd.DataFrame:
    """One row per match of any phrase in the ``text`` of ``turns`` (with its metadata columns).

    Context is quoted from the display text, so translator's [insertions] are shown, while the
    match itself was found in the spoken text.
    """
    matcher = PhraseMatcher(phrases)
    keep = [c for c in ("doc_id", "para_no", "date", "title", "source_url", "speaker", "section")
            if c in turns.columns]
    rows: list[dict] = []
    records = turns[keep + ["text"]].to_dict("records")
    for rec in records:
        display = rec["text"]
        spoken_text, offsets = spoken_with_map(display)
        for m in matcher.find(spoken_text):
            d_start = offsets[m.start] if offsets else m.start
            d_end = (offsets[m.end - 1] + 1) if offsets else m.end
            row = {k: rec[k] for k in keep}
            row.update(
                phrase=m.term,
                form=m.form,
                left=_left(display, d_start, context_chars),
                match=display[d_start:d_end],
                right=_right(display, d_end, context_chars),
                char_start=d_start,
            )
            rows.append(row)
    columns = keep + ["phrase", "form", "left", "match", "right", "char_start"]
    return pd.DataFrame(rows, columns=columns)


def _left(text: str, start: int, n: int) -> str:
    lo = max(0, start - n)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
        return "…" + text[lo:start]
    return text[:start]


def _right(text: str, end: int, n: int) -> str:
    hi = min(len(text), end + n)
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
        return text[end:hi] + "…"
    return text[end:]


def unique(phrases: Iterable) -> list:
    return list(dict.fromkeys(phrases))
