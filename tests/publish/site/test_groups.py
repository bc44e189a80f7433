"""Evidence pages: each quote printed once on a page (a group whose quotes all lie in a larger one is shown
inside it; one that partly overlaps a group goes on another page), every group still holding exactly its
count of quotes, pages under 500 KB (a phrase split by year, month, then continuation pages; a page once
given out never moves), every link resolving, same bytes again."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from selectolax.lexbor import LexborHTMLParser

from analysis.publish.site.groups import PAGE_BYTES, EvidenceBook, nest
from analysis.publish.site.pages import page


def quote_row(k: int, *, date, doc: str, speaker: str, form: str, period: str, i: int, context: str) -> dict:
    """One use as ``count.evidence`` gives it, its text its own ("quote-<k> ") to be told apart on a page."""
    return {
        "date": date,
        "doc_id": doc,
        "title": f"Statement {doc}",
        "source_url": f"https://example.org/{doc}",
        "speaker": speaker,
        "section": None,
        "phrase": "our-partners",
        "form": form,
        "left": f"quote-{k} {context}",
        "match": form,
        "right": f" {context}end-{k}.",
        "para_no": i,
        "char_start": k,
        "period": period,
    }


def family(n_years: int = 3, per_form: int = 4, context: str = "", per_statement: int = 2) -> pd.DataFrame:
    """A family's uses: two surface forms a year, each quote with its own text (to be told apart),
    ``per_statement`` quotes from each statement."""
    rows = []
    for y in range(n_years):
        for f, form in enumerate(("our partners", "our western partners")):
            for i in range(per_form):
                date = pd.Timestamp(f"{2015 + y}-0{1 + f}-{10 + i % 10}")
                doc = f"{y}-{f}-{i // per_statement}"
                rows.append(
                    quote_row(
                        len(rows),
                        date=date,
                        doc=doc,
                        speaker="Vladimir Putin",
                        form=form,
                        period=str(2015 + y),
                        i=i,
                        context=context,
                    )
                )
    return pd.DataFrame(rows)


def book(tmp_path) -> EvidenceBook:
    out = EvidenceBook("r", tmp_path / "r")
    out.page_html = lambda title, body: page(title=title, body=body, corpus={}, root="../../")
    return out


def groups(path) -> list:
    return LexborHTMLParser(path.read_text(encoding="utf-8")).css("details.group")


def test_a_family_its_years_and_its_forms_print_each_quote_once(tmp_path):
    ev = family()
    b = book(tmp_path)
    years = b.add(ev, ["speaker", "phrase", "period"], back="#rates")
    total = b.add(ev.assign(period="all periods"), ["speaker", "phrase", "period"], back="#totals")
    forms = b.add(ev, ["speaker", "phrase", "form", "period"], back="#forms")
    (path,) = sorted((tmp_path / "r" / "evidence").glob("*.html"))
    html = path.read_text(encoding="utf-8")
    for k in range(len(ev)):
        assert html.count(f"quote-{k} ") == 1, k  # printed once
    found = {g.attributes["id"]: g for g in groups(path)}
    for links, per in ((years, 8), (total, 24), (forms, 4)):
        for link in links.values():
            g = found[link.split("#", 1)[1]]
            assert int(g.attributes["data-count"]) == len(g.css(".quote")) == per
    outer = found[next(iter(total.values())).split("#", 1)[1]]
    inside = [d for d in outer.css("details.group") if d.attributes["id"] != outer.attributes["id"]]
    assert len(inside) == len(years) + len(forms)  # the years and forms inside the total


def test_a_group_that_overlaps_another_without_lying_in_it_goes_on_another_page(tmp_path):
    ev = family(n_years=2)
    b = book(tmp_path)
    years = b.add(ev, ["speaker", "phrase", "period"], back="#rates")
    odd = ev.iloc[4:12].assign(period="spring")  # half of 2015's, half of 2016's
    (link,) = b.add(odd, ["speaker", "phrase", "period"], back="#odd").values()
    forms = b.add(ev, ["speaker", "phrase", "form", "period"], back="#forms")  # still inside their years
    assert link.split("#")[0] not in {y.split("#")[0] for y in years.values()}
    assert {f.split("#")[0] for f in forms.values()} == {y.split("#")[0] for y in years.values()}
    pages = check(tmp_path, [*years.values(), link, *forms.values()], n=len(ev))
    assert len(pages) == 2 and sum(printed(path) for path in pages) == len(ev) + len(odd)


def test_a_large_group_fits_a_page_with_shorter_context_and_the_same_bytes_again(tmp_path):
    long = "word " * 40
    ev = family(n_years=1, per_form=1500, context=long, per_statement=5)
    pages = []
    for name in ("a", "b"):
        b = book(tmp_path / name)
        (link,) = b.add(ev.assign(period="all"), ["speaker", "phrase", "period"], back="#x").values()
        path = tmp_path / name / "r" / "evidence" / link.split("#", 1)[0].split("/")[-1]
        assert path.stat().st_size <= PAGE_BYTES
        (g,) = [g for g in groups(path) if g.attributes["id"] == link.split("#", 1)[1]]
        assert int(g.attributes["data-count"]) == len(g.css(".quote")) == 3000
        assert len(list((tmp_path / name / "r" / "evidence").glob("*.html"))) == 1  # a page of its own
        pages.append(path.read_bytes())
    assert pages[0] == pages[1]
    assert "…" in pages[0].decode("utf-8")  # the context was cut, at a word's edge


# --- pages under the size limit -------------------------------------------------------------------------

LONG = "word " * 40  # about 600 bytes a quote on its page: some 800 quotes to a page


def uses(periods, per: int, *, speakers=("Vladimir Putin",), forms=("our partners",), context=LONG):
    """``per`` uses of each form by each speaker in each period ("2015" or "2015-03"), two to a statement,
    each quote with its own text ("quote-<k> ")."""
    rows = []
    for speaker in speakers:
        for period in periods:
            day = pd.Timestamp(f"{period}-03-10" if len(period) == 4 else f"{period}-10")
            for form in forms:
                for i in range(per):
                    doc = f"{speaker[:1]}-{period}-{form[:5]}-{i // 2}"
                    rows.append(
                        quote_row(
                            len(rows),
                            date=day,
                            doc=doc,
                            speaker=speaker,
                            form=form,
                            period=period,
                            i=i,
                            context=context,
                        )
                    )
    return pd.DataFrame(rows)


def printed(path: Path) -> int:
    return len(LexborHTMLParser(path.read_text(encoding="utf-8")).css(".quote"))


def check(root: Path, links, *, n: int) -> list[Path]:
    """Every link opens a group on an existing page holding exactly its count of quotes; every page of
    the book is at most PAGE_BYTES, each of its groups holding its count, each quote printed once on it
    (quotes numbered 0 to n - 1). The pages, by name."""
    for link in links:
        page, ident = link.split("#")
        path = root / page
        assert path.is_file(), link
        found = [g for g in groups(path) if g.attributes["id"] == ident]
        assert len(found) == 1, link
    pages = sorted((root / "r" / "evidence").glob("*.html"), key=lambda p: p.stem)
    for path in pages:
        assert path.stat().st_size <= PAGE_BYTES, (path.name, path.stat().st_size)
        for g in groups(path):
            assert int(g.attributes["data-count"]) == len(g.css(".quote")) > 0, (path.name, g.attributes["id"])
        html = path.read_text(encoding="utf-8")
        shown = re.findall(r"quote-(\d+) ", html)
        assert len(shown) == len(set(shown)), path.name  # no quote twice on a page
        assert all(int(k) < n for k in shown)
    return pages


def listed(b: EvidenceBook) -> set[str]:
    return set(re.findall(r'href="r/evidence/([^"]+)"', b.index_html()))


def build(root: Path, ev_years: pd.DataFrame) -> tuple[EvidenceBook, list[str]]:
    """A family's years, its forms' years inside them, and its total, as the phrases story adds them."""
    b = book(root)
    links = [*b.add(ev_years, ["speaker", "phrase", "period"], back="#rates").values()]
    links += b.add(ev_years.assign(period="all periods"), ["speaker", "phrase", "period"], back="#totals").values()
    links += b.add(ev_years, ["speaker", "phrase", "form", "period"], back="#forms").values()
    return b, links


def test_a_phrase_too_large_for_a_page_goes_on_a_page_per_year_each_quote_once(tmp_path):
    ev = uses(["2015", "2016", "2017"], 250, forms=("our partners", "our western partners"))  # ~300 KB a year
    b, links = build(tmp_path, ev)
    pages = check(tmp_path, links, n=len(ev))
    names = [p.stem.split("--", 1)[1] for p in pages]
    assert names == ["2015", "2016", "2017", "all"]
    assert listed(b) == {p.name for p in pages}  # the report's list of pages names every page
    for year in ("2015", "2016", "2017"):  # each year's page: the year, its two forms inside it
        path = next(p for p in pages if p.stem.endswith(year))
        assert printed(path) == 500 and len(groups(path)) == 3
        (outer,) = [g for g in groups(path) if g.parent.tag != "details"]
        assert len(outer.css("details.group")) == 3  # itself and the two forms
    (total,) = groups(pages[-1])  # the total cannot share a page with its years: on a page of its own
    assert int(total.attributes["data-count"]) == printed(pages[-1]) == len(ev)


def test_a_year_too_large_for_a_page_goes_on_a_page_per_month(tmp_path):
    months = [f"2016-{m:02}" for m in range(1, 13)]
    ev = uses(months, 120)  # a year of ~850 KB, a month of ~70 KB
    b = book(tmp_path)
    links = [*b.add(ev, ["speaker", "phrase", "period"], back="#rates").values()]
    pages = check(tmp_path, links, n=len(ev))
    assert [p.stem.split("--", 1)[1] for p in pages] == months
    assert listed(b) == {p.name for p in pages}


def test_a_full_page_continues_on_further_pages(tmp_path):
    speakers = ("Vladimir Putin", "Barack Obama", "George W. Bush", "Donald Trump", "Joe Biden")
    ev = uses(["2016"], 300, speakers=speakers)  # five groups of ~190 KB in one year: two to a page
    b = book(tmp_path)
    links = [*b.add(ev, ["speaker", "phrase", "period"], back="#rates").values()]
    pages = check(tmp_path, links, n=len(ev))
    assert [p.stem.split("--", 1)[1] for p in pages] == ["2016", "2016-p2", "2016-p3"]
    assert [printed(p) for p in pages] == [600, 600, 300]
    assert "Quotes: our-partners, 2016, part 2" in pages[1].read_text(encoding="utf-8")


def test_a_page_once_given_out_keeps_its_groups_when_the_phrase_is_split(tmp_path):
    b = book(tmp_path)
    small = uses(["2014"], 10)
    (first,) = b.add(small, ["speaker", "phrase", "period"], back="#a").values()
    assert first.startswith("r/evidence/our-partners-") and "--" not in first  # the phrase's own page
    big = uses(["2015", "2016"], 500)
    big = big.assign(char_start=big["char_start"] + len(small), left=big["left"].str.replace("quote-", "quote-1"))
    later = [*b.add(big, ["speaker", "phrase", "period"], back="#b").values()]
    assert all("--" in link for link in later)  # the phrase's page is full: a page per year from now on
    pages = check(tmp_path, [first, *later], n=10**6)
    assert first.split("#")[0].split("/")[-1] in {p.name for p in pages}  # the first link still opens its group
    assert listed(b) == {p.name for p in pages}


@pytest.mark.filterwarnings("ignore:evidence page")
def test_split_pages_are_the_same_bytes_again(tmp_path):
    ev = uses(["2015", "2016", "2017"], 250, forms=("our partners", "our western partners"))
    ev = pd.concat([ev, uses([f"2018-{m:02}" for m in range(1, 13)], 70).assign(char_start=lambda d: d.index + 10**5)])
    out = []
    for name in ("a", "b"):
        b, links = build(tmp_path / name, ev.reset_index(drop=True))
        folder = tmp_path / name / "r" / "evidence"
        out.append(({p.name: p.read_bytes() for p in sorted(folder.glob("*.html"))}, links, b.index_html()))
    assert out[0] == out[1]
    assert len(out[0][0]) > 4


def test_nest_shows_years_in_order_inside_their_total():
    ev = pd.concat([uses([y], n, context="") for y, n in (("2015", 3), ("2016", 1), ("2017", 2))], ignore_index=True)
    ev = ev.assign(char_start=ev.index, para_no=ev.index)
    years = _groups(ev, ["speaker", "phrase", "period"])
    total = _groups(ev.assign(period="all periods"), ["speaker", "phrase", "period"])
    (root,) = nest(sorted([*years, *total], key=lambda g: [str(k) for k in g.key]))
    assert root.group.key[-1] == "all periods"
    assert [c.group.key[-1] for c in root.children] == ["2015", "2016", "2017"]  # by key, not by size


def _groups(ev: pd.DataFrame, keys: list[str]) -> list:
    from analysis.publish.site.groups import Group

    return [Group(k, str(k), rows, "#x") for k, rows in ev.groupby(keys, sort=True)]
