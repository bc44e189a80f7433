import random

import numpy as np
import pytest

from analysis import tokens
from analysis.text import count_words, fold, normalize_ws, spoken, spoken_with_map
from analysis.tokens import word_counts


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("a\nb", "a b"),
        ("a\u00a0\u00a0b", "a b"),
        ("  a \t\r\n b  ", "a b"),
        ("line\u2028break", "line break"),
    ],
)
def test_normalize_ws(raw, expected):
    assert normalize_ws(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("That\u2019s", "that's"),
        ("\u201cBig Seven\u201d", '"big seven"'),
        ("Witkoff\u2013Ushakov", "witkoff-ushakov"),
        ("ÀBC", "àbc"),
        ("İstanbul", "İstanbul"[0] + "stanbul"),  # 'İ' lower-cases to two characters: kept as is
    ],
)
def test_fold(raw, expected):
    assert fold(raw) == expected
    assert len(fold(raw)) == len(raw)


def test_spoken_removes_insertions_and_maps_offsets():
    display = "when [our] decisions are [considered] an attack"
    text, offsets = spoken_with_map(display)
    assert text == "when decisions are an attack"
    assert [display[o] for o in offsets] == list(text)


def test_spoken_without_brackets_is_identity():
    assert spoken_with_map("no insertions here") == ("no insertions here", None)


@pytest.mark.parametrize(
    "text, n",
    [
        ("That's all there is to it.", 6),
        ("a 28-point list", 3),
        ("U.S. sanctions", 3),
        ("", 0),
        ("— – …", 0),
    ],
)
def test_count_words(text, n):
    assert count_words(text) == n


EDGES = [
    *("", "a", "-a-", "a-b", "a--b", "a'b", "a’b", "a’", "’a", "a''b", "a'-b", "a’’b"),
    *("U.S.", "28-point", "1,000", "a_b", "a -b", "a\nb", "Ⅷ-٣", "𝐀𝐁-c", "\ud800x"),
    *("x-\ud800", "é-ü’ñ", "日本語-テキスト", "україні-x"),
]
ALPHABET = "ab Z9-'’_.,\néЖ٣Ⅷ²𝐀—\ud800​"


def test_many_texts_are_counted_at_once_as_one_text_is():
    """The batch counter of the ingest (NumPy over bytes) gives count_words' number for every text:
    edge cases, then random texts over letters, digits, joiners, scripts and symbols."""
    rng = random.Random(7)
    texts = EDGES + ["".join(rng.choices(ALPHABET, k=rng.randint(0, 40))) for _ in range(3000)]
    assert word_counts(texts).tolist() == [count_words(t) for t in texts]
    assert word_counts([]).tolist() == [] and word_counts(["", ""]).tolist() == [0, 0]
    assert [int(word_counts([t])[0]) for t in EDGES] == [count_words(t) for t in EDGES]  # each alone: at the end


def test_characters_are_classed_alike_one_by_one_and_from_the_table(monkeypatch):
    """A few pages' characters are classed one distinct character at a time, a long text's from the
    table of the whole plane: the same tokens either way (letters, digits, symbols of every plane)."""
    rng = random.Random(11)
    planes = [(0x80, 0x800), (0x800, 0xD800), (0xE000, 0x10000), (0x10000, 0x30000)]
    texts = ["".join(chr(rng.randrange(*rng.choice(planes))) for _ in range(40)) + " a1" for _ in range(300)]
    tokens._bmp.cache_clear()
    one_by_one = tokens.tokenize(texts).to_pylist(), word_counts(texts).tolist()
    assert tokens._bmp.cache_info().currsize == 0  # the table was not made
    monkeypatch.setattr(tokens, "_TABLE_FROM", 0)
    assert (tokens.tokenize(texts).to_pylist(), word_counts(texts).tolist()) == one_by_one
    assert tokens._bmp.cache_info().currsize == 1


def test_bracketed_words_are_not_counted():
    assert count_words(spoken("this [peace] framework")) == 2


@pytest.mark.parametrize(
    "display, words",
    [
        ("We won. (Applause.) Great.", "We won. Great."),
        ("We won. (BOOING) Great.", "We won. Great."),  # rally transcripts print directions in capitals
        ("Thank you. (CROWD CHANTING) Thank you.", "Thank you. Thank you."),
        ("Our partners (NATO) agreed.", "Our partners (NATO) agreed."),  # an acronym in brackets stays words
    ],
)
def test_stage_directions_are_not_the_speakers_words(display, words):
    assert spoken(display) == words


@pytest.mark.parametrize("top", [3, 1 << 16, 1 << 20, 1 << 40])
def test_token_ids_are_ordered_as_a_stable_sort_orders_them(top):
    """The radix passes that order token ids (the postings, the explorer's positions) give NumPy's stable
    sort's order, ties kept in place, for keys under 2¹⁶, under 2³² and beyond."""
    rng = np.random.default_rng(top)
    keys = rng.integers(0, top, 50_000, dtype=np.int64)
    keys[::7] = keys[0]  # many ties
    assert np.array_equal(tokens.stable_order(keys), np.argsort(keys, kind="stable"))
