"""The ParlaMint TEI importer on trimmed real samples (tests/fixtures/parlamint; what each should give
is in its EXPECTED.md, computed from the XML by hand and a reference extractor)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import config
from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.measures.count import count_phrases, evidence
from analysis.selection import Selection
from tests.conftest import FIXTURES

HERE = FIXTURES / "parlamint"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    out = tmp_path_factory.mktemp("parlamint")
    ingest(HERE, out, quiet=True)
    return Corpus.load(out)


def utterances(corpus: Corpus, doc_id: str) -> list[tuple[str | None, int]]:
    """(speaker, words) per turn of spoken paragraphs, in order (EXPECTED.md lists utterances)."""
    t = corpus.turns[(corpus.turns["doc_id"] == doc_id) & corpus.turns["role"].isin(["speech", "question"])]
    t = t.sort_values("para_no")
    out = t.groupby("turn_no", sort=True).agg(speaker=("speaker", "first"), words=("n_words", "sum"))
    return [(None if pd.isna(s) else s, int(w)) for s, w in out.itertuples(index=False)]


def test_gb_sitting_with_persons_from_the_corpus_list_person(corpus):
    doc = corpus.documents.set_index("doc_id").loc["ParlaMint-GB_2021-01-06-commons"]
    assert (str(doc["date"].date()), doc["title"], doc["language"], doc["kind"], doc["importer"]) == (
        "2021-01-06",
        "Great Britain parliamentary corpus ParlaMint-GB, Commons, 2021-01-06",  # the stamp removed
        "en",
        "sitting",
        "parlamint",
    )
    assert utterances(corpus, "ParlaMint-GB_2021-01-06-commons") == [
        ("Lindsay Harvey Hoyle", 22),
        ("Joanna Catherine Cherry", 27),
        ("Alan Mak", 34),
        ("Lindsay Harvey Hoyle", 4),
        ("John Francis Spellar", 21),
        ("Alan Mak", 1),
        ("Lindsay Harvey Hoyle", 27),
    ]
    text = " ".join(corpus.turns[corpus.turns["role"] == "speech"]["text"])
    assert "[Interruption.]" in text  # shown, never counted (the 34 words of Alan Mak exclude it)
    assert "Laughter" not in text and "SAMPLING" not in text  # between segments: editorial paragraphs
    chair = corpus.turns[(corpus.turns["speaker"] == "Lindsay Harvey Hoyle")]
    assert set(chair["speaker_role"]) == {"Chair"} and set(chair["attribution"]) == {"utterance"}


def test_bg_sitting_with_speakers_from_its_meta_tsv(corpus):
    assert utterances(corpus, "ParlaMint-BG_2017-05-11") == [
        ("Димитър Борисов Главчев", 34),
        ("Станислав Стоянов Иванов", 45),
        ("Димитър Борисов Главчев", 34),
        (None, 11),  # no @who, "-" in the ragged meta row: anonymous, not a crash
    ]
    assert "Звъни" not in " ".join(corpus.turns[corpus.turns["role"] != "editorial"]["text"])


def test_a_sitting_with_neither_list_nor_meta_keeps_the_who_ids_and_says_so(corpus):
    assert utterances(corpus, "ParlaMint-XX_2017-06-29-0") == [
        ("BuljMiro", 18),
        ("JandrokovićGordan", 56),
        ("BrkićMilijan", 31),
    ]
    report = pd.read_csv(corpus.path / config.INGEST_REPORT_FILE, keep_default_na=False).set_index("path")
    assert "known only by their ids" in report.loc["ParlaMint-XX/2017/ParlaMint-XX_2017-06-29-0.xml", "warnings"]
    doc = corpus.documents.set_index("doc_id").loc["ParlaMint-XX_2017-06-29-0"]
    assert str(doc["date"].date()) == "2017-06-29"  # the setting date, not the meeting's inconsistent n


def test_annotated_sitting_rebuilt_from_its_tokens(corpus):
    assert utterances(corpus, "ParlaMint-UA_2023-11-09-m0") == [
        ("Олександр Сергійович Корнієнко", 30),
        ("Олександр Сергійович Корнієнко", 13),
    ]
    texts = list(corpus.turns[corpus.turns["doc_id"] == "ParlaMint-UA_2023-11-09-m0"]["text"])
    assert "Слава Україні!" in texts  # join="right": no space before the "!"
    assert any('Постанови "Про деякі питання' in t for t in texts)


def test_phrases_are_counted_in_cyrillic(corpus):
    sel = Selection.of(speaker="Олександр Сергійович Корнієнко")
    counts = count_phrases(corpus, sel, ["слава україні"])
    assert counts["count"].sum() == 2
    ev = evidence(corpus, sel, ["Слава Україні"])
    assert list(ev["match"]) == ["Слава Україні", "Слава Україні"]


@pytest.mark.parametrize(
    "path, reason",
    [
        ("bad/ParlaMint-XX_broken.xml", "bad-xml: the sitting is not well-formed XML"),
        ("bad/ParlaMint-XX_nodate.xml", "no-date"),
        ("bad/ParlaMint-XX_empty.xml", "empty-body: the sitting has no utterances"),
        ("bad/not-tei.xml", "not-tei: root element"),
        ("EXPECTED.md", "no-metadata"),
    ],
)
def test_bad_input_is_listed_with_its_reason(corpus, path, reason):
    report = pd.read_csv(corpus.path / config.INGEST_REPORT_FILE, keep_default_na=False).set_index("path")
    assert report.loc[path, "status"] == "skipped" and report.loc[path, "reason"].startswith(reason)


def test_person_lists_roots_and_meta_tables_are_metadata(corpus):
    report = pd.read_csv(corpus.path / config.INGEST_REPORT_FILE, keep_default_na=False).set_index("path")
    for path in (
        "ParlaMint-GB/ParlaMint-GB.xml",
        "ParlaMint-GB/ParlaMint-GB-listPerson.xml",
        "ParlaMint-BG/2017/ParlaMint-BG_2017-05-11-meta.tsv",
    ):
        assert report.loc[path, "status"] == "metadata", path


def test_an_entity_in_a_sitting_is_not_expanded(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    sitting = (HERE / "ParlaMint-XX" / "2017" / "ParlaMint-XX_2017-06-29-0.xml").read_text(encoding="utf-8")
    evil = sitting.replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ).replace("Hvala lijepa predsjedniče.", "Hvala &x; lijepa predsjedniče.", 1)
    (raw / "ParlaMint-XX_2017-06-29-0.xml").write_text(evil, encoding="utf-8")
    ingest(raw, tmp_path / "out", quiet=True)
    text = " ".join(Corpus.load(tmp_path / "out").turns["text"])
    assert "root:" not in text
