"""One-sentence findings (analysis.publish.sentences.findings) on small hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.publish.sentences import findings
from analysis.publish.sentences.keyness import sentence as keyness_sentence

PUTIN = "Vladimir Putin"


def frame(columns: str, *rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


# --- phrase_rates ------------------------------------------------------------------------------

COUNTS = "period phrase count per_10k"


@pytest.mark.parametrize(
    "counts, sentence",
    [
        (
            frame(COUNTS, ("2019", "finality", 0, 0.0), ("2020", "finality", 0, 0.0), ("2019", "as I said", 0, 0.0)),
            "None of the 2 phrases occurs in Vladimir Putin's words here",
        ),
        (
            frame(COUNTS, ("2019", "finality", 1, 2.5), ("2020", "finality", 3, 12.34), ("2019", "emphasis", 2, 5.0)),
            # 4 against 2 uses: their 95% intervals overlap, so no "most used"
            "“finality” (4 times) and “emphasis” (2) are Vladimir Putin's most used, with no clear difference "
            "between them; “finality” most in 2020 (3, 12.3 per 10,000 words)",
        ),
        (  # two phrases tie on 4 uses: said as a tie; the first one's peak ties too: both periods
            frame(
                COUNTS,
                ("2019", "emphasis", 2, 5.0),
                ("2020", "emphasis", 2, 4.0),
                ("2019", "finality", 1, 2.5),
                ("2020", "finality", 3, 6.0),
            ),
            "“emphasis” and “finality” are Vladimir Putin's most used, tied at 4 times each; “emphasis” most in "
            "2019 and 2020 (2 each)",
        ),
        (  # a single period: no "most in"
            frame(COUNTS, ("2025", "finality", 2, 23.2), ("2025", "military-means", 1, 11.6)),
            "“finality” (2 times) and “military-means” (1) are Vladimir Putin's most used, with no clear difference "
            "between them",
        ),
    ],
)
def test_phrase_rates(counts, sentence):
    assert findings.phrase_rates(counts, PUTIN) == sentence


def test_findings_name_a_family_by_its_label():
    counts = frame("period phrase label count per_10k", ("2019", "as-i-said", "as I said", 4, 1.0))
    assert (
        findings.phrase_rates(counts, PUTIN)
        == "“as I said” occurs 4 times in Vladimir Putin's words (1.0 per 10,000 words)"
    )
    assert "as-i-said" not in findings.phrase_rates(counts, PUTIN)


def test_phrase_rates_says_most_only_when_the_interval_supports_it_and_names_a_concentrated_period():
    rows = [
        ("2019", "soviet", 20, 2.0, 1.2, 3.1, 5, "d1", "2019-05-01", "A speech", 5, 0.25),
        ("2020", "soviet", 72, 36.5, 28.6, 46.0, 2, "d9", "2020-06-19", "An essay", 71, 0.986),
        ("2019", "partners", 3, 0.3, 0.1, 0.9, 2, "d2", "2019-01-01", "x", 2, 0.667),
        ("2020", "partners", 1, 0.5, 0.0, 2.8, 1, "d9", "2020-06-19", "An essay", 1, 1.0),
    ]
    columns = [
        "period",
        "phrase",
        "count",
        "per_10k",
        "per_10k_low",
        "per_10k_high",
        "documents",
        "top_statement",
        "top_statement_date",
        "top_statement_title",
        "top_statement_uses",
        "top_statement_share",
    ]
    counts = pd.DataFrame(rows, columns=columns)
    assert findings.phrase_rates(counts, PUTIN) == (
        "“soviet” is Vladimir Putin's most used: 92 times, most in 2020 (72, 36.5 per 10,000 words); 71 of 72 in "
        "one statement: “An essay”, 2020-06-19"
    )


def test_a_period_of_too_few_words_is_no_rival_of_the_peak():
    cols = ["period", "phrase", "count", "per_10k", "per_10k_low", "per_10k_high", "speaker_words"]
    rows = [
        ("2019", "as-i-said", 30, 3.0, 2.0, 4.3, 100_000),
        ("2020", "as-i-said", 129, 6.5, 5.4, 7.7, 198_000),
        ("2015", "as-i-said", 1, 24.4, 0.6, 136.0, 410),  # 410 words: its interval covers everything
    ]
    sentence = findings.phrase_rates(pd.DataFrame(rows, columns=cols), PUTIN)
    assert sentence.endswith("most in 2020 (129, 6.5 per 10,000 words)")  # not "not clearly more than in 2015"


def test_rhetoric_names_the_category_most_clearly_more_frequent_not_the_largest_ratio():
    counts = pd.DataFrame(
        [("2019", "finality", 8, 100_000), ("2019", "dismissal", 300, 100_000)],
        columns=["period", "phrase", "count", "speaker_words"],
    )
    baseline = pd.DataFrame({"category": ["finality", "dismissal"], "hits": [0, 100], "words": [100_000] * 2})
    sentence = findings.rhetoric(counts, PUTIN, baseline)
    assert sentence.startswith("Dismissal markers are 3.0 times as frequent")  # finality: 8 against 0, a wide interval
    assert "others 100 in 100,000, 10.0 per 10,000" in sentence


def test_a_single_phrase_is_not_called_the_most_used():
    counts = frame(COUNTS, ("2019", "soviet", 3, 1.0))
    assert (
        findings.phrase_rates(counts, PUTIN)
        == "“soviet” occurs 3 times in Vladimir Putin's words (1.0 per 10,000 words)"
    )


# --- headings ----------------------------------------------------------------------------------

HEADS = "heading speaker_words share_of_words"


@pytest.mark.parametrize(
    "heads, sentence",
    [
        (
            frame(HEADS, ("On Ukraine", 120, 0.4), ("On sanctions", 180, 0.6)),
            "The longest answer is “On sanctions”: 180 words, 60% of the statement",
        ),
        (  # a tie is said as a tie (headings in alphabetical order)
            frame(HEADS, ("On Europe", 50, 0.25), ("On Crimea", 50, 0.25), ("On energy", 20, 0.1)),
            "The longest answers, tied at 50 words each (25% of the statement), are “On Crimea” and “On Europe”",
        ),
        (frame(HEADS, ("On testing", 24, 1.0)), "The longest answer is “On testing”: 24 words, 100% of the statement"),
    ],
)
def test_headings(heads, sentence):
    assert findings.headings(heads) == sentence


def test_headings_of_a_statement_without_them():
    empty = frame(HEADS)
    assert findings.headings(empty) == "The statement has no topic headings"
    assert findings.headings(empty, PUTIN, 1234) == "Vladimir Putin: 1,234 words in this statement"


# --- catchphrases ------------------------------------------------------------------------------

FOUND = "phrase statements first_date last_date"


@pytest.mark.parametrize(
    "found, sentence",
    [
        (frame(FOUND), "No phrase recurs across Vladimir Putin's statements here"),
        (  # the first row is the top phrase (discover() ranks them)
            frame(FOUND, ("as i said", 4, "2001-05-01", "2019-12-19"), ("our partners", 9, "2000-01-01", "2020-01-01")),
            "“as i said” recurs in 4 of Vladimir Putin's statements, 2001–2019",
        ),
    ],
)
def test_catchphrases(found, sentence):
    assert findings.catchphrases(found, PUTIN) == sentence


# --- topic_shares ------------------------------------------------------------------------------

SHARES = "period topic topic_words speaker_words"


@pytest.mark.parametrize(
    "shares, sentence",
    [
        (  # shares of all words over the periods: war 60/300, economy 40/300 (not the mean of 10% and 25%)
            frame(
                SHARES,
                ("2019", "war and ceasefire", 10, 100),
                ("2019", "economy", 30, 100),
                ("2020", "war and ceasefire", 50, 200),
                ("2020", "economy", 10, 200),
            ),
            "Paragraphs on war and ceasefire (mentioning one of its terms) hold 20% of Vladimir Putin's words, "
            "the largest share of any topic, then economy (13%)",
        ),
        (  # a tie is said as a tie
            frame(
                SHARES,
                ("2019", "war and ceasefire", 10, 100),
                ("2019", "sanctions", 30, 100),
                ("2019", "energy", 30, 100),
            ),
            "Paragraphs on sanctions and energy tie for the largest share of Vladimir Putin's words: 30% each",
        ),
    ],
)
def test_topic_shares(shares, sentence):
    assert findings.topic_shares(shares, PUTIN) == sentence


def test_topic_shares_say_when_the_lead_is_not_clear():
    shares = frame(SHARES, ("2019", "war and ceasefire", 60, 300), ("2019", "economy", 55, 300))
    close = shares.assign(topic_paragraphs=[12, 11])
    assert findings.topic_shares(close, PUTIN) == (
        "Paragraphs on war and ceasefire (mentioning one of its terms) hold 20% of Vladimir Putin's words, "
        "the largest share of any topic, then economy (18%), "
        "with no clear difference between them"
    )
    clear = shares.assign(topic_paragraphs=[120, 40])
    assert "no clear difference" not in findings.topic_shares(clear, PUTIN)


def test_topic_shares_when_no_topic_occurs():
    shares = frame(SHARES, ("2019", "war and ceasefire", 0, 40), ("2019", "sanctions", 0, 40))
    assert "largest share" not in findings.topic_shares(shares, PUTIN)


def test_topic_shares_of_one_topic():
    shares = frame(SHARES, ("2019", "war and ceasefire", 5, 100))
    assert findings.topic_shares(shares, PUTIN).startswith("Paragraphs on war and ceasefire (mentioning")


def test_topic_shares_names_a_peak_that_rests_on_one_statement():
    shares = frame(
        SHARES,
        ("2019", "war and ceasefire", 1000, 10_000),
        ("2020", "war and ceasefire", 5000, 20_000),
        ("2020", "economy", 800, 20_000),
    ).assign(
        share_of_words=[0.1, 0.25, 0.04],
        topic_hits=[10, 97, 9],
        top_statement=["a", "b", "c"],
        top_statement_date=["2019-01-01", "2020-06-19", "2020-01-01"],
        top_statement_title=["One", "75th Anniversary", "Three"],
        top_statement_uses=[3, 84, 9],
        top_statement_share=[0.3, 84 / 97, 1.0],
        documents=[5, 12, 12],
    )
    # war's 2020 peak (84 of 97 hits in one statement) is named; economy's 9 of 9 too (its own peak)
    assert findings.topic_shares(shares, PUTIN) == (
        "Paragraphs on war and ceasefire (mentioning one of its terms) hold 20% of Vladimir Putin's words, "
        "the largest share of any topic, then economy (4%); "
        "war and ceasefire's 2020 peak: 84 of 97 hits in one statement: “75th Anniversary”, 2020-06-19; "
        "economy's 2020 peak: 9 of 9 hits in one statement: “Three”, 2020-01-01"
    )
    spread = shares.assign(top_statement_share=[0.3, 0.4, 0.5])  # no statement carries more than half
    assert "peak" not in findings.topic_shares(spread, PUTIN)
    # a year of too few words (under 5,000 of his: the charts do not draw it) has no peak to name
    thin = shares.assign(speaker_words=[10_000, 4_000, 4_000], topic_words=[1000, 1000, 160])
    assert "2020 peak" not in findings.topic_shares(thin, PUTIN)


# --- nmf_shares --------------------------------------------------------------------------------


def test_nmf_shares_takes_the_largest_mean_share():
    shares = frame(
        "period topic share_of_words",
        ("2019", "gas, oil", 0.1),
        ("2020", "gas, oil", 0.5),  # mean 0.30
        ("2019", "nato, europe", 0.4),
        ("2020", "nato, europe", 0.1),  # mean 0.25
    )
    assert findings.nmf_shares(shares) == "Suggested topic “gas, oil” takes the largest average share: 30%"


# --- rhetoric ----------------------------------------------------------------------------------

RHETORIC = "period phrase count speaker_words"


@pytest.mark.parametrize(
    "counts, sentence",
    [
        (  # words: 1,000 per period, counted once per period (not once per category)
            frame(
                RHETORIC,
                ("2019", "force", 1, 1000),
                ("2019", "hedging", 3, 1000),
                ("2020", "force", 0, 1000),
                ("2020", "hedging", 2, 1000),
            ),
            "Hedging markers are the most frequent in Vladimir Putin's words: 5 hits, 25.0 per 10,000 words",
        ),
        (  # a tie: the first listed
            frame(RHETORIC, ("2019", "us-them", 2, 400), ("2019", "dismissal", 2, 400)),
            "Us-them markers are the most frequent in Vladimir Putin's words: 2 hits, 50.0 per 10,000 words",
        ),
        (
            frame(RHETORIC, ("2019", "force", 0, 1000), ("2019", "hedging", 0, 1000)),
            "No rhetoric marker occurs in Vladimir Putin's words here",
        ),
        (  # hits but no words (cannot make a rate)
            frame(RHETORIC, ("2019", "force", 1, 0)),
            "No rhetoric marker occurs in Vladimir Putin's words here",
        ),
    ],
)
def test_rhetoric(counts, sentence):
    assert findings.rhetoric(counts, PUTIN) == sentence


# --- keyness -----------------------------------------------------------------------------------


def terms(*names) -> pd.DataFrame:
    return pd.DataFrame({"term": list(names)})


@pytest.mark.parametrize(
    "a, b, sentence",
    [
        (
            terms("partners", "cooperation", "economy", "growth"),
            terms("nazis", "sanctions", "special", "operation"),
            "From 2014-03-01, he says “nazis”, “sanctions”, “special” far more often; "
            "before 2014-03-01, “partners”, “cooperation”, “economy”",
        ),
        (terms(), terms("sanctions"), "From 2014-03-01, he says “sanctions” far more often"),
        (
            terms(),
            terms(),
            "No term passes the threshold (p < 0.05 after correcting for every term tested, in at "
            "least 3 statements and 2 years, at most half its uses in one statement or in a formula): no "
            "clear difference between the two sides",
        ),
    ],
)
def test_keyness(a, b, sentence):
    assert keyness_sentence(a, b, "before 2014-03-01", "from 2014-03-01") == sentence


def test_keyness_with_terms_on_side_a_only():
    sentence = keyness_sentence(terms("partners"), terms(), "before 2014-03-01", "from 2014-03-01")
    assert sentence[0].isupper() and "says" in sentence


def test_rhetoric_names_the_category_that_matters_against_the_others_baseline():
    counts = pd.DataFrame(
        {"period": ["2019"] * 2, "phrase": ["hedging", "force"], "count": [300, 60], "speaker_words": [100_000] * 2}
    )
    same = pd.DataFrame({"category": ["hedging", "force"], "hits": [300, 60], "words": 100_000})
    assert findings.rhetoric(counts, PUTIN, same) == (
        "No rhetoric category is clearly more frequent in Vladimir Putin's words than in other speakers'; hedging "
        "is the most frequent (300 hits, 30.0 per 10,000 words)"
    )
    low_force = pd.DataFrame({"category": ["hedging", "force"], "hits": [300, 10], "words": 100_000})
    # the ratio said is the one of the two rates the sentence gives (6.0 / 1.0), not the test's
    # pseudo-counted one ((60 + 0.5) / (10 + 0.5) = 5.76), which the sentence's numbers cannot give
    assert findings.rhetoric(counts, PUTIN, low_force) == (
        "Force markers are 6.0 times as frequent in Vladimir Putin's words as in other speakers' (60 hits in 100,000 "
        "words, 6.0 per 10,000; others 10 in 100,000, 1.0 per 10,000)"
    )
    never = pd.DataFrame({"category": ["hedging", "force"], "hits": [300, 0], "words": 100_000})
    assert findings.rhetoric(counts, PUTIN, never) == (
        "Force markers are clearly more frequent in Vladimir Putin's words than in other speakers' (60 hits in "
        "100,000 words, 6.0 per 10,000; none in theirs)"
    )


def test_a_catchphrase_sentence_gives_the_two_rates_its_ratio_comes_from():
    found = pd.DataFrame(
        [("by the way", 40, 2.353, 0.452, 2.37, "2012-12-10", "2020-08-27")],
        columns=["phrase", "statements", "per_10k", "reference_per_10k", "log_ratio", "first_date", "last_date"],
    )
    assert findings.catchphrases(found, PUTIN) == (
        "“by the way” recurs in 40 of Vladimir Putin's statements, 2012–2020, 5.2 times as often as in other "
        "speakers' words (2.353 against 0.452 per 10,000 words)"
    )
    alone = found.assign(reference_per_10k=0.0)
    assert findings.catchphrases(alone, PUTIN).endswith(
        "never in other speakers' words (2.353 against 0 per 10,000 words)"
    )


# --- a headline made from its published table ----------------------------------------------------


def test_report_finding_is_generated_from_the_csv_it_publishes(tmp_path):
    import json

    from analysis.publish.site.report import Report

    rep = Report("t", "T", tmp_path)
    heads = frame(HEADS, ("On Ukraine", 120, 0.4), ("On sanctions", 180, 0.6))
    html = rep.finding(function="headings", tables={"heads": heads}, speaker=PUTIN, words=300)
    assert "The longest answer is “On sanctions”: 180 words, 60% of the statement." in html.data
    meta = json.loads((tmp_path / "t" / "report.json").read_text(encoding="utf-8"))
    assert meta["finding_from"] == {
        "function": "headings",
        "tables": {"heads": "finding_heads.csv"},
        "arguments": {"speaker": PUTIN, "words": 300},
    }
    # edit the published table and the regenerated sentence follows it: the sentence comes from the file
    (tmp_path / "t" / "finding_heads.csv").write_text(
        "heading,speaker_words,share_of_words\nOn Ukraine,200,0.7\n", encoding="utf-8"
    )
    assert findings.regenerate(tmp_path / "t", meta["finding_from"]).startswith("The longest answer is “On Ukraine”")


def test_report_finding_needs_a_sentence_or_a_known_function(tmp_path):
    from analysis.publish.site.report import Report

    rep = Report("t", "T", tmp_path)
    with pytest.raises(ValueError, match="unknown finding function 'loudest'"):
        rep.finding(function="loudest", tables={})
    with pytest.raises(ValueError, match="give the sentence"):
        rep.finding()


def test_a_rate_is_quoted_only_from_enough_words():
    """A finding once quoted "681.8 per 10,000 words" for a 44-word statement its own chart marks too few."""
    cols = ["period", "phrase", "count", "per_10k", "per_10k_low", "per_10k_high", "speaker_words"]
    one = pd.DataFrame([("2025", "finality", 3, 681.8, 140.6, 1992.4, 44)], columns=cols)
    assert findings.phrase_rates(one, PUTIN) == "“finality” occurs 3 times in Vladimir Putin's words"
    enough = one.assign(speaker_words=6_000, per_10k=5.0)
    assert (
        findings.phrase_rates(enough, PUTIN)
        == "“finality” occurs 3 times in Vladimir Putin's words (5.0 per 10,000 words)"
    )
    years = pd.DataFrame(
        [("2013", "finality", 9, 1.8, 0.8, 3.4, 50_000), ("2014", "finality", 12, 32.7, 16.9, 57.2, 3_666)],
        columns=cols,
    )
    assert findings.phrase_rates(years, PUTIN) == (
        "“finality” occurs 21 times in Vladimir Putin's words, most in 2014 (12, in 3,666 words: too few for a rate)"
    )


def test_a_topic_lead_resting_on_one_speech_is_not_clear():
    """Paragraphs bunched in one statement weigh as fewer: 120 paragraphs on war, all in one speech
    (bunching 40), are not clearly more than 40 on the economy spread over his statements."""
    shares = frame(SHARES, ("2019", "war and ceasefire", 60, 300), ("2019", "economy", 55, 300))
    shares = shares.assign(topic_paragraphs=[120, 40], documents=30, speaker_words=300)
    spread = shares.assign(bunching=[1.0, 1.0])
    assert "no clear difference" not in findings.topic_shares(spread, PUTIN)
    bunched = shares.assign(bunching=[40.0, 1.0])
    assert findings.topic_shares(bunched, PUTIN).endswith("with no clear difference between them")
