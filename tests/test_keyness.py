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
    # the pseudo-count is split by side size (1000/11000 and 10000/11000), so the sign cannot flip
    a_, b_ = 10 + 1000 / 11000, 10 + 10000 / 11000
    assert table.loc[0, "log_ratio"] == pytest.approx(math.log2((a_ / 1000) / (b_ / 10000)), abs=1e-3)
    assert table.loc[0, "overused_in"] == "A"


def test_zero_frequency_and_min_freq():
    table = keyness(Counter({"x": 6, "rare": 2}), 100, Counter({"y": 6}), 100, min_freq=5)
    assert set(table["term"]) == {"x", "y"}
    row = table.set_index("term").loc["x"]
    assert row["freq_b"] == 0 and row["log_ratio"] == pytest.approx(math.log2(6.5 / 0.5), abs=1e-3)


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
    assert {"crimea", "syria"} <= set(compare(a, b, top=30)["b"]["term"])


def test_compare_needs_both_sides(default_corpus):
    with pytest.raises(ValueError, match="no words"):
        compare(
            default_corpus.select(Selection.of(speaker="Putin")).turns.iloc[0:0],
            default_corpus.select(Selection.of(speaker="Putin")).turns,
        )


def test_sides_by_split_date_and_by_speaker(fixture_corpus):
    from analysis.measures.keyness import sides
    from analysis.measures.search import paragraphs, search

    def side(scope):
        return paragraphs(search(fixture_corpus.index, scope, None))

    a, b, la, lb = sides(fixture_corpus, Selection.of(speaker="Putin"), split="2020-03-02")
    assert set(side(a)["doc_id"]) == {"kremlin-90001"} and set(side(b)["doc_id"]) >= {"kremlin-90002"}
    assert (la, lb) == ("before 2020-03-02", "from 2020-03-02")
    a, b, la, lb = sides(fixture_corpus, Selection.of(speaker="Putin"), speaker_b="Testov")
    assert (la, lb) == ("Vladimir Putin", "Ivan Testov") and set(side(b)["speaker"]) == {lb}
    with pytest.raises(ValueError, match="not both"):
        sides(fixture_corpus, Selection.of(speaker="Putin"), split="2020-01-01", speaker_b="Testov")


def test_sign_rates_and_side_always_agree_on_random_small_corpora():
    """A property over 300 random pairs of small corpora (fixed seed): no row contradicts itself."""
    import random

    rng = random.Random(2026)
    for _ in range(300):
        vocab = [f"w{i}" for i in range(rng.randint(1, 12))]
        ca = Counter({w: rng.randint(0, 9) for w in vocab})
        cb = Counter({w: rng.randint(0, 9) for w in vocab})
        na, nb = sum(ca.values()) + rng.randint(1, 3000), sum(cb.values()) + rng.randint(1, 300)
        table = keyness(ca, na, cb, nb, min_freq=1)
        for r in table.itertuples():
            diff = r.freq_a * nb - r.freq_b * na
            side = "A" if diff > 0 else "B" if diff < 0 else "="
            assert r.overused_in == side
            assert (r.log_ratio > 0) == (diff > 0) and (r.log_ratio < 0) == (diff < 0)
            assert r.log_ratio_low <= r.log_ratio <= r.log_ratio_high
            assert r.per_10k_a == round(r.freq_a / na * 10_000, 3)
            assert 0 <= r.p_value <= r.p_adjusted <= 1


def test_the_reproduction_of_the_issue_no_row_contradicts_itself():
    # side A: 862 words with "russia" 5 times; side B: a 99-word statement without it
    table = keyness(Counter({"russia": 5, "peace": 2}), 862, Counter({"peace": 3}), 99, min_freq=1)
    russia = table.set_index("term").loc["russia"]
    assert russia["overused_in"] == "A" and russia["log_ratio"] > 0


def test_spread_concentration_and_the_threshold():
    from analysis.measures.keyness import compare

    def turns(rows):
        return pd.DataFrame(rows, columns=["doc_id", "text"])

    a = turns([(f"a{i}", "Sanctions hurt. " * (1 if i else 20) + "filler words here") for i in range(6)])
    b = turns([(f"b{i}", "Trade grows and filler words here") for i in range(6)])
    result = compare(a, b, min_freq=1, top=10)
    row = result["a"].set_index("term").loc["sanctions"]
    assert row["statements"] == 6 and row["top_statement_share"] == round(20 / 25, 3)
    assert row["concentrated"] and not row["passes"]  # 20 of its 25 uses in one statement
    assert result["tested"] == 6  # sanctions, hurt, filler, words, trade, grows (stop words left out)


def test_abbreviations_are_terms_not_letters():
    turns = pd.DataFrame({"doc_id": ["d"], "text": ["The U.S. and the E.U. met. The U.S. said no."]})
    counts, _ = term_counts(turns)
    assert counts["u.s."] == 2 and counts["e.u."] == 1 and "u" not in counts and "s" not in counts


def test_a_group_can_be_side_b(default_corpus):
    """`keyness --speaker-b "US presidents"` once said the group had no words; its side is every member's
    own words in the selection's dates."""
    from analysis.measures.keyness import compare_scopes, sides

    selection = Selection.of(speaker="Putin", start="2017-01-01", end="2020-12-31")
    a, b, la, lb = sides(default_corpus, selection, speaker_b="US presidents")
    result = compare_scopes(default_corpus.index, a, b, top=5)
    trump = default_corpus.select(Selection.of(speaker="Donald Trump", start="2017-01-01", end="2020-12-31"))
    assert (la, lb) == ("Vladimir Putin", "US presidents")
    assert result["tokens_b"] > 0 and len(result["b"]) == 5
    assert result["tokens_b"] == int(trump.turns["n_words"].sum())  # Trump is the only president then
