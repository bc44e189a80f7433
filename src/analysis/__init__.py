"""Refrain: measure what political leaders say, and how often they say it again.

The flow, by stage (each stage imports only from earlier ones; see ``src/analysis/README.md``)::

    data/raw ─► ingest ─► data/processed ─► corpus ─► measures ─► publish ─► reports/
                                                       quality

* shared: :mod:`analysis.config` (paths), :mod:`analysis.errors`, :mod:`analysis.text` (text layers,
  words, tokens), :mod:`analysis.names` and :mod:`analysis.speakers` (labels to people and titles),
  :mod:`analysis.selection` (whose words, when, from where, per what period);
* :mod:`analysis.ingest`: raw files to the processed corpus (scan, parse, store, state; importers);
* :mod:`analysis.corpus`: the processed corpus and :meth:`~analysis.corpus.Corpus.select`;
* :mod:`analysis.measures`: phrase matching and counts, statistics, catchphrases, topics, rhetoric,
  keyness, one statement's profile;
* :mod:`analysis.quality`: the attribution gold standard's scorer and the audit;
* :mod:`analysis.publish`: the notebooks' stories, charts, findings, evidence, pages, rendering.
"""

import os
import sys

__version__ = "0.1.0"

# Arrow's memory pool is chosen once, when pyarrow is first imported: jemalloc rather than its default
# (mimalloc) for a process that imports Refrain first (the CLI, `make all`), unless the environment names
# one. Measured (docs/decisions/0005-incremental-rebuilds.md): an incremental ingest spends half the time
# in the kernel, a full one and a million-row table peak lower; queries and the explorer take the same time.
# Linux only: pyarrow's wheels for Linux are built with jemalloc (elsewhere Arrow would warn and fall back).
if sys.platform.startswith("linux"):
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
