"""The processed corpus (analysis.corpus) and what is asked of it (analysis.selection).

Expected values come from tests/fixtures/raw: Putin speaks in all three documents (kremlin-90001,
2019-12-19: paragraphs 1, 3, 4 = 16 + 12 + 12 words, the plain "Question:" line being his;
kremlin-90002, 2020-03-02: paragraphs 2, 3 = 17 + 4 words; the hand-added statement, 2021-06-01,
source "Test fixture": paragraphs 1, 3 = 14 + 10 words) and "Minister Ivan Testov" once in
kremlin-90002 (8 words).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from analysis import config
from analysis.corpus import Corpus
from analysis.errors import CorpusError
from analysis.ingest import ingest
from analysis.selection import Selection, iso_date

STATEMENT = "statements-2021-06-01-test-remarks"
PUTIN_PARAGRAPHS = [
    ("kremlin-90001", 1),
    ("kremlin-90001", 3),
    ("kremlin-90001", 4),
    ("kremlin-90002", 2),
    ("kremlin-90002", 3),
    (STATEMENT, 1),
    (STATEMENT, 3),
]


def corpus_of(tmp_path: Path, words: dict[str, int]) -> Corpus:
    """An ingested corpus of one statement (2020-01-01) with a paragraph of ``n`` words per speaker."""
    raw = tmp_path / "raw" / "statements"
    raw.mkdir(parents=True)
    body = "\n\n".join(f"{name}: " + " ".join(["word"] * n) + "." for name, n in words.items())
    front = f"title: T\ndate: 2020-01-01\nspeaker: {next(iter(words))}\nsource: s\nsource_url: https://example.org/t"
    (raw / "2020-01-01-test.md").write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
    ingest(tmp_path / "raw", tmp_path / "processed", quiet=True)
    return Corpus.load(tmp_path / "processed")


# --- Selection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"start": "yesterday"}, CorpusError, "start date 'yesterday' is not an ISO date (YYYY-MM-DD)"),
        ({"end": "2020-13-01"}, CorpusError, "end date '2020-13-01' is not an ISO date (YYYY-MM-DD)"),
        ({"end": "19.12.2019"}, CorpusError, "end date '19.12.2019' is not an ISO date"),
        ({"start": "2021-01-01", "end": "2020-12-31"}, CorpusError, "start 2021-01-01 is after end 2020-12-31"),
        ({"period": "week"}, ValueError, "period must be one of year, month, document; got 'week'"),
        ({"speaker": ""}, CorpusError, "speaker must be a non-empty name"),
        ({"speaker": "   "}, CorpusError, "speaker must be a non-empty name"),
    ],
)
def test_selection_rejects_bad_parameters(kwargs, error, message):
    with pytest.raises(error) as info:
        Selection(**kwargs)
    assert message in str(info.value)


def test_selection_accepts_equal_start_and_end():
    sel = Selection(start="2020-03-02", end="2020-03-02")
    assert (sel.start, sel.end) == ("2020-03-02", "2020-03-02")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2020-03-02", "2020-03-02"),
        (" 2020-03-02 ", "2020-03-02"),
        (dt.date(2020, 3, 2), "2020-03-02"),
        (dt.datetime(2020, 3, 2, 10, 0), "2020-03-02"),
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value, "start") == expected


@pytest.mark.parametrize("value", ["2020-01-01garbage", "2020-03-02T10:00:00", "2020-1-2", "01/02/2020", "2020-02-30"])
def test_iso_date_refuses_anything_but_a_date(value):
    with pytest.raises(CorpusError, match=r"start date .* is not an ISO date \(YYYY-MM-DD\)"):
        iso_date(value, "start")


def test_selection_of_treats_empty_values_as_unset():
    sel = Selection.of(speaker="", start="", end="", source="", period="")
    assert sel == Selection() == Selection("Vladimir Putin", None, None, None, "year")
    assert Selection.of(speaker=None, start=None, end=None, source=None, period=None) == sel


def test_selection_of_converts_dates_and_keeps_values():
    sel = Selection.of(
        speaker="Putin", start=dt.date(2019, 12, 19), end="2020-03-02", source="en.kremlin.ru", period="month"
    )
    assert sel == Selection("Putin", "2019-12-19", "2020-03-02", "en.kremlin.ru", "month")


def test_blank_source_means_every_source():
    assert Selection(source="  ").source is None


@pytest.mark.parametrize(
    "sel, text",
    [
        (Selection(), "Vladimir Putin, all dates"),
        (Selection(start="2014-03-01"), "Vladimir Putin, 2014-03-01 to the end"),
        (Selection(end="2014-02-28", source="en.kremlin.ru"), "Vladimir Putin, the start to 2014-02-28, en.kremlin.ru"),
        (Selection("Ivan Testov", "2020-01-01", "2020-12-31"), "Ivan Testov, 2020-01-01 to 2020-12-31"),
    ],
)
def test_selection_describe(sel, text):
    assert sel.describe() == text


def test_with_changes_one_field_and_validates():
    sel = Selection(start="2019-01-01")
    assert sel.with_(period="month") == Selection(start="2019-01-01", period="month")
    with pytest.raises(CorpusError, match="start 2019-01-01 is after end 2018-12-31"):
        sel.with_(end="2018-12-31")


# --- Corpus.load -----------------------------------------------------------------------------


def test_load_without_a_processed_corpus(tmp_path):
    with pytest.raises(CorpusError, match=r"no processed corpus in .*: run `python -m analysis ingest` first"):
        Corpus.load(tmp_path)


def test_loaded_fixture_corpus(fixture_corpus):
    docs = fixture_corpus.documents
    assert docs["doc_id"].tolist() == ["kremlin-90001", "kremlin-90002", STATEMENT]
    assert docs["date"].dt.strftime("%Y-%m-%d").tolist() == ["2019-12-19", "2020-03-02", "2021-06-01"]
    assert docs["source"].tolist() == ["en.kremlin.ru", "en.kremlin.ru", "Test fixture"]
    assert len(fixture_corpus.version) == 12 and fixture_corpus.version == fixture_corpus.info["corpus_version"]


def test_corpus_missing_its_info_file_is_refused_by_its_manifest(tmp_path):
    corpus = corpus_of(tmp_path, {"Aa Aa": 1})
    (corpus.generation / config.CORPUS_INFO_FILE).unlink()
    with pytest.raises(CorpusError, match=r"does not match its manifest \(corpus.json: missing\)"):
        Corpus.load(corpus.path)


def test_load_without_the_paragraphs(tmp_path):
    corpus = corpus_of(tmp_path, {"Aa Aa": 1})
    shutil.rmtree(corpus.generation / config.TURNS_FILE)  # a folder of parts
    with pytest.raises(CorpusError, match=r"does not match its manifest \(turns.parquet/part-000.parquet: missing"):
        Corpus.load(corpus.path)


def test_a_truncated_part_is_refused_and_a_stray_tmp_file_never_read(tmp_path):
    corpus = corpus_of(tmp_path, {"Aa Aa": 1})
    part = corpus.parts[0]
    (part.parent / (part.name + ".tmp")).write_bytes(b"not parquet")  # a killed writer's leftover
    assert len(Corpus.load(corpus.path).turns) == len(corpus.turns)
    part.write_bytes(part.read_bytes()[:100])
    with pytest.raises(CorpusError, match=r"part-000.parquet: 100 bytes, the manifest says"):
        Corpus.load(corpus.path)


def test_known_speakers(fixture_corpus):
    assert fixture_corpus.known_speakers == frozenset({"Vladimir Putin", "Ivan Testov"})


# --- resolve_speaker -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("Vladimir Putin", "Vladimir Putin"),
        ("Putin", "Vladimir Putin"),  # the registry's pattern
        ("V. Putin", "Vladimir Putin"),
        ("Vladimir Vladimirovich", "Vladimir Putin"),
        ("Ivan Testov", "Ivan Testov"),
        ("Testov", "Ivan Testov"),  # not in the registry: the one speaker whose name ends so
        ("testov", "Ivan Testov"),
        ("Minister Ivan Testov", "Ivan Testov"),  # printed with his title
    ],
)
def test_resolve_speaker(fixture_corpus, name, canonical):
    assert fixture_corpus.resolve_speaker(name) == canonical


@pytest.mark.parametrize("name", ["", "  "])
def test_resolve_empty_speaker(fixture_corpus, name):
    with pytest.raises(CorpusError, match="speaker must be a non-empty name"):
        fixture_corpus.resolve_speaker(name)


@pytest.mark.parametrize("name", ["Nobody Atall", "Question", "Ivan"])
def test_resolve_unknown_speaker_names_the_top_speakers(fixture_corpus, name):
    with pytest.raises(CorpusError) as info:
        fixture_corpus.resolve_speaker(name)
    assert str(info.value) == (
        f"speaker {name!r} has no words in this corpus (top speakers: Vladimir Putin, Ivan Testov)"
    )


def test_resolve_ambiguous_surname(tmp_path):
    corpus = corpus_of(tmp_path, {"Viktor Ivanov": 3, "Sergei Ivanov": 2, "Ivan Testov": 1})
    with pytest.raises(CorpusError) as info:
        corpus.resolve_speaker("Ivanov")
    assert str(info.value) == "speaker 'Ivanov' is ambiguous: Sergei Ivanov, Viktor Ivanov"
    assert corpus.resolve_speaker("Sergei Ivanov") == "Sergei Ivanov"


def test_unknown_speaker_lists_five_speakers_by_words(tmp_path):
    corpus = corpus_of(tmp_path, {"Aa Aa": 1, "Bb Bb": 6, "Cc Cc": 4, "Dd Dd": 4, "Ee Ee": 5, "Ff Ff": 2})
    with pytest.raises(CorpusError) as info:
        corpus.resolve_speaker("Zz")
    # most words first, ties by name; the sixth (Aa Aa, 1 word) is left out
    assert str(info.value).endswith("(top speakers: Bb Bb, Ee Ee, Cc Cc, Dd Dd, Ff Ff)")


# --- select ----------------------------------------------------------------------------------


def test_select_resolves_the_speaker_and_keeps_only_his_speech(fixture_corpus):
    selected = fixture_corpus.select(Selection.of(speaker="Putin"))
    assert selected.speaker == "Vladimir Putin"
    assert selected.selection == Selection("Vladimir Putin")
    turns = selected.turns
    assert list(zip(turns["doc_id"], turns["para_no"], strict=True)) == PUTIN_PARAGRAPHS
    assert set(turns["role"]) == {"speech"} and set(turns["speaker"]) == {"Vladimir Putin"}
    assert turns["n_words"].tolist() == [16, 12, 12, 17, 4, 14, 10]
    assert turns["text"].iloc[-1] == "It shows as text. <img src=x onerror=alert(1)>"  # as printed
    # joined with the metadata of its document
    assert turns["title"].iloc[0] == "Test news conference"
    assert turns["source_url"].iloc[-1] == "https://example.org/test-remarks"
    from analysis.measures.search import search  # the index selects the same paragraphs, in the same order

    found = search(fixture_corpus.index, selected.scope, None)
    assert len(found.par_row) == len(turns) and found.par_words.tolist() == turns["n_words"].tolist()


def test_select_another_speaker(fixture_corpus):
    turns = fixture_corpus.select(Selection.of(speaker="Testov")).turns
    assert turns["text"].tolist() == ["That’s all there is to it, Mr President."]
    assert turns["doc_id"].tolist() == ["kremlin-90002"]


@pytest.mark.parametrize(
    "kwargs, paragraphs",
    [
        ({"start": "2019-12-19", "end": "2020-03-02"}, PUTIN_PARAGRAPHS[:5]),  # both ends included
        ({"start": "2019-12-20"}, PUTIN_PARAGRAPHS[3:]),
        ({"end": "2020-03-01"}, PUTIN_PARAGRAPHS[:3]),
        ({"start": "2020-03-02", "end": "2020-03-02"}, PUTIN_PARAGRAPHS[3:5]),
        ({"start": "2022-01-01"}, []),
        ({"source": "en.kremlin.ru"}, PUTIN_PARAGRAPHS[:5]),
        ({"source": "Test fixture"}, PUTIN_PARAGRAPHS[5:]),
        ({"source": "en.kremlin.ru", "start": "2020-01-01"}, PUTIN_PARAGRAPHS[3:5]),
    ],
)
def test_select_filters_dates_inclusively_and_by_source(fixture_corpus, kwargs, paragraphs):
    turns = fixture_corpus.select(Selection.of(speaker="Putin", **kwargs)).turns
    assert list(zip(turns["doc_id"], turns["para_no"], strict=True)) == paragraphs


def test_select_unknown_source_lists_the_sources(fixture_corpus):
    with pytest.raises(CorpusError) as info:
        fixture_corpus.select(Selection.of(source="kremlin.ru"))
    assert str(info.value) == "source 'kremlin.ru' is not in this corpus (sources: Test fixture, en.kremlin.ru)"


def test_select_unknown_speaker_is_an_error(fixture_corpus):
    with pytest.raises(CorpusError, match="has no words in this corpus"):
        fixture_corpus.select(Selection.of(speaker="Nobody Atall"))


def test_select_is_cached_per_selection(fixture_corpus):
    first = fixture_corpus.select(Selection.of(speaker="Putin", start="2020-01-01"))
    again = fixture_corpus.select(Selection.of(speaker="Putin", start="2020-01-01"))
    assert again is first
    other = fixture_corpus.select(Selection.of(speaker="Putin", start="2020-01-02"))
    assert other is not first
    assert list(other.turns["doc_id"]) == list(first.turns["doc_id"])  # same rows, another selection


# --- speakers() ------------------------------------------------------------------------------


def test_speakers_table(fixture_corpus):
    table = fixture_corpus.speakers()
    assert list(table.columns) == ["speaker", "words", "statements", "first_date", "last_date", "roles"]
    assert table.to_dict("records") == [
        {
            "speaker": "Vladimir Putin",
            "words": 85,
            "statements": 3,
            "first_date": "2019-12-19",
            "last_date": "2021-06-01",
            "roles": "",
        },
        {
            "speaker": "Ivan Testov",
            "words": 8,
            "statements": 1,
            "first_date": "2020-03-02",
            "last_date": "2020-03-02",
            "roles": "Minister",
        },
    ]


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "en.kremlin.ru",
            [("Vladimir Putin", 61, 2, "2019-12-19", "2020-03-02"), ("Ivan Testov", 8, 1, "2020-03-02", "2020-03-02")],
        ),
        ("Test fixture", [("Vladimir Putin", 24, 1, "2021-06-01", "2021-06-01")]),
    ],
)
def test_speakers_of_one_source(fixture_corpus, source, expected):
    table = fixture_corpus.speakers(source=source)
    assert (
        list(table[["speaker", "words", "statements", "first_date", "last_date"]].itertuples(index=False, name=None))
        == expected
    )


def test_speakers_ties_are_sorted_by_name(tmp_path):
    table = corpus_of(tmp_path, {"Bb Bb": 2, "Aa Aa": 2, "Cc Cc": 3}).speakers()
    assert table["speaker"].tolist() == ["Cc Cc", "Aa Aa", "Bb Bb"]
    assert table["words"].tolist() == [3, 2, 2]
    assert table["roles"].tolist() == ["", "", ""]  # printed without a title
