"""Phrase matching on the persisted index: the one code path behind every count and every quote.

A term is a family of patterns (see :mod:`analysis.measures.lexicon`) or one phrase. Patterns are
matched case-insensitively, as whole phrases (a match may not start or end inside a word), in the
*spoken* text of a paragraph (translator's ``[insertions]`` and stage directions removed), folded
(typographic quotes and dashes as ASCII), so "that's all there is to it" finds "That’s all there is
to it".

On the index a paragraph is a sequence of tokens, runs of letters or digits (atoms) and runs of
anything else (separators) (:mod:`analysis.tokens`). A literal pattern is tokenized the same way; it
occurs where its atoms and inner separators occur in sequence, and where its leading (trailing)
separator, if it has one, ends (begins) the separator before (after) them: exactly the places where
its text occurs with no letter or digit on either side. Those positions are found with NumPy on the
token ids of the selected paragraphs. A pattern with ``*`` (one word) or ``word*`` (a prefix) is a
regular expression: the index gives the paragraphs that hold its fixed words (or a word with its
prefix), and the expression runs on those paragraphs' text only.

Within a term, overlapping matches count once (the earliest, then the longest); different terms may
overlap ("all there is" and "there is to it" both in "all there is to it").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from analysis import tokens as tk
from analysis.errors import PhraseError
from analysis.text import fold, normalize_ws

if TYPE_CHECKING:
    from analysis.index import PartIndex
    from analysis.measures.lexicon import Term

CONTEXT_CHARS = 120
MAX_PHRASE_CHARS = 300
_WORD = r"[^\W_]+(?:['\-][^\W_]+)*"


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


@dataclass(frozen=True)
class Pattern:
    """One surface form of a term, compiled: its core tokens (atom first and last), the separator it
    must end or begin with, or, for a wildcard, its expression and the atoms it needs."""

    term: int  # the term's position in the query
    form: str
    core: tuple[str, ...] = ()
    lead: str = ""
    trail: str = ""
    regex: re.Pattern | None = None
    needs: tuple[str, ...] = ()  # atoms a paragraph must hold (wildcards)
    prefixes: tuple[str, ...] = ()  # and an atom starting with each of these
    prefix_last: bool = False  # the last core atom is a prefix ("sanction*"): matched on tokens

    @classmethod
    def compile(cls, term: int, form: str) -> Pattern:
        key = phrase_key(form)
        words = key.split(" ")
        if words[-1].endswith("*") and words[-1][:-1][-1:].isalnum() and not is_wildcard(key[:-1]):
            toks = tk.split(key[:-1])  # "our partner*": the phrase, its last word a prefix
            lead = toks.pop(0) if not tk.is_atom(toks[0]) else ""
            return cls(term, form, core=tuple(toks), lead=lead, prefix_last=True)
        if is_wildcard(form):
            needs, prefixes = [], []
            for word in phrase_key(form).split(" "):
                if word == "*":
                    continue
                atoms = [t for t in tk.split(word.rstrip("*")) if tk.is_atom(t)]
                if word.endswith("*") and atoms and word.rstrip("*")[-1:].isalnum():
                    prefixes.append(atoms.pop())
                needs += atoms
            return cls(term, form, regex=wildcard_regex(form), needs=tuple(needs), prefixes=tuple(prefixes))
        toks = tk.split(phrase_key(form))
        lead = toks.pop(0) if not tk.is_atom(toks[0]) else ""
        trail = toks.pop() if not tk.is_atom(toks[-1]) else ""
        return cls(term, form, core=tuple(toks), lead=lead, trail=trail)


class Query:
    """Terms compiled once, matched part by part."""

    def __init__(self, terms: Sequence[Term | str]):
        from analysis.measures.lexicon import Term

        if not terms:
            raise PhraseError("at least one phrase is needed")
        listed = [t if isinstance(t, Term) else Term(t, (t,)) for t in terms]
        self.terms = list({t.name: t for t in listed}.values())
        self.patterns: list[Pattern] = []
        for i, term in enumerate(self.terms):
            if not term.patterns:
                raise PhraseError(f"{term.name!r} has no patterns")
            self.patterns += [Pattern.compile(i, p) for p in term.patterns]
        exact = [p.core[:-1] if p.prefix_last else p.core for p in self.patterns]
        self.tokens = sorted({t for p, core in zip(self.patterns, exact, strict=True) for t in (*core, *p.needs)})
        self.tokens += [t for t in _JOINERS if t not in self.tokens]

    @property
    def by_tokens(self) -> bool:
        """True when matches can be told apart by token positions alone (no wildcard, no pattern that
        begins or ends inside a separator): a count then needs no character offsets."""
        return all(p.regex is None and not p.lead and not p.trail for p in self.patterns)

    def match(self, part: PartIndex, rows: np.ndarray, *, chars: bool = True) -> Hits:
        """Every match in ``rows`` of ``part``, overlaps within a term resolved, in row and position order.

        Spans are character offsets in the paragraph's spoken, folded text; with ``chars=False`` (and a
        query :attr:`by_tokens`) token offsets instead, which order and overlap the same way."""
        ctx = _Context(part, rows, self.tokens, chars=chars or not self.by_tokens)
        raw = [_literal(ctx, p) if p.regex is None else _wildcard(ctx, p) for p in self.patterns]
        return _resolve(raw, self.patterns, [t.name for t in self.terms])


class _Context:
    """What every pattern's search in one part shares: the selected rows, and the ids of the patterns'
    tokens in the part's vocabulary (looked up once)."""

    def __init__(self, part: PartIndex, rows: np.ndarray, tokens: list[str], *, chars: bool = True) -> None:
        self.part, self.rows, self.chars = part, rows, chars
        self.selected = np.zeros(part.n + 1, dtype=bool)
        self.selected[rows] = True
        self.ids = dict(zip(tokens, part.token_ids(tokens), strict=True))

    def chars_before(self, rows: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Characters of the tokens of each ``rows[i]`` before token ``positions[i]`` (summed over the
        matched paragraphs' tokens only)."""
        part = self.part
        unique, which = np.unique(rows, return_inverse=True)
        starts = part.offsets[unique]
        lengths = part.offsets[unique + 1] - starts
        base = np.cumsum(lengths) - lengths
        within = np.arange(int(lengths.sum())) - np.repeat(base, lengths)
        chars = part.char_lengths[part.values[np.repeat(starts, lengths) + within]]
        cumulative = np.concatenate([[0], np.cumsum(chars)])
        at = base[which] + (positions - starts[which])
        return cumulative[at] - cumulative[base[which]]

    def rows_with(self, candidates: np.ndarray, ids) -> np.ndarray:
        """The rows among ``candidates`` that hold one of the token ``ids``."""
        positions = np.concatenate([self.part.positions(i) for i in ids]) if len(ids) else np.zeros(0, np.int64)
        return np.intersect1d(candidates, self.part.rows_of(positions))


@dataclass
class Hits:
    """Matches in one part: paragraph row, term, form (pattern index), and the span in the paragraph's
    spoken, folded text (character offsets)."""

    row: np.ndarray
    term: np.ndarray
    pattern: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.row)


_EMPTY = np.zeros(0, dtype=np.int64)
_JOINERS = ("'", "-")  # a prefix's word goes on across these ("nazi-era", "partners'"), as the regex's does


def _literal(ctx: _Context, p: Pattern):
    part = ctx.part
    k = len(p.core)
    ids = [ctx.ids[t] for t in (p.core[:-1] if p.prefix_last else p.core)]
    prefix = part.prefix_ids(p.core[-1]) if p.prefix_last else None
    if (ids and min(ids) < 0) or (prefix is not None and not len(prefix)):
        return (_EMPTY, _EMPTY, _EMPTY)
    values = part.values
    # anchor on the rarest atom of the phrase: its positions come from the postings, no scan
    exact = range(0, len(ids), 2)
    if len(exact):
        anchor = min(exact, key=lambda j: part.frequency(ids[j]))
        pos = part.positions(ids[anchor]) - anchor
    else:  # a prefix alone: the positions of every word it begins
        anchor = k - 1
        pos = np.sort(np.concatenate([part.positions(i) for i in prefix])) - anchor  # type: ignore[union-attr]
    pos = pos[(pos >= 0) & (pos + k <= len(values))]
    for j in range(len(ids)):
        if j != anchor and len(pos):
            pos = pos[values[pos + j] == ids[j]]
    if prefix is not None and len(pos):
        v = values[pos + k - 1]
        pos = pos[(v >= prefix.start) & (v < prefix.stop)]
    row = part.rows_of(pos)
    ok = (part.rows_of(pos + k - 1) == row) & ctx.selected[row]  # within one selected paragraph
    pos, row = pos[ok], row[ok]
    end = pos + k
    if prefix is not None and len(pos):
        end = _joined(ctx, end, part.offsets[row + 1])
    first, last = part.offsets[row], part.offsets[row + 1]
    if p.lead:  # the separator before the match must end with the pattern's leading one
        ok = pos > first
        ok[ok] = part.ends_with(p.lead)[values[pos[ok] - 1]]
        pos, row, first, last, end = pos[ok], row[ok], first[ok], last[ok], end[ok]
    if p.trail:  # the separator after it must begin with the pattern's trailing one
        ok = pos + k < last
        ok[ok] = _starts_with(part, p.trail)[values[pos[ok] + k]]
        pos, row, end = pos[ok], row[ok], end[ok]
    if not len(pos):
        return (_EMPTY, _EMPTY, _EMPTY)
    if not ctx.chars:
        start = pos - part.offsets[row]
        return (row.astype(np.int64), start, start + (end - pos))
    start = ctx.chars_before(row, pos)
    stop = ctx.chars_before(row, end)
    return (row.astype(np.int64), start - len(p.lead), stop + len(p.trail))


def _joined(ctx: _Context, end: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """The ends of prefix matches carried over every apostrophe or hyphen followed by a word, within
    the paragraph (``limit``: the first token after it)."""
    part, values = ctx.part, ctx.part.values
    joiners = [ctx.ids[t] for t in _JOINERS if ctx.ids[t] >= 0]
    if not joiners:
        return end
    while True:
        go = end + 1 < limit
        go[go] = np.isin(values[end[go]], joiners)
        if go.any():  # and a word after the joiner (its first character a letter or digit)
            after = values[end[go] + 1]
            go[go] = [part.vocab[int(i)].as_py()[:1].isalnum() for i in after]
        if not go.any():
            return end
        end = end + 2 * go


def _starts_with(part: PartIndex, text: str) -> np.ndarray:
    mask = np.zeros(len(part.vocab), dtype=bool)
    ids = part.prefix_ids(text)
    mask[ids.start : ids.stop] = True
    return mask


def _wildcard(ctx: _Context, p: Pattern):
    assert p.regex is not None
    part, candidates = ctx.part, ctx.rows
    for atom in p.needs:
        if ctx.ids[atom] < 0:
            return (_EMPTY, _EMPTY, _EMPTY)
        candidates = ctx.rows_with(candidates, [ctx.ids[atom]])
    for prefix in p.prefixes:
        ids = part.prefix_ids(prefix)
        if not len(ids):
            return (_EMPTY, _EMPTY, _EMPTY)
        candidates = ctx.rows_with(candidates, ids)
    out_row, out_start, out_end = [], [], []
    for row, text in zip(candidates.tolist(), part.text(candidates), strict=True):
        for m in p.regex.finditer(text):
            out_row.append(row)
            out_start.append(m.start())
            out_end.append(m.end())
    return (np.array(out_row, dtype=np.int64), np.array(out_start, dtype=np.int64), np.array(out_end, dtype=np.int64))


def _resolve(raw: list[tuple[np.ndarray, np.ndarray, np.ndarray]], patterns: list[Pattern], names: list[str]) -> Hits:
    """Per term, the earliest then longest of overlapping matches (then the form first by its text), and
    the matches ordered by paragraph, position, end and term name."""
    row, start, end = (np.concatenate([r[i] for r in raw]) for i in range(3))
    pat = np.concatenate([np.full(len(r[0]), i, dtype=np.int64) for i, r in enumerate(raw)])
    term = np.array([p.term for p in patterns], dtype=np.int64)[pat]
    if not len(row):
        return Hits(row, term, pat, start, end)
    form_rank = _ranks([p.form for p in patterns])[pat]
    order = np.lexsort((form_rank, -(end - start), start, row, term))
    t, r, s, e = term[order], row[order], start[order], end[order]
    # sorted so (by start within a term and paragraph), if any two matches overlap, two neighbours do
    clash = (t[1:] == t[:-1]) & (r[1:] == r[:-1]) & (s[1:] < e[:-1])
    keep = np.ones(len(row), dtype=bool)
    if clash.any():  # the greedy choice, match by match, only where two overlap
        keep[:] = False
        last: dict[tuple[int, int], int] = {}
        for i in order.tolist():
            key = (int(term[i]), int(row[i]))
            if start[i] < last.get(key, -1):
                continue  # overlaps a longer or earlier form of the same term
            last[key] = int(end[i])
            keep[i] = True
    row, term, pat, start, end = row[keep], term[keep], pat[keep], start[keep], end[keep]
    order = np.lexsort((_ranks(names)[term], end, start, row))
    return Hits(row[order], term[order], pat[order], start[order], end[order])


def _ranks(keys: list[str]) -> np.ndarray:
    """Each key's rank in sorted order (ties keep their order)."""
    ranked = sorted(range(len(keys)), key=lambda i: keys[i])
    ranks = np.empty(len(keys), dtype=np.int64)
    ranks[ranked] = np.arange(len(keys))
    return ranks


# --- paragraphs given as text, not from a corpus ------------------------------------------------


@dataclass(frozen=True)
class Match:
    term: str  # the family or phrase as asked
    form: str  # the pattern (surface form) that matched
    start: int  # offsets in the spoken, folded text
    end: int


class PhraseMatcher:
    """The matcher for texts at hand (a sentence, a notebook's own strings): the same :class:`Query`,
    on an index of the texts made in memory."""

    def __init__(self, terms: Sequence[Term | str]):
        self.query = Query(terms)

    def find(self, text: str) -> list[Match]:
        """All whole-phrase matches in one display text, in order of position."""
        from analysis.index import PartIndex

        part = PartIndex.of_texts([text])
        hits = self.query.match(part, np.arange(part.n))
        terms, forms = self.query.terms, self.query.patterns
        return [
            Match(terms[t].name, forms[f].form, s, e)
            for t, f, s, e in zip(
                hits.term.tolist(), hits.pattern.tolist(), hits.start.tolist(), hits.end.tolist(), strict=True
            )
        ]
