"""Statements received as PDF and Word files: written by the test (reportlab, python-docx) from the text
of a .txt transcript, they ingest with the same turns; encrypted, scanned and broken files are listed
with their reasons."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest

TRANSCRIPT = [
    "THE PRESIDENT. Good evening. We have had a long and productive day of talks in the capital of a friendly "
    "nation. The talks covered trade. They also covered the fleet, which is ready for its summer voyage.",
    "Q. Mr. President, will you sign the treaty before the summit? And when will the Senate see it?",
    "THE PRESIDENT. I will sign it tomorrow. That's all there is to it.",
    "DR. VANE: The numbers are about forty, and falling, in every region we have counted this week.",
    "Q:—to Dr. Vane. Are you sure of that figure?",
    "DR. VANE: Quite sure.",
]
SIDECAR = """format: {fmt}
title: News conference on the treaty
date: 2019-06-05
source: press office
office: President of the United States
full_stop_labels: true
"""


def write_pdf(path: Path, paragraphs: list[str], *, encrypt: str | None = None) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    style = getSampleStyleSheet()["BodyText"]
    doc = SimpleDocTemplate(str(path), pagesize=A4, encrypt=encrypt)
    doc.build([part for p in paragraphs for part in (Paragraph(p, style), Spacer(1, 8))])


def write_scan(path: Path) -> None:
    """A PDF with a picture and no text layer, as a scanner makes it."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(100, 500, 300, 200, fill=1)
    c.showPage()
    c.save()


def write_docx(path: Path, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.save(str(path))


def _report(out: Path) -> dict[str, dict]:
    with (out / "ingest_report.csv").open(encoding="utf-8") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> dict[str, Corpus]:
    """The same transcript as .txt, .pdf and .docx, each ingested on its own (together they would be
    duplicates of one another, and two of them skipped)."""
    out = {}
    for fmt, suffix in (("transcript", ".txt"), ("pdf", ".pdf"), ("docx", ".docx")):
        raw = tmp_path_factory.mktemp(f"raw-{fmt}")
        (raw / "2019-06-05-treaty.meta.yaml").write_text(SIDECAR.format(fmt=fmt), encoding="utf-8")
        path = raw / f"2019-06-05-treaty{suffix}"
        if suffix == ".txt":
            path.write_text("\n\n".join(TRANSCRIPT) + "\n", encoding="utf-8")
        elif suffix == ".pdf":
            write_pdf(path, TRANSCRIPT)
        else:
            write_docx(path, TRANSCRIPT)
        processed = tmp_path_factory.mktemp(f"processed-{fmt}")
        ingest(raw, processed, quiet=True)
        out[suffix] = Corpus.load(processed)
    return out


@pytest.fixture(scope="module")
def bad_report(tmp_path_factory) -> dict[str, dict]:
    bad = tmp_path_factory.mktemp("bad")
    write_pdf(bad / "locked.pdf", TRANSCRIPT, encrypt="secret")
    write_scan(bad / "scan.pdf")
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%garbage")
    (bad / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a Word file")
    for name in ("locked", "scan", "broken"):
        (bad / f"{name}.meta.yaml").write_text(SIDECAR.format(fmt="transcript"), encoding="utf-8")
    out = tmp_path_factory.mktemp("bad-processed")
    ingest(bad, out, quiet=True)
    return _report(out)


def turns_of(corpus: Corpus) -> list[tuple[str | None, str, str]]:
    t = corpus.turns.sort_values(["doc_id", "para_no"])
    return [
        (s if isinstance(s, str) else None, r, x) for s, r, x in zip(t["speaker"], t["role"], t["text"], strict=True)
    ]


def test_a_pdf_and_a_word_transcript_have_the_turns_of_the_same_text(ingested):
    txt = turns_of(ingested[".txt"])
    assert len(txt) == len(TRANSCRIPT)
    assert [s for s, r, _ in txt if r == "speech"] == ["Donald Trump", "Donald Trump", "Vane", "Vane"]
    assert turns_of(ingested[".pdf"]) == txt
    assert turns_of(ingested[".docx"]) == txt
    assert ingested[".pdf"].documents["importer"].tolist() == ["pdf"]
    assert ingested[".docx"].documents["importer"].tolist() == ["docx"]


@pytest.mark.parametrize(
    "path, reason",
    [
        ("locked.pdf", "encrypted PDF"),
        ("scan.pdf", "no text layer"),
        ("broken.pdf", "unreadable PDF"),
        ("broken.docx", "not a Word .docx file"),
    ],
)
def test_unreadable_files_are_listed_with_their_reason(bad_report, path, reason):
    assert bad_report[path]["status"] == "skipped"
    assert reason in bad_report[path]["reason"]
