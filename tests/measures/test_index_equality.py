"""The index gives the counts and quotes the matcher gave before it: 600 phrases drawn at random from the
corpus (1–6 words, with apostrophes, hyphens, numbers, punctuation and bracketed insertions around them;
as written, in capitals, with ``*`` and ``word*``; families), each for at least two of six speakers,
compared period by period and quote by quote with the matcher before the index (``reference_matcher``),
and in Cyrillic on a ParlaMint sitting."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.measures.count import count_table, evidence
from analysis.measures.lexicon import load, resolve_terms
from analysis.selection import Selection
from tests.conftest import FIXTURES
from tests.measures import reference_matcher as ref

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
SPEAKERS = ["Vladimir Putin", "Donald Trump", "Barack Obama", "Dmitry Medvedev", "Sergei Lavrov", "George W. Bush"]
#: Putin's words (a million) in two years only, so that the old matcher's pass over them stays short; the
#: dates are then part of what is compared
DATES = {"Vladimir Putin": ("2017-01-01", "2018-12-31")}
COLUMNS = ["period", "phrase", "count", "documents", "speaker_words", "documents_with_match", "top_statement"]


def sample_phrases(texts: list[str], n: int, rng: random.Random) -> list[str]:
    """``n`` phrases cut from random paragraphs as they are written (punctuation inside kept)."""
    out: list[str] = []
    bracketed = [t for t in texts if "[" in t or "(" in t]
    while len(out) < n:
        text = rng.choice(bracketed if len(out) % 5 == 0 and bracketed else texts)
        words = list(WORD.finditer(text))
        if not words:
            continue
        k = rng.randint(1, min(6, len(words)))
        i = rng.randrange(len(words) - k + 1)
        phrase = text[words[i].start() : words[i + k - 1].end()]
        if len(phrase) > 120:
            continue
        variant = len(out) % 6
        if variant == 1:
            phrase = phrase.upper()
        elif variant == 2 and k >= 3:  # one word as a wildcard
            parts = phrase.split(" ")
            if len(parts) >= 3:
                parts[len(parts) // 2] = "*"
                phrase = " ".join(parts)
        elif variant == 3 and len(words[i + k - 1].group()) > 3:  # the last word as a prefix
            phrase = text[words[i].start() : words[i + k - 1].start() + 3] + "*"
        elif variant == 4 and i + k < len(words):  # up to the next punctuation mark
            phrase = text[words[i].start() : words[i + k - 1].end() + 1]
        out.append(phrase)
    return out


@pytest.fixture(scope="module")
def phrases(default_corpus) -> tuple[list[str], list[str]]:
    """The phrases drawn from the corpus, and the numbers and families every speaker is asked about."""
    rng = random.Random(17)
    texts = default_corpus._read_turns(columns=["text"], filters=[("role", "==", "speech")])["text"].tolist()
    drawn = list(dict.fromkeys(sample_phrases(rng.sample(texts, 20_000), 560, rng)))
    numbers = [w for t in rng.sample(texts, 4000) for w in WORD.findall(t) if any(c.isdigit() for c in w)][:20]
    families = [t.name for t in load().entries][:20]
    return drawn, [p for p in dict.fromkeys(numbers + families) if p not in drawn]


#: drawn phrases each speaker is asked about: windows of the drawn list that together cover it twice (the old
#: matcher's time grows with the phrases; every phrase against every speaker took 50 s of the test suite)
PER_SPEAKER = 200


def asked(phrases: tuple[list[str], list[str]], speaker: str) -> list[str]:
    """A speaker's phrases: a window of :data:`PER_SPEAKER` drawn phrases (each speaker's starting further
    on), every number and every family."""
    drawn, always = phrases
    start = round(SPEAKERS.index(speaker) * len(drawn) / len(SPEAKERS))
    return [drawn[(start + k) % len(drawn)] for k in range(min(PER_SPEAKER, len(drawn)))] + always


def test_at_least_500_phrases_are_compared(phrases):
    everything = phrases[0] + phrases[1]
    assert len(everything) >= 500
    assert sum("*" in p for p in everything) >= 80 and sum(any(c.isdigit() for c in p) for p in everything) >= 10
    times = [sum(p in asked(phrases, s) for s in SPEAKERS) for p in phrases[0]]
    assert min(times) >= 2, "every drawn phrase is compared for two speakers at least"
    assert all(set(phrases[1]) <= set(asked(phrases, s)) for s in SPEAKERS)


@pytest.mark.parametrize("speaker", SPEAKERS)
def test_counts_and_quotes_equal_the_matcher_before_the_index(default_corpus, phrases, speaker):
    phrases = asked(phrases, speaker)
    start, end = DATES.get(speaker, (None, None))
    selection = Selection.of(speaker=speaker, start=start, end=end, period="year")
    turns = default_corpus.select(selection).turns
    assert start is None or turns["doc_id"].nunique() >= 50  # a window still of many statements
    terms = resolve_terms(phrases, load())
    quotes_old = ref.find_matches(turns, terms)  # one pass of the old matcher for its counts and its quotes
    old = ref.aggregate(turns, quotes_old, terms, by="year")
    new = count_table(default_corpus, [selection], phrases, lexicon=load()).to_pandas()
    pd.testing.assert_frame_equal(
        new[COLUMNS].reset_index(drop=True), old[COLUMNS].reset_index(drop=True), check_dtype=False
    )
    rates = ["per_10k", "per_10k_low", "per_10k_high", "share_of_statements", "share_low", "share_high"]
    pd.testing.assert_frame_equal(new[rates], old[rates], check_dtype=False)
    quotes_new = evidence(default_corpus, selection, phrases, lexicon=load())
    key = ["doc_id", "para_no", "char_start", "phrase", "match", "left", "right"]
    assert sorted(map(tuple, quotes_new[key].astype(str).to_numpy())) == sorted(
        map(tuple, quotes_old[key].astype(str).to_numpy())
    )
    assert len(quotes_new) == int(new["count"].sum())  # kwic rows equal counts


@pytest.fixture(scope="module")
def parlamint(tmp_path_factory) -> Corpus:
    out = tmp_path_factory.mktemp("parlamint")
    ingest(FIXTURES / "parlamint", out, quiet=True)
    return Corpus.load(out)


def test_cyrillic_phrases_equal_the_matcher_before_the_index(parlamint):
    rng = random.Random(5)
    turns_all = parlamint._read_turns(columns=["text", "speaker", "role"], filters=[("role", "==", "speech")])
    cyrillic = [t for t in turns_all["text"] if re.search("[а-яіїєґ]", t, re.I)]
    phrases = [*sample_phrases(cyrillic, 40, rng), "слава україні"]
    for speaker in sorted(set(turns_all["speaker"].dropna()))[:6]:
        selection = Selection.of(speaker=speaker, period="year")
        turns = parlamint.select(selection).turns
        old = ref.reference_counts(turns, phrases, "year")
        new = count_table(parlamint, [selection], phrases).to_pandas()
        pd.testing.assert_frame_equal(
            new[COLUMNS].reset_index(drop=True), old[COLUMNS].reset_index(drop=True), check_dtype=False
        )
