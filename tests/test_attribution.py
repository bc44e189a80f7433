"""The attribution gold standard, its scorer, and the figures it gives today (they may only improve)."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.ingest.importers.base import Document, Paragraph
from analysis.quality.attribution import GoldError, draft, read_gold, score, score_document, summarise, write_gold
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
    files = sorted(GOLD.rglob("*.csv"))
    pages = [p for p in files if p.suffix == ".csv" and p.with_suffix(".html").exists()]
    transcripts = [p for p in files if p.with_suffix(".md").exists()]
    assert len(pages) >= 40 and len(transcripts) >= 10
    for path in files:
        read_gold(path)


@pytest.fixture(scope="module")
def gold_result() -> dict:
    return score(GOLD)


def test_leader_words_on_the_gold_set_do_not_slide_back(gold_result):
    # Figures of the gold set (59 documents) when this test was written: Putin precision 100.00%,
    # recall 100.00%, per-statement error 0.00%; everyone else 98.95% / 98.89% (the rest is naming:
    # an honorific kept by the gold, a prize winner the page never names). The floor is
    # 99.5% / 99.5% / 0.5% and 98% for everyone else; these assert today's level.
    assert gold_result["leader_precision"] >= 0.999
    assert gold_result["leader_recall"] >= 0.999
    assert gold_result["per_statement_error"] <= 0.002


def test_other_speakers_on_the_gold_set_do_not_slide_back(gold_result):
    assert gold_result["others_precision"] >= 0.985
    assert gold_result["others_recall"] >= 0.985


def test_hand_typed_transcripts_are_read_by_their_conventions():
    result = score(GOLD / "transcripts")
    assert result["documents"] >= 10
    assert result["leader_precision"] == 1.0 and result["leader_recall"] == 1.0
    assert result["others_precision"] >= 0.99 and result["others_recall"] >= 0.99
