"""Phrase matching: the one code path behind every count and every evidence row.

A term is a family of patterns (see :mod:`analysis.lexicon`) or one phrase. Patterns are matched
case-insensitively, as whole phrases (a match may not start or end inside a
word), against the *spoken* text of a paragraph (translator's ``[insertions]`` removed) after
folding typographic quotes, so "that's all there is to it" finds "That’s all there is to it".
All phrases are found in one pass over each paragraph with an Aho-Corasick automaton.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick
import numpy as np
import pandas as pd

from analysis.errors import PhraseError
from analysis.text import TextIndex, fold, normalize_ws

if TYPE_CHECKING:
    from analysis.measures.lexicon import Term

CONTEXT_CHARS = 120


MAX_PHRASE_CHARS = 300


def phrase_key(phrase: str) -> str:
    """The folded form a phrase is matched in; raises :class:`PhraseError` for an empty phrase."""
    if not isinstance(phrase, str):
        raise PhraseError(f"phrase must be text, got {type(phrase).__name__}")
    if len(phrase) > MAX_PHRASE_CHARS:
        raise PhraseError(f"phrase of {len(phrase):,} characters: at most {MAX_PHRASE_CHARS} (a phrase, not a text)")
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

    def __init__(self, terms: Sequence[Term | str]):
        from analysis.measures.lexicon import Term

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
        """All whole-phrase matches in one spoken text, in order of position."""
        return [m for _, m in self.find_all([spoken_text])]

    def find_all(self, texts: Sequence[str] | TextIndex) -> list[tuple[int, Match]]:
        """Matches in many texts at once: (index of the text, match), in text and position order.

        The texts are folded and joined with newlines (never part of a phrase) into one string,
        which the automaton and the wildcard regexes scan once; offsets are mapped back per text.
        A :class:`TextIndex` holds that joined string ready, for repeated queries.
        """
        index = texts if isinstance(texts, TextIndex) else TextIndex.of_spoken(list(texts))
        if not index.n:
            return []
        joined, starts = index.joined, index.starts
        raw: list[tuple[str, str, int, int]] = []
        if self._has_literals:
            for end_idx, (key, who) in self._automaton.iter(joined):
                start, end = end_idx - len(key) + 1, end_idx + 1
                if start > 0 and key[0].isalnum() and joined[start - 1].isalnum():
                    continue
                if end < len(joined) and key[-1].isalnum() and joined[end].isalnum():
                    continue
                raw.extend((term, form, start, end) for term, form in who)
        for regex, term, form in self._regexes:
            raw.extend((term, form, m.start(), m.end()) for m in regex.finditer(joined))
        if not raw:
            return []
        raw.sort(key=lambda r: (r[0], r[2], -(r[3] - r[2]), r[1]))
        out: list[tuple[int, Match]] = []
        last_end: dict[str, int] = {}
        rows = np.searchsorted(starts, [r[2] for r in raw], side="right") - 1
        for (term, form, start, end), row in zip(raw, rows, strict=True):
            if start < last_end.get(term, -1):
                continue  # overlaps a longer or earlier form of the same term
            last_end[term] = end
            base = int(starts[row])
            out.append((int(row), Match(term, form, start - base, end - base)))
        out.sort(key=lambda rm: (rm[0], rm[1].start, rm[1].end, rm[1].term))
        return out


def find_matches(
    turns: pd.DataFrame,
    phrases: Sequence[Term | str],
    *,
    context_chars: int = CONTEXT_CHARS,
    index: TextIndex | None = None,
) -> pd.DataFrame:
    """One row per match of any phrase in the ``text`` of ``turns`` (with its metadata columns).

    Context is quoted from the display text, so translator's [insertions] are shown, while the
    match itself was found in the spoken text. ``index`` (built from the same ``turns``) skips the
    preparation of the texts.
    """
    matcher = PhraseMatcher(phrases)
    keep = [c for c in ("doc_id", "para_no", "date", "title", "source_url", "speaker", "section") if c in turns.columns]
    if index is None:
        index = TextIndex.of_displays(turns["text"].tolist())
    elif index.n != len(turns):
        raise ValueError("the text index was built for other turns")
    displays, spoken_maps = index.displays, index.spoken_maps
    found = matcher.find_all(index)
    cols: dict[str, list] = {k: [] for k in ("phrase", "form", "left", "match", "right", "char_start")}
    rows = []
    for row, m in found:
        display = displays[row]
        offsets = spoken_maps[row][1]
        d_start = offsets[m.start] if offsets else m.start
        d_end = (offsets[m.end - 1] + 1) if offsets else m.end
        rows.append(row)
        cols["phrase"].append(m.term)
        cols["form"].append(m.form)
        cols["left"].append(_left(display, d_start, context_chars) if context_chars else "")
        cols["match"].append(display[d_start:d_end])
        cols["right"].append(_right(display, d_end, context_chars) if context_chars else "")
        cols["char_start"].append(d_start)
    meta = turns[keep].iloc[rows].reset_index(drop=True)
    return pd.concat([meta, pd.DataFrame(cols)], axis=1)


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
