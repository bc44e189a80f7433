"""Stage 1, raw → processed: read raw files with the importers and write the processed corpus.

``scan`` classifies every raw file and decides what to parse, ``parse`` runs the importers (in
worker processes, ``workers``), ``store`` de-duplicates and writes the Parquet tables and the index
of a new generation, ``generations`` switches to it atomically under a lock, ``state`` remembers
what each file was so the next run re-parses only what changed; ``build.ingest`` runs them in turn.

The names below are imported when first used, so that a reader that needs only
:mod:`analysis.ingest.generations` does not load the whole ingest.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from analysis import config
from analysis.params import Command, CorpusParams, RunParams, param

_EXPORTS = {
    "ingest": "analysis.ingest.build",
    "parse_raw": "analysis.ingest.parse",
    "DOCUMENT_SCHEMA": "analysis.ingest.schema",
    "REPORT_FIELDS": "analysis.ingest.schema",
    "SCHEMA_VERSION": "analysis.ingest.schema",
    "STATE_SCHEMA": "analysis.ingest.schema",
    "TURN_SCHEMA": "analysis.ingest.schema",
    "IngestResult": "analysis.ingest.schema",
    "parser_fingerprint": "analysis.ingest.state",
    "n_parts": "analysis.ingest.store",
    "part_of": "analysis.ingest.store",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis.ingest' has no attribute {name!r}")


@dataclass(frozen=True)
class IngestParams(RunParams, CorpusParams):
    raw_dir: str = param("", "raw folder or .tar(.xz/.gz/.bz2) archive; empty for data/raw")
    quiet: bool = param(False, "print nothing but errors")
    verbose: bool = param(False, "list every skipped file and warning, not a summary")


def _run(p: IngestParams) -> int:
    from analysis.engine import engine_for
    from analysis.ingest.build import ingest

    raw, out = p.raw_dir or config.RAW_DIR, p.processed_dir or config.PROCESSED_DIR
    engine = engine_for(p)
    ingest(raw, out, quiet=p.quiet, full=p.full, jobs=p.jobs or None, wait=p.wait, verbose=p.verbose, engine=engine)
    return 0


COMMAND = Command("ingest", "build the processed corpus from a raw folder", IngestParams, _run)
