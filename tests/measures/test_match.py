"""Phrase matching: case, typographic apostrophes, line breaks, whole-phrase boundaries."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures.lexicon import Term
from analysis.measures.match import PhraseError, PhraseMatcher
from analysis.measures.search import find_matches
from analysis.text import normalize_ws


@pytest.mark.parametrize(
    "phrase, text, n",
    [
        ("that's all there is to it", "That’s all there is to it.", 1),  # curly apostrophe in text
        ("That’s all there is to it", "that's all there is to it", 1),  # curly apostrophe in phrase
        ("THAT'S ALL", "that's all, that's ALL", 2),  # case
        ("there is to it", normalize_ws("all there is\nto it"), 1),  # line break in the source
        ("war", "the war, a warm award; war.", 2),  # whole words only
        ("war", "postwar wars", 0),
        ("legally impossible", "legally impossible—legally impossible", 2),
        ("u.s.", "the U.S. side", 1),
        ("by military means", "by military meanstime", 0),
        ("our decisions", "when [our] decisions are recognised", 0),  # insertion is not his word
        ("when decisions", "when [our] decisions are recognised", 1),
    ],
)
def test_phrase_matching(phrase, text, n):
    turns = pd.DataFrame({"doc_id": ["d"], "para_no": [0], "text": [text]})
    assert len(find_matches(turns, [phrase])) == n


def test_many_phrases_one_pass_overlapping():
    m = PhraseMatcher(["all there is", "there is to it", "is"])
    found = [(x.term, x.start) for x in m.find("that's all there is to it")]
    assert found == [("all there is", 7), ("there is to it", 11), ("is", 17)]


@pytest.mark.parametrize(
    "terms, text, expected",
    [
        (["very very"], "very very very", [("very very", 0, 9)]),  # the second overlaps the first: once
        (["very very"], "very very, very very", [("very very", 0, 9), ("very very", 11, 20)]),  # none overlap
        # forms of one term: the earliest, then the longest; forms that do not touch both count
        ([Term("f", ("terror", "war on terror"))], "the war on terror", [("f", 4, 17)]),
        ([Term("f", ("terror", "war on terror"))], "terror and war on terror", [("f", 0, 6), ("f", 11, 24)]),
    ],
)
def test_overlapping_matches_of_one_term_count_once(terms, text, expected):
    assert [(x.term, x.start, x.end) for x in PhraseMatcher(terms).find(text)] == expected


def test_evidence_context_shows_insertions():
    turns = pd.DataFrame({"doc_id": ["d"], "para_no": [0], "text": ["It is [considered] an attack on Russia."]})
    ev = find_matches(turns, ["is an attack"])
    assert ev.loc[0, "match"] == "is [considered] an attack"
    assert ev.loc[0, "left"] == "It "
    assert ev.loc[0, "right"] == " on Russia."


@pytest.mark.parametrize("bad", ["", "   ", "...", "—"])
def test_empty_phrases_are_rejected(bad):
    with pytest.raises(PhraseError):
        PhraseMatcher([bad])


def test_no_phrases_is_rejected():
    with pytest.raises(PhraseError):
        PhraseMatcher([])
