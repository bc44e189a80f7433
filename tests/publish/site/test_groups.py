"""Evidence pages: each quote printed once on a page (a group whose quotes all lie in a larger one is shown
inside it), every group still holding exactly its count of quotes, pages under 500 KB, same bytes again."""

from __future__ import annotations

import pandas as pd
from selectolax.lexbor import LexborHTMLParser

from analysis.publish.site.groups import PAGE_BYTES, EvidenceBook
from analysis.publish.site.pages import page


def family(n_years: int = 3, per_form: int = 4, context: str = "", per_statement: int = 2) -> pd.DataFrame:
    """A family's uses: two surface forms a year, each quote with its own text (to be told apart),
    ``per_statement`` quotes from each statement."""
    rows = []
    for y in range(n_years):
        for f, form in enumerate(("our partners", "our western partners")):
            for i in range(per_form):
                k = len(rows)
                rows.append(
                    {
                        "date": pd.Timestamp(f"{2015 + y}-0{1 + f}-{10 + i % 10}"),
                        "doc_id": f"d{y}-{f}-{i // per_statement}",
                        "title": f"Statement {y}-{f}-{i // per_statement}",
                        "source_url": f"https://example.org/{y}/{f}/{i // per_statement}",
                        "speaker": "Vladimir Putin",
                        "section": None,
                        "phrase": "our-partners",
                        "form": form,
                        "left": f"quote-{k} {context}",
                        "match": form,
                        "right": f" {context}end-{k}.",
                        "para_no": i,
                        "char_start": k,
                        "period": str(2015 + y),
                    }
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


def test_a_group_that_overlaps_another_without_lying_in_it_keeps_its_quotes(tmp_path):
    ev = family(n_years=2)
    b = book(tmp_path)
    b.add(ev, ["speaker", "phrase", "period"], back="#rates")
    odd = ev.iloc[4:12].assign(period="spring")  # half of 2015's, half of 2016's
    (link,) = b.add(odd, ["speaker", "phrase", "period"], back="#odd").values()
    (path,) = sorted((tmp_path / "r" / "evidence").glob("*.html"))
    g = next(g for g in groups(path) if g.attributes["id"] == link.split("#", 1)[1])
    assert int(g.attributes["data-count"]) == len(g.css(".quote")) == 8


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
        pages.append(path.read_bytes())
    assert pages[0] == pages[1]
    assert "…" in pages[0].decode("utf-8")  # the context was cut, at a word's edge
