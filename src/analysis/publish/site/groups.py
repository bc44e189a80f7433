"""Evidence groups: every number of a report opens exactly the quotes behind it.

A group is the quotes of one key, usually (speaker, phrase, period): the rows of
:func:`analysis.measures.count.evidence` that a count adds up. Groups are written as pages under
the report folder, ``<report>/evidence/<phrase>.html``, each group an open ``<details id=…
data-count="N">`` holding N ``class="quote"`` elements, with a link back to the chart or table that
counts it. No script: a link to ``…#id`` scrolls to the group (every browser shows it; the page's style
outlines the targeted one), and a reader can fold groups.

The contract (``tests/publish/test_published.py`` walks it): the CSV of every chart with counts has an
``evidence`` column whose value, for every row with a non-zero count, is the group's link
(``<report>/evidence/<page>.html#<id>``, relative to the reports folder), and the group holds
exactly that row's count of quotes.

Each quote is printed once on a page. The groups of a page are laminar: any two are disjoint or one
holds all the quotes of the other, and a group is printed inside the smallest one that holds it (a
form's year inside the family's year, a year inside the total), printing only the quotes that no group
inside it holds; so every group still holds exactly its N ``.quote`` descendants. A group that shares
some quotes with a group of a page without lying in it, or holding it, goes on another page.

A page stays under :data:`PAGE_BYTES`, measured on the page as written. A phrase's groups go on its own
page while they fit; past that the phrase is split: groups already out stay where they are (links once
handed out stay valid) and new ones go on a page per year (``<phrase>--2016.html``), a page per month
when a year's page is full (``--2016-03``, for groups by month or statement), then on continuation
pages (``--2016-p2``, ``--2016-03-p2``); groups of no date (totals) go on ``--all`` (and ``--all-p2``…).
A group first looks for room on the page of the smallest group already out that holds all its quotes,
where it adds no quote. A group alone over the limit (thousands of quotes in a total) gets a page of
its own with its quotes' context cut shorter (:data:`CONTEXTS`), in turn, until it fits. The placement
depends only on the groups added and their order: same inputs, same bytes.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.publish.sentences.text import plural
from analysis.publish.site.evidence import Node, nest, quote_keys, quote_list
from analysis.publish.site.html import render

PAGE_BYTES = 500_000  # an evidence page is at most this large (split by year, month, then in parts)
CONTEXTS = (None, 60, 40, 25, 15)  # characters of context each side of a match on a page of one group too
# large for a page (None: as the matcher gave it), tried in turn

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


@dataclass(eq=False)
class Group:
    key: tuple
    label: str
    rows: pd.DataFrame
    back: str  # the report page's anchor that counts it ("#fig2")
    page: str = ""
    base: str = ""  # the phrase's page, which the group's page is or is split from
    period: str = ""  # the key's period ("2016", "2016-03", "2016-03-12 kremlin-1"; "" when it has none)

    @property
    def ident(self) -> str:
        return "q-" + "-".join(slug(k) for k in self.key) + "-" + tag(self.key)

    @cached_property
    def keys(self) -> list[tuple]:
        """Its quotes' identities, row by row (:func:`~analysis.publish.site.evidence.quote_keys`)."""
        return quote_keys(self.rows)

    @cached_property
    def quotes(self) -> frozenset:
        """Its quotes' identities: whether groups nest."""
        return frozenset(self.keys)


@dataclass
class EvidenceBook:
    """The groups of one report and the pages they are written on."""

    report_name: str
    folder: Path  # the report's folder (reports/<name>/)
    page_html: object = None  # callable(title, body) -> a complete page (set by the report)
    by_hand: bool = False  # a notebook run by hand: no report page beside the evidence to link back to
    groups: dict[str, Group] = field(default_factory=dict)
    split: set[str] = field(default_factory=set)  # phrases whose own page takes no more groups
    pages: dict[str, list[Group]] = field(default_factory=dict)  # each page's groups, in the order placed
    _holders: dict[str, dict[tuple, list[Group]]] = field(default_factory=dict)  # phrase -> quote -> groups
    _lists: dict[tuple, tuple] = field(default_factory=dict)  # a group's printed quotes (see _shown)
    _sized: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)  # page -> its groups, HTML

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
        ("2016 · “our partners” · Vladimir Putin: 35 quotes" by default). A group asked for again (same
        key, same number of quotes) keeps its page."""
        links: dict[tuple, str] = {}
        if ev.empty:
            return links
        at = list(keys).index("period") if "period" in keys else None
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
            group.base = f"{slug(anchor)}-{tag(anchor)}"
            group.period = str(key[at]) if at is not None else ""
            self.groups[group.ident] = group
            fresh.append(group)
            links[key] = group.ident
        touched: set[str] = set()
        for base in sorted({g.base for g in fresh}):
            mine = [g for g in fresh if g.base == base]  # disjoint: one add's groups share no quote
            self._place(base, mine)
            touched.update(g.page for g in mine)
        self._write(touched)
        return {key: f"{self.report_name}/evidence/{self.groups[i].page}.html#{i}" for key, i in links.items()}

    def index_html(self) -> str:
        """A list of the report's evidence pages, each with its quotes (for the report's last section)."""
        listed = [
            {
                "page": page,
                "phrase": _phrase(groups, page),
                "period": f" ({_part_label(page)})" if "--" in page else "",
                "groups": plural(len(groups), "group"),
            }
            for page, groups in sorted(self.pages.items())
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

    # --- placing groups on pages ---------------------------------------------------------------------

    def _place(self, base: str, fresh: list[Group]) -> None:
        """Gives each of ``fresh`` (new groups of one phrase, disjoint, in key order) a page: beside the
        smallest group already out that holds all its quotes, where there is room; else the phrase's own
        page while everything fits; else its year's, its month's, continuation pages (:meth:`_spread`)."""
        homes: dict[str, list[Group]] = {}
        for g in fresh:
            host = self._host(g)
            if host is not None:
                homes.setdefault(host.page, []).append(g)
        for page in sorted(homes):
            self._fill(page, homes[page])
        rest = [g for g in fresh if not g.page]
        if not rest:
            return
        if base not in self.split:
            rest, fitted = self._whole(base, rest)
            if not fitted:
                self.split.add(base)  # full: what is on it stays; new groups go by period from now on
        if rest:
            self._spread(base, rest, 0)

    def _spread(self, base: str, groups: list[Group], depth: int) -> None:
        """``groups`` on their period's pages: at ``depth`` 0 a year's (or ``all``), at 1 a month's; the
        finest a group has is filled, then continued on further pages."""
        parts: dict[tuple[str, bool], list[Group]] = {}
        for g in groups:
            levels = _parts(g.period)
            level = min(depth, len(levels) - 1)
            parts.setdefault((levels[level], level == len(levels) - 1), []).append(g)
        for (part, finest), batch in sorted(parts.items()):
            page = f"{base}--{part}"
            if finest:
                self._pack(page, batch)
                continue
            left, _ = self._whole(page, batch)
            if left:
                self._spread(base, left, depth + 1)

    def _pack(self, page: str, groups: list[Group]) -> None:
        """``groups`` on ``page``, then on ``page-p2``, ``page-p3``…: each page takes, in order, as many as
        fit beside what it holds; a page with nothing yet takes at least one (a group too large for any
        page stands alone, its context cut shorter when written)."""
        n = 1
        while groups:
            name = page if n == 1 else f"{page}-p{n}"
            left = self._fill(name, groups)
            if len(left) == len(groups) and not self.pages.get(name):
                self._put(name, left[:1])
                left = left[1:]
            groups, n = left, n + 1

    def _fill(self, page: str, groups: list[Group]) -> list[Group]:
        """Puts on ``page`` the longest run of ``groups`` (those that nest with what it holds, in order)
        that fits; returns the others, in order."""
        can = [g for g in groups if self._nests(page, g)]
        if can and not self._fits(page, can):
            lo, hi = 0, len(can)  # can[:lo] fits, can[:hi] does not
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if self._fits(page, can[:mid]) else (lo, mid)
            can = can[:lo]
        self._put(page, can)
        taken = {g.ident for g in can}
        return [g for g in groups if g.ident not in taken]

    def _put(self, page: str, groups: list[Group]) -> None:
        if not groups:
            return
        self.pages.setdefault(page, []).extend(groups)
        for g in groups:
            g.page = page
            holders = self._holders.setdefault(g.base, {})
            for q in g.quotes:
                holders.setdefault(q, []).append(g)

    def _host(self, group: Group) -> Group | None:
        """The smallest group already on a page that holds all of ``group``'s quotes (the first placed of
        equals), or None."""
        holders = self._holders.get(group.base, {}).get(min(group.quotes), [])
        hosts = [h for h in holders if group.quotes <= h.quotes]
        return min(hosts, key=lambda h: len(h.quotes)) if hosts else None

    def _nests(self, page: str, group: Group) -> bool:
        """Whether ``group`` can go on ``page`` with each quote printed once: every group there that shares
        a quote with it holds it or lies in it."""
        holders = self._holders.get(group.base, {})
        seen: set[str] = set()
        for q in group.quotes:
            for h in holders.get(q, ()):
                if h.page == page and h.ident not in seen:
                    seen.add(h.ident)
                    if not (group.quotes <= h.quotes or h.quotes <= group.quotes):
                        return False
        return True

    def _whole(self, page: str, groups: list[Group]) -> tuple[list[Group], bool]:
        """Puts on ``page`` those of ``groups`` that nest with what it holds, all or (when they do not fit)
        none; returns the others, in order, and whether they fitted."""
        can = [g for g in groups if self._nests(page, g)]
        fitted = not can or self._fits(page, can)
        if can and fitted:
            self._put(page, can)
        return [g for g in groups if not g.page], fitted

    def _fits(self, page: str, new: list[Group]) -> bool:
        """Whether ``page`` with ``new`` beside its groups stays within :data:`PAGE_BYTES` (the full context)."""
        groups = [*self.pages.get(page, []), *new]
        html = self._html(page, groups, None)
        self._sized[page] = (tuple(g.ident for g in groups), html)
        return len(html.encode("utf-8")) <= PAGE_BYTES

    # --- writing pages ---------------------------------------------------------------------------------

    def _html(self, page: str, groups: list[Group], context: int | None) -> str:
        """The complete page of ``groups`` (in key order, each inside the smallest that holds it)."""
        ordered = sorted(groups, key=lambda g: [str(k) for k in g.key])
        title = f"Quotes: {_phrase(ordered, page)}" + (f", {_part_label(page)}" if "--" in page else "")
        body = render(
            "evidence_page.html",
            title=title,
            report=self.report_name,
            by_hand=self.by_hand,
            listed=[_listed(g) for g in ordered],
            groups=[self._shown(node, context) for node in nest(ordered)],
        )
        return self.page_html(title, body) if callable(self.page_html) else body

    def _write(self, pages: set[str]) -> None:
        """(Re)write ``pages``; a page of their phrases left by an earlier run and not given out in this
        one is removed."""
        folder = self.folder / "evidence"
        folder.mkdir(parents=True, exist_ok=True)
        for base in sorted({_base(p) for p in pages}):
            for old in [folder / f"{base}.html", *sorted(folder.glob(f"{base}--*.html"))]:
                if old.exists() and old.stem not in self.pages:
                    old.unlink()
        for page in sorted(pages):
            groups = self.pages[page]
            idents = tuple(g.ident for g in groups)
            sized = self._sized.get(page)
            html = sized[1] if sized is not None and sized[0] == idents else self._html(page, groups, None)
            if len(html.encode("utf-8")) > PAGE_BYTES:  # one group too large for a page: shorter context
                for context in CONTEXTS[1:]:
                    html = self._html(page, groups, context)
                    if len(html.encode("utf-8")) <= PAGE_BYTES:
                        break
                else:  # thousands of quotes from as many statements: said, not hidden
                    warnings.warn(
                        f"evidence page {page}.html is {len(html.encode('utf-8')):,} bytes even with "
                        f"{CONTEXTS[-1]} characters of context (over {PAGE_BYTES:,})",
                        stacklevel=2,
                    )
            (folder / f"{page}.html").write_text(html, encoding="utf-8")
        self._sized.clear()

    def _shown(self, node: Node, context: int | None) -> dict:
        """A group as the evidence page shows it: its id, label, count, its quotes that no group inside
        it holds, the groups inside it, and the way back."""
        group = node.group
        n = len(group.rows)
        inside = tuple(c.group.ident for c in node.children)
        cached = self._lists.get((group.ident, context))
        if cached is None or cached[0] != inside:  # the last one kept: a page is sized, then written
            inner = set().union(*(c.keys for c in node.children)) if node.children else set()
            own = group.rows[[k not in inner for k in group.keys]] if inner else group.rows
            cached = (inside, quote_list(own, context=context) if len(own) else "")
            self._lists[(group.ident, context)] = cached
        return {
            "ident": group.ident,
            "label": group.label,
            "n": n,
            "quotes": plural(n, "quote"),
            "list": cached[1],
            "children": [self._shown(c, context) for c in node.children],
            "back": group.back,
        }


def _parts(period: str) -> list[str]:
    """The pages of a split phrase a group of ``period`` may go on, coarsest first: its year's, then its
    month's ("2016", "2016-03" for "2016-03" or "2016-03-12 kremlin-1"); "all" for no date (a total)."""
    if re.match(r"\d{4}(?!\d)", period):
        return [period[:4], period[:7]] if re.match(r"\d{4}-\d{2}(?!\d)", period) else [period[:4]]
    return ["all"]


def _part_label(page: str) -> str:
    """What part of its phrase a split page holds: "2016", "2016-03", "all periods", "2016, part 2"."""
    part = page.split("--", 1)[1]
    m = re.fullmatch(r"(.*?)(?:-p(\d+))?", part)
    assert m is not None
    what = "all periods" if m[1] == "all" else m[1]
    return f"{what}, part {m[2]}" if m[2] else what


def _phrase(groups: list[Group], page: str) -> str:
    return str(groups[0].rows["phrase"].iloc[0] if "phrase" in groups[0].rows else _base(page))


def _listed(group: Group) -> dict:
    n = len(group.rows)
    return {"ident": group.ident, "label": group.label, "n": n}


def _base(page: str) -> str:
    return page.split("--")[0]
