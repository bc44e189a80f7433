"""When did it change (analysis.measures.changes): a change in a phrase's rate over a speaker's statements
is found where there is one, not where one speech is full of it, and the same every time it is asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.measures import measures
from analysis.measures.changes import ChangesParams, changes_of, scan
from analysis.publish.sentences.changes import sentence
from analysis.selection import Selection

FILLER = "we met today and spoke about the harvest the roads the schools and the weather of this region"
START = dt.date(2018, 1, 1)


def _statement(folder: Path, i: int, speaker: str, phrases: dict[str, int], words: int = 1200) -> None:
    day = START + dt.timedelta(days=7 * i)
    sentences, n = [f"This is {speaker} speaking in week {i}."], 7
    for phrase, k in phrases.items():
        for j in range(k):
            sentences.append(f"I say {phrase} again, time {j + 1}.")
            n += 5 + len(phrase.split())
    while n < words:
        sentences.append(FILLER.capitalize() + ".")
        n += len(FILLER.split())
    body = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))
    front = f"title: {speaker} week {i}\ndate: {day}\nspeaker: {speaker}\nsource: test\nkind: speech"
    name = f"{day}-{speaker.split()[-1].lower()}.md"
    (folder / name).write_text(f"---\n{front}\nsource_url: https://example.org/{i}-{speaker[0]}\n---\n{body}\n")


@pytest.fixture(scope="module")
def weekly(tmp_path_factory) -> Corpus:
    """Anna Alpha, 30 weekly statements: "our partners" 3 times in each of the first 15 and never after;
    "by military means" 20 times in statement 20 only; "as I said" once in every statement."""
    root = tmp_path_factory.mktemp("weekly")
    raw = root / "raw" / "statements"
    raw.mkdir(parents=True)
    for i in range(30):
        said = {"our partners": 3 if i < 15 else 0, "by military means": 20 if i == 20 else 0, "as I said": 1}
        _statement(raw, i, "Anna Alpha", said)
    ingest(root / "raw", root / "processed", quiet=True)
    return Corpus.load(root / "processed")


FAST = ChangesParams(phrases=["x"], permutations=199)


def _runs(corpus: Corpus, phrases: list[str], params: ChangesParams = FAST) -> pd.DataFrame:
    return changes_of(corpus, Selection.of(speaker="Anna Alpha"), phrases, params=params)


def test_a_phrase_that_stops_has_one_clear_change_where_it_stops(weekly):
    runs = _runs(weekly, ["our partners"])
    assert list(runs["segment"]) == [1, 2]
    assert runs.loc[1, "start"] == str(START + dt.timedelta(days=7 * 15))  # the first statement without it
    assert list(runs["statements"]) == [15, 15] and list(runs["count"]) == [45, 0]
    assert runs.loc[1, "change_p"] < FAST.alpha and pd.isna(runs.loc[0, "change_p"])
    assert (runs.loc[0, "per_10k_low"] > runs.loc[1, "per_10k_high"]).all()
    assert (runs["first_use"].iloc[0], runs["last_use"].iloc[0]) == (str(START), str(START + dt.timedelta(days=98)))


def test_one_speech_full_of_a_phrase_is_no_change(weekly):
    """20 uses in one statement: a test on words would call it a change; one that allows for uses bunched in
    statements (the shuffles keep them together, the threshold scales with their dispersion) does not."""
    runs = _runs(weekly, ["by military means"])
    assert len(runs) == 1 and runs.loc[0, "count"] == 20 and runs.loc[0, "bunching"] > 10
    k, ratio = scan(
        np.array([0.0] * 20 + [20.0] + [0.0] * 9), np.full(30, 1200.0), FAST.min_run_statements
    )  # the scan alone puts a split next to it, with a large ratio…
    assert k is not None and ratio > 20  # …that is not taken for a change


def test_a_steady_phrase_has_no_clear_change(weekly):
    runs = _runs(weekly, ["as I said"])
    assert len(runs) == 1 and runs.loc[0, "count"] == 30 and runs.loc[0, "statements"] == 30


def test_changes_do_not_depend_on_what_else_is_asked_and_repeat_exactly(weekly):
    alone = _runs(weekly, ["our partners"])
    together = _runs(weekly, ["as I said", "our partners"])
    mine = together[together["phrase"] == "our partners"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, mine)
    pd.testing.assert_frame_equal(alone, _runs(weekly, ["our partners"]))


def test_runs_keep_enough_statements_and_words():
    uses = np.array([9.0] * 3 + [0.0] * 27)  # a burst in the first 3 statements
    k, _ = scan(uses, np.full(30, 1200.0), 5)
    assert k is not None and k >= 5  # no run of fewer than 5 statements
    k, _ = scan(uses, np.full(30, 400.0), 5)  # 5 statements of 400 words: under 5,000 words
    assert k is not None and k * 400 >= 5000 and (30 - k) * 400 >= 5000
    assert scan(np.zeros(30), np.full(30, 1200.0), 5)[0] is None  # no uses: nothing to split


def test_the_changes_measure_is_registered(weekly):
    unit = measures()["changes"]
    params = unit.params.of({"speakers": ["Anna Alpha"], "phrases": ["our partners"], "permutations": 199})
    result = unit.compute(weekly, params)
    assert list(result.table["count"]) == [45, 0] and len(result.evidence) == 45


def test_the_sentence_says_the_change_first_and_last_use_and_what_the_corpus_holds(weekly):
    runs = _runs(weekly, ["our partners", "as I said"])
    said = sentence(runs, "Anna Alpha")
    before = runs.loc[0, "per_10k"]
    assert said.startswith(
        f"“our partners”: a clear change on 2018-04-16, from {before:.1f} to 0.0 per 10,000 words (p = "
    )
    assert "“as I said”: no clear change in its rate; first used 2018-01-01, last 2018-07-23" in said
    assert said.endswith("which holds 30 of Anna Alpha's statements, 2018-01-01 to 2018-07-23")


def test_the_shuffles_are_integer_arithmetic_the_browser_repeats():
    """The shuffles come from a counter-based 32-bit hash (the explorer draws the same numbers with
    Math.imul): the FNV-1a keys are the standard ones, the array and the scalar hash agree, and a
    stream's draws do not depend on where a batch starts."""
    from analysis.measures.changes import fnv1a, hash32, run_key, uniforms

    assert [fnv1a(t) for t in ("", "a", "foobar")] == [0x811C9DC5, 0xE40C292C, 0xBF9CF968]  # FNV's test vectors
    key = run_key(fnv1a("our partners"), 0, 30)
    draws = uniforms(key, 0, 64)
    assert draws.dtype == np.uint32 and len(set(draws.tolist())) == 64
    assert [hash32((c * 0x9E3779B9 + key) & 0xFFFFFFFF) for c in range(64)] == draws.tolist()
    assert uniforms(key, 40, 24).tolist() == draws[40:].tolist()
    assert run_key(fnv1a("our partners"), 0, 31) != key and run_key(fnv1a("as I said"), 0, 30) != key
