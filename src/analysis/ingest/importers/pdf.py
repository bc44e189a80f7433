"""Statements received as PDF files: their text layer read as a labelled transcript.

A newsroom receives a press office's transcript as a PDF. Its text layer is read with pypdf (layout
mode, so a vertical gap between paragraphs is a blank line), page by page; lines within a paragraph
are joined, a line that opens like a speaker label starts a paragraph of its own, and page numbers
standing alone are dropped. The text is then read exactly as a ``.txt`` transcript
(:mod:`analysis.ingest.importers.transcript`): labels, the statement's facts from a sidecar
``name.meta.yaml`` or the folder's ``profile.yaml`` (``format: pdf``, or ``format: transcript``).

Not read, each listed with its reason: an encrypted PDF (``encrypted-pdf``), one without a text
layer such as a scan (``no-text-layer``: run OCR first), a file pypdf cannot read (``unreadable-pdf``).
"""

from __future__ import annotations

import io
import re

from analysis.errors import IngestError
from analysis.ingest.importers.label_words import QA_RE, colon_label
from analysis.ingest.importers.transcript import TextOfFileImporter
from analysis.text import normalize_ws

_PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_CAPS_LABEL_RE = re.compile(r"^[A-Z][A-Z.'’ -]{1,60}[.:](?:\s|$)")  # "THE PRESIDENT. …", "DR. VANE: …"


def pdf_text(raw: bytes) -> list[str]:
    """The lines of a PDF's text layer, a blank line between paragraphs; :class:`IngestError` when it has none."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("encrypted-pdf", "encrypted PDF: it needs a password; save an unprotected copy")
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a broken file: none may stop the build
        raise IngestError("unreadable-pdf", f"unreadable PDF: {type(exc).__name__}: {exc}"[:300]) from None
    lines = [normalize_ws(line) for page in pages for line in [*page.split("\n"), ""]]
    lines = ["" if _PAGE_NUMBER_RE.match(line) else line for line in lines]
    if not any(lines):
        raise IngestError("no-text-layer", "the PDF has no text layer (a scan?): run OCR on it first")
    return lines


def paragraphs_text(lines: list[str]) -> str:
    """Lines as a transcript's text: a paragraph per line, blank lines between; a paragraph's wrapped
    lines joined, a new one at a line that opens like a label."""
    out: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line and current and (colon_label(line) or QA_RE.match(line) or _CAPS_LABEL_RE.match(line)):
            out.append(" ".join(current))
            current = []
        if line:
            current.append(line)
        elif current:
            out.append(" ".join(current))
            current = []
    return "\n\n".join(out) + "\n"


class PdfImporter(TextOfFileImporter):
    """PDF transcripts (``.pdf``), read as the transcript importer reads text."""

    name = "pdf"
    suffixes = frozenset({".pdf"})

    def text_of(self, raw: bytes) -> str:
        return paragraphs_text(pdf_text(raw))


IMPORTER = PdfImporter()
