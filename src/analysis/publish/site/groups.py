"""Evidence groups: every number of a report opens exactly the quotes behind it.

A group is the quotes of one key, usually (speaker, phrase, period): the rows of
:func:`analysis.measures.count.evidence` that a count adds up. Groups are written as pages under
the report folder, ``<report>/evidence/<phrase>.html`` (split by period when a phrase has very many
quotes), each group an open ``<details id=… data-count="N">`` holding N ``class="quote"`` elements, with a
link back to the chart or table that counts it. No script: a link to ``…#id`` scrolls to the group
(every browser shows it; the page's style outlines the targeted one), and a reader can fold groups.

The contract (``tests/publish/test_published.py`` walks it): the CSV of every chart with counts has an
``evidence`` column whose value, for every row with a non-zero count, is the group's link
(``<report>/evidence/<page>.html#<id>``, relative to the reports folder), and the group holds
exactly that row's count of quotes.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.publish.sentences.text import plural
from analysis.publish.site.evidence import quote_list
from analysis.publish.site.html import render

PAGE_QUOTES = 1500  # a phrase with more quotes than this gets one page per period
PAGE_BYTES = 500_000  # a page larger than this has its quotes' context cut shorter (CONTEXTS), in turn
CONTEXTS = (None, 60, 40, 25, 15)  # characters of context each side of a match (None: as the matcher gave it)


SLUG_MAX = 40  # characters of a slug in an id or a file name


def slug(value: object) -> str:
    """ "Vladimir Putin" -> "vladimir-putin"; letters of any script kept, other runs become "-"; at most
    :data:`SLUG_MAX` characters."""
    text = re.sub(r"[^\w]+", "-", str(value).lower(), flags=re.UNICODE).strip("-_")
    return text[:SLUG_MAX].rstrip("-_") or "x"


def tag(value: object) -> str:
    """Eight hex digits that tell apart values whose slugs are alike ("U.S." and "U S", "café" in NFC
    and NFD, two phrases that differ after the slug's length)."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:8]


@dataclass
class Group:
    key: tuple
    label: str
    rows: pd.DataFrame
    back: str  # the report page's anchor that counts it ("#fig2")
    page: str = ""

    @property
    def ident(self) -> str:
        return "q-" + "-".join(slug(k) for k in self.key) + "-" + tag(self.key)


@dataclass
class EvidenceBook:
    """The groups of one report and the pages they are written on."""

    report_name: str
    folder: Path  # the report's folder (reports/<name>/)
    page_html: object = None  # callable(title, body) -> a complete page (set by the report)
    groups: dict[str, Group] = field(default_factory=dict)
    split: set[str] = field(default_factory=set)  # phrases whose quotes are on one page per year

    def add(
        self,
        ev: pd.DataFrame,
        keys: Sequence[str],
        *,
        back: str,
        label=None,
        page_key: str = "phrase",
    ) -> dict[tuple, str]:
        """Groups of ``ev`` by ``keys`` (its columns); their links by key. ``label(key)`` names a group
        ("2016 · “our partners” · Vladimir Putin: 35 quotes" by default)."""
        links: dict[tuple, str] = {}
        if ev.empty:
            return links
        touched = set()
        fresh: list[Group] = []
        for key, rows in ev.groupby(list(keys), sort=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            key = tuple("" if pd.isna(k) else k for k in key)
            group = Group(key, label(key) if label else " · ".join(str(k) for k in key if k != ""), rows, back)
            old = self.groups.get(group.ident)
            if old is not None:
                if len(old.rows) != len(rows):
                    raise RuntimeError(f"evidence group {group.ident} asked for twice with different quotes")
                links[key] = old.ident
                continue
            anchor = rows[page_key].iloc[0] if page_key in rows.columns else "quotes"
            group.page = f"{slug(anchor)}-{tag(anchor)}"
            fresh.append(group)
            links[key] = group.ident
        for base in {g.page for g in fresh}:  # a page once given out never moves; a full phrase goes on by year
            new = [g for g in fresh if g.page == base]
            held = sum(len(g.rows) for g in self.groups.values() if _base(g.page) == base)
            if base in self.split or held + sum(len(g.rows) for g in new) > PAGE_QUOTES:
                self.split.add(base)
                for g in new:
                    period = next((str(k) for k in g.key if re.fullmatch(r"\d{4}.*", str(k))), "all")
                    g.page = f"{base}--{slug(period)[:4]}"
            touched.add(base)
        for g in fresh:
            self.groups[g.ident] = g
        out = {key: f"{self.report_name}/evidence/{self.groups[i].page}.html#{i}" for key, i in links.items()}
        self._write(touched)
        return out

    def index_html(self) -> str:
        """A list of the report's evidence pages, each with its quotes (for the report's last section)."""
        pages: dict[str, list[Group]] = {}
        for g in self.groups.values():
            pages.setdefault(g.page, []).append(g)
        listed = [
            {
                "page": page,
                "phrase": str(groups[0].rows["phrase"].iloc[0] if "phrase" in groups[0].rows else page),
                "period": f" ({page.split('--')[1]})" if "--" in page else "",
                "groups": plural(len(groups), "group"),
            }
            for page, groups in sorted(pages.items())
        ]
        return render("evidence_index.html", report=self.report_name, pages=listed)

    def link_column(
        self, table: pd.DataFrame, links: dict[tuple, str], keys: Sequence[str], count: str = "count"
    ) -> pd.Series:
        """The ``evidence`` column of ``table``: the group's link where ``count`` is non-zero, else empty."""
        values = []
        for row in table[list(keys)].itertuples(index=False):
            key = tuple("" if pd.isna(k) else k for k in row)
            values.append(links.get(key, ""))
        out = pd.Series(values, index=table.index, dtype=object)
        missing = table[(table[count] > 0) & (out == "")]
        if len(missing):
            raise RuntimeError(f"{len(missing)} row(s) with uses have no evidence group: {missing[list(keys)].head(3)}")
        out = out.where(table[count] > 0, "")
        for href, n in zip(out, table[count], strict=True):  # a number opens exactly its quotes
            if href and len(self.groups[href.rsplit("#", 1)[1]].rows) != int(n):
                raise RuntimeError(
                    f"evidence group {href} holds {len(self.groups[href.rsplit('#', 1)[1]].rows)} "
                    f"quotes for a count of {int(n)}"
                )
        return out

    def _write(self, pages: set[str]) -> None:
        """(Re)write the pages of the phrases ``pages`` (a page's groups in key order)."""
        folder = self.folder / "evidence"
        folder.mkdir(parents=True, exist_ok=True)
        by_page: dict[str, list[Group]] = {}
        for g in self.groups.values():
            if _base(g.page) in pages:
                by_page.setdefault(g.page, []).append(g)
        for base in pages:  # a page split since it was last written leaves no stale file
            for old in [folder / f"{base}.html", *folder.glob(f"{base}--*.html")]:
                if old.exists() and old.stem not in by_page:
                    old.unlink()
        for page, groups in by_page.items():
            phrase = groups[0].rows["phrase"].iloc[0] if "phrase" in groups[0].rows else page
            title = f"Quotes: {phrase}" + (f", {page.split('--', 1)[1]}" if "--" in page else "")
            forest = nest(sorted(groups, key=lambda g: [str(k) for k in g.key]))
            for context in CONTEXTS:  # the quotes' context cut shorter until the page is small enough
                body = render(
                    "evidence_page.html",
                    title=title,
                    report=self.report_name,
                    listed=[_listed(g) for g in sorted(groups, key=lambda g: [str(k) for k in g.key])],
                    groups=[_shown(node, context) for node in forest],
                )
                html = self.page_html(title, body) if callable(self.page_html) else body
                if len(html.encode("utf-8")) <= PAGE_BYTES:
                    break
            else:  # thousands of quotes from as many statements: said, not hidden
                warnings.warn(
                    f"evidence page {page}.html is {len(html.encode('utf-8')):,} bytes even with "
                    f"{CONTEXTS[-1]} characters of context (over {PAGE_BYTES:,})",
                    stacklevel=2,
                )
            (folder / f"{page}.html").write_text(html, encoding="utf-8")


@dataclass
class Node:
    """A group on its page, with the groups whose quotes are all among its own (printed inside it, once)."""

    group: Group
    children: list[Node] = field(default_factory=list)
    keys: frozenset = frozenset()


def _quote_keys(rows: pd.DataFrame) -> list[tuple]:
    """Each quote's identity across groups: where it is and what it matched."""
    cols = [c for c in ("doc_id", "para_no", "char_start", "match") if c in rows.columns] or list(rows.columns)
    return [tuple(map(str, t)) for t in rows[cols].itertuples(index=False)]


def nest(groups: list[Group]) -> list[Node]:
    """The groups of one page as a forest: each inside the smallest group that holds all its quotes (a
    family's year inside its total, a form's year inside the family's year), so that no quote is printed
    twice. A group that shares some quotes with another but lies in none is printed on its own."""
    nodes = [Node(g, keys=frozenset(_quote_keys(g.rows))) for g in groups]
    order = sorted(range(len(nodes)), key=lambda i: (-len(nodes[i].keys), len(nodes[i].group.key), i))
    placed: list[Node] = []
    roots: list[Node] = []
    for i in order:
        node = nodes[i]
        parent = next((p for p in reversed(placed) if node.keys <= p.keys), None)
        (parent.children if parent is not None else roots).append(node)
        placed.append(node)
    return roots


def _listed(group: Group) -> dict:
    n = len(group.rows)
    return {"ident": group.ident, "label": group.label, "n": n}


def _shown(node: Node, context: int | None) -> dict:
    """A group as the evidence page shows it: its id, label, count, its quotes that no group inside it
    holds, the groups inside it, and the way back."""
    group = node.group
    n = len(group.rows)
    inner = set().union(*(c.keys for c in node.children)) if node.children else set()
    own = group.rows[[k not in inner for k in _quote_keys(group.rows)]] if inner else group.rows
    return {
        "ident": group.ident,
        "label": group.label,
        "n": n,
        "quotes": plural(n, "quote"),
        "list": quote_list(own, context=context) if len(own) else "",
        "children": [_shown(c, context) for c in node.children],
        "back": group.back,
    }


def _base(page: str) -> str:
    return page.split("--")[0]
