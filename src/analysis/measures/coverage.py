"""What a corpus holds of a speaker: statements and words per period, the sources they come from, and
the gaps, so that every rate can be read against the words behind it.

* :func:`coverage_of` – one row per side, speaker and period between his first and last (periods with
  none of his words included, as zeros), with the sources of those words and whether there are enough
  of them for a rate (:func:`enough`, the reports' one rule for small numbers);
* :func:`gaps` – the runs of consecutive periods with none, or too few, of a speaker's words;
* :func:`sides` – per side: statements, words, first and last date, and the words from each source.

The collections are what their publishers chose to publish: a year without statements here is a year
the corpus does not hold, not a year the speaker was silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.corpus import Corpus
from analysis.measures import Measure, Result
from analysis.measures.search import paragraphs, search
from analysis.selection import PeriodParams, Scope, SelectionParams

#: Below this many of the speaker's words a period's rate is not drawn, ranked or quoted: its interval
#: would be the tallest thing on a chart and draw the eye to the least-measured period.
MIN_PERIOD_WORDS = 5_000
#: The same floor for one statement (``period: document``): a statement is shorter than a year.
MIN_STATEMENT_WORDS = 1_000

COLUMNS = [
    "side",
    "speaker",
    "period",
    "documents",
    "words",
    "enough_words",
    "sources",
    "source_words",
    "first_date",
    "last_date",
]

TEXT = ["sources", "source_words", "first_date", "last_date"]


def floor(periods) -> int:
    """The words a period needs for a rate: :data:`MIN_STATEMENT_WORDS` when the periods are statements
    (``2017-03-05 kremlin-1``), :data:`MIN_PERIOD_WORDS` otherwise."""
    labels = pd.Series([str(p) for p in periods], dtype=object)
    return MIN_STATEMENT_WORDS if labels.str.contains(" ").any() else MIN_PERIOD_WORDS


def enough(rows: pd.DataFrame, words: str = "speaker_words") -> pd.DataFrame:
    """The rows whose period has enough of the speaker's words (column ``words``) for a rate to be drawn,
    ranked or quoted (:func:`floor`): the reports' one rule for small numbers."""
    if words not in rows.columns or rows.empty:
        return rows
    return rows[rows[words] >= floor(rows["period"])]


@dataclass(frozen=True)
class CoverageParams(PeriodParams, SelectionParams):
    """Whose words, and per which period, to account for."""


def compute(corpus: Corpus, params: CoverageParams) -> Result:
    """The ``coverage`` measure: :func:`coverage_of` each speaker asked for (a group's members each)."""
    selections = corpus.selections(params)
    scopes = {s.speaker: corpus.scope(s) for s in selections}
    return Result(coverage_of(corpus, scopes, by=params.period), searched=[s.describe() for s in selections])


MEASURE = Measure(
    "coverage",
    "a speaker's statements and words per period, their sources, and the periods with none or too few",
    CoverageParams,
    "coverage.csv",
    compute,
)


def coverage_of(corpus: Corpus, scopes: Mapping[str, Scope], *, by: str = "year") -> pd.DataFrame:
    """Per side (``scopes``: label → the words it reads), speaker and period: the speaker's statements and
    words, whether they are enough for a rate, the sources they come from (most words first, ``; ``
    between) with his words from each (``source_words``, in the same order), and the first and last
    date. Between a speaker's first and last period every year (or month) is listed, those without his
    words as zeros; ``period="document"`` lists his statements."""
    from analysis.measures.count import period_of

    out = []
    for side, scope in scopes.items():
        turns = paragraphs(search(corpus.index, scope, None))
        if turns.empty:
            continue
        turns = turns.assign(period=period_of(turns["date"], turns["doc_id"], by))
        for speaker, mine in turns.groupby("speaker", sort=True):
            rows = _periods(mine)
            if by != "document":
                rows = rows.reindex(_every(rows.index, by))
                rows = rows.fillna({"documents": 0, "words": 0} | dict.fromkeys(TEXT, ""))
            out.append(rows.rename_axis("period").reset_index().assign(side=side, speaker=speaker))
    if not out:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    cov = pd.concat(out, ignore_index=True)
    cov["enough_words"] = cov["words"] >= floor(cov["period"])
    return cov[COLUMNS].astype({"documents": "int64", "words": "int64"})


def _periods(turns: pd.DataFrame) -> pd.DataFrame:
    """One speaker's paragraphs summed per period."""
    by_source = turns.groupby(["period", "source"], sort=True)["n_words"].sum().reset_index()
    by_source = by_source.sort_values(["period", "n_words", "source"], ascending=[True, False, True], kind="stable")
    grouped = turns.groupby("period", sort=True)
    return pd.DataFrame(
        {
            "documents": grouped["doc_id"].nunique(),
            "words": grouped["n_words"].sum(),
            "sources": by_source.groupby("period", sort=True)["source"].agg("; ".join),
            "source_words": by_source.groupby("period", sort=True)["n_words"].agg(lambda w: "; ".join(map(str, w))),
            "first_date": grouped["date"].min().dt.strftime("%Y-%m-%d"),
            "last_date": grouped["date"].max().dt.strftime("%Y-%m-%d"),
        }
    ).astype(dict.fromkeys(TEXT, object))


def _every(labels: pd.Index, by: str) -> list[str]:
    """Every year (``2012``) or month (``2012-12``) from the first label to the last."""
    first, last = min(labels), max(labels)
    if by == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    months = pd.period_range(first, last, freq="M")
    return [p.strftime("%Y-%m") for p in months]


def load(path) -> pd.DataFrame:
    """A published ``coverage.csv`` read back as :func:`coverage_of` made it (text stays text)."""
    text = dict.fromkeys(["side", "speaker", "period", *TEXT], str)
    return pd.read_csv(path, dtype=text, keep_default_na=False)


def by_side(cov: pd.DataFrame) -> pd.DataFrame:
    """``cov`` (:func:`coverage_of`) with a side's speakers added up per period (``speaker`` is the side):
    what a side's rates rest on. Statements are counted once per speaker in them."""
    if cov.empty or cov.groupby("side")["speaker"].nunique().max() == 1:
        return cov.assign(speaker=cov["side"]) if not cov.empty else cov
    rows = []
    for (side, period), mine in cov.groupby(["side", "period"], sort=False):
        per_source: dict[str, int] = {}
        for names, words in zip(mine["sources"], mine["source_words"], strict=True):
            for name, n in zip(str(names).split("; "), str(words).split("; "), strict=True):
                if name:
                    per_source[name] = per_source.get(name, 0) + int(n)
        ranked = sorted(per_source, key=lambda s: (-per_source[s], s))
        dated = mine[mine["documents"] > 0]
        rows.append(
            {
                "side": side,
                "speaker": side,
                "period": period,
                "documents": int(mine["documents"].sum()),
                "words": int(mine["words"].sum()),
                "sources": "; ".join(ranked),
                "source_words": "; ".join(str(per_source[s]) for s in ranked),
                "first_date": min(dated["first_date"], default=""),
                "last_date": max(dated["last_date"], default=""),
            }
        )
    out = pd.DataFrame(rows).sort_values(["side", "period"], key=_in_order(cov), kind="stable")
    if not out["period"].str.contains(" ").any():  # years or months: the periods no member speaks in, as zeros
        by = "year" if out["period"].str.len().max() == 4 else "month"
        out = pd.concat(
            [
                g.set_index("period")
                .reindex(_every(g["period"], by))
                .rename_axis("period")
                .reset_index()
                .fillna({"side": side, "speaker": side, "documents": 0, "words": 0} | dict.fromkeys(TEXT, ""))
                for side, g in out.groupby("side", sort=False)
            ],
            ignore_index=True,
        )
    out["enough_words"] = out["words"] >= floor(out["period"])
    return out[COLUMNS].astype({"documents": "int64", "words": "int64"})


def _in_order(cov: pd.DataFrame):
    """A sort key that keeps the sides in ``cov``'s order (periods sort as text)."""
    order = {s: i for i, s in enumerate(dict.fromkeys(cov["side"]))}
    return lambda col: col.map(order) if col.name == "side" else col


def gaps(cov: pd.DataFrame) -> pd.DataFrame:
    """The runs of consecutive periods in which a speaker of ``cov`` (:func:`coverage_of`) has none of his
    words (``kind`` "none") or too few for a rate ("too few"): side, speaker, kind, first and last period,
    periods, statements and words in the run. Statements (``period: document``) have no gaps."""
    rows = []
    for (side, speaker), mine in cov.groupby(["side", "speaker"], sort=False):
        kinds = [
            "none" if d == 0 else ("too few" if not ok else "")
            for d, ok in zip(mine["documents"], mine["enough_words"], strict=True)
        ]
        run: list[int] = []
        for i, kind in enumerate([*kinds, ""]):
            if run and (i == len(kinds) or kind != kinds[run[0]]):
                part = mine.iloc[run]
                rows.append(
                    {
                        "side": side,
                        "speaker": speaker,
                        "kind": kinds[run[0]],
                        "first_period": str(part["period"].iloc[0]),
                        "last_period": str(part["period"].iloc[-1]),
                        "periods": len(run),
                        "documents": int(part["documents"].sum()),
                        "words": int(part["words"].sum()),
                    }
                )
                run = []
            if i < len(kinds) and kind:
                run.append(i)
    columns = ["side", "speaker", "kind", "first_period", "last_period", "periods", "documents", "words"]
    return pd.DataFrame(rows, columns=columns)


def sides(cov: pd.DataFrame) -> pd.DataFrame:
    """Per side of ``cov``: speakers, statements, words, first and last date, and the words from each
    source (``sources`` "Miller Center; en.kremlin.ru" and ``source_words`` "512330; 432", most first)."""
    cov = cov[cov["documents"] > 0]
    rows = []
    for side, mine in cov.groupby("side", sort=False):
        per_source: dict[str, int] = {}
        for sources, words in zip(mine["sources"], mine["source_words"], strict=True):
            for name, n in zip(str(sources).split("; "), str(words).split("; "), strict=True):
                per_source[name] = per_source.get(name, 0) + int(n)
        ranked = sorted(per_source, key=lambda s: (-per_source[s], s))
        rows.append(
            {
                "side": side,
                "speakers": "; ".join(dict.fromkeys(mine["speaker"])),
                "documents": int(mine["documents"].sum()),
                "words": int(mine["words"].sum()),
                "first_date": min(mine["first_date"]),
                "last_date": max(mine["last_date"]),
                "sources": "; ".join(ranked),
                "source_words": "; ".join(str(per_source[s]) for s in ranked),
            }
        )
    columns = ["side", "speakers", "documents", "words", "first_date", "last_date", "sources", "source_words"]
    return pd.DataFrame(rows, columns=columns)
