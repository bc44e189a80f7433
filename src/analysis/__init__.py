"""Refrain: measure what political leaders say, and how often they say it again.

Modules, by concern:

* :mod:`analysis.config` – project paths (``PROJ_ROOT``) and defaults;
* :mod:`analysis.text` – whitespace, quote folding, translator's insertions, word counts;
* :mod:`analysis.speakers` – speaker labels and the registry in ``config/speakers.yaml``;
* :mod:`analysis.importers` – raw files to documents (Kremlin pages, Q&A articles, hand-added);
* :mod:`analysis.ingest` – raw folder to ``data/processed`` (Parquet + ingest report);
* :mod:`analysis.corpus` – load the processed corpus, select a speaker's own words;
* :mod:`analysis.match` / :mod:`analysis.count` – phrase matches, counts and evidence;
* :mod:`analysis.evidence` – evidence tables as CSV and escaped HTML;
* :mod:`analysis.charts` – the house chart style and chart writers;
* :mod:`analysis.render` – papermill + nbconvert: notebooks to HTML reports.
"""

__version__ = "0.1.0"
