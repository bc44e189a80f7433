"""Catchphrase discovery."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures.catchphrases import discover, discover_in, publisher_scope, reference_scope
from analysis.selection import Selection
from analysis.text import chunks


def frame(*docs: str, start_year: int = 2010) -> pd.DataFrame:
    rows = [
        {
            "doc_id": f"d{i}",
            "para_no": 0,
            "text": t,
            "date": pd.Timestamp(f"{start_year + i}-01-01"),
            "title": f"T{i}",
            "source_url": None,
            "speaker": "S",
            "section": None,
            "n_words": len(t.split()),
        }
        for i, t in enumerate(docs)
    ]
    return pd.DataFrame(rows)


def test_any_two_statements_sharing_a_phrase_are_found():
    turns = frame(
        "Today the grain harvest was brilliant, colleagues.", "We talked and the grain harvest was brilliant again."
    )
    found = discover(turns, min_docs=2)
    assert list(found["phrase"]) == ["the grain harvest was brilliant"]
    row = found.iloc[0]
    assert (row["statements"], row["uses"], row["first_date"], row["last_date"]) == (2, 2, "2010-01-01", "2011-01-01")


def test_only_maximal_phrases_are_reported():
    words = "alpha beta gamma delta epsilon zeta"
    turns = frame(words, "omega " + words, words + " eta")
    found = discover(turns, min_docs=2)
    assert list(found["phrase"]) == [words]  # none of its 3-, 4- or 5-word pieces: same spread
    turns = frame(words, words, "alpha beta gamma")
    assert list(discover(turns, min_docs=2)["phrase"]) == ["alpha beta gamma", words]


def test_stop_word_only_ngrams_are_dropped():
    turns = frame("and it was the one", "and it was the end")
    assert "and it was" not in set(discover(turns, min_docs=2)["phrase"])


def test_publisher_boilerplate_is_dropped():
    turns = frame("the heads of state held talks today", "the heads of state held talks again")
    publisher = frame("The heads of state held talks in Moscow.", "The heads of state held talks in Sochi.")
    assert discover(turns, min_docs=2)["phrase"].tolist() == ["the heads of state held talks"]
    assert discover(turns, publisher_turns=publisher, min_docs=2).empty


def test_phrases_do_not_span_punctuation():
    assert chunks("Thank you. Very much indeed — really") == [["thank", "you"], ["very", "much", "indeed"], ["really"]]


def test_bracketed_insertions_are_not_part_of_phrases():
    turns = frame("we need [our] decisions to be recognised", "we need decisions to be recognised")
    assert "we need decisions to be recognised" in set(discover(turns, min_docs=2)["phrase"])


@pytest.mark.parametrize("kw", [{"min_docs": 1}, {"min_n": 4, "max_n": 3}, {"top": 0}])
def test_bad_parameters(kw):
    with pytest.raises(ValueError):
        discover(frame("a b c", "a b c"), **kw)


FORMULAS = [
    "would like to",
    "i would like to",
    "i want to",
    "thank you very much",
    "thank you for",
    "we need to",
    "the most important",
    "i am sure",
    "be able to",
    "is very important",
]


def test_politeness_formulas_are_not_catchphrases_on_the_kremlin_archive(default_corpus):
    """The issue's top ten of formulas: none of them is in the top ten now (they were before)."""
    selection = Selection.of(speaker="Putin", source="en.kremlin.ru")
    scope, index = default_corpus.scope(selection), default_corpus.index
    publisher = publisher_scope(default_corpus)
    found = discover_in(index, scope, publisher=publisher, reference=reference_scope(default_corpus, selection), top=10)
    assert len(found) == 10 and not set(found["phrase"]) & set(FORMULAS)
    assert (found["log_ratio"] >= 1).all() and (found["log_ratio_low"] > 0).all()
    assert found["statements"].is_monotonic_decreasing
    plain = discover_in(index, scope, publisher=publisher, top=10, stop_list=[])  # no list, no reference
    # without the list and the reference, formulas lead (on the whole archive: "thank you very much for",
    # "thank you for your attention", "ladies and gentlemen", "i would like to ask")
    assert any(p.startswith(("thank you", "ladies and gentlemen", "i would like to")) for p in plain["phrase"])
    assert not any(p.startswith(("thank you", "ladies and gentlemen")) for p in found["phrase"])


def test_stop_phrases_leave_out_formulas_by_their_content_words():
    turns = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "date": pd.to_datetime(["2019-01-01", "2020-01-01", "2021-01-01"]),
            "n_words": [20, 20, 20],
            "text": ["Thank you very much for this. I would like to stress the sovereignty point."] * 3,
        }
    )
    found = set(discover(turns, min_n=3, max_n=6)["phrase"])
    assert any("stress" in phrase for phrase in found)  # the formula's longer, meaningful phrase stays
    assert not {"thank you very much", "thank you very much for", "i would like to"} & found


def test_a_phrase_nested_in_a_longer_one_with_most_of_its_statements_is_the_longer_one():
    from analysis.measures.catchphrases import _collapse_nested

    freq = {("our", "western", "partners"): 9, ("our", "western"): 10, ("western", "partners"): 30}
    assert set(_collapse_nested(freq)) == {("our", "western", "partners"), ("western", "partners")}


def test_within_keeps_the_phrases_used_there_each_measured_over_the_whole_scope():
    """A statement's shared phrases (notebook 06): ``within`` one statement gives exactly the rows of the
    whole table whose phrases that statement uses, with the same figures, in the same order."""
    from analysis.index import CorpusIndex
    from analysis.measures.catchphrases import catchphrase_table
    from analysis.selection import Scope

    turns = frame(
        "The grain harvest was brilliant and our western partners will see it.",
        "Our western partners said the grain harvest was brilliant.",
        "Our western partners again, and nothing about grain.",
        "The grain harvest was brilliant, I repeat, the grain harvest was brilliant.",
    )
    index = CorpusIndex.in_memory({"S": turns})
    whole = catchphrase_table(index, Scope.of(["S"]), min_n=2, top=50).to_pandas()
    assert {"our western partners", "the grain harvest was brilliant"} <= set(whole["phrase"])
    for doc in ("d0", "d2", "d3"):
        there = catchphrase_table(index, Scope.of(["S"]), min_n=2, top=50, within=Scope.of(["S"], documents=[doc]))
        used = [
            p for p in whole["phrase"] if p.split()[-1] in " ".join(turns.loc[turns["doc_id"] == doc, "text"]).lower()
        ]
        expected = whole[whole["phrase"].isin(there.to_pandas()["phrase"])].reset_index(drop=True)
        pd.testing.assert_frame_equal(there.to_pandas(), expected)
        assert set(there.to_pandas()["phrase"]) <= set(used)
    assert list(
        catchphrase_table(index, Scope.of(["S"]), min_n=2, within=Scope.of(["S"], documents=["d2"])).to_pandas()[
            "phrase"
        ]
    ) == ["our western partners"]
