"""The ``dispersion`` measure: where in each statement, and across the years, a phrase falls.

One row per use (the same search a count adds up, :func:`analysis.measures.count.found`): the statement
and its date, the speaker's own words in that statement, and where the use starts among them, as a word
offset and as a share of the statement (0 at its first word, 1 at its last). Drawn, it is a dispersion
plot (AntConc's, quanteda's ``textplot_xray``) on a time axis: a phrase a leader opens with, one he
closes with, one spread evenly, and when each habit began. The offset counts the speaker's own words
only (questions and other speakers are not part of his statement); within a paragraph it counts
tokenised words, so it may differ by a word or two from the statement's word count where a word holds
an apostrophe: the share is clipped to 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from analysis.corpus import Corpus
from analysis.measures import Measure, Result
from analysis.measures.count import ExactParams, as_written, evidence_frame, found
from analysis.measures.lexicon import Lexicon, family_notes, load, resolve_terms
from analysis.measures.search import Search
from analysis.selection import Selection

SCHEMA = pa.schema(
    [
        ("speaker", pa.string()),
        ("phrase", pa.string()),
        ("date", pa.date32()),
        ("doc_id", pa.string()),
        ("statement_words", pa.int64()),
        ("word_offset", pa.int64()),
        ("position", pa.float64()),
    ]
)
COLUMNS = SCHEMA.names


def compute(corpus: Corpus, params: ExactParams) -> Result:
    """Every use's place in its statement, for every speaker asked for, in one pass."""
    lexicon = load(params.phrase_lexicon or None)
    selections = corpus.selections(params)
    exact = as_written(params)
    return Result(
        _uses(corpus, selections, params.phrases, lexicon, exact),
        quotes=lambda: evidence_frame(found(corpus, selections, params.phrases, lexicon, exact=exact)[0]),
        notes=family_notes(params.phrases, resolve_terms(params.phrases, lexicon, exact=exact)),
        searched=[s.describe() for s in selections],
    )


def dispersion_of(corpus: Corpus, selection: Selection, phrases: Sequence, *, lexicon: Lexicon | None = None):
    """The :data:`COLUMNS` of one selection's uses of ``phrases``, as a DataFrame (what a report draws)."""
    return _uses(corpus, [selection], phrases, lexicon, False).to_pandas()


def _uses(corpus: Corpus, selections: Sequence[Selection], phrases: Sequence, lexicon, exact: bool) -> pa.Table:
    hits, terms = found(corpus, selections, phrases, lexicon, chars=False, exact=exact)
    return positions(hits, [t.name for t in terms])


def positions(hits: Search, names: list[str]) -> pa.Table:
    """The :data:`COLUMNS` of every match of ``hits`` (term ``names`` by code): by speaker, phrase (in the
    order asked), date, statement and offset."""
    if not hits.n_hits:
        return SCHEMA.empty_table()
    before, total = _words_before(hits)
    par = hits.hit_par
    offset = before[par] + hits.hit_start // 2  # tokens alternate words and separators: a match starts on a word
    words = total[par]
    doc = hits.par_doc[par]
    index = hits.index
    table = pa.Table.from_pydict(
        {
            "speaker": pa.array([hits.speakers[c] for c in hits.par_speaker[par].tolist()], pa.string()),
            "phrase": pa.array([names[t] for t in hits.hit_term.tolist()], pa.string()),
            "date": pa.array(index.doc_days[doc].astype("datetime64[D]")),
            "doc_id": index.doc_ids.take(pa.array(doc)),
            "statement_words": pa.array(words, pa.int64()),
            "word_offset": pa.array(offset, pa.int64()),
            "position": pa.array(np.minimum(1.0, offset / np.maximum(words - 1, 1)).round(4)),
        },
        schema=SCHEMA,
    )
    keys = ["speaker", "term", "date", "doc_id", "word_offset"]  # phrases in the order asked
    table = table.append_column("term", pa.array(hits.hit_term, pa.int64()))
    return table.sort_by([(k, "ascending") for k in keys]).drop_columns(["term"])


def _words_before(hits: Search) -> tuple[np.ndarray, np.ndarray]:
    """For each selected paragraph, the speaker's words in the same statement before it, and in all of it
    (a statement's paragraphs come in order; a speaker's are summed apart from the others')."""
    key = hits.par_doc * (len(hits.speakers) + 1) + (hits.par_speaker + 1)
    order = np.lexsort((np.arange(len(key)), key))
    words = hits.par_words[order]
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    cum = np.cumsum(words) - words
    group = np.repeat(starts, np.diff(np.r_[starts, len(key)]))
    before_sorted = cum - cum[group]
    sums = np.add.reduceat(words, starts) if len(starts) else np.zeros(0, words.dtype)
    total_sorted = np.repeat(sums, np.diff(np.r_[starts, len(key)]))
    before, total = np.empty_like(before_sorted), np.empty_like(total_sorted)
    before[order], total[order] = before_sorted, total_sorted
    return before, total


MEASURE = Measure(
    "dispersion",
    "where in each statement, and across the years, a phrase falls (a dispersion plot's data)",
    ExactParams,
    "figN_dispersion.csv",
    compute,
    lean=True,
)
