"""Keyness: G² and log ratio."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from analysis.measures.keyness import compare, keyness, term_counts
from analysis.selection import Selection


def test_g2_and_log_ratio_known_values():
    # a=10 of 1000 vs b=10 of 10000: E_a = 1000*20/11000, E_b = 10000*20/11000
    table = keyness(Counter({"x": 10}), 1000, Counter({"x": 10}), 10000, min_freq=1)
    e_a, e_b = 1000 * 20 / 11000, 10000 * 20 / 11000
    g2 = 2 * (10 * math.log(10 / e_a) + 10 * math.log(10 / e_b))
    assert table.loc[0, "g2"] == pytest.approx(g2, abs=1e-3)
    assert table.loc[0, "log_ratio"] == pytest.approx(math.log2((10 / 1000) / (10 / 10000)), abs=1e-3)
    assert table.loc[0, "overused_in"] == "A"


def test_zero_frequency_and_min_freq():
    table = keyness(Counter({"x": 6, "rare": 2}), 100, Counter({"y": 6}), 100, min_freq=5)
    assert set(table["term"]) == {"x", "y"}
    row = table.set_index("term").loc["x"]
    assert row["freq_b"] == 0 and row["log_ratio"] == pytest.approx(math.log2(6 / 0.5), abs=1e-3)


def test_term_counts_skip_stop_words_and_numbers():
    turns = pd.DataFrame({"text": ["The sanctions of 2014 and the sanctions [now]."]})
    counts, tokens = term_counts(turns)
    assert counts == Counter({"sanctions": 2})
    assert tokens == 7


def test_compare_before_and_after_2014(default_corpus):
    a = default_corpus.select(Selection.of(speaker="Putin", end="2014-02-28")).turns
    b = default_corpus.select(Selection.of(speaker="Putin", start="2014-03-01")).turns
    r = compare(a, b, top=10)
    assert len(r["a"]) == 10 and len(r["b"]) == 10
    assert (r["a"]["overused_in"] == "A").all() and (r["b"]["log_ratio"] < 0).all()
    assert "sanctions" in set(compare(a, b, top=30)["b"]["term"])


def test_compare_needs_both_sides(default_corpus):
    with pytest.raises(ValueError, match="no words"):
        compare(
            default_corpus.select(Selection.of(speaker="Putin")).turns.iloc[0:0],
            default_corpus.select(Selection.of(speaker="Putin")).turns,
        )


def test_sides_by_split_date_and_by_speaker(fixture_corpus):
    from analysis.measures.keyness import sides

    a, b, la, lb = sides(fixture_corpus, Selection.of(speaker="Putin"), split="2020-03-02")
    assert set(a["doc_id"]) == {"kremlin-90001"} and set(b["doc_id"]) >= {"kremlin-90002"}
    assert (la, lb) == ("before 2020-03-02", "from 2020-03-02")
    a, b, la, lb = sides(fixture_corpus, Selection.of(speaker="Putin"), speaker_b="Testov")
    assert (la, lb) == ("Vladimir Putin", "Ivan Testov") and set(b["speaker"]) == {lb}
    with pytest.raises(ValueError, match="not both"):
        sides(fixture_corpus, Selection.of(speaker="Putin"), split="2020-01-01", speaker_b="Testov")
