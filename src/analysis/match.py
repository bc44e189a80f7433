"""Phrase matching: the one code path behind every count and every evidence row.

Phrases are matched case-insensitively, as whole phrases (a match may not start or end inside a
word), against the *spoken* text of a paragraph (translator's ``[insertions]`` removed) after
folding typographic quotes, so "that's all there is to it" finds "That’s all there is to it".
All phrases are found in one pass over each paragraph with an Aho-Corasick automaton.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import ahocorasick
import pandas as pd

from .text import fold, normalize_ws, spoken_with_map

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
    phrase: str  # the phrase as asked
    start: int  # offsets in the spoken text
    end: int


class PhraseMatcher:
    """Find many phrases at once, whole-phrase and case-insensitive."""

    def __init__(self, phrases: Sequence[str]):
        if not phrases:
            raise PhraseError("at least one phrase is needed")
        self.phrases = list(dict.fromkeys(phrases))  # de-duplicated, order kept
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[str]] = {}
        for phrase in self.phrases:
            keys.setdefault(phrase_key(phrase), []).append(phrase)
        for key, owners in keys.items():
            self._automaton.add_word(key, (key, tuple(owners)))
        self._automaton.make_automaton()

    def find(self, spoken_text: str) -> list[Match]:
        """All whole-phrase matches in a spoken text, in order of position."""
        folded = fold(spoken_text)
        out: list[Match] = []
        for end_idx, (key, owners) in self._automaton.iter(folded):
            start = end_idx - len(key) + 1
            end = end_idx + 1
            if start > 0 and folded[start - 1].isalnum() and key[0].isalnum():
                continue
            if end < len(folded) and folded[end].isalnum() and key[-1].isalnum():
                continue
            out.extend(Match(p, start, end) for p in owners)
        out.sort(key=lambda m: (m.start, m.end, m.phrase))
        return out


def find_matches(turns: pd.DataFrame, phrases: Sequence[str], *,
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
                phrase=m.phrase,
                left=_left(display, d_start, context_chars),
                match=display[d_start:d_end],
                right=_right(display, d_end, context_chars),
                char_start=d_start,
            )
            rows.append(row)
    columns = keep + ["phrase", "left", "match", "right", "char_start"]
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


def unique(phrases: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(phrases))
