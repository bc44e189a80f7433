"""Topics over time, three ways.

1. :func:`headings` – the outlet's own topic headings where a statement has them (the seed's
   "On …" sections): the speaker's words under each heading.
2. :func:`lexicon_shares` – a versioned topic lexicon (``config/lexicons/topics.yaml``): a
   paragraph of the speaker's words is on a topic when the phrase matcher finds one of the
   topic's patterns in it; per period, the share of the speaker's paragraphs and words on each
   topic. :func:`lexicon_evidence` gives the matches behind every share.
3. :func:`discover` – unsupervised suggestions: NMF on TF-IDF of the speaker's paragraphs with a
   fixed seed; top terms, example paragraphs and each topic's share of words per period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.measures import Measure, Result, per_speaker
from analysis.measures.count import evidence_in, period_of
from analysis.measures.lexicon import Lexicon, load
from analysis.measures.match import Query
from analysis.measures.search import search
from analysis.measures.stats import bunching
from analysis.params import param
from analysis.selection import PeriodParams, SelectionParams
from analysis.text import spoken


@dataclass(frozen=True)
class TopicsParams(PeriodParams, SelectionParams):
    """Topic-lexicon shares of the selected words, per period."""

    topic_lexicon: str = param("", "topic lexicon file; empty for config/lexicons/topics.yaml")


def compute(corpus, params: TopicsParams) -> Result:
    """The ``topics`` measure for each speaker asked for."""
    lex = load(params.topic_lexicon or None, kind="topics")
    return per_speaker(
        corpus, params, lambda s: lexicon_shares_in(corpus.index, corpus.scope(s), lex, by=params.period)
    )


MEASURE = Measure(
    "topics", "topic-lexicon shares of a speaker's words per period", TopicsParams, "figN_topic_shares.csv", compute
)


def headings(speaker_turns: pd.DataFrame) -> pd.DataFrame:
    """Words per (statement, heading) for statements with topic headings, in document order."""
    t = speaker_turns[speaker_turns["section"].notna()]
    if t.empty:
        return pd.DataFrame(columns=["date", "doc_id", "heading", "paragraphs", "speaker_words", "share_of_words"])
    out = (
        t.groupby(["date", "doc_id", "section"], sort=False)
        .agg(paragraphs=("para_no", "size"), speaker_words=("n_words", "sum"))
        .reset_index()
        .rename(columns={"section": "heading"})
    )
    out["share_of_words"] = (out["speaker_words"] / out.groupby("doc_id")["speaker_words"].transform("sum")).round(4)
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out


def lexicon_evidence(turns: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """Every topic-pattern match in paragraphs given as a table (``phrase`` is the topic name)."""
    index, scope = _in_memory(turns)
    return evidence_in(index, scope, list(lexicon.entries), lexicon=lexicon)


def lexicon_shares(turns: pd.DataFrame, lexicon: Lexicon, *, by: str = "year") -> pd.DataFrame:
    """:func:`lexicon_shares_in` for paragraphs given as a table (not from a corpus)."""
    index, scope = _in_memory(turns)
    return lexicon_shares_in(index, scope, lexicon, by=by)


def _in_memory(turns: pd.DataFrame):
    from analysis.index import CorpusIndex
    from analysis.selection import Scope

    return CorpusIndex.in_memory({"table": turns}), Scope.of(["table"])


def lexicon_shares_in(index, scope, lexicon: Lexicon, *, by: str = "year") -> pd.DataFrame:
    """Per period and topic: paragraphs and words on the topic, and their shares of the speaker's.

    A paragraph counts for every topic it mentions, so shares of different topics can add up to
    more than 1.
    """
    found = search(index, scope, Query(list(lexicon.entries)), chars=False)
    index = found.index
    docs = found.par_doc
    days = index.doc_days[docs]
    turns = pd.DataFrame(
        {
            "doc_id": index.doc_ids.take(pa.array(docs)).to_pylist(),
            "para_no": found.par_no,
            "n_words": found.par_words,
            "date": pd.to_datetime(days, unit="D"),
            "title": index.documents["title"].take(pa.array(docs)).to_pylist(),
        }
    )
    turns = turns.assign(period=period_of(turns["date"], turns["doc_id"], by))
    names = [t.name for t in found.query.terms]  # type: ignore[union-attr]
    ev = turns.iloc[found.hit_par][["doc_id", "para_no", "date", "title"]].assign(
        phrase=[names[t] for t in found.hit_term.tolist()]
    )
    base = turns.groupby("period").agg(
        paragraphs=("para_no", "size"), speaker_words=("n_words", "sum"), documents=("doc_id", "nunique")
    )
    tagged = ev[["doc_id", "para_no", "phrase"]].drop_duplicates().rename(columns={"phrase": "topic"})
    tagged = tagged.merge(turns[["doc_id", "para_no", "period", "n_words"]], on=["doc_id", "para_no"])
    per = tagged.groupby(["period", "topic"]).agg(
        topic_paragraphs=("para_no", "size"), topic_words=("n_words", "sum"), topic_documents=("doc_id", "nunique")
    )
    grid = pd.MultiIndex.from_product([base.index, [t.name for t in lexicon.entries]], names=["period", "topic"])
    out = per.reindex(grid, fill_value=0).reset_index().merge(base.reset_index(), on="period")
    out = out.merge(_paragraph_bunching(tagged, turns), on=["period", "topic"], how="left")
    out["share_of_paragraphs"] = (out["topic_paragraphs"] / out["paragraphs"]).round(4)
    out["share_of_words"] = (out["topic_words"] / out["speaker_words"]).round(4)
    out = out.merge(_concentration(ev, turns), on=["period", "topic"], how="left")
    out["topic_hits"] = out["topic_hits"].fillna(0).astype(int)
    out["top_statement_uses"] = out["top_statement_uses"].fillna(0).astype(int)
    hits = out["topic_hits"].where(out["topic_hits"] > 0)
    out["top_statement_share"] = (out["top_statement_uses"] / hits).round(3).fillna(0.0)
    for col in ("top_statement", "top_statement_date", "top_statement_title"):
        out[col] = out[col].fillna("")
    order = {t.name: i for i, t in enumerate(lexicon.entries)}
    out = out.sort_values(["period", "topic"], key=lambda s: s.map(order) if s.name == "topic" else s)
    return out[
        [
            "period",
            "topic",
            "topic_paragraphs",
            "paragraphs",
            "share_of_paragraphs",
            "topic_words",
            "speaker_words",
            "share_of_words",
            "topic_documents",
            "documents",
            "bunching",
            "topic_hits",
            "top_statement",
            "top_statement_date",
            "top_statement_title",
            "top_statement_uses",
            "top_statement_share",
        ]
    ].reset_index(drop=True)


def _paragraph_bunching(tagged: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Per (period, topic): how much more the topic's paragraphs bunch in a few of the period's
    statements than chance would put them (:func:`~analysis.measures.stats.bunching`, each statement's
    words the exposure), so that one speech on energy does not make energy a habit; NaN without any."""
    words = turns.groupby(["period", "doc_id"])["n_words"].sum()
    base = turns.groupby("period").agg(words=("n_words", "sum"), documents=("doc_id", "nunique"))
    per_doc = tagged.groupby(["period", "topic", "doc_id"]).size().rename("y").reset_index()
    if per_doc.empty:  # no paragraph on any topic
        return pd.DataFrame({"period": pd.Series(dtype=object), "topic": pd.Series(dtype=object), "bunching": []})
    per_doc["w"] = words.reindex(pd.MultiIndex.from_frame(per_doc[["period", "doc_id"]])).to_numpy(dtype=float)
    per_doc["spread"] = per_doc["y"] ** 2 / per_doc["w"]
    out = per_doc.groupby(["period", "topic"]).agg(count=("y", "sum"), spread=("spread", "sum")).reset_index()
    out = out.merge(base.reset_index(), on="period")
    out["bunching"] = bunching(out["count"], out["words"], out["documents"], out["spread"]).round(4)
    return out[["period", "topic", "bunching"]]


def _concentration(ev: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Per (period, topic): term matches (``topic_hits``) and the statement with the most of them (the
    earliest on a tie)."""
    keys = ["period", "topic"]
    columns = [*keys, "topic_hits", "top_statement", "top_statement_date", "top_statement_title", "top_statement_uses"]
    if not len(ev):
        return pd.DataFrame(columns=columns)
    hits = ev.rename(columns={"phrase": "topic"}).merge(
        turns[["doc_id", "para_no", "period"]], on=["doc_id", "para_no"]
    )
    counted = hits.groupby(keys).size().rename("topic_hits").reset_index()
    per_doc = (
        hits.groupby([*keys, "doc_id"], sort=False)
        .agg(top_statement_uses=("doc_id", "size"), date=("date", "first"), title=("title", "first"))
        .reset_index()
        .sort_values([*keys, "top_statement_uses", "date", "doc_id"], ascending=[True, True, False, True, True])
    )
    top = per_doc.groupby(keys, sort=False).head(1)
    top = top.assign(
        top_statement=top["doc_id"],
        top_statement_date=pd.to_datetime(top["date"]).dt.strftime("%Y-%m-%d"),
        top_statement_title=top["title"].fillna(""),
    )
    return counted.merge(
        top[[*keys, "top_statement", "top_statement_date", "top_statement_title", "top_statement_uses"]],
        on=keys,
        how="left",
    )


def discover(
    speaker_turns: pd.DataFrame,
    *,
    n_topics: int = 8,
    by: str = "year",
    seed: int = 0,
    n_terms: int = 10,
    n_examples: int = 3,
    min_words: int = 20,
    min_df: int = 3,
    max_df: float = 0.5,
) -> dict[str, pd.DataFrame]:
    """NMF topics of the speaker's paragraphs (those of at least ``min_words`` words).

    Returns ``terms`` (topic, rank, term, weight), ``examples`` (topic, date, doc_id, title,
    source_url, weight, text) and ``shares`` (period, topic, share of the speaker's words).
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not 2 <= n_topics <= 50:
        raise ValueError(f"n_topics must be between 2 and 50; got {n_topics}")
    paras = speaker_turns[speaker_turns["n_words"] >= min_words].reset_index(drop=True)
    if len(paras) < n_topics * 3:
        raise ValueError(f"{len(paras)} paragraphs of {min_words}+ words: too few for {n_topics} topics")
    texts = [spoken(t) for t in paras["text"]]
    vec = TfidfVectorizer(
        stop_words="english",
        min_df=min(min_df, max(1, len(texts) // 10)),
        max_df=max_df,
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_'’-]{2,}\b",
        sublinear_tf=True,
    )
    x = vec.fit_transform(texts)
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=400)
    w = model.fit_transform(x)
    vocab = np.array(vec.get_feature_names_out())
    labels = []
    term_rows = []
    for k, comp in enumerate(model.components_):
        idx = np.argsort(-comp, kind="stable")[:n_terms]
        label = f"T{k + 1}: " + ", ".join(vocab[idx[:3]])
        labels.append(label)
        term_rows += [
            {"topic": label, "rank": r + 1, "term": vocab[i], "weight": round(float(comp[i]), 4)}
            for r, i in enumerate(idx)
        ]
    example_rows = []
    for k, label in enumerate(labels):
        for i in np.argsort(-w[:, k], kind="stable")[:n_examples]:
            row = paras.iloc[i]
            example_rows.append(
                {
                    "topic": label,
                    "date": row["date"].strftime("%Y-%m-%d"),
                    "doc_id": row["doc_id"],
                    "title": row["title"],
                    "source_url": row["source_url"],
                    "weight": round(float(w[i, k]), 4),
                    "text": row["text"],
                }
            )
    norm = w / np.where(w.sum(axis=1, keepdims=True) > 0, w.sum(axis=1, keepdims=True), 1)
    alloc = pd.DataFrame(norm * paras["n_words"].to_numpy()[:, None], columns=labels)
    alloc["period"] = period_of(paras["date"], paras["doc_id"], by).to_numpy()
    words = alloc.groupby("period")[labels].sum()
    total = paras.assign(period=alloc["period"]).groupby("period")["n_words"].sum()
    shares = (
        words.div(total, axis=0)
        .round(4)
        .reset_index()
        .melt(id_vars="period", var_name="topic", value_name="share_of_words")
    )
    return {"terms": pd.DataFrame(term_rows), "examples": pd.DataFrame(example_rows), "shares": shares}
