"""Published pages: the house page around each report, the gallery index, the column dictionaries.

Pages are self-contained and work offline: one inline stylesheet, no scripts, no web fonts, images
inline or beside the page. The layout is responsive (tables scroll inside their own box, never the
page). Nothing here reads the clock, so the same inputs give byte-identical pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from analysis.publish.sentences.text import SOURCES
from analysis.publish.site.html import render

#: The house stylesheet, inlined in every page (and the explorer's).
CSS = "\n" + (Path(__file__).parent / "static" / "site.css").read_text(encoding="utf-8")


def page(*, title: str, body: str, corpus: dict, home: bool = False, root: str = "", site: bool = True) -> str:
    """A complete, valid HTML5 document around ``body`` (markup: a rendered template, or text to escape);
    ``root`` is the way from the page to the reports folder ("../../" for an evidence page); ``site``
    False: not in a reports folder (a notebook run by hand), so no links to the gallery or explorer."""
    html = render(
        "page.html",
        title=title,
        body=Markup(body),
        css=Markup(CSS),
        footer=footer_text(corpus),
        home=home,
        root=root,
        site=site,
    )
    return html + "\n"


def footer_text(corpus: dict) -> str:
    """The provenance line of every page: the version of the data shown (a report's: the statements its
    numbers rest on, :func:`analysis.index.reads.data_of`; the gallery's: the whole corpus), documents,
    dates, sources (plain text)."""
    version = (
        f"data version {corpus['data_version']}"
        if corpus.get("data_version")
        else f"corpus version {corpus.get('corpus_version', 'unknown')}"
    )
    return (
        f"Refrain · {version}, {corpus.get('documents', '?')} "
        f"documents, {corpus.get('date_min')} to {corpus.get('date_max')}.{_sources(corpus)}"
    )


def _sources(corpus: dict) -> str:
    """ " Sources: Meduza translation; Miller Center transcripts (public domain)." from the corpus."""
    names = [SOURCES.get(s, s) for s in sorted(corpus.get("sources") or {})]
    return f" Sources: {'; '.join(names)}." if names else ""


def clean_body(body: str) -> str:
    """Small fixes to nbconvert's HTML: stable ids, no obsolete attributes."""
    body = re.sub(r' id="cell-id=[^"]*"', "", body)
    body = body.replace('<table border="1" class="dataframe">', '<table class="dataframe">')
    body = body.replace('<tr style="text-align: right;">', "<tr>")
    return body
