"""The matcher as it was before the persisted index (kept here as the reference the index is tested against).

Phrase matching: the one code path behind every count and every evidence row.

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
from analysis.measures.count import COUNT_COLUMNS
from analysis.measures.match import is_wildcard, phrase_key, wildcard_regex
from analysis.measures.stats import bunching, poisson_interval, share_interval, statement_interval
from analysis.selection import PERIODS
from analysis.text import fold, spoken_with_map

if TYPE_CHECKING:
    from analysis.measures.lexicon import Term

CONTEXT_CHARS = 120


@dataclass(frozen=True)
class Match:
    term: str
    form: str
    start: int
    end: int


class TextIndex:
    """Paragraph texts prepared for matching: spoken text, offset maps, one folded joined string.

    Building it is most of the cost of a query over a large corpus; :class:`analysis.corpus.Corpus`
    keeps one per selection, so repeated queries (a notebook session, a family of phrases) only
    scan.
    """

    def __init__(self, displays: list[str], spoken_maps: list[tuple[str, list[int] | None]]):
        self.displays = displays
        self.spoken_maps = spoken_maps
        spoken_texts = [sp for sp, _ in spoken_maps]
        self.n = len(spoken_texts)
        self.joined = fold("\n".join(spoken_texts))
        self.starts = np.cumsum([0] + [len(t) + 1 for t in spoken_texts[:-1]]) if spoken_texts else np.array([0])

    @classmethod
    def of_displays(cls, displays: list[str]) -> TextIndex:
        return cls(displays, [spoken_with_map(t) if "[" in t or "(" in t else (t, None) for t in displays])

    @classmethod
    def of_spoken(cls, spoken_texts: list[str]) -> TextIndex:
        return cls(spoken_texts, [(t, None) for t in spoken_texts])


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


LOW_COUNT = 5
PER = 10_000


def period_of(dates: pd.Series, doc_ids: pd.Series, by: str) -> pd.Series:
    """The period label of each row: ``2017``, ``2017-03`` or the document id."""
    if by == "year":
        return dates.dt.strftime("%Y")
    if by == "month":
        return dates.dt.strftime("%Y-%m")
    if by == "document":
        return dates.dt.strftime("%Y-%m-%d") + " " + doc_ids
    raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {by!r}")


def aggregate(
    turns: pd.DataFrame, ev: pd.DataFrame, terms: Sequence[Term], *, by: str, breakdown: bool = False
) -> pd.DataFrame:
    """Aggregate evidence rows into counts per period (the denominators come from ``turns``)."""
    turns = turns.assign(period=period_of(turns["date"], turns["doc_id"], by))
    base = turns.groupby("period").agg(documents=("doc_id", "nunique"), speaker_words=("n_words", "sum"))
    keys = ["period", "phrase", "form"] if breakdown else ["period", "phrase"]
    combos = [(t.name, f) for t in terms for f in t.patterns] if breakdown else [(t.name,) for t in terms]
    grid = pd.MultiIndex.from_tuples([(p, *c) for p in base.index for c in combos], names=keys)
    if len(ev):
        ev = ev.assign(period=period_of(ev["date"], ev["doc_id"], by))
        hits = ev.groupby(keys).agg(count=("doc_id", "size"), documents_with_match=("doc_id", "nunique"))
    else:
        hits = pd.DataFrame(columns=["count", "documents_with_match"], index=pd.MultiIndex.from_tuples([], names=keys))
    out = hits.reindex(grid, fill_value=0).reset_index()
    out = out.merge(base.reset_index(), on="period", how="left")
    out["count"] = out["count"].astype(int)
    out["documents_with_match"] = out["documents_with_match"].astype(int)
    out = out.merge(spreads(turns, ev, keys), on=keys, how="left")
    bunched = bunching(out["count"], out["speaker_words"], out["documents"], out["spread"].fillna(0.0))
    low, high = statement_interval(out["count"], bunched)
    p_low, p_high = poisson_interval(out["count"])
    words = out["speaker_words"].where(out["speaker_words"] > 0)
    out["per_10k"] = (out["count"] / words * PER).round(3)
    out["per_10k_low"] = (low / words * PER).round(3)
    out["per_10k_high"] = (high / words * PER).round(3)
    out["bunching"] = bunched.round(4)
    out["per_10k_poisson_low"] = (p_low / words * PER).round(3)
    out["per_10k_poisson_high"] = (p_high / words * PER).round(3)
    n = out["documents"]
    x = out["documents_with_match"]
    out["share_of_statements"] = (x / n.where(n > 0)).round(4)
    share_low, share_high = share_interval(x, n)
    out["share_low"], out["share_high"] = share_low.round(4), share_high.round(4)
    out["low_count"] = out["count"] < LOW_COUNT
    out = out.merge(top_statements(ev, keys), on=keys, how="left")
    out["top_statement_uses"] = out["top_statement_uses"].fillna(0).astype(int)
    out["top_statement_share"] = (out["top_statement_uses"] / out["count"].where(out["count"] > 0)).round(3).fillna(0.0)
    for col in ("top_statement", "top_statement_date", "top_statement_title"):
        out[col] = out[col].fillna("")
    # keep the order the terms (and their forms) were asked in, periods ascending
    order = {c: i for i, c in enumerate(combos)}
    out["_order"] = [order[tuple(r)] for r in out[keys[1:]].itertuples(index=False)]
    out = out.sort_values(["period", "_order"], kind="stable")
    columns = COUNT_COLUMNS[1:3] + (["form"] if breakdown else []) + COUNT_COLUMNS[3:]
    return out[columns].reset_index(drop=True)


def spreads(turns: pd.DataFrame, ev: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per key of the matches: Σ uses² / words over the statements with a use (each statement's words:
    the speaker's words in it, from ``turns``), the statements taken in corpus order."""
    if not len(ev):
        return pd.DataFrame(columns=[*keys, "spread"])
    words = turns.groupby("doc_id")["n_words"].sum()
    per_doc = ev.groupby([*keys, "doc_id"], sort=False).size().rename("uses").reset_index()
    per_doc["term"] = per_doc["uses"] ** 2 / per_doc["doc_id"].map(words)
    per_doc["_row"] = per_doc["doc_id"].map({d: i for i, d in enumerate(turns["doc_id"].drop_duplicates())})
    per_doc = per_doc.sort_values([*keys, "_row"], kind="stable")
    return per_doc.groupby(keys, sort=False)["term"].agg(lambda t: sum(t.tolist())).rename("spread").reset_index()


def top_statements(ev: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per key (period, phrase[, form]) of the matches ``ev`` (with date and title): the statement with
    the most uses (the earliest on a tie), and its uses."""
    columns = [*keys, "top_statement", "top_statement_date", "top_statement_title", "top_statement_uses"]
    if not len(ev):
        return pd.DataFrame(columns=columns)
    per_doc = (
        ev.groupby([*keys, "doc_id"], sort=False)
        .agg(top_statement_uses=("doc_id", "size"), date=("date", "first"), title=("title", "first"))
        .reset_index()
        .sort_values(
            [*keys, "top_statement_uses", "date", "doc_id"], ascending=[True] * len(keys) + [False, True, True]
        )
    )
    top = per_doc.groupby(keys, sort=False).head(1)
    top = top.assign(
        top_statement=top["doc_id"],
        top_statement_date=pd.to_datetime(top["date"]).dt.strftime("%Y-%m-%d"),
        top_statement_title=top["title"].fillna(""),
    )
    return top[columns]


def reference_counts(turns: pd.DataFrame, phrases, by: str, lexicon=None, breakdown: bool = False) -> pd.DataFrame:
    """Counts as the old ``count_phrases`` made them, from a selection's turns."""
    from analysis.measures.lexicon import resolve_terms

    terms = resolve_terms(phrases, lexicon)
    ev = find_matches(turns, terms, context_chars=0)
    return aggregate(turns, ev, terms, by=by, breakdown=breakdown)
