import pytest

from analysis.text import count_words, fold, normalize_ws, spoken, spoken_with_map


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
