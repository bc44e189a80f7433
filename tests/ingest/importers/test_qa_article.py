"""The translated Q&A importer on the seed article (Meduza, Bishkek, 27 Nov 2025)."""

from __future__ import annotations

import re

import pytest
import yaml

from analysis.errors import IngestError
from analysis.ingest.importers.qa_article import parse_qa_article
from analysis.speakers import default_registry
from analysis.text import count_words, spoken
from tests.conftest import SEED

REG = default_registry()
META = yaml.safe_load(SEED.with_name(SEED.stem + ".meta.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed():
    return parse_qa_article(SEED.read_bytes(), meta=META, raw_path="seed.txt", raw_sha256="0", registry=REG)


def speech(doc):
    return [p for p in doc.paragraphs if p.role == "speech"]


def test_ten_topic_sections(seed):
    headings = [p.text for p in seed.paragraphs if p.role == "heading"]
    assert len(headings) == 10
    assert headings[0] == "On Trump\u2019s peace plan"
    assert headings[-1] == "On the situation on the battlefield in Ukraine"
    assert {p.section for p in speech(seed)} == set(headings)


def test_preamble_roles(seed):
    assert [p.role for p in seed.paragraphs[:4]] == ["headline", "boilerplate", "lead", "boilerplate"]


@pytest.mark.parametrize(
    "not_his",
    [
        "Putin calls Trump",  # headline
        "Скачайте приложение",  # Russian app advert (publisher boilerplate)
        "President Vladimir Putin said on Thursday",  # lede
        "largest independent Russian news outlet",  # promo
    ],
)
def test_speaker_words_exclude_outlet_text(seed, not_his):
    assert all(not_his not in p.text for p in speech(seed))


def test_bracketed_insertions_are_shown_but_not_counted(seed):
    display = " ".join(p.text for p in speech(seed))
    assert "[our]" in display and "[peace]" in display
    spoken_text = spoken(display)
    assert "[" not in spoken_text
    assert "this framework" in spoken_text


def test_speaker_word_count_matches_the_raw_lines(seed):
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    remarks = [line for line in lines[4:] if not re.match(r"^On\s", line)]
    expected = sum(count_words(re.sub(r"\s*\[[^\]]*\]", "", line)) for line in remarks)
    got = sum(count_words(spoken(p.text)) for p in speech(seed))
    assert got == expected
    assert all(p.speaker == "Vladimir Putin" for p in speech(seed))


def test_metadata(seed):
    assert seed.date.isoformat() == "2025-11-27"
    assert seed.source_url is None  # unknown, not invented
    assert seed.translated_from == "ru"


def test_missing_speaker_is_an_error():
    meta = {k: v for k, v in META.items() if k != "speaker"}
    with pytest.raises(IngestError, match="speaker"):
        parse_qa_article(SEED.read_bytes(), meta=meta, raw_path="x", raw_sha256="0", registry=REG)


def test_missing_date_is_an_error():
    meta = {k: v for k, v in META.items() if k not in ("date", "remarks_date")}
    with pytest.raises(IngestError) as exc:
        parse_qa_article(SEED.read_bytes(), meta=meta, raw_path="x", raw_sha256="0", registry=REG)
    assert exc.value.code == "no-date"


def test_no_headings_is_an_error():
    with pytest.raises(IngestError) as exc:
        parse_qa_article(b"Just one line of text.\n", meta=META, raw_path="x", raw_sha256="0", registry=REG)
    assert exc.value.code == "no-headings"
