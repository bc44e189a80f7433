"""Phrase matching: case, typographic apostrophes, line breaks, whole-phrase boundaries."""

from __future__ import annotations

import pandas as pd
import pytest

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
