"""Uses bunched in a few statements: the dispersion behind every rate's and ratio's interval, and what a
count and a comparison may say of a leader whose uses all come from one speech."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.measures import leaders
from analysis.measures.count import count_table
from analysis.measures.stats import bunching, poisson_interval, spread_of, statement_interval
from analysis.publish.sentences import findings
from analysis.selection import Selection


def _cell(uses: list[int], words: list[int]) -> tuple[int, int, int, float]:
    return sum(uses), sum(words), len(uses), sum(u * u / w for u, w in zip(uses, words, strict=True))


def test_uses_in_one_of_ten_equal_statements_bunch_as_many_times_as_there_are_uses():
    y, w, k, s = _cell([7] + [0] * 9, [1000] * 10)
    assert float(bunching(y, w, k, s)) == pytest.approx(7.0)


def test_uses_spread_as_chance_spreads_them_keep_the_exact_interval():
    y, w, k, s = _cell([1, 1, 1, 1], [500, 500, 500, 500])  # one use a statement: less bunched than chance
    b = float(bunching(y, w, k, s))
    assert b == pytest.approx(0.0)
    low, high = statement_interval(np.array([y]), np.array([b]))
    p_low, p_high = poisson_interval(np.array([y]))
    assert (low[0], high[0]) == (p_low[0], p_high[0])


def test_a_bunched_count_has_a_wider_interval_around_the_same_count():
    low, high = statement_interval(np.array([12, 12, 0]), np.array([1.0, 12.0, np.nan]))
    p_low, p_high = poisson_interval(np.array([12, 12, 0]))
    assert low[0] == p_low[0] and high[0] == p_high[0]
    assert low[1] < p_low[1] / 4 and high[1] > p_high[1] * 3  # twelve uses in one speech: about one use's worth
    assert low[1] < 12 < high[1]
    assert (low[2], high[2]) == (0.0, p_high[2])  # no uses: nothing bunches


def test_one_statement_is_one_bunch_and_no_uses_is_none():
    assert float(bunching(5, 800, 1, 25 / 800)) == 5.0
    assert math.isnan(float(bunching(0, 800, 3, 0.0)))


def test_spreads_pool_over_periods_and_give_back_the_pooled_bunching():
    a, b = _cell([6, 0, 0], [1000, 1000, 1000]), _cell([1, 1, 0, 2], [900, 1100, 1000, 1000])
    pooled = _cell([6, 0, 0, 1, 1, 0, 2], [1000, 1000, 1000, 900, 1100, 1000, 1000])
    back = [float(spread_of(y, w, k, bunching(y, w, k, s))) for y, w, k, s in (a, b)]
    assert back == pytest.approx([a[3], b[3]])
    y, w, k = a[0] + b[0], a[1] + b[1], a[2] + b[2]
    assert float(bunching(y, w, k, sum(back))) == pytest.approx(float(bunching(*pooled)))


def test_a_rate_ratio_of_bunched_uses_is_wider_and_keeps_its_value():
    exact = leaders.rate_ratio(30, 8000, 6, 8000)
    wide = leaders.rate_ratio(30, 8000, 6, 8000, bunched=(30.0, 0.5))
    assert wide[0] == exact[0] == pytest.approx(5.0)
    assert exact[1] > 1 and wide[1] < 1 < wide[2] and wide[2] > exact[2]
    none = leaders.rate_ratio(0, 8000, 10, 8000, bunched=(float("nan"), 10.0))
    assert none[0] == 0.0 and none[2] == pytest.approx(leaders.rate_ratio(0, 8000, 10, 8000)[2] * 10)


# --- a made-up corpus: one leader's uses all in one speech, another's fewer but spread ------------------

FILLER = "we met today and spoke about the harvest the roads the schools and the weather of this region"


def _statement(folder: Path, day: int, speaker: str, uses: int, words: int = 1000) -> None:
    sentences, n = [f"This is {speaker} speaking on the {day}th of March."], 8  # no two bodies alike
    for i in range(uses):
        sentences.append(f"We will answer by military means, point {i + 1}.")
        n += 8
    while n < words:
        sentences.append(FILLER.capitalize() + ".")
        n += len(FILLER.split())
    body = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))
    front = f"title: {speaker} on day {day}\ndate: 2020-03-{day:02d}\nspeaker: {speaker}\nsource: test\nkind: speech"
    name = f"2020-03-{day:02d}-{speaker.split()[-1].lower()}.md"
    (folder / name).write_text(f"---\n{front}\nsource_url: https://example.org/{day}-{speaker[0]}\n---\n{body}\n")


@pytest.fixture(scope="module")
def bunched_corpus(tmp_path_factory) -> Corpus:
    """Anna Alpha: 30 uses of "by military means", all in one of her 8 speeches; Boris Beta: 6 uses
    over 5 of his 8 speeches of the same length."""
    root = tmp_path_factory.mktemp("bunched")
    raw = root / "raw" / "statements"
    raw.mkdir(parents=True)
    for day in range(1, 9):
        _statement(raw, day, "Anna Alpha", 30 if day == 4 else 0)
        _statement(raw, day + 10, "Boris Beta", {1: 2, 3: 1, 5: 1, 6: 1, 8: 1}.get(day, 0))
    ingest(root / "raw", root / "processed", quiet=True)
    return Corpus.load(root / "processed")


def _counts(corpus: Corpus) -> pd.DataFrame:
    selections = [Selection.of(speaker=s, period="year") for s in ("Anna Alpha", "Boris Beta")]
    return count_table(corpus, selections, ["by military means"]).to_pandas().set_index("speaker")


def test_count_does_not_show_a_leader_clearly_above_another_on_one_speech(bunched_corpus):
    rows = _counts(bunched_corpus)
    a, b = rows.loc["Anna Alpha"], rows.loc["Boris Beta"]
    assert (a["count"], a["documents"], a["documents_with_match"], b["count"], b["documents_with_match"]) == (
        30,
        8,
        1,
        6,
        5,
    )
    assert a["per_10k"] > 4 * b["per_10k"]
    assert a["per_10k_poisson_low"] > b["per_10k_poisson_high"]  # as independent words: "clearly above"
    assert a["bunching"] > 20 and b["bunching"] < 1.5
    assert a["per_10k_low"] < b["per_10k_high"]  # as statements: not clearly above
    assert (b["per_10k_low"], b["per_10k_high"]) == (b["per_10k_poisson_low"], b["per_10k_poisson_high"])


def test_no_comparison_says_the_one_speech_leader_says_it_clearly_more(bunched_corpus):
    sides = leaders.sides_of(bunched_corpus, ["Anna Alpha", "Boris Beta"], Selection.of(period="year"))
    counts = leaders.counts_by_speaker(bunched_corpus, sides, ["by military means"])
    totals = leaders.totals(counts)
    assert set(totals["clearly"]) == {"no clear difference"}
    alpha, beta = (totals.set_index("side").loc[s] for s in ("Anna Alpha", "Boris Beta"))
    assert alpha["ratio_to_others"] == pytest.approx(5.0, rel=0.01) and alpha["ratio_low"] < 1 < alpha["ratio_high"]
    assert leaders.rate_ratio(30, int(alpha["side_words"]), 6, int(beta["side_words"]))[1] > 1  # Poisson: "more"
    sentence = findings.leaders(totals)
    assert "clearly more often" not in sentence and "no clear difference" in sentence


def test_most_used_is_not_said_of_a_phrase_whose_uses_are_one_speech():
    columns = ["period", "phrase", "count", "per_10k", "documents", "speaker_words", "bunching"]
    counts = pd.DataFrame(
        [("2020", "by military means", 30, 37.5, 8, 8000, 30.0), ("2020", "our partners", 10, 12.5, 8, 8000, 1.0)],
        columns=columns,
    )
    assert findings.phrase_rates(counts, "Anna Alpha").startswith(
        "“by military means” (30 times) and “our partners” (10) are Anna Alpha's most used, with no clear difference"
    )
    spread = counts.assign(bunching=1.0)  # the same counts spread over her speeches: clearly the most used
    assert findings.phrase_rates(spread, "Anna Alpha").startswith("“by military means” is Anna Alpha's most used")


def test_keyness_holds_a_term_bunched_in_a_few_statements_to_fewer_uses():
    from collections import Counter

    from analysis.measures.keyness import keyness

    def run(bunched_a: float) -> pd.Series:
        docs_a, docs_b = {"x": (4, 0.4, bunched_a)}, {"x": (8, 0.2, 1.0)}
        return keyness(Counter(x=40), 10_000, Counter(x=10), 10_000, docs_a=docs_a, docs_b=docs_b).iloc[0]

    spread, bunched = run(1.0), run(30.0)
    assert spread["passes"] and spread["log_ratio_low"] > 0
    assert bunched["log_ratio"] == spread["log_ratio"] and bunched["g2"] == spread["g2"]
    assert bunched["log_ratio_low"] < spread["log_ratio_low"] and bunched["p_value"] > 0.05 > spread["p_value"]
    assert not bunched["passes"] and bunched["bunching_a"] == 30.0
