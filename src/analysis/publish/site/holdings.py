"""What the corpus holds, from the data: sources, documents, years, leaders and their words.

One table, made from :meth:`analysis.corpus.Corpus.sources`, for the gallery page and for the
README's section between ``<!-- corpus:start -->`` and ``<!-- corpus:end -->`` (``python -m
analysis docs --readme`` rewrites it; a test fails when it no longer matches the default corpus).
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis import config
from analysis.corpus import Corpus
from analysis.publish.site.html import render

START, END = "<!-- corpus:start -->", "<!-- corpus:end -->"


def _missing(corpus: Corpus, source: str, most: int = 6) -> str:
    """The years between a source's first and last with none of its documents: "2004, 2007–2008"."""
    from analysis.measures.leaders import spans

    dates = corpus.documents.loc[corpus.documents["source"] == source, "date"].dropna()
    years = set(dates.dt.year.astype(int))
    if not years:
        return "undated"
    runs = spans([str(y) for y in range(min(years), max(years) + 1) if y not in years]).split(", ")
    runs = [r for r in runs if r]
    if len(runs) > most:
        rest = sum(int(r[-4:]) - int(r[:4]) + 1 for r in runs[most:])
        return ", ".join(runs[:most]) + f" and {rest} more"
    return ", ".join(runs) or "none"


def _rows(corpus: Corpus) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for r in corpus.sources().itertuples(index=False):
        leaders = r.top_leaders or "none"
        out.append(
            (
                str(r.source),
                f"{r.documents:,}",
                f"{r.first_date[:4]}–{r.last_date[:4]}",
                _missing(corpus, str(r.source)),
                f"{r.speaker_words:,} of {r.speakers:,} named speakers",
                f"{r.leaders} leader(s): {leaders}",
            )
        )
    return out


def markdown(corpus: Corpus) -> str:
    """The README's table of what the default corpus holds."""
    lines = [
        START,
        f"_Made from the processed corpus by `python -m analysis docs --readme`: {len(corpus.documents):,} "
        "documents; words are the speakers' own (nobody's headlines, questions or stage directions)._",
        "",
        "| source | documents | dated | years without documents | own words | leaders (most words first) |",
        "| --- | ---: | --- | --- | ---: | --- |",
    ]
    lines += [f"| {' | '.join(row)} |" for row in _rows(corpus)]
    return "\n".join([*lines, END])


def html(corpus: Corpus) -> str:
    """The same table for the gallery page (escaped)."""
    return render("holdings.html", rows=_rows(corpus))


def update_readme(corpus: Corpus, readme: Path | None = None) -> Path:
    """Rewrite the README's corpus section (between the markers) from ``corpus``."""
    path = Path(readme or config.PROJ_ROOT / "README.md")
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"{path} has no {START} … {END} section to rewrite")
    path.write_text(pattern.sub(lambda _: markdown(corpus), text), encoding="utf-8")
    return path


def readme_section(readme: Path | None = None) -> str:
    """The corpus section the README has now."""
    text = Path(readme or config.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(re.escape(START) + r".*?" + re.escape(END), text, re.S)
    return m.group(0) if m else ""
