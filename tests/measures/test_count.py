"""Counts per period, denominators, intervals, and the evidence behind them."""

from __future__ import annotations

import pytest

from analysis.errors import CorpusError
from analysis.measures.count import COUNT_COLUMNS, count_phrases, evidence
from analysis.measures.stats import poisson_interval
from analysis.selection import Selection

PHRASES = ["That's all there is to it", "legally impossible", "I would like to stress", "why would we agree"]


def test_counts_only_the_speakers_own_words(fixture_corpus):
    c = count_phrases(fixture_corpus, Selection.of(speaker="Vladimir Putin", period="year"), PHRASES)
    totals = c.groupby("phrase")["count"].sum().to_dict()
    # 90001: Putin once (curly, split over a line); the questioner's use does not count.
    # 90002: the minister's use does not count; Putin's (retranslated) turn does.
    # The hand-added statement says "That is all there is to it": another surface form.
    assert totals["That's all there is to it"] == 2
    assert totals["legally impossible"] == 1  # the pull-quote repeating it is not counted again
    assert totals["I would like to stress"] == 2
    assert totals["why would we agree"] == 1  # a plain "Question:" inside his turn is his own words


def test_count_table_shape_and_denominators(fixture_corpus):
    c = count_phrases(fixture_corpus, Selection.of(speaker="Putin", period="year"), PHRASES)
    assert list(c.columns) == COUNT_COLUMNS
    assert list(c["period"].unique()) == ["2019", "2020", "2021"]
    assert len(c) == 3 * len(PHRASES)  # zero rows are kept
    row = c[(c["period"] == "2019") & (c["phrase"] == "legally impossible")].iloc[0]
    assert row["count"] == 1 and row["documents"] == 1
    assert row["per_10k"] == pytest.approx(10_000 / row["speaker_words"], abs=1e-3)
    assert row["per_10k_low"] < row["per_10k"] < row["per_10k_high"]
    assert bool(row["low_count"])


@pytest.mark.parametrize(
    "by, periods",
    [
        ("month", ["2019-12", "2020-03", "2021-06"]),
        (
            "document",
            ["2019-12-19 kremlin-90001", "2020-03-02 kremlin-90002", "2021-06-01 statements-2021-06-01-test-remarks"],
        ),
    ],
)
def test_periods(fixture_corpus, by, periods):
    c = count_phrases(fixture_corpus, Selection.of(speaker="Putin", period=by), PHRASES[:1])
    assert list(c["period"]) == periods


def test_date_range(fixture_corpus):
    c = count_phrases(fixture_corpus, Selection.of(speaker="Putin", start="2020-01-01", end="2020-12-31"), PHRASES)
    assert list(c["period"].unique()) == ["2020"]


@pytest.mark.parametrize("phrase", PHRASES)
def test_evidence_rows_equal_the_count(fixture_corpus, phrase):
    c = count_phrases(fixture_corpus, Selection.of(speaker="Putin", period="document"), [phrase])
    ev = evidence(fixture_corpus, Selection.of(speaker="Putin"), [phrase])
    assert len(ev) == c["count"].sum()
    assert set(ev.columns) >= {"date", "doc_id", "title", "source_url", "left", "match", "right"}


def test_bad_parameters(fixture_corpus):
    with pytest.raises(ValueError, match="period"):
        count_phrases(fixture_corpus, Selection.of(speaker="Putin", period="week"), PHRASES)
    with pytest.raises(CorpusError, match="no words in this corpus"):
        count_phrases(fixture_corpus, Selection.of(speaker="Nobody Atall"), PHRASES)
    with pytest.raises(CorpusError, match="ISO date"):
        count_phrases(fixture_corpus, Selection.of(speaker="Putin", start="01/02/2020"), PHRASES)
    with pytest.raises(CorpusError, match="after end"):
        count_phrases(fixture_corpus, Selection.of(speaker="Putin", start="2021-01-01", end="2020-01-01"), PHRASES)


def test_poisson_interval_known_values():
    import pandas as pd

    low, high = poisson_interval(pd.Series([0, 1, 10]))
    assert low.round(3).tolist() == [0.0, 0.025, 4.795]
    assert high.round(3).tolist() == [3.689, 5.572, 18.39]


def test_seed_counts(default_corpus):
    c = count_phrases(
        default_corpus,
        Selection.of(speaker="Putin", source="Meduza (English edition)", period="document"),
        ["that's all there is to it"],
    )
    assert c["count"].tolist() == [2]
    assert c["speaker_words"].tolist() == [862]


@pytest.mark.parametrize("asked", ["Ivan Testov", "testov", "Minister Ivan Testov"])
def test_speakers_outside_the_registry_can_be_named_without_their_title(fixture_corpus, asked):
    assert fixture_corpus.resolve_speaker(asked) == "Ivan Testov"  # the person; "Minister" is the role
