"""The attribution gold standard, its scorer, and the figures it gives today (they may only improve)."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.ingest.importers.base import Document, Paragraph
from analysis.quality.attribution import (
    GoldError,
    draft,
    gold_files,
    read_gold,
    score,
    score_document,
    summarise,
    write_gold,
)
from tests.conftest import kremlin_page

GOLD = config.PROJ_ROOT / "tests" / "gold"


def _doc(paras: list[Paragraph]) -> Document:
    import datetime as dt

    return Document("d", dt.date(2020, 1, 1), "t", "s", None, "en", "transcript", None, "test", "d.html", "0", paras)


def test_scorer_counts_words_by_gold_and_system_speaker():
    rows = [
        {
            "doc": "d.html",
            "para": "0",
            "speaker": "Vladimir Putin",
            "label": "Vladimir Putin:",
            "text": "Vladimir Putin: One two three.",
        },
        {
            "doc": "d.html",
            "para": "1",
            "speaker": "Ilya Kovalchuk",
            "label": "Olympic champion Ilya Kovalchuk:",
            "text": "Olympic champion Ilya Kovalchuk: Four five.",
        },
    ]
    # the system missed the second label: its words, and the label's, went to Putin
    doc = _doc(
        [
            Paragraph("One two three.", "speech", speaker="Vladimir Putin"),
            Paragraph("Olympic champion Ilya Kovalchuk: Four five.", "speech", speaker="Vladimir Putin"),
        ]
    )
    result = summarise([score_document(rows, doc)])
    assert result["leader_gold_words"] == 3 and result["leader_system_words"] == 9
    assert result["leader_recall"] == 1.0 and result["leader_precision"] == pytest.approx(3 / 9)
    assert result["others_recall"] == 0.0
    assert result["per_statement_error"] == pytest.approx(6 / 3)


def test_scorer_ignores_segmentation_differences():
    rows = [{"doc": "d.html", "para": "0", "speaker": "Vladimir Putin", "label": "", "text": "One two. Three four."}]
    doc = _doc(
        [
            Paragraph("One two.", "speech", speaker="Vladimir Putin"),
            Paragraph("Three four.", "speech", speaker="Vladimir Putin"),
        ]
    )
    result = summarise([score_document(rows, doc)])
    assert (result["leader_precision"], result["leader_recall"], result["per_statement_error"]) == (1.0, 1.0, 0.0)


@pytest.mark.parametrize(
    "row, message",
    [
        ({"speaker": "Vladimir Putin", "label": "Putin:", "text": "Vladimir Putin: Hello."}, "does not open the text"),
        ({"speaker": "(audience)", "label": "", "text": "Hello."}, "unknown role"),
        ({"speaker": "", "label": "", "text": "Hello."}, "empty speaker"),
    ],
)
def test_bad_gold_rows_are_refused_with_file_and_row(tmp_path, row, message):
    path = tmp_path / "x.csv"
    write_gold([{"doc": "x.html", "para": 0, **row}], path)
    with pytest.raises(GoldError, match=rf"x\.csv row 2: .*{message}"):
        read_gold(path)


def test_draft_prefills_rows_from_the_importer(tmp_path):
    page = tmp_path / "99999.html"
    page.write_bytes(kremlin_page("<p><b>Vladimir Putin</b>: Hello.</p><p>Again.</p>", lead="A lead."))
    rows = draft(page)
    assert [(r["speaker"], r["label"], r["text"]) for r in rows] == [
        ("(lead)", "", "A lead."),
        ("Vladimir Putin", "Vladimir Putin:", "Vladimir Putin: Hello."),
        ("Vladimir Putin", "", "Again."),
    ]


def test_gold_files_are_valid_and_cover_the_stratified_sample():
    files = gold_files(GOLD)  # tests/gold/samples/ holds labelled turns, not paragraph gold
    pages = [p for p in files if p.suffix == ".csv" and p.with_suffix(".html").exists()]
    transcripts = [p for p in files if p.with_suffix(".md").exists()]
    speeches = [p for p in files if p.with_suffix(".txt").exists()]
    assert len(pages) >= 40 and len(transcripts) >= 10 and len(speeches) >= 19
    for path in files:
        read_gold(path)


@pytest.fixture(scope="module")
def gold_result() -> dict:
    return score(GOLD)


def test_leader_words_on_the_gold_set_do_not_slide_back(gold_result):
    # Figures of the whole gold set (78 documents: 49 Kremlin pages, 10 hand-typed transcripts, 19
    # Miller Center transcripts) when this test was written, the leader being each statement's own
    # speaker: precision 99.81%, recall 99.93%, per-statement error 0.26%; everyone else 98.60% /
    # 98.45%. These assert today's level.
    assert gold_result["documents"] >= 78
    assert gold_result["leader_precision"] >= 0.998
    assert gold_result["leader_recall"] >= 0.999
    assert gold_result["per_statement_error"] <= 0.003


def test_other_speakers_on_the_gold_set_do_not_slide_back(gold_result):
    assert gold_result["others_precision"] >= 0.985
    assert gold_result["others_recall"] >= 0.984


@pytest.mark.parametrize("subset", ["kremlin", "heldout"])
def test_putin_on_the_kremlin_pages_stays_exact(subset):
    result = score(GOLD / subset, leader="Vladimir Putin")
    assert result["leader_precision"] == 1.0 and result["leader_recall"] == 1.0
    assert result["per_statement_error"] == 0.0


@pytest.mark.parametrize(
    "subset, leader_p, leader_r, others_p, others_r",
    [
        # 13 transcripts read while the importer was written: 99.32% / 99.76%, others 95.11% / 94.76%
        # (what is left is naming: "The Secretary of Transportation." for Drew Lewis, "THE VICE
        # PRESIDENT" resolved, unlabelled turns the gold gives by content)
        ("miller-center", 0.993, 0.997, 0.95, 0.947),
        # 6 held out, first looked at with the importer finished: 99.65% / 99.83%, others 99.50% / 99.12%
        ("miller-heldout", 0.996, 0.998, 0.995, 0.991),
    ],
)
def test_presidential_transcripts_by_the_source_profile(subset, leader_p, leader_r, others_p, others_r):
    result = score(GOLD / subset)
    assert result["leader"] == "each statement's own speaker"
    assert result["leader_precision"] >= leader_p and result["leader_recall"] >= leader_r
    assert result["others_precision"] >= others_p and result["others_recall"] >= others_r


def test_gold_copies_of_the_profile_match_the_one_in_data_raw():
    profile = (config.RAW_DIR / "miller-center" / "profile.yaml").read_bytes()
    for subset in ("miller-center", "miller-heldout"):
        assert (GOLD / subset / "profile.yaml").read_bytes() == profile


def test_hand_typed_transcripts_are_read_by_their_conventions():
    result = score(GOLD / "transcripts", leader="Vladimir Putin")
    assert result["documents"] >= 10
    assert result["leader_precision"] == 1.0 and result["leader_recall"] == 1.0
    assert result["others_precision"] >= 0.99 and result["others_recall"] >= 0.99
