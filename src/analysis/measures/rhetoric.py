"""Rhetoric markers: category counts, evidence, and the labelled precision of each category.

Categories live in ``config/lexicons/rhetoric.yaml`` and are counted like phrase families (one
code path: :func:`analysis.measures.count.count_phrases` / :func:`analysis.measures.count.evidence`). Pattern hits
are candidates, not verdicts, so:

* :func:`sample_for_labelling` draws a reproducible sample of hits per category (ordered by a hash
  of each hit's key, so adding documents does not reshuffle earlier picks) for a journalist to
  label ``true``/``false`` in ``config/labels/rhetoric-labels.csv``;
* :func:`precision` joins those labels to the current hits and reports, per category, how many
  were labelled, how many were right, and the precision with a Wilson 95% interval.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.measures import Measure, Result
from analysis.measures.stats import wilson
from analysis.params import param
from analysis.selection import PeriodParams, SelectionParams

LABELS_FILE = config.CONFIG_DIR / "labels" / "rhetoric-labels.csv"
LABEL_COLUMNS = ["hit_id", "category", "form", "date", "doc_id", "left", "match", "right", "label", "note"]
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


@dataclass(frozen=True)
class RhetoricParams(PeriodParams, SelectionParams):
    """Which rhetoric markers, from which lexicon."""

    categories: list[str] = param([], "rhetoric categories of the rhetoric lexicon; empty for all", one="category")
    rhetoric_lexicon: str = param("", "rhetoric lexicon file; empty for config/lexicons/rhetoric.yaml")

    def lexicon_and_names(self):
        """The rhetoric lexicon and the categories asked for (all of them when none is)."""
        from analysis.errors import LexiconError
        from analysis.measures.lexicon import load

        lex = load(self.rhetoric_lexicon or None, kind="rhetoric")
        unknown = [c for c in self.categories if lex.get(c) is None]
        if unknown:
            raise LexiconError(
                f"unknown rhetoric categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}; "
                f"the lexicon's: {', '.join(lex.names)}"
            )
        return lex, list(self.categories or lex.names)


def compute(corpus, params: RhetoricParams) -> Result:
    """The ``rhetoric`` measure: each category's counts per period, every speaker in one pass."""
    from analysis.measures.count import count_table

    lex, names = params.lexicon_and_names()
    return Result(count_table(corpus, corpus.selections(params), names, lexicon=lex))


MEASURE = Measure(
    "rhetoric",
    "rhetoric-marker counts per period, with rates and intervals",
    RhetoricParams,
    "figN_phrase_rates.csv",
    compute,
)


def hit_ids(ev: pd.DataFrame) -> pd.Series:
    """A stable id per evidence row: category, document, paragraph and offset."""
    keys = (
        ev["phrase"].astype(str)
        + "|"
        + ev["doc_id"].astype(str)
        + "|"
        + ev["para_no"].astype(str)
        + "|"
        + ev["char_start"].astype(str)
    )
    return keys.map(lambda k: hashlib.sha1(k.encode("utf-8")).hexdigest()[:12])


def sample_for_labelling(ev: pd.DataFrame, *, per_category: int = 20) -> pd.DataFrame:
    """Up to ``per_category`` hits per category, in a reproducible pseudo-random order."""
    if per_category < 1:
        raise ValueError("per_category must be at least 1")
    out = ev.assign(hit_id=hit_ids(ev)).sort_values(["phrase", "hit_id"])
    out = out.groupby("phrase", sort=False).head(per_category)
    out = out.rename(columns={"phrase": "category"})
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    out["label"] = ""
    out["note"] = ""
    return out[LABEL_COLUMNS].reset_index(drop=True)


def read_labels(path: Path | str = LABELS_FILE) -> pd.DataFrame:
    """The labels file; a missing file means no labels (yet). Bad label values are an error."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=LABEL_COLUMNS)
    labels = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"hit_id", "category", "label"} - set(labels.columns)
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
    values = labels["label"].str.strip().str.lower()
    bad = labels[(values != "") & ~values.isin(_TRUE | _FALSE)]
    if len(bad):
        raise ValueError(
            f"{path.name}: label must be true/false (or empty); row(s) {', '.join(map(str, bad.index + 2))}"
        )
    labels["label"] = values.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None))
    return labels


def precision(ev: pd.DataFrame, labels: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """Per category: hits now, labelled hits that are still hits, true ones, precision and interval."""
    current = ev.assign(hit_id=hit_ids(ev))
    labelled = labels[labels["label"].notna()].merge(current[["hit_id"]].drop_duplicates(), on="hit_id")
    rows = []
    for cat in categories:
        hits = int((current["phrase"] == cat).sum())
        lab = labelled[labelled["category"] == cat]
        n, k = len(lab), int(lab["label"].sum()) if len(lab) else 0
        lo, hi = wilson(k, n)
        rows.append(
            {
                "category": cat,
                "hits": hits,
                "labelled": n,
                "true": k,
                "precision": round(k / n, 3) if n else None,
                "precision_low": round(lo, 3) if n else None,
                "precision_high": round(hi, 3) if n else None,
            }
        )
    return pd.DataFrame(rows)


def baseline(corpus, scope, lexicon, categories: list[str]) -> pd.DataFrame:
    """Hits of each category in the reference ``scope`` (other speakers' words), the reference's words, and
    how much the hits bunch in a few of its statements (:func:`~analysis.measures.stats.bunching`).

    The rhetoric finding compares the speaker's rate with this one: a category matters when it is
    clearly more frequent in the speaker's words than in everyone else's, not when it is frequent.
    """
    import numpy as np

    from analysis.measures.lexicon import resolve_terms
    from analysis.measures.match import Query
    from analysis.measures.search import search
    from analysis.measures.stats import bunching_by

    query = Query(resolve_terms(categories, lexicon))
    found = search(corpus.index, scope, query, chars=False)
    words = int(found.par_words.sum())
    hits = np.bincount(found.hit_term, minlength=len(query.terms)) if words else np.zeros(len(query.terms), int)
    doc_words = np.bincount(found.par_doc, weights=found.par_words, minlength=len(corpus.index.doc_ids))
    bunched = bunching_by(found.hit_term, found.par_doc[found.hit_par], doc_words, len(query.terms))
    by_name = {t.name: (int(h), float(b)) for t, h, b in zip(query.terms, hits, bunched, strict=True)}
    rows = [by_name.get(c, (0, float("nan"))) for c in categories]
    return pd.DataFrame(
        {
            "category": categories,
            "hits": [h for h, _ in rows],
            "words": words,
            "bunching": [round(b, 4) if b == b else None for _, b in rows],
        }
    )


def against_baseline(counts: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Per category of a speaker's ``counts`` found in the :func:`baseline`: his hits, the ratio of his
    rate to the other speakers' (``rate_ratio``; infinite when they have none), and its log ratio with
    the lower end of its interval, which allows for hits bunched in a few statements on either side (the
    counts' ``bunching``, pooled, and the baseline's)."""
    from analysis.measures.stats import log_ratio, pooled

    totals = counts.groupby("phrase", sort=False)["count"].sum()
    words = counts.drop_duplicates("period")["speaker_words"].sum()
    base = baseline.set_index("category")
    cats = [c for c in totals.index if c in base.index]
    mine = pooled(counts)["bunching"].reindex(cats).to_numpy() if "bunching" in counts.columns else float("nan")
    theirs = base["bunching"].reindex(cats).to_numpy() if "bunching" in base.columns else float("nan")
    hits = totals.reindex(cats).to_numpy()
    other, other_words = base.loc[cats, "hits"].to_numpy(), int(baseline["words"].iloc[0])
    value, low, _ = log_ratio(hits, words, other, other_words, mine, theirs)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (hits / words) / (other / other_words)
    return pd.DataFrame({"category": cats, "hits": hits, "rate_ratio": ratio, "log_ratio": value, "log_ratio_low": low})
