"""Published pages: the house page around each report, the gallery index, the column dictionaries.

Pages are self-contained and work offline: one inline stylesheet, no scripts, no web fonts, images
inline or beside the page. The layout is responsive (tables scroll inside their own box, never the
page). Nothing here reads the clock, so the same inputs give byte-identical pages.
"""

from __future__ import annotations

import re

from analysis.publish.charts.figures import SOURCES
from analysis.publish.site.html import escape

CSS = """
:root{--ink:#1a1a1a;--muted:#555;--rule:#ddd;--accent:#0072B2;--bg:#fff}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
header.site,main,footer.site{max-width:54rem;margin:0 auto;padding:0 1rem}
header.site{padding-top:.75rem;font-size:.9rem}
footer.site{border-top:1px solid var(--rule);margin-top:3rem;padding:1rem;color:var(--muted);font-size:.85rem}
a{color:var(--accent)}
h1{font-size:1.7rem;line-height:1.25;margin:1rem 0 .5rem}
h2{font-size:1.3rem;margin-top:2.2rem}
img{max-width:100%;height:auto}
figure.chart{margin:1rem 0}
figure.chart figcaption{font-size:.85rem;color:var(--muted)}
.finding{font-size:1.1rem;border-left:4px solid var(--accent);padding:.25rem .75rem;background:#f3f8fc}
.output_html,.output_subarea,.rendered_html{max-width:100%;overflow-x:auto}
.output_area,.output_wrapper,.output,.cell,.inner_cell{max-width:100%;min-width:0}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border-bottom:1px solid var(--rule);padding:.3rem .5rem;text-align:left;vertical-align:top}
td{overflow-wrap:normal;word-break:normal;hyphens:manual}
td a{display:inline-block;min-width:1.5rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
mark{background:#ffe08a}
table.grid td,table.grid thead th{white-space:nowrap}
table.grid tbody th{min-width:7rem;max-width:14rem}
table.grid .rate,table.grid tr.words{color:var(--muted);font-size:.8rem}
code{font-size:.9em;overflow-wrap:break-word}
details{margin:.5rem 0}
svg{display:block;width:100%;height:auto}
.chart-narrow{display:none}
@media (max-width:40rem){.chart-wide{display:none}.chart-narrow{display:block}}
details.group{border:1px solid var(--rule);border-radius:6px;padding:.25rem .75rem;scroll-margin-top:1rem}
details.group>summary{cursor:pointer;font-weight:600}
details.group:target{border-color:var(--accent);box-shadow:0 0 0 2px #cfe3f2}
nav.contents ul{columns:16rem;font-size:.85rem;padding-left:1.2rem}
ol.quotes{padding-left:1.5rem}
li.quote{margin:.6rem 0;overflow-wrap:break-word}
li.quote p{margin:.15rem 0}
p.cite{color:var(--muted);font-size:.85rem}
.scroll{max-width:100%;overflow-x:auto}
section.method{border:1px solid var(--rule);border-radius:6px;padding:.25rem 1rem 1rem;margin-top:2.5rem;
background:#fafafa}
.gallery{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1.25rem}
.gallery li{border:1px solid var(--rule);border-radius:6px;padding:.75rem}
.gallery img{display:block;width:100%;height:11rem;object-fit:contain;object-position:top;background:#fff;border:1px solid var(--rule)}
.gallery h2{font-size:1.05rem;margin:.6rem 0 .3rem}
.gallery p{margin:.3rem 0;font-size:.9rem}
.meta{color:var(--muted);font-size:.8rem}
"""


def page(*, title: str, body: str, corpus: dict, home: bool = False, root: str = "") -> str:
    """A complete, valid HTML5 document around ``body`` (already escaped HTML); ``root`` is the way
    from the page to the reports folder ("../../" for an evidence page)."""
    e = escape
    nav = f'<a href="{e(root)}explore.html">Explore any phrase</a>'
    if not home:
        nav = f'<a href="{e(root)}index.html">← All reports</a> · {nav}'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} · Refrain</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="site">{nav}</header>\n<main>\n{body}\n</main>\n'
        f'<footer class="site">{e(footer_text(corpus))}</footer>\n'
        "</body>\n</html>\n"
    )


def footer_text(corpus: dict) -> str:
    """The provenance line of every page: corpus version, documents, dates, sources (plain text)."""
    return (
        f"Refrain · corpus version {corpus.get('corpus_version', 'unknown')}, {corpus.get('documents', '?')} "
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
