"""Phrase counts by period, and the evidence rows behind them, from one code path.

:func:`evidence` returns every match (one row per use, with date, title, source URL and context);
:func:`count_phrases` aggregates exactly those rows. A count can therefore always be expanded to
its quotes, and the two can never disagree.

Rates are per 10,000 of the speaker's own words in the period, shown beside the raw count, the
number of the speaker's statements in the period and a 95% interval that allows for uses bunched in
a few statements (:func:`~analysis.measures.stats.statement_interval`: the exact Poisson interval
widened by the uses' dispersion over the statements, :func:`~analysis.measures.stats.bunching`);
the exact Poisson interval stays beside it. Counts under :data:`LOW_COUNT` are flagged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from analysis.corpus import Corpus
from analysis.measures import Measure, Result
from analysis.measures.hints import hint_candidates, hints
from analysis.measures.lexicon import Lexicon, Term, family_notes, resolve_terms
from analysis.measures.lexicon import load as load_lexicon
from analysis.measures.match import Query
from analysis.measures.search import EVIDENCE_ORDER, Search, evidence_rows, first_terms, search
from analysis.measures.stats import (
    bunching,
    per_10k,
    poisson_interval,
    share_interval,
    statement_interval,
)
from analysis.params import param
from analysis.selection import PERIODS, PeriodParams, Selection, SelectionParams

if TYPE_CHECKING:
    import pandas as pd

LOW_COUNT = 5

COUNT_COLUMNS = [
    "speaker",
    "period",
    "phrase",
    "count",
    "documents",
    "speaker_words",
    "per_10k",
    "per_10k_low",
    "per_10k_high",
    "bunching",
    "per_10k_poisson_low",
    "per_10k_poisson_high",
    "documents_with_match",
    "share_of_statements",
    "share_low",
    "share_high",
    "low_count",
    "top_statement",
    "top_statement_date",
    "top_statement_title",
    "top_statement_uses",
    "top_statement_share",
]
DENOMINATORS = {  # what a journalist can chart: column, interval columns, axis label
    "words": ("per_10k", "per_10k_low", "per_10k_high", "uses per 10,000 of the speaker's words"),
    "statements": ("share_of_statements", "share_low", "share_high", "share of statements with a use"),
    "raw": ("count", None, None, "uses (raw count)"),
}


@dataclass(frozen=True)
class PhraseParams(SelectionParams):
    """What to look for in the selected words: phrases or families of the phrase lexicon."""

    phrases: list[str] = param(
        [],
        "phrases (case-insensitive, whole words; 'sanction*' for every word that starts so, '*' for any one "
        "word), or family names of the phrase lexicon",
        one="phrase",
        required=True,
    )
    phrase_lexicon: str = param("", "phrase lexicon file; empty for config/lexicons/phrases.yaml")


@dataclass(frozen=True)
class ExactParams(PhraseParams):
    """:class:`PhraseParams` of a command (``count``, ``kwic``) that may count the phrases as written
    (:func:`as_written`); a report's story counts families, and its parameters have no ``exact``."""

    exact: bool = param(False, "count the phrases as written, not as the phrase families of the same name")


@dataclass(frozen=True)
class CountParams(PeriodParams, PhraseParams):
    """:class:`PhraseParams` per period."""

    breakdown: bool = param(False, "also count each surface form of a family separately")


@dataclass(frozen=True)
class CountCommandParams(CountParams, ExactParams):
    """The ``count`` command's parameters: :class:`CountParams` and ``exact``."""


def as_written(params: PhraseParams) -> bool:
    """Whether ``params`` ask for the phrases as written (:class:`ExactParams`), not for families."""
    return bool(getattr(params, "exact", False))


def compute(corpus: Corpus, params: CountParams) -> Result:
    """The ``count`` measure: :func:`count_table` for every speaker asked for, in one pass; its quotes are
    the same search's matches (:func:`evidence`); hints name ad-hoc phrases whose prefix form is far
    more common (from the same pass); notes say which phrases are families (:func:`family_notes`)."""
    lexicon = load_lexicon(params.phrase_lexicon or None)
    selections = corpus.selections(params)
    written = as_written(params)
    hits, asked, notes = hinted(corpus, selections, params.phrases, lexicon, chars=False, exact=written)
    blocks = [tally(hits, asked, speaker=s.speaker, by=params.period, breakdown=params.breakdown) for s in selections]
    return Result(
        pa.concat_tables(blocks) if len(blocks) > 1 else blocks[0],
        quotes=lambda: evidence_frame(found(corpus, selections, params.phrases, lexicon, exact=written)[0]),
        hints=notes,
        notes=family_notes(params.phrases, asked),
        searched=[s.describe() for s in selections],
    )


MEASURE = Measure(
    "count",
    "phrase counts per period in a speaker's own words, with rates and intervals",
    CountCommandParams,
    "figN_phrase_rates.csv",
    compute,
    lean=True,
)


def period_of(dates: pd.Series, doc_ids: pd.Series, by: str) -> pd.Series:
    """The period label of each row: ``2017``, ``2017-03`` or the document id."""
    if by == "year":
        return dates.dt.strftime("%Y")
    if by == "month":
        return dates.dt.strftime("%Y-%m")
    if by == "document":
        return dates.dt.strftime("%Y-%m-%d") + " " + doc_ids
    raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {by!r}")


def periods(index, docs: np.ndarray, by: str) -> list[str]:
    """The period label of each document row of ``index.documents`` in ``docs`` (as :func:`period_of`)."""
    if by not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {by!r}")
    days = index.doc_days[docs]
    labels: dict[int, str] = {}
    out = []
    ids = index.doc_ids if by == "document" else None
    for day, doc in zip(days.tolist(), docs.tolist(), strict=True):
        if by == "document":
            out.append(f"{_iso(day)} {ids[doc].as_py()}")  # type: ignore[index]
            continue
        if day not in labels:
            iso = _iso(day)
            labels[day] = iso[:4] if by == "year" else iso[:7]
        out.append(labels[day])
    return out


def _iso(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def found(
    corpus: Corpus,
    selections: Sequence[Selection],
    phrases: Sequence,
    lexicon: Lexicon | None = None,
    *,
    chars: bool = True,
    exact: bool = False,
):
    """The index search behind counts and quotes: every selection's speaker searched in one pass (with
    ``exact``, every phrase as written: :func:`~analysis.measures.lexicon.resolve_terms`)."""
    terms = resolve_terms(phrases, lexicon, exact=exact)
    first = selections[0]
    speakers = [corpus.resolve_speaker(s.speaker) for s in selections]
    query = Query(terms)
    return search(corpus.index, corpus.scope(first, speakers=speakers), query, chars=chars), terms


def evidence(
    corpus: Corpus, selection: Selection, phrases: Sequence, *, lexicon: Lexicon | None = None
) -> pd.DataFrame:
    """Every match of ``phrases`` (family names or phrases) in the selection's words, oldest first."""
    hits, _ = found(corpus, [selection], phrases, lexicon)
    return evidence_frame(hits)


def evidence_in(index, scope, phrases: Sequence, *, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """:func:`evidence` for the words of an index scope (a side of a comparison, say)."""
    return evidence_frame(search(index, scope, Query(resolve_terms(phrases, lexicon))))


def evidence_frame(hits: Search) -> pd.DataFrame:
    """The quotes of a search as a DataFrame, oldest first (then by document, paragraph, position)."""
    import pandas as pd

    ev = evidence_rows(hits).to_pandas()
    ev["date"] = pd.to_datetime(ev["date"])
    return ev.sort_values(EVIDENCE_ORDER, kind="stable").reset_index(drop=True)


def count_phrases(
    corpus: Corpus,
    selection: Selection,
    phrases: Sequence[str],
    *,
    lexicon: Lexicon | None = None,
    breakdown: bool = False,
) -> pd.DataFrame:
    """One row per period (``selection.period``) and phrase: count, statements, speaker's words and rates.

    The ``speaker`` column names whose words they are (the selection's speaker, canonical).

    ``phrases`` may name families from the phrase lexicon; their rows carry the family name, and
    with ``breakdown=True`` there is one row per surface form too (column ``form``). Every period
    in which the speaker has words appears, with zero counts where a phrase is absent.
    """
    return count_table(corpus, [selection], phrases, lexicon=lexicon, breakdown=breakdown).to_pandas()


def count_table(
    corpus: Corpus,
    selections: Sequence[Selection],
    phrases: Sequence[str],
    *,
    lexicon: Lexicon | None = None,
    breakdown: bool = False,
) -> pa.Table:
    """:func:`count_phrases` for several selections (the same but for the speaker) in one pass over the
    index: a block of rows per speaker, in the order asked."""
    hits, terms = found(corpus, selections, phrases, lexicon, chars=False)
    by = selections[0].period
    speakers = [corpus.resolve_speaker(s.speaker) for s in selections]
    blocks = [tally(hits, terms, speaker=s, by=by, breakdown=breakdown) for s in speakers]
    return pa.concat_tables(blocks) if len(blocks) > 1 else blocks[0]


def tally(found: Search, terms: Sequence[Term], *, speaker: str, by: str, breakdown: bool = False) -> pa.Table:
    """The count rows of one speaker of a search: per period (every period with his words) and term
    (or term and form): uses, statements, words, rates with intervals, share of statements, and the
    statement with most uses. Every number adds up the search's matches."""
    code = found.speakers.index(speaker) if speaker in found.speakers else -2
    mine = np.flatnonzero(found.par_speaker == code)
    index = found.index
    labels, par_code = _period_codes(found, by)
    mine_codes = par_code[mine]
    present = np.unique(mine_codes)
    names_sorted = [labels[c] for c in present.tolist()]  # the labels sort as their codes do
    local = np.full(len(labels) + 1, -1, dtype=np.int64)
    local[present] = np.arange(len(present))
    par_period = np.full(len(found.par_doc), -1, dtype=np.int64)  # each paragraph's period (-1: not his)
    par_period[mine] = local[mine_codes]
    word_sums = np.bincount(par_period[mine], weights=found.par_words[mine], minlength=len(present))
    doc_words = np.bincount(found.par_doc[mine], weights=found.par_words[mine], minlength=len(index.doc_ids))
    pairs = np.unique(par_period[mine] * (len(index.doc_ids) + 1) + found.par_doc[mine])
    doc_counts = np.bincount(pairs // (len(index.doc_ids) + 1), minlength=len(present))
    words = {name: int(w) for name, w in zip(names_sorted, word_sums.tolist(), strict=True)}
    docs = {name: int(n) for name, n in zip(names_sorted, doc_counts.tolist(), strict=True)}
    combos = [(t.name, f) for t in terms for f in t.patterns] if breakdown else [(t.name,) for t in terms]
    order = {c: i for i, c in enumerate(combos)}
    forms = [p.form for p in found.query.patterns] if found.query else []
    names = [t.name for t in terms]
    uses: dict[tuple, dict[int, int]] = {}  # (period, combo) -> {doc: uses}
    his = np.flatnonzero(par_period[found.hit_par] >= 0)
    for p, t, f in zip(*(a[his].tolist() for a in (found.hit_par, found.hit_term, found.hit_pattern)), strict=True):
        combo = (names[t], forms[f]) if breakdown else (names[t],)
        per_doc = uses.setdefault((names_sorted[par_period[p]], combo), {})
        doc = int(found.par_doc[p])
        per_doc[doc] = per_doc.get(doc, 0) + 1
    rows = [(per, c) for per in sorted(words) for c in sorted(combos, key=order.__getitem__)]
    count = np.array([sum(uses.get(r, {}).values()) for r in rows], dtype=np.int64)
    n_docs = np.array([docs[per] for per, _ in rows], dtype=np.int64)
    n_words = np.array([words[per] for per, _ in rows], dtype=np.int64)
    with_use = np.array([len(uses.get(r, {})) for r in rows], dtype=np.int64)
    top = [_top(uses.get(r, {}), index) for r in rows]
    spread = np.array(  # Σ uses² / words over the cell's statements, in statement order (the explorer's too)
        [sum(u * u / doc_words[d] for d, u in sorted(uses.get(r, {}).items())) for r in rows], dtype=float
    )
    bunched = bunching(count, n_words, n_docs, spread)
    low, high = statement_interval(count, bunched)
    p_low, p_high = poisson_interval(count)
    per_words = np.where(n_words > 0, n_words, np.nan)
    share_low, share_high = share_interval(with_use, n_docs)
    top_uses = np.array([t[3] for t in top], dtype=np.int64)
    columns = {
        "speaker": pa.array([speaker] * len(rows), pa.string()),
        "period": pa.array([per for per, _ in rows], pa.string()),
        "phrase": pa.array([c[0] for _, c in rows], pa.string()),
    }
    if breakdown:
        columns["form"] = pa.array([c[1] for _, c in rows], pa.string())
    columns |= {
        "count": count,
        "documents": n_docs,
        "speaker_words": n_words,
        "per_10k": np.round(per_10k(count, per_words), 3),
        "per_10k_low": np.round(per_10k(low, per_words), 3),
        "per_10k_high": np.round(per_10k(high, per_words), 3),
        "bunching": pa.array(np.round(bunched, 4), mask=np.isnan(bunched)),  # empty without uses
        "per_10k_poisson_low": np.round(per_10k(p_low, per_words), 3),
        "per_10k_poisson_high": np.round(per_10k(p_high, per_words), 3),
        "documents_with_match": with_use,
        "share_of_statements": np.round(with_use / np.where(n_docs > 0, n_docs, np.nan), 4),
        "share_low": np.round(share_low, 4),
        "share_high": np.round(share_high, 4),
        "low_count": count < LOW_COUNT,
        "top_statement": pa.array([t[0] for t in top], pa.string()),
        "top_statement_date": pa.array([t[1] for t in top], pa.string()),
        "top_statement_title": pa.array([t[2] for t in top], pa.string()),
        "top_statement_uses": top_uses,
        "top_statement_share": np.nan_to_num(np.round(top_uses / np.where(count > 0, count, np.nan), 3), nan=0.0),
    }
    return pa.table(columns)


def _period_codes(found: Search, by: str) -> tuple[list[str], np.ndarray]:
    """The period labels of a search's paragraphs, sorted, and each paragraph's code into them (made
    once per search and period: a group of speakers shares them)."""
    key = ("periods", by)
    if key not in found.memo:
        unique_docs, doc_of = np.unique(found.par_doc, return_inverse=True)
        doc_labels = periods(found.index, unique_docs, by)
        labels = sorted(set(doc_labels))
        code = {label: i for i, label in enumerate(labels)}
        doc_codes = np.array([code[x] for x in doc_labels], dtype=np.int64)
        found.memo[key] = (labels, doc_codes[doc_of] if len(doc_of) else np.zeros(0, dtype=np.int64))
    return found.memo[key]


def _top(per_doc: dict[int, int], index) -> tuple[str, str, str, int]:
    """The statement with most uses (the earliest, then the first by id, on a tie): id, date, title, uses."""
    if not per_doc:
        return ("", "", "", 0)
    best = min(per_doc, key=lambda d: (-per_doc[d], int(index.doc_days[d]), index.doc_ids[d].as_py()))
    title = index.documents["title"][best].as_py() or ""
    return (index.doc_ids[best].as_py(), _iso(int(index.doc_days[best])), title, per_doc[best])


def smooth(counts: pd.DataFrame, periods: int, column: str = "per_10k") -> pd.DataFrame:
    """Add ``<column>_smoothed``: a centred rolling mean over ``periods`` periods, per phrase.

    Only on request (reports show raw rates by default); ``periods`` < 2 returns the table as is.
    """
    if periods < 2:
        return counts
    if periods > 50:
        raise ValueError(f"smoothing window of {periods} periods is too wide (at most 50)")
    out = counts.copy()
    out[f"{column}_smoothed"] = (
        out.groupby("phrase", sort=False)[column]
        .transform(lambda s: s.rolling(periods, center=True, min_periods=1).mean())
        .round(3)
    )
    return out


def hinted(
    corpus: Corpus,
    selections: Sequence[Selection],
    phrases: Sequence[str],
    lexicon: Lexicon,
    *,
    chars: bool = True,
    exact: bool = False,
) -> tuple[Search, list[Term], list[str]]:
    """:func:`found` for ``phrases`` and, in the same pass, the prefix form of each ad-hoc one (``Nazi*``):
    the matches of the phrases asked, their terms, and the hints the prefix forms' uses call for
    (:func:`analysis.measures.hints.hints`)."""
    wider = _candidates(phrases, lexicon, exact)
    hits, terms = found(corpus, selections, [*phrases, *(f"{p}*" for p in wider)], lexicon, chars=chars, exact=exact)
    notes = hints(hits, terms, wider, lambda more: found(corpus, selections, more, lexicon, exact=exact)[0])
    asked = terms[: len(terms) - len(wider)]
    return first_terms(hits, len(asked)), asked, notes


def _candidates(phrases: Sequence[str], lexicon: Lexicon, exact: bool) -> list[str]:
    """The ad-hoc phrases a hint may be about (:func:`~analysis.measures.hints.hint_candidates`): with
    ``exact``, family names too (they are counted as written)."""
    return hint_candidates(phrases, replace(lexicon, entries=()) if exact else lexicon)
