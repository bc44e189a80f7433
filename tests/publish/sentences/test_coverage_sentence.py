"""The sentence under every report's coverage strip (analysis.publish.sentences.coverage.sentence), on hand-made
coverage tables: each side's words, statements, dates and sources, and its gaps, said plainly."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.publish.sentences.coverage import sentence

PUTIN = "Vladimir Putin"


def frame(columns: str, *rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


COVERAGE = "side speaker period documents words enough_words sources source_words first_date last_date"
KREMLIN = "en.kremlin.ru"


def years(side: str, *rows) -> list[tuple]:
    """Coverage rows of one side: (period, documents, words[, sources, source_words]); dates from the year."""
    out = []
    for period, docs, words, *src in rows:
        names, per = src or ((KREMLIN, str(words)) if docs else ("", ""))
        dates = (f"{period}-01-10", f"{period}-11-20") if docs else ("", "")
        out.append((side, side, period, docs, words, words >= 5000, names, per, *dates))
    return out


@pytest.mark.parametrize(
    "rows, said",
    [
        (
            years(
                PUTIN, ("2012", 17, 52299), ("2013", 74, 52230), ("2014", 6, 3666), ("2015", 1, 410), ("2016", 9, 9000)
            ),
            "Vladimir Putin: 117,605 own words in 107 statements, 2012-01-10 to 2016-11-20, from en.kremlin.ru; "
            "too few words for a rate in 2014–2015 (7 statements, 4,076 words)",
        ),
        (  # a year without statements is named as a gap of the corpus, not a silence
            years(PUTIN, ("2019", 3, 9000), ("2020", 0, 0), ("2021", 0, 0), ("2022", 2, 7000)),
            "Vladimir Putin: 16,000 own words in 5 statements, 2019-01-10 to 2022-11-20, from en.kremlin.ru; "
            "no statements in this corpus in 2020–2021",
        ),
        (  # two sources: each with its words; a second side
            years("US presidents", ("2017", 7, 20408, "Miller Center; en.kremlin.ru", "20334; 74"))
            + years(PUTIN, ("2017", 3, 9000)),
            "US presidents: 20,408 own words in 7 statements, 2017-01-10 to 2017-11-20, from Miller Center "
            "(20,334 words) and en.kremlin.ru (74 words). Vladimir Putin: 9,000 own words in 3 statements, "
            "2017-01-10 to 2017-11-20, from en.kremlin.ru",
        ),
        (  # many gaps: the longest three, then how many periods more
            years(PUTIN, ("2000", 1, 6000), ("2001", 0, 0), ("2002", 1, 6000), ("2003", 0, 0), ("2004", 0, 0))
            + years(PUTIN, ("2005", 1, 6000), ("2006", 0, 0), ("2007", 1, 6000), ("2008", 0, 0), ("2009", 1, 6000)),
            "Vladimir Putin: 30,000 own words in 5 statements, 2000-01-10 to 2009-11-20, from en.kremlin.ru; "
            "no statements in this corpus in 2003–2004, 2006, 2008 and 1 other period",
        ),
    ],
)
def test_coverage_says_each_side_its_sources_and_gaps(rows, said):
    assert sentence(frame(COVERAGE, *rows)) == said


def test_coverage_of_one_short_statement():
    row = (PUTIN, PUTIN, "2025-11-27 meduza-1", 1, 862, False, "Meduza", "862", "2025-11-27", "2025-11-27")
    assert sentence(frame(COVERAGE, row)) == (
        "Vladimir Putin: 862 own words in 1 statement, on 2025-11-27, from Meduza; too short for a rate "
        "(under 1,000 words)"
    )
