"""Stage 1, raw → processed: read raw files with the importers and write the processed corpus.

``scan`` classifies every raw file and decides what to parse, ``parse`` runs the importers (on
several processes), ``store`` de-duplicates and writes the Parquet tables of a new generation,
``generations`` switches to it atomically under a lock, ``state`` remembers what each file was so
the next run re-parses only what changed; ``build.ingest`` runs them in turn.
"""

from analysis.ingest.build import ingest
from analysis.ingest.parse import parse_raw
from analysis.ingest.schema import (
    DOCUMENT_SCHEMA,
    REPORT_FIELDS,
    SCHEMA_VERSION,
    STATE_SCHEMA,
    TURN_SCHEMA,
    IngestResult,
)
from analysis.ingest.state import parser_fingerprint
from analysis.ingest.store import n_parts, part_of

__all__ = [
    "DOCUMENT_SCHEMA",
    "REPORT_FIELDS",
    "SCHEMA_VERSION",
    "STATE_SCHEMA",
    "TURN_SCHEMA",
    "IngestResult",
    "ingest",
    "n_parts",
    "parse_raw",
    "parser_fingerprint",
    "part_of",
]
