"""Evidence tables (analysis.publish.site.evidence) and the HTML helpers (analysis.publish.site.html)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis.publish.sentences.text import plural
from analysis.publish.site import html as h
from analysis.publish.site.evidence import EVIDENCE_COLUMNS, evidence_csv, kwic_page, quote_list

SCRIPT = "<script>alert(1)</script>"


def evidence(**overrides) -> pd.DataFrame:
    """Two rows as analysis.measures.count.evidence returns them (with extra columns it adds)."""
    rows = {
        "date": pd.to_datetime(["2019-12-19", "2020-03-02"]),
        "doc_id": ["kremlin-90001", "kremlin-90002"],
        "title": ["Test news conference", "Test meeting"],
        "source_url": ["http://en.kremlin.ru/events/president/news/90001", "https://example.org/b"],
        "speaker": ["Vladimir Putin", "Vladimir Putin"],
        "section": [None, "On testing"],
        "phrase": ["finality", "finality"],
        "form": ["that's all there is to it", "finality"],
        "left": ["We will not give up. ", "Thank you. "],
        "match": ["That’s all there is to it", "That's all there is to it"],
        "right": [".", ". Next."],
        "para_no": [1, 2],
        "char_start": [21, 11],
    }
    rows.update(overrides)
    return pd.DataFrame(rows)


# --- evidence_csv ------------------------------------------------------------------------------


def test_evidence_csv_columns_and_dates():
    text = evidence_csv(evidence())
    lines = text.splitlines()
    assert lines[0] == ",".join(EVIDENCE_COLUMNS)
    assert EVIDENCE_COLUMNS == [
        "date", "doc_id", "title", "source_url", "speaker", "section", "phrase", "form", "left", "match", "right"
    ]  # fmt: skip
    assert lines[1] == (
        "2019-12-19,kremlin-90001,Test news conference,http://en.kremlin.ru/events/president/news/90001,"
        "Vladimir Putin,,finality,that's all there is to it,We will not give up. ,That’s all there is to it,."
    )
    assert lines[2].startswith("2020-03-02,kremlin-90002,")
    assert text.endswith("\n") and "\r" not in text and len(lines) == 3
    assert "para_no" not in lines[0] and "char_start" not in lines[0]  # internal columns dropped


def test_evidence_csv_round_trips_commas_and_quotes():
    ev = evidence(left=['He said, "no", and ', "x "])
    back = pd.read_csv(io.StringIO(evidence_csv(ev)), keep_default_na=False)
    assert back["left"].tolist() == ['He said, "no", and ', "x "]


def test_evidence_csv_fills_missing_columns_and_accepts_text_dates():
    ev = pd.DataFrame({"date": ["2021-06-01T00:00:00"], "doc_id": ["d"], "phrase": ["p"], "match": ["m"]})
    assert evidence_csv(ev) == ",".join(EVIDENCE_COLUMNS) + "\n2021-06-01,d,,,,,p,,,m,\n"


def test_evidence_csv_of_no_rows_is_the_header():
    assert evidence_csv(pd.DataFrame(columns=EVIDENCE_COLUMNS)) == ",".join(EVIDENCE_COLUMNS) + "\n"


# --- quote_list, kwic_page ---------------------------------------------------------------------


def test_quote_list_escapes_source_text():
    ev = evidence(
        title=[SCRIPT, "ok"],
        left=["<b>bold</b> ", "a & b "],
        match=["<i>it</i>", "x"],
        right=[SCRIPT, ""],
        section=['"quoted" <section>', None],
    )
    out = quote_list(ev)
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out and "<section>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in out  # the title, as the link's text
    assert (
        "<p>&lt;b&gt;bold&lt;/b&gt; <mark>&lt;i&gt;it&lt;/i&gt;</mark>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in out
    )
    assert "<p>a &amp; b <mark>x</mark></p>" in out
    assert " · &quot;quoted&quot; &lt;section&gt; · " in out


def test_quote_list_items():
    out = quote_list(evidence())
    assert out.startswith('<ol class="quotes"><li class="quote">') and out.endswith("</li></ol>")
    assert out.count('<li class="quote">') == 2
    assert (
        '<li class="quote"><p class="cite">2019-12-19 · <a href="http://en.kremlin.ru/events/president/news/90001">'
        "Test news conference</a>"
    ) in out
    assert " · that&#x27;s all there is to it</p>" in out  # the form, when not the phrase
    assert "<p>We will not give up. <mark>That’s all there is to it</mark>.</p>" in out
    assert " · On testing · " in out  # the section after the title


@pytest.mark.parametrize(
    "url, linked",
    [
        ("https://example.org/a?b=1&c=2", '<a href="https://example.org/a?b=1&amp;c=2">T</a>'),
        ("http://en.kremlin.ru/x", '<a href="http://en.kremlin.ru/x">T</a>'),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//example.org/a", None),
        ("/relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_quotes_link_only_http_urls(url, linked):
    out = quote_list(evidence(title=["T", "U"], source_url=[url, None]).head(1))
    if linked:
        assert linked in out
    else:
        assert "<a " not in out and '<p class="cite">2019-12-19 · T · ' in out


def test_kwic_page_says_what_was_searched_and_holds_every_quote():
    ev = evidence(title=[SCRIPT, "U"])
    out = kwic_page(
        ev,
        phrases=["finality", "<b>x</b>"],
        searched=["Vladimir Putin, all dates"],
        corpus={"corpus_version": "abc123", "documents": 3, "sources": {"en.kremlin.ru": {}}},
        hints=["“Nazi”: 1 use; “Nazi*”: 9"],
    )
    assert out.startswith("<!DOCTYPE html>") and out.endswith("</html>\n")
    assert "<title>Quotes of “finality”, “&lt;b&gt;x&lt;/b&gt;” · Refrain</title>" in out
    assert (
        "Searched for “finality”, “&lt;b&gt;x&lt;/b&gt;” in Vladimir Putin, all dates: 2 quotes in 2 statements" in out
    )
    assert "corpus version <code>abc123</code>" in out
    assert '<p class="finding">Hint: “Nazi”: 1 use; “Nazi*”: 9.</p>' in out
    assert out.count('<li class="quote">') == 2 and "<script>" not in out
    assert "All reports" not in out  # a page on its own: no link to a gallery that is not beside it


# --- analysis.publish.site.html ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, safe",
    [
        ("http://example.org", "http://example.org"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("  https://example.org/x  ", "https://example.org/x"),  # stripped
        ("HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG"),  # schemes are case-insensitive
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("ftp://example.org/file", None),
        ("mailto:someone@example.org", None),
        ("http:///no-host", None),
        ("//example.org", None),
        ("example.org", None),
        ("", None),
        (None, None),
        (42, None),
        (float("nan"), None),  # a missing URL read from CSV
    ],
)
def test_safe_url(url, safe):
    assert h.safe_url(url) == safe


@pytest.mark.parametrize(
    "text, url, out",
    [
        ("Kremlin", "http://en.kremlin.ru", '<a href="http://en.kremlin.ru">Kremlin</a>'),
        ("<b>x</b>", "https://e.org/?a=1&b=2", '<a href="https://e.org/?a=1&amp;b=2">&lt;b&gt;x&lt;/b&gt;</a>'),
        ("T", 'https://e.org/"onmouseover="x', '<a href="https://e.org/%22onmouseover=%22x">T</a>'),
        ("T & U", "javascript:alert(1)", "T &amp; U"),
        ("T", None, "T"),
        (2019, None, "2019"),
    ],
)
def test_link(text, url, out):
    assert str(h.link(text, url)) == out


def test_table_escapes_and_keeps_columns():
    df = pd.DataFrame({"phrase": [SCRIPT, "b & c"], "count": [3, None]})
    out = h.table(df, caption="Counts <all>")
    assert isinstance(out, h.HTML) and str(out) == out._repr_html_() == out.data
    start = '<div class="scroll"><table class="dataframe data"><caption>Counts &lt;all&gt;</caption>'
    assert out.data.startswith(start)
    assert out.data.endswith("</table></div>")  # a wide table scrolls in its own box, never the page
    assert "<script>" not in out.data and "&lt;script&gt;alert(1)&lt;/script&gt;" in out.data
    assert "<td>b &amp; c</td>" in out.data
    assert "<th>phrase</th>" in out.data and "<th>count</th>" in out.data
    assert "<td></td>" in out.data  # missing shown empty, not NaN
    assert 'border="0"' not in out.data and "text-align" not in out.data
    assert "more rows" not in out.data


def test_table_links_a_column_to_its_quotes_and_hides_the_link_column():
    df = pd.DataFrame({"phrase": ["a", "b"], "count": [2, 0], "evidence": ['r/evidence/a.html#q-"a', ""]})
    out = h.table(df, links={"count": "evidence"}).data
    assert '<td><a href="r/evidence/a.html#q-&quot;a">2</a></td>' in out and "<td>0</td>" in out
    assert "<th>evidence</th>" not in out and "r/evidence" not in out.replace('href="r/evidence/a.html', "")


@pytest.mark.parametrize("n, max_rows, shown, note", [(5, 2, 2, "<p>3 more rows in the CSV.</p>"), (2, 2, 2, None)])
def test_table_max_rows(n, max_rows, shown, note):
    out = h.table(pd.DataFrame({"x": range(n)}), max_rows=max_rows).data
    assert out.count("<tr>") - 1 == shown
    assert (out.endswith(note)) if note else ("more rows" not in out)


def test_paragraph_escapes():
    p = h.paragraph('“finality” is <b>most</b> used & "quoted"')
    assert isinstance(p, h.HTML)
    assert p.data == "<p>“finality” is &lt;b&gt;most&lt;/b&gt; used &amp; &quot;quoted&quot;</p>"


@pytest.mark.parametrize(
    "n, word, words, text",
    [
        (0, "statement", None, "0 statements"),
        (1, "statement", None, "1 statement"),
        (2, "statement", None, "2 statements"),
        (1234, "word", None, "1,234 words"),
        (1, "category", "categories", "1 category"),
        (3, "category", "categories", "3 categories"),
    ],
)
def test_plural(n, word, words, text):
    assert plural(n, word, words) == text
