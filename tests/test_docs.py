"""Docs that must not drift from the code."""
from pathlib import Path

import pytest

from analysis import config
from analysis.measures import catchphrases
from analysis.measures import keyness
from analysis.measures import rhetoric
from analysis.quality.attribution import GOLD_COLUMNS
from analysis.quality.audit import AUDIT_COLUMNS, KINDS
from analysis.measures.count import COUNT_COLUMNS
from analysis.publish.evidence import EVIDENCE_COLUMNS
from analysis.ingest import DOCUMENT_SCHEMA, REPORT_FIELDS, TURN_SCHEMA

DICTIONARY = (config.PROJ_ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "column",
    [*DOCUMENT_SCHEMA.names, *TURN_SCHEMA.names, *REPORT_FIELDS, *COUNT_COLUMNS, *EVIDENCE_COLUMNS,
     *catchphrases.COLUMNS, *keyness.COLUMNS, *rhetoric.LABEL_COLUMNS, "share_of_paragraphs", "topic_documents",
     "precision_low", *AUDIT_COLUMNS, *KINDS, *GOLD_COLUMNS, "roles", "first_date", "statements"],
)
def test_every_column_is_in_the_data_dictionary(column):
    assert f"`{column}`" in DICTIONARY


def test_readme_commands_exist_in_the_makefile():
    readme = (config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (config.PROJ_ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("all", "test"):
        assert f"make {target}" in readme
        assert f"\n{target}:" in makefile
    assert "make test" in (config.PROJ_ROOT / ".ci" / "run").read_text(encoding="utf-8")
