"""What a corpus holds of a speaker (analysis.measures.coverage): words and statements per period, the
years with none or too few, the sources each side's words come from, and the one rule for small numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.measures import coverage as cv
from analysis.measures import measures
from analysis.selection import Selection

FILLER = "we met today and spoke about the harvest the roads the schools and the weather of this region"


def _statement(folder: Path, date: str, speaker: str, words: int, source: str = "wire") -> None:
    sentences, n = [f"This is {speaker} speaking on {date} for {source}."], 8  # no two bodies alike
    while n < words:
        sentences.append(FILLER.capitalize() + ".")
        n += len(FILLER.split())
    body = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))
    front = f"title: {speaker} on {date}\ndate: {date}\nspeaker: {speaker}\nsource: {source}\nkind: speech"
    name = f"{date}-{speaker.split()[-1].lower()}-{source}.md"
    (folder / name).write_text(f"---\n{front}\nsource_url: https://example.org/{date}-{source}\n---\n{body}\n")


@pytest.fixture(scope="module")
def gappy(tmp_path_factory) -> Corpus:
    """Anna Alpha: 2015 two long speeches, 2016 none, 2017 one short one, 2018 a long one on the wire and
    a short one in the gazette; Boris Beta: 2017 one long speech."""
    root = tmp_path_factory.mktemp("gappy")
    raw = root / "raw" / "statements"
    raw.mkdir(parents=True)
    _statement(raw, "2015-03-01", "Anna Alpha", 3000)
    _statement(raw, "2015-09-01", "Anna Alpha", 3000)
    _statement(raw, "2017-05-01", "Anna Alpha", 800)
    _statement(raw, "2018-02-01", "Anna Alpha", 6000)
    _statement(raw, "2018-06-01", "Anna Alpha", 400, source="gazette")
    _statement(raw, "2017-04-01", "Boris Beta", 6000)
    ingest(root / "raw", root / "processed", quiet=True)
    return Corpus.load(root / "processed")


def _anna(corpus: Corpus, by: str = "year", **sel) -> pd.DataFrame:
    return cv.coverage_of(corpus, {"Anna": corpus.scope(Selection.of(speaker="Anna Alpha", **sel))}, by=by)


def test_every_year_between_the_first_and_last_is_listed_with_the_empty_ones_as_zeros(gappy):
    assert list(_anna(gappy).columns[:5]) == ["side", "speaker", "period", "documents", "words"]
    cov = _anna(gappy).set_index("period")
    assert list(cov.index) == ["2015", "2016", "2017", "2018"]
    assert list(cov["documents"]) == [2, 0, 1, 2]
    assert cov.loc["2016", ["words", "sources", "first_date"]].tolist() == [0, "", ""]
    assert list(cov["enough_words"]) == [True, False, False, True]  # 2017: one statement of 800 words
    assert cov.loc["2015", "words"] == gappy.index.words(
        gappy.scope(Selection.of(speaker="Anna Alpha", end="2015-12-31"))
    )


def test_a_period_names_its_sources_most_words_first_with_their_words(gappy):
    row = _anna(gappy).set_index("period").loc["2018"]
    assert row["sources"] == "wire; gazette"
    words = [int(w) for w in row["source_words"].split("; ")]
    assert words[0] > words[1] and sum(words) == row["words"]
    assert (row["first_date"], row["last_date"]) == ("2018-02-01", "2018-06-01")


def test_gaps_are_runs_of_periods_with_none_or_too_few(gappy):
    holes = cv.gaps(_anna(gappy))
    assert holes[["kind", "first_period", "last_period", "documents"]].values.tolist() == [
        ["none", "2016", "2016", 0],
        ["too few", "2017", "2017", 1],
    ]


def test_months_are_listed_too_and_statements_have_no_gaps(gappy):
    cov = _anna(gappy, by="month", start="2018-01-01")
    assert list(cov["period"]) == ["2018-02", "2018-03", "2018-04", "2018-05", "2018-06"]
    assert list(cov["documents"]) == [1, 0, 0, 0, 1]
    per_statement = _anna(gappy, by="document")
    assert len(per_statement) == 5 and (per_statement["documents"] == 1).all()
    assert list(cv.gaps(per_statement)["kind"]) == ["too few"] * 2  # the 800- and 400-word statements
    assert per_statement.loc[~per_statement["enough_words"], "words"].max() < cv.MIN_STATEMENT_WORDS


def test_a_source_restricts_the_words(gappy):
    cov = _anna(gappy, source="gazette")
    assert cov[["period", "documents", "sources"]].values.tolist() == [["2018", 1, "gazette"]]


def test_sides_and_by_side_add_up_a_group_and_keep_the_sides_in_order(gappy):
    scope = gappy.scope(Selection.of(), speakers=["Anna Alpha", "Boris Beta"])
    cov = cv.coverage_of(gappy, {"Both": scope, "Boris": gappy.scope(Selection.of(speaker="Boris Beta"))})
    assert list(dict.fromkeys(cov["side"])) == ["Both", "Boris"]
    both = cv.by_side(cov)
    mine = both[both["side"] == "Both"].set_index("period")
    assert list(mine.index) == ["2015", "2016", "2017", "2018"] and (mine["speaker"] == "Both").all()
    assert mine.loc["2017", "documents"] == 2 and mine.loc["2017", "enough_words"]  # Anna's 800 + Boris's 6,000
    assert mine.loc["2016", "documents"] == 0
    side = cv.sides(both).set_index("side")
    assert side.loc["Both", "sources"] == "wire; gazette"
    assert side.loc["Both", "words"] == cov.loc[cov["side"] == "Both", "words"].sum()
    assert (side.loc["Boris", "first_date"], side.loc["Boris", "last_date"]) == ("2017-04-01", "2017-04-01")


def test_the_one_rule_for_small_numbers():
    rows = pd.DataFrame({"period": ["2019", "2020"], "speaker_words": [4999, 5000]})
    assert list(cv.enough(rows)["period"]) == ["2020"]
    statements = pd.DataFrame({"period": ["2020-01-01 a", "2020-02-01 b"], "speaker_words": [999, 1000]})
    assert list(cv.enough(statements)["period"]) == ["2020-02-01 b"]


def test_the_coverage_measure_is_registered_and_answers_for_each_speaker(gappy):
    unit = measures()["coverage"]
    params = unit.params.of({"speakers": ["Anna Alpha", "Boris Beta"], "source": "wire"})
    table = unit.compute(gappy, params).table
    assert list(dict.fromkeys(table["speaker"])) == ["Anna Alpha", "Boris Beta"]
    assert "gazette" not in set(table["sources"])
