"""The gallery: ``reports/index.html``, one card per published report (thumbnail, finding, data range)."""

from __future__ import annotations

import json
from pathlib import Path

from analysis import config
from analysis.publish.sentences.text import possessive_words
from analysis.publish.site.html import render
from analysis.publish.site.pages import page


def corpus_info(processed_dir: Path | str) -> dict:
    """The processed corpus's ``corpus.json`` (empty when there is none)."""
    try:
        return json.loads((Path(processed_dir) / config.CORPUS_INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_meta(reports_dir: Path, name: str) -> dict:
    path = reports_dir / name / "report.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def index_page(specs, reports_dir: Path, corpus: dict, holdings: str = "") -> str:
    """The gallery: one card per published report (thumbnail, title, finding, data range)."""
    cards = []
    for spec in specs:
        if not (reports_dir / f"{spec.name}.html").exists():
            continue
        meta = read_meta(reports_dir, spec.name)
        charts = meta.get("charts") or []
        # the report's own selection, as it recorded it when it was rendered (not today's corpus)
        if meta.get("words_from"):
            who = possessive_words(meta["speaker"]) if meta.get("speaker") else "Words"
            data = f"{who}: {meta['words_from']} to {meta['words_to']}"
        else:
            data = f"Data: {corpus.get('date_min')} to {corpus.get('date_max')}"
        cards.append(
            {
                "name": spec.name,
                "title": spec.title,
                "thumb": charts[0] if charts else None,
                "finding": meta.get("finding") or spec.summary,
                "data": data,
                "notebook": spec.notebook,
            }
        )
    body = render("gallery.html", cards=cards, holdings=holdings)
    return page(title="Refrain reports", body=body, corpus=corpus, home=True)


def write_index(specs, reports_dir: Path, processed_dir: Path | str = config.PROCESSED_DIR) -> Path:
    """reports/index.html: a gallery card for every report whose HTML exists."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / "index.html"
    holdings = ""
    try:
        from analysis.corpus import Corpus
        from analysis.publish.site.holdings import html

        holdings = html(Corpus.load(processed_dir))
    except (ValueError, OSError):  # no corpus (a failed ingest): the gallery is still written
        pass
    path.write_text(index_page(specs, reports_dir, corpus_info(processed_dir), holdings), encoding="utf-8")
    return path
