"""Statements received as Word files (``.docx``): their paragraphs read as a labelled transcript.

Each paragraph of the document body (python-docx) is a paragraph of the text, a line break inside one
a hard break; the text is then read exactly as a ``.txt`` transcript
(:mod:`analysis.ingest.importers.transcript`): labels, and the statement's facts from a sidecar
``name.meta.yaml`` or the folder's ``profile.yaml`` (``format: docx``, or ``format: transcript``).
Tables are read row by row, a row's cells joined by " | " (a table is rarely a statement; it is kept
so that nothing is silently dropped). A file that is not a Word document (an old binary ``.doc``
renamed, a damaged or password-protected file) is listed with the reason ``unreadable-docx``.
"""

from __future__ import annotations

import io
import zipfile

from analysis.errors import IngestError
from analysis.ingest.importers.transcript import TextOfFileImporter


def docx_text(raw: bytes) -> str:
    """The document's paragraphs (and table rows) in order, a blank line between them."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(raw))
        blocks = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                blocks.append(item.text.replace("\n", "  \n"))
            elif isinstance(item, Table):
                blocks.extend(" | ".join(c.text.strip() for c in row.cells) for row in item.rows)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        why = "not a Word .docx file (an old .doc, a damaged or a password-protected file?)"
        raise IngestError("unreadable-docx", f"unreadable: {why}: {type(exc).__name__}"[:300]) from None
    text = "\n\n".join(b.strip() for b in blocks if b.strip())
    if not text:
        raise IngestError("empty-body", "empty body: the Word document has no text")
    return text + "\n"


class WordImporter(TextOfFileImporter):
    """Word transcripts (``.docx``), read as the transcript importer reads text."""

    name = "docx"
    suffixes = frozenset({".docx"})

    def text_of(self, raw: bytes) -> str:
        return docx_text(raw)


IMPORTER = WordImporter()
