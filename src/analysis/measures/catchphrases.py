"""Catchphrase discovery: what a speaker repeats across statements without being told.

1. The speaker's spoken text is cut into *chunks* at punctuation, so an n-gram never spans a
   sentence or clause break, and every n-gram appears in the text exactly as its words joined by
   single spaces (the phrase matcher can find it again).
2. Word n-grams of ``min_n``…``max_n`` words are counted by the number of distinct statements
   they occur in, growing n level by level (an (n+1)-gram is only counted where both of its
   n-grams are frequent enough), so memory stays proportional to what repeats.
3. Dropped: n-grams made only of stop words; n-grams that the *publisher's* own text (leads,
   narration, headings, editor's notes) also uses in ``min_docs`` or more documents (site
   boilerplate, not the speaker's); and non-maximal n-grams (one word shorter than a longer
   n-gram found in exactly as many statements).
4. The top candidates are then counted again with the same matcher that counts phrases and
   produces evidence, so every figure shown (statements, uses, first and last date) can be
   expanded to its quotes with ``analysis kwic --phrase "<phrase>"``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis import config, safe_yaml
from analysis.corpus import Corpus
from analysis.measures.match import find_matches
from analysis.measures.stats import log_ratio
from analysis.selection import Selection
from analysis.text import chunks, spoken

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {
    "s",
    "t",
    "don't",
    "it's",
    "that's",
    "i'm",
    "we're",
    "i've",
    "we've",
    "didn't",
    "doesn't",
    "isn't",
    "let's",
    "there's",
}
PUBLISHER_ROLES = ("lead", "narration", "heading", "headline", "editorial", "boilerplate")
COLUMNS = [
    "phrase", "n_words", "statements", "years", "uses", "per_10k", "reference_per_10k", "log_ratio",
    "log_ratio_low", "first_date", "last_date", "example_doc_id",
]  # fmt: skip
DISTINCT = 1.0  # at least twice as frequent (log2 ratio 1) as in the other speakers' words, clearly (interval > 0)
NESTED = 0.8  # a phrase inside a longer one found in at least this share of its statements is the longer one
STOP_PHRASES_FILE = config.CONFIG_DIR / "lexicons" / "stop-phrases.yaml"


def _doc_chunks(turns: pd.DataFrame) -> list[list[list[str]]]:
    docs: dict[str, list[list[str]]] = {}
    for doc_id, text in zip(turns["doc_id"], turns["text"], strict=True):
        docs.setdefault(doc_id, []).extend(chunks(spoken(text)))
    return list(docs.values())


def _ngrams(chunk_list: list[list[str]], n: int, keep_prefix: set | None) -> set[tuple[str, ...]]:
    found = set()
    for toks in chunk_list:
        for i in range(len(toks) - n + 1):
            gram = tuple(toks[i : i + n])
            if keep_prefix is None or (gram[:-1] in keep_prefix and gram[1:] in keep_prefix):
                found.add(gram)
    return found


def frequent_ngrams(
    doc_chunks: list[list[list[str]]], *, min_n: int, max_n: int, min_docs: int
) -> dict[tuple[str, ...], int]:
    """Every n-gram (min_n ≤ n ≤ max_n) found in at least ``min_docs`` documents, with that number."""
    result: dict[tuple[str, ...], int] = {}
    keep: set | None = None
    if min_n > 1:  # seed the level-wise growth with frequent (min_n - 1)-grams
        df = Counter(g for doc in doc_chunks for g in _ngrams(doc, min_n - 1, None))
        keep = {g for g, c in df.items() if c >= min_docs}
    for n in range(min_n, max_n + 1):
        df = Counter(g for doc in doc_chunks for g in _ngrams(doc, n, keep))
        level = {g: c for g, c in df.items() if c >= min_docs}
        if not level:
            break
        result.update(level)
        keep = set(level)
    return result


def _maximal(freq: dict[tuple[str, ...], int]) -> dict[tuple[str, ...], int]:
    """Drop an n-gram when an (n+1)-gram extending it occurs in as many documents."""
    covered = set()
    for gram, df in freq.items():
        for sub in (gram[:-1], gram[1:]):
            if freq.get(sub) == df:
                covered.add(sub)
    return {g: c for g, c in freq.items() if g not in covered}


def reference(corpus: Corpus, selection: Selection) -> pd.DataFrame:
    """Everyone else's own words in the selection's source (all sources when it names none): the
    reference a speaker's catchphrases and rhetoric are measured against. Kremlin transcripts are
    measured against the ministers, journalists and other leaders of the same transcripts, not
    against another collection's speeches."""
    speaker = corpus.select(selection).speaker
    turns = corpus.turns
    others = turns[(turns["role"] == "speech") & (turns["speaker"] != speaker)]
    if selection.source:
        docs = corpus.documents.loc[corpus.documents["source"] == selection.source, "doc_id"]
        others = others[others["doc_id"].isin(docs)]
    return others


def stop_phrases(path: Path | None = None) -> tuple[int, list[frozenset[str]]]:
    """The versioned stop-phrase list, as the content-word sets that are left out."""
    path = Path(path or STOP_PHRASES_FILE)
    data = safe_yaml.load(path.read_text(encoding="utf-8"), what=str(path)) or {}
    phrases = data.get("phrases") or []
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise ValueError(f"{path}: 'phrases' must be a list of phrases")
    return int(data.get("version", 0)), [_content(tuple(p.lower().split())) for p in phrases]


def _content(gram: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for t in gram if t not in STOP_WORDS)


def _collapse_nested(freq: dict[tuple[str, ...], int]) -> dict[tuple[str, ...], int]:
    """Drop an n-gram when a longer n-gram containing it occurs in at least :data:`NESTED` of its statements."""
    covered = set()
    for gram, df in freq.items():
        n = len(gram)
        for size in range(1, n):
            for i in range(n - size + 1):
                sub = gram[i : i + size]
                if sub in freq and df >= NESTED * freq[sub]:
                    covered.add(sub)
    return {g: c for g, c in freq.items() if g not in covered}


def discover(
    speaker_turns: pd.DataFrame,
    *,
    publisher_turns: pd.DataFrame | None = None,
    min_n: int = 3,
    max_n: int = 8,
    min_docs: int = 2,
    top: int = 50,
    stop_words: Iterable[str] = STOP_WORDS,
    reference_turns: pd.DataFrame | None = None,
    stop_list: list[frozenset[str]] | None = None,
) -> pd.DataFrame:
    """Recurring phrases of one speaker, most widespread first (see the module docstring).

    With ``reference_turns`` (other speakers' words), only phrases distinctive of the speaker are
    kept: at least twice as frequent as in the reference, and clearly so (the log ratio's 95%
    interval above 0).
    ``stop_list`` (default: ``config/lexicons/stop-phrases.yaml``) leaves out formulas.
    """
    if not 1 <= min_n <= max_n <= 12:
        raise ValueError(f"need 1 <= min_n <= max_n <= 12; got min_n={min_n}, max_n={max_n}")
    if min_docs < 2:
        raise ValueError("min_docs must be at least 2: a catchphrase recurs across statements")
    if top < 1:
        raise ValueError("top must be at least 1")
    stop = frozenset(stop_words)
    freq = frequent_ngrams(_doc_chunks(speaker_turns), min_n=min_n, max_n=max_n, min_docs=min_docs)
    freq = _collapse_nested(_maximal(freq))
    stops = set(stop_list if stop_list is not None else stop_phrases()[1])
    freq = {g: c for g, c in freq.items() if not all(t in stop for t in g) and _content(g) not in stops}
    if publisher_turns is not None and len(publisher_turns):
        boiler = frequent_ngrams(_doc_chunks(publisher_turns), min_n=min_n, max_n=max_n, min_docs=min_docs)
        freq = {g: c for g, c in freq.items() if g not in boiler}
    ranked = sorted(freq.items(), key=lambda kv: (-kv[1], -len(kv[0]), " ".join(kv[0])))
    candidates = [" ".join(g) for g, _ in ranked[: top * 4]]
    if not candidates:
        return pd.DataFrame(columns=COLUMNS)
    found = summarise(speaker_turns, candidates, reference_turns=reference_turns)
    if reference_turns is not None and len(reference_turns):
        found = found[(found["log_ratio_low"] > 0) & (found["log_ratio"] >= DISTINCT)]
    return found.head(top).reset_index(drop=True)


def summarise(
    speaker_turns: pd.DataFrame, phrases: list[str], *, reference_turns: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Statements, years, uses, rates and first/last date of each phrase, from the evidence matcher itself.

    ``reference_per_10k`` and ``log_ratio`` compare the speaker's rate with the reference's (other
    speakers' words), with the same size-split pseudo-count as keyness.
    """
    if not phrases:
        return pd.DataFrame(columns=COLUMNS)
    ev = find_matches(speaker_turns, phrases, context_chars=0)
    if ev.empty:
        return pd.DataFrame(columns=COLUMNS)
    g = ev.groupby("phrase")
    out = pd.DataFrame(
        {
            "statements": g["doc_id"].nunique(),
            "years": g["date"].agg(lambda d: d.dt.year.nunique()),
            "uses": g.size(),
            "first_date": g["date"].min().dt.strftime("%Y-%m-%d"),
            "last_date": g["date"].max().dt.strftime("%Y-%m-%d"),
            "example_doc_id": g["doc_id"].first(),
        }
    ).reset_index()
    words = max(int(speaker_turns["n_words"].sum()), 1)
    out["per_10k"] = (out["uses"] / words * 10_000).round(3)
    if reference_turns is not None and len(reference_turns):
        ref_words = max(int(reference_turns["n_words"].sum()), 1)
        ref = find_matches(reference_turns, list(out["phrase"]), context_chars=0)["phrase"].value_counts()
        r = out["phrase"].map(ref).fillna(0).astype(float)
        lr, low, _ = log_ratio(out["uses"], words, r, ref_words)
        out["reference_per_10k"] = (r / ref_words * 10_000).round(3)
        out["log_ratio"], out["log_ratio_low"] = np.round(lr, 3), np.round(low, 3)
    else:
        out["reference_per_10k"] = out["log_ratio"] = out["log_ratio_low"] = np.nan
    out["n_words"] = out["phrase"].str.split().str.len()
    out = out.sort_values(["statements", "years", "n_words", "phrase"], ascending=[False, False, False, True])
    return out[COLUMNS].reset_index(drop=True)
