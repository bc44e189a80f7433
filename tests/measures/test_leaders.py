"""Several leaders at once: --speaker repeated and groups, the comparison measures, and their finding."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from analysis.cli import main
from analysis.errors import CorpusError
from analysis.measures import leaders
from analysis.publish.sentences import findings
from analysis.selection import Selection


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_two_speakers_give_rows_for_both_each_over_his_own_words(default_corpus, capsys):
    code, out, err = cli(
        capsys,
        "count",
        "--processed",
        str(default_corpus.path),
        "--speaker",
        "Vladimir Putin",
        "--speaker",
        "Donald Trump",
        "--phrase",
        "partners",
        "--period",
        "year",
        "--format",
        "csv",
    )
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"period": str})
    assert list(dict.fromkeys(table["speaker"])) == [
        "Vladimir Putin",
        "Donald Trump",
    ]  # the second no longer replaces the first
    trump = table[table["speaker"] == "Donald Trump"].set_index("period")
    assert list(trump.index) == ["2017", "2018", "2019", "2020"]
    for speaker, rows in table.groupby("speaker"):
        words = default_corpus.select(Selection.of(speaker=speaker)).turns
        by_year = words.groupby(words["date"].dt.strftime("%Y"))["n_words"].sum()
        assert rows.set_index("period")["speaker_words"].to_dict() == by_year.to_dict()  # his own denominators


def test_a_group_stands_for_its_members_with_words_in_the_dates(default_corpus, capsys):
    code, out, err = cli(
        capsys,
        "count",
        "--processed",
        str(default_corpus.path),
        "--speaker",
        "US presidents",
        "--phrase",
        "terrorism",
        "--start",
        "2009-01-20",
        "--end",
        "2020-12-31",
    )
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(dict.fromkeys(table["speaker"])) == ["Barack Obama", "Donald Trump"]


def test_kwic_rows_for_several_speakers_add_up_to_their_counts(default_corpus, capsys):
    args = ["--processed", str(default_corpus.path), "--speaker", "Putin", "--speaker", "Barack Obama"]
    args += ["--phrase", "sovereignty", "--start", "2012-01-01", "--end", "2016-12-31"]
    _, kwic, _ = cli(capsys, "kwic", *args)
    _, count, _ = cli(capsys, "count", *args)
    ev, counts = pd.read_csv(io.StringIO(kwic)), pd.read_csv(io.StringIO(count))
    assert ev.groupby("speaker").size().to_dict() == counts.groupby("speaker")["count"].sum().to_dict()
    assert list(ev["date"]) == sorted(ev["date"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--speaker", "Nobody Atall"], "has no words in this corpus"),
        (["--speaker", "US presidents", "--end", "1700-01-01"], "group 'US presidents' has no words"),
    ],
)
def test_unknown_speakers_and_empty_groups_are_one_line_errors(default_corpus, capsys, args, message):
    code, _, err = cli(capsys, "count", "--processed", str(default_corpus.path), "--phrase", "x", *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_listing_commands_say_what_can_be_asked_for(default_corpus, capsys):
    _, out, _ = cli(capsys, "sources", "--processed", str(default_corpus.path), "--format", "csv")
    sources = pd.read_csv(io.StringIO(out)).set_index("source")
    assert sources.loc["en.kremlin.ru", "documents"] == 6908
    assert sources.loc["Miller Center, University of Virginia", "documents"] == 1003
    assert sources.loc["Miller Center, University of Virginia", "leaders"] == 44
    # 137 fewer than before issue 20: two photo-album pages read as narration (99), a question cut out (38)
    assert sources.loc["en.kremlin.ru", "top_leaders"].startswith("Vladimir Putin (1,029,398)")
    _, out, _ = cli(capsys, "families", "--format", "csv")
    families = pd.read_csv(io.StringIO(out))
    assert {"terrorism", "sovereignty", "threat-of-force", "our-partners"} <= set(families["name"])
    _, out, _ = cli(capsys, "families", "--kind", "rhetoric", "--format", "csv")
    assert "force" in set(pd.read_csv(io.StringIO(out))["name"])
    _, out, _ = cli(capsys, "speakers", "--groups", "--processed", str(default_corpus.path), "--format", "csv")
    groups = pd.read_csv(io.StringIO(out)).set_index("group")
    assert groups.loc["US presidents", "members_with_words"] == 44
    assert groups.loc["Russian presidents", "members"] == "Vladimir Putin; Dmitry Medvedev"


@pytest.mark.parametrize(
    "a, wa, b, wb, expected",
    [
        (10, 1000, 10, 1000, (1.0, 0.4, 2.5)),  # equal rates: the interval spans 1
        (40, 1000, 10, 2000, (8.0, 4.0, 16.0)),
        (5, 1000, 0, 1000, (math.inf, 1.2, math.inf)),
    ],
)
def test_rate_ratio_and_its_exact_interval(a, wa, b, wb, expected):
    value, low, high = leaders.rate_ratio(a, wa, b, wb)
    assert value == pytest.approx(expected[0])
    assert low == pytest.approx(expected[1], rel=0.25) and (
        high == expected[2] or high == pytest.approx(expected[2], rel=0.25)
    )
    assert low <= value <= high


def _counts(rows):
    cols = ["side", "speaker", "period", "phrase", "count", "documents", "speaker_words", "documents_with_match"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.assign(  # uses spread as chance would spread them (bunching 1)
        bunching=1.0,
        top_statement="d",
        top_statement_date="2020-01-01",
        top_statement_title="t",
        top_statement_uses=frame["count"],
    )


def test_totals_compare_only_the_years_every_side_has_words():
    counts = _counts(
        [
            ["A", "a", "2010", "p", 50, 10, 100_000, 8],  # A alone in 2010: left out of the totals
            ["A", "a", "2011", "p", 30, 10, 100_000, 6],
            ["B", "b1", "2011", "p", 2, 3, 60_000, 2],
            ["B", "b2", "2011", "p", 1, 2, 40_000, 1],
        ]
    )
    assert leaders.common_periods(counts, min_words=5000) == ["2011"]
    totals = leaders.totals(counts, periods=["2011"]).set_index("side")
    assert totals.loc["A", "count"] == 30 and totals.loc["B", "count"] == 3
    assert totals.loc["B", "side_words"] == 100_000 and totals.loc["B", "members"] == 2
    assert totals.loc["A", "clearly"] == "more" and totals.loc["B", "clearly"] == "less"
    assert totals.loc["A", "periods"] == "2011"
    sentence = findings.leaders(totals.reset_index())
    assert sentence.startswith("In 2011, the years every side has words: clearly more often in A's words than in B's")
    assert "3.00 vs 0.30 per 10,000 words, 30 vs 3 uses, 10.0 times" in sentence


def test_a_finding_says_no_clear_difference_and_few_words():
    counts = _counts([["A", "a", "2011", "p", 3, 1, 20_000, 1], ["B", "b", "2011", "p", 2, 1, 20_000, 1]])
    sentence = findings.leaders(leaders.totals(counts))
    assert "no clear difference: “p”" in sentence
    assert "few words of A and B (20,000 and 20,000): read with care" in sentence


def test_sides_whose_years_do_not_overlap_are_told_which_years_each_has():
    counts = _counts(
        [
            ["A", "a", "2009", "p", 1, 4, 60_000, 1],
            ["A", "a", "2010", "p", 1, 4, 60_000, 1],
            ["B", "b", "2017", "p", 2, 3, 40_000, 2],
            ["B", "b", "2010", "p", 0, 1, 900, 0],  # too few words to count as a year of B's
        ]
    )
    with pytest.raises(CorpusError) as err:
        leaders.common_periods(counts, min_words=5000)
    assert str(err.value) == (
        "no period in which every side has 5,000 words or more, so nothing to compare (A: 2009–2010; B: 2017): "
        "choose sides whose years overlap, or widen the dates"
    )
