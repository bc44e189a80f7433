"""Refrain: measure what political leaders say, and how often they say it again.

Modules, by concern:

* :mod:`analysis.config` – project paths (``PROJ_ROOT``) and defaults;
* :mod:`analysis.text` – whitespace, quote folding, translator's insertions, word counts;
* :mod:`analysis.speakers` – speaker labels and the registry in ``config/speakers.yaml``;
* :mod:`analysis.importers` – raw files to documents (Kremlin pages, Q&A articles, hand-added);
* :mod:`analysis.sources` / :mod:`analysis.ingest` – raw folder or archive to ``data/processed``
  (Parquet, ingest report), in parallel and incrementally;
* :mod:`analysis.corpus` – load the processed corpus, select a speaker's own words;
* :mod:`analysis.lexicon` – versioned phrase families, rhetoric categories, topics;
* :mod:`analysis.match` / :mod:`analysis.count` – phrase matches, counts and evidence;
* :mod:`analysis.catchphrases`, :mod:`analysis.topics`, :mod:`analysis.rhetoric`,
  :mod:`analysis.keyness` – the measures journalists come for;
* :mod:`analysis.evidence` – evidence tables as CSV and escaped HTML;
* :mod:`analysis.charts`, :mod:`analysis.findings` – the house chart style, finding titles;
* :mod:`analysis.report`, :mod:`analysis.publish`, :mod:`analysis.render` – notebooks to
  published, self-contained HTML reports and the gallery index.
"""

__version__ = "0.1.0"
