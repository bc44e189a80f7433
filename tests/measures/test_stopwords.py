"""The stop words are scikit-learn's English list (copied so that counting does not import it)."""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.measures.stopwords import ENGLISH, STOP_WORDS


def test_the_copy_equals_scikit_learns_list():
    assert frozenset(ENGLISH_STOP_WORDS) == ENGLISH
    assert ENGLISH <= STOP_WORDS and {"s", "t", "don't"} <= STOP_WORDS
