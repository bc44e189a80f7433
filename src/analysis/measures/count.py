"""Phrase counts by period, and the evidence rows behind them, from one code path.

:func:`evidence` returns every match (one row per use, with date, title, source URL and context);
:func:`count_phrases` aggregates exactly those rows. A count can therefore always be expanded to
its quotes, and the two can never disagree.

Rates are per 10,000 of the speaker's own words in the period, shown beside the raw count, the
number of the speaker's statements in the period and an exact (Garwood) 95% Poisson interval;
counts under :data:`LOW_COUNT` are flagged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from analysis.corpus import Corpus
from analysis.measures.lexicon import Lexicon, Term, resolve_terms
from analysis.measures.lexicon import load as load_lexicon
from analysis.measures.match import find_matches
from analysis.measures.stats import poisson_interval, share_interval
from analysis.selection import PERIODS, Selection

LOW_COUNT = 5
PER = 10_000

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
CONCENTRATED = 0.5  # more than this share of a period's uses in one statement: said in findings
DENOMINATORS = {  # what a journalist can chart: column, interval columns, axis label
    "words": ("per_10k", "per_10k_low", "per_10k_high", "uses per 10,000 of the speaker's words"),
    "statements": ("share_of_statements", "share_low", "share_high", "share of statements with a use"),
    "raw": ("count", None, None, "uses (raw count)"),
}


def period_of(dates: pd.Series, doc_ids: pd.Series, by: str) -> pd.Series:
    """The period label of each row: ``2017``, ``2017-03`` or the document id."""
    if by == "year":
        return dates.dt.strftime("%Y")
    if by == "month":
        return dates.dt.strftime("%Y-%m")
    if by == "document":
        return dates.dt.strftime("%Y-%m-%d") + " " + doc_ids
    raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {by!r}")


def evidence(
    corpus: Corpus, selection: Selection, phrases: Sequence[str], *, lexicon: Lexicon | None = None
) -> pd.DataFrame:
    """Every match of ``phrases`` (family names or phrases) in the selection's words, oldest first."""
    sel = corpus.select(selection)
    ev = find_matches(sel.turns, resolve_terms(phrases, lexicon), index=sel.index)
    return ev.sort_values(["date", "doc_id", "para_no", "char_start", "phrase"], kind="stable").reset_index(drop=True)


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
    terms = resolve_terms(phrases, lexicon)
    sel = corpus.select(selection)
    ev = find_matches(sel.turns, terms, index=sel.index, context_chars=0)  # the evidence rows, without quotes
    out = aggregate(sel.turns, ev, terms, by=selection.period, breakdown=breakdown)
    out.insert(0, "speaker", sel.speaker)
    return out


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
    low, high = poisson_interval(out["count"])
    words = out["speaker_words"].where(out["speaker_words"] > 0)
    out["per_10k"] = (out["count"] / words * PER).round(3)
    out["per_10k_low"] = (low / words * PER).round(3)
    out["per_10k_high"] = (high / words * PER).round(3)
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


def words_by_period(corpus: Corpus, selection: Selection) -> pd.DataFrame:
    """The speaker's statements and words per period (``selection.period``): the corpus at a glance."""
    turns = corpus.select(selection).turns
    by = selection.period
    turns = turns.assign(period=period_of(turns["date"], turns["doc_id"], by))
    return turns.groupby("period").agg(documents=("doc_id", "nunique"), speaker_words=("n_words", "sum")).reset_index()


INFLECTION_RATIO = 1.5  # a prefix form with at least this many times the uses (and 5 more) is worth a hint


def inflection_hints(
    corpus: Corpus, selections: Sequence[Selection], phrases: Sequence[str], *, lexicon: Lexicon | None = None
) -> list[str]:
    """A sentence for each ad-hoc phrase whose last word, as a prefix (``Nazi*``), has many more uses
    than the phrase itself in the same words: "“Nazi”: 24 uses; “Nazi*”: 53 (nazis 20, nazism 9, …)".
    Families and phrases that already end in ``*`` get none."""
    asked = [p for p in dict.fromkeys(phrases) if isinstance(p, str) and p.strip()]
    lexicon = lexicon if lexicon is not None else load_lexicon()
    asked = [p for p in asked if lexicon.get(p) is None]
    asked = [p for p in asked if re.fullmatch(r"[^\W\d_]{2,}", p.split()[-1])]
    hints = []
    for phrase in asked:
        wider = f"{phrase}*"
        exact = wide = 0
        forms: Counter[str] = Counter()
        for selection in selections:
            sel = corpus.select(selection)
            terms = resolve_terms([phrase, wider], lexicon)
            ev = find_matches(sel.turns, terms, index=sel.index, context_chars=0)
            exact += int((ev["phrase"] == phrase).sum())
            got = ev[ev["phrase"] == wider]
            wide += len(got)
            forms.update(m.lower() for m in got["match"])
        if wide >= max(exact * INFLECTION_RATIO, exact + 5):
            others = [f"{f} {n:,}" for f, n in forms.most_common() if f != phrase.lower()][:4]
            hints.append(
                f"“{phrase}”: {exact:,} use{'s' if exact != 1 else ''}; “{wider}”: {wide:,} "
                f"({', '.join(others)}{', …' if len(forms) > len(others) + 1 else ''}): "
                f"ask for “{wider}” to count every word that starts so"
            )
    return hints
