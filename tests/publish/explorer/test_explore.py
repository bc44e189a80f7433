"""The reader's explorer (reports/explore.html) in Debian's chromium, opened from a file: every count and
the quotes each opens equal `analysis count` and `analysis kwic`, for 200+ phrases sampled at random
from the corpus; a shared link reproduces its query; the CSV download is the table shown; nothing is
requested from outside the reports folder; it fits a phone and a desktop."""

from __future__ import annotations

import csv
import io
import os
import random
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from analysis import config
from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.measures import measure
from analysis.publish.explorer import build as explore
from analysis.publish.explorer import files as explore_files
from analysis.publish.explorer import records as explore_records
from tests.conftest import FIXTURES
from tests.publish.test_published import CHROMIUM, CHROMIUM_ARGS, SHOTS

WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
N_PHRASES = 210


@pytest.fixture(scope="module")
def site(published) -> Path:
    """The published reports of the default corpus (made once per test run, read-only to the tests): the
    explorer as `make all` builds it, beside the gallery it links to."""
    return published


@pytest.fixture(scope="module")
def page(site):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True)
        tab = context.new_page()
        tab.requested = []
        tab.errors = []
        tab.on("request", lambda r: tab.requested.append(r.url))
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))
        tab.goto((site / "explore.html").as_uri())
        tab.wait_for_function("document.body.dataset.state === 'ready'")
        yield tab
        browser.close()


def ask(tab, phrases: list[str], speakers: list[str], by: str = "year") -> list[tuple]:
    """The query typed as a shared link would give it; the rows shown: (speaker, phrase, period, count)."""
    from urllib.parse import quote

    fragment = "q=" + quote(", ".join(phrases)) + "".join(f"&speaker={quote(s)}" for s in speakers) + f"&by={by}"
    tab.evaluate("document.body.dataset.state = 'asking'")
    tab.evaluate("f => { if (location.hash === '#' + f) location.hash = ''; location.hash = f; }", fragment)
    tab.wait_for_function("['done', 'error'].includes(document.body.dataset.state)", timeout=60_000)
    assert tab.evaluate("document.body.dataset.state") == "done", tab.inner_text("#status")
    return [
        tuple(r)
        for r in tab.evaluate(
            """() => [...document.querySelectorAll('details.result')].map(d =>
                 [d.dataset.speaker, d.dataset.phrase, d.dataset.period, +d.dataset.count])"""
        )
    ]


OPEN_ALL = """async () => {
  const all = [...document.querySelectorAll('details.result')].filter(d => +d.dataset.count > 0);
  for (const d of all) d.open = true;
  const until = Date.now() + 180000;
  while (Date.now() < until && !all.every(d => d.querySelectorAll('.quote').length >= +d.dataset.count)) {
    await new Promise(r => setTimeout(r, 25));
  }
  return all.map(d => [d.dataset.speaker, d.dataset.phrase, d.dataset.period, d.querySelectorAll('.quote').length]);
}"""


def expected(corpus: Corpus, phrases: list[str], speakers: list[str], by: str):
    """`analysis count` and `analysis kwic` for the same question: counts per row, quotes per row."""
    members = _members(corpus, speakers)
    given = dict(phrases=phrases, speakers=members, period=by, processed_dir=str(corpus.path))
    table = measure("count").compute(corpus, measure("count").params.of(given)).table.to_pylist()
    counts = {(r["speaker"], r["phrase"], r["period"]): r["count"] for r in table}
    kwic = measure("kwic").compute(corpus, measure("kwic").params.of({k: given[k] for k in given if k != "period"}))
    quotes: dict[tuple, int] = {}
    for r in kwic.table.to_pylist() if hasattr(kwic.table, "to_pylist") else kwic.table.to_dict("records"):
        key = (r["speaker"], r["phrase"], str(r["date"])[: 4 if by == "year" else 7])
        quotes[key] = quotes.get(key, 0) + 1
    return counts, quotes


def _members(corpus: Corpus, speakers: list[str]) -> list[str]:
    """A group as the explorer offers it: its members with enough words of their own."""
    words = corpus.index.words_by_speaker
    out = []
    for name in speakers:
        for m in corpus.expand_speakers([name]):
            if words.get(m, 0) >= explore.MIN_SPEAKER_WORDS and m not in out:
                out.append(m)
    return out


def sample_questions(corpus: Corpus, n: int, seed: int = 17) -> list[tuple[list[str], list[str], str]]:
    """Phrases of 1 to 5 words cut from random paragraphs of random speakers (some with apostrophes,
    hyphens or numbers, some made wildcards or prefixes), families, several phrases at once."""
    rng = random.Random(seed)
    index = corpus.index
    words = index.words_by_speaker
    offered = sorted((s for s, w in words.items() if w >= explore.MIN_SPEAKER_WORDS), key=lambda s: -words[s])
    families = [t.name for t in explore.load_lexicon().entries]
    groups = [g for g in corpus.registry.groups if _members(corpus, [g])]
    from analysis.measures.search import search
    from analysis.selection import Scope

    found = search(index, Scope.of(speakers=offered[:40]), None)
    out = []
    while len(out) < n:
        kind = rng.random()
        speakers = rng.sample(offered[:40], rng.choice([1, 1, 1, 2, 3]))
        if rng.random() < 0.08:
            speakers = [rng.choice(groups)]
        if kind < 0.08:
            out.append(([rng.choice(families)], speakers, rng.choice(["year", "month"])))
            continue
        want = None
        if kind < 0.2:
            want = "'"
        elif kind < 0.3:
            want = "-"
        elif kind < 0.36:
            want = "0123456789"
        i = rng.randrange(len(found.par_row))
        text = index.part(int(found.par_part[i])).text(np.array([found.par_row[i]]))[0]
        spans = [m.span() for m in WORD.finditer(text)]
        if want:
            spans_with = [k for k, (a, b) in enumerate(spans) if any(c in text[a:b] for c in want)]
            if not spans_with:
                continue
            start = rng.choice(spans_with)
        elif not spans:
            continue
        else:
            start = rng.randrange(len(spans))
        size = rng.randint(1, 5)
        chosen = spans[start : start + size]
        phrase = text[chosen[0][0] : chosen[-1][1]]
        if "," in phrase or len(phrase) > 120:
            continue  # the box reads commas as between phrases
        tokens = phrase.split(" ")
        twist = rng.random()
        if twist < 0.12 and len(tokens) > 1:
            tokens[rng.randrange(len(tokens))] = "*"
        elif twist < 0.24 and len(tokens[-1]) > 3 and tokens[-1][:3].isalpha():
            tokens[-1] = tokens[-1][: rng.randint(3, len(tokens[-1]) - 1)] + "*"
        phrases = [" ".join(tokens)]
        if rng.random() < 0.08:
            phrases.append(rng.choice(families))
        speaker_of = found.speakers[int(found.par_speaker[i])]
        if speaker_of not in speakers and not (len(speakers) == 1 and speakers[0] in groups):
            speakers = [speaker_of, *speakers][:3]
        out.append((phrases, speakers, rng.choice(["year", "year", "month"])))
    return out


@pytest.mark.browser
def test_counts_and_quotes_equal_count_and_kwic_for_random_phrases(page, default_corpus):
    questions = sample_questions(default_corpus, N_PHRASES)
    assert len(questions) >= 200
    kinds = " ".join(p for q in questions for p in q[0])
    assert "*" in kinds and "'" in kinds and "-" in kinds and re.search(r"\d", kinds)
    mismatched, checked, uses = [], 0, 0
    # `count` and `kwic` answer on a thread of their own while the browser answers: the two are independent
    with ThreadPoolExecutor(max_workers=1) as pool:
        answers = [pool.submit(expected, default_corpus, *question) for question in questions]
        for (phrases, speakers, by), answer in zip(questions, answers, strict=True):
            shown = ask(page, phrases, speakers, by)
            counts, quotes = answer.result()
            got = {(s, p, per): c for s, p, per, c in shown}
            if got != counts:
                keys = set(got) | set(counts)
                diff = sorted((k, got.get(k), counts.get(k)) for k in keys if got.get(k) != counts.get(k))
                mismatched.append((phrases, speakers, by, diff[:5]))
                continue
            opened = {(s, p, per): n for s, p, per, n in page.evaluate(OPEN_ALL)}
            want = {k: v for k, v in quotes.items() if v}
            if opened != want:
                differ = sorted(set(opened.items()) ^ set(want.items()))[:5]
                mismatched.append((phrases, speakers, by, "quotes", differ))
            checked += len(got)
            uses += sum(got.values())
    print(f"explorer: {len(questions)} questions, {checked} rows, {uses} uses, {len(mismatched)} differ")
    assert not mismatched, mismatched[:5]
    assert uses > 1000 and not page.errors, page.errors


@pytest.mark.browser
def test_a_cyrillic_phrase_from_parlamint(page, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("ParlaMint-BG", "ParlaMint-UA"):
        shutil.copytree(FIXTURES / "parlamint" / name, raw / name)
    ingest(raw, tmp_path / "processed", quiet=True)
    corpus = Corpus.load(tmp_path / "processed")
    site = tmp_path / "site"
    assert explore.build(corpus.generation, site, min_speaker_words=1)
    speakers = sorted(corpus.index.words_by_speaker)
    tab = page.context.new_page()
    try:
        tab.goto((site / "explore.html").as_uri())
        tab.wait_for_function("document.body.dataset.state === 'ready'")
        for phrase in ("слава україні", "Україні", "народн*"):
            shown = {(s, ph, per): c for s, ph, per, c in ask(tab, [phrase], speakers)}
            given = dict(phrases=[phrase], speakers=speakers, processed_dir=str(corpus.path))
            table = measure("count").compute(corpus, measure("count").params.of(given)).table.to_pylist()
            assert shown == {(r["speaker"], r["phrase"], r["period"]): r["count"] for r in table}, phrase
            assert phrase != "слава україні" or sum(shown.values()) == 2
    finally:
        tab.close()


@pytest.mark.browser
def test_a_frequent_word_before_a_rarer_one_is_found_without_its_own_positions(page, site, default_corpus):
    """The phrase "our partners": each position of "partners" records which frequent word precedes it, so the page
    finds the phrase (and tells it from "their partners") without the many positions of "our"."""
    vocab = (site / "explore" / "v" / f"{explore_files.vocab_key('our')}.js").read_text(encoding="utf-8")
    assert re.search(r'\["our",\d+,\d+,-1,', vocab), "'our' has files of its own (a frequent word)"
    phrases = ["our partners", "their partners", "the partners"]
    tab = page.context.new_page()
    try:
        tab.goto((site / "explore.html").as_uri())
        tab.wait_for_function("document.body.dataset.state === 'ready'")
        shown = {(s, ph, per): c for s, ph, per, c in ask(tab, phrases, ["Vladimir Putin"])}
        loaded = tab.evaluate("() => Refrain.loaded()")
    finally:
        tab.close()
    counts, _ = expected(default_corpus, phrases, ["Vladimir Putin"], "year")
    assert shown == counts
    totals = {ph: sum(c for (_s, p, _per), c in counts.items() if p == ph) for ph in phrases}
    assert totals["our partners"] > 100 and totals["their partners"] < totals["our partners"], totals
    assert not [u for u in loaded if re.search(r"/t\d+-\d+\.js$", u)], "a frequent word's own positions were loaded"


@pytest.mark.parametrize(
    "changed", ["text.py", "measures/search.py", "measures/changes.py", "publish/explorer/positions.py"]
)
def test_a_change_to_the_code_it_is_made_with_builds_the_explorer_again(fixture_corpus, tmp_path, monkeypatch, changed):
    """The folding, the matcher and the change points are written into the explorer's data as much as its
    own modules: a change to any of them makes its files stale, so its fingerprint changes."""
    library = tmp_path / "analysis"
    shutil.copytree(config.LIBRARY_DIR, library, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(config, "LIBRARY_DIR", library)
    before = explore.fingerprint(fixture_corpus.generation)
    with (library / changed).open("a", encoding="utf-8") as fh:
        fh.write("\n# a change\n")
    assert explore.fingerprint(fixture_corpus.generation) != before


def test_a_corpus_with_nobody_to_offer_gives_an_explorer_that_says_so(fixture_corpus, tmp_path):
    assert explore.build(fixture_corpus.generation, tmp_path, min_speaker_words=10**9)
    assert "Speakers" in (tmp_path / "explore.html").read_text(encoding="utf-8")
    assert '"speakers":[]' in (tmp_path / "explore" / "meta.js").read_text(encoding="utf-8")


ADDED = """---
title: {title}
date: {date}
speaker: Ivan Testov
source: Test fixture
---
# Added

Ivan Testov: {words}
"""


def _add(raw: Path, name: str, date: str, words: str) -> None:
    (raw / "statements" / f"{date}-{name}.md").write_text(
        ADDED.format(title=name, date=date, words=words), encoding="utf-8"
    )


def test_a_build_after_new_statements_reuses_what_did_not_change_and_equals_a_full_one(tmp_path):
    """With a cache, a speaker whose tokens did not change is not worked out again and a data file whose
    data did not change is linked from the last build; what comes out is byte for byte a full build's,
    even when a published file was changed by hand or the cache was damaged."""
    from tests.publish.test_published import tree

    raw, processed, site, cache = tmp_path / "raw", tmp_path / "processed", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(FIXTURES / "raw", raw)

    def again(**kw) -> explore.Built:
        ingest(raw, processed, quiet=True)
        gen = Corpus.load(processed).generation
        built = explore.build(gen, site, min_speaker_words=1, cache_dir=cache, **kw)
        full = tmp_path / "full"
        shutil.rmtree(full, ignore_errors=True)
        assert explore.build(gen, full, min_speaker_words=1, force=True).speakers_again == 2
        assert tree(site) == tree(full), "an incremental build differs from a full one"
        return built

    first = again()
    assert first.speakers == first.speakers_again == 2 and first.files == first.files_again > 0
    assert not explore.build(Corpus.load(processed).generation, site, min_speaker_words=1, cache_dir=cache)

    _add(raw, "new-words", "2021-07-01", "Zorbulation and quintessence, again and again.")
    by_hand = sorted((site / "explore" / "x").glob("*.js"))[0]
    by_hand.write_text(by_hand.read_text(encoding="utf-8") + "// changed by hand\n", encoding="utf-8")
    restored = sorted((site / "explore" / "x").glob("1-*.js"))[0]  # Vladimir Putin's: as a cache restores it
    shutil.copy(restored, tmp_path / "copy")
    restored.unlink()
    shutil.move(tmp_path / "copy", restored)
    os.utime(restored, ns=(10**18, 10**18))
    second = again()
    assert second.speakers_again == 1, "only Ivan Testov's positions are worked out again"
    assert 0 < second.files_again < second.files, "the data files of Vladimir Putin's words are linked"
    assert restored.stat().st_mtime_ns == 10**18, "a file with a new inode and the same bytes is linked"

    for path in (cache / "speakers").iterdir():  # damaged: worked out again, same bytes
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    _add(raw, "more-words", "2021-08-01", "Zorbulation once more.")
    assert again().speakers_again == 2

    _add(raw, "more-words", "2021-08-01", "Quintessence once more.")  # as many tokens, other words
    assert again().speakers_again == 1


@pytest.mark.browser
def test_a_shared_link_reproduces_the_query(page, site, default_corpus):
    link = (site / "explore.html").as_uri() + "#q=our%20partners&speaker=Vladimir%20Putin&by=month"
    page.evaluate("document.body.dataset.state = 'asking'")
    page.goto(link)
    page.wait_for_function("document.body.dataset.state === 'done'", timeout=60_000)
    assert page.input_value("#phrase") == "our partners"
    rows = page.evaluate(
        "() => [...document.querySelectorAll('details.result')].map(d => [d.dataset.period, +d.dataset.count])"
    )
    counts, _ = expected(default_corpus, ["our partners"], ["Vladimir Putin"], "month")
    assert dict(rows) == {per: c for (_s, _p, per), c in counts.items()}
    assert len(rows) > 50


@pytest.mark.browser
def test_the_csv_download_is_the_table_shown(page):
    shown = ask(page, ["as you know", "our-partners"], ["Vladimir Putin", "Barack Obama"])
    with page.expect_download() as done:
        page.click("#download")
    text = Path(done.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["speaker"], r["phrase"], r["period"], int(r["count"])) for r in rows] == shown
    cells = page.evaluate(
        "() => [...document.querySelectorAll('#results tbody tr')].map(tr => tr.children[6].textContent)"
    )
    assert [r["per_10k"] for r in rows] == cells


def download(tab) -> list[dict]:
    with tab.expect_download() as done:
        tab.click("#download")
    return list(csv.DictReader(io.StringIO(Path(done.value.path()).read_text(encoding="utf-8"))))


@pytest.mark.browser
def test_intervals_allow_for_bunched_uses_as_count_does(page, default_corpus):
    """The rate's interval and the bunching of its uses in statements, shown and downloaded, are those of
    `analysis count` (to the last decimal shown, give or take a rounding of the last bit), for fixed
    questions and for some of the random ones."""
    questions = [(["our-partners", "terrorism", "as you know"], ["Vladimir Putin", "US presidents"], "year")]
    questions += sample_questions(default_corpus, 12, seed=5)
    differ, bunched = [], 0
    for phrases, speakers, by in questions:
        ask(page, phrases, speakers, by)
        members = _members(default_corpus, speakers)
        given = dict(phrases=phrases, speakers=members, period=by, processed_dir=str(default_corpus.path))
        table = measure("count").compute(default_corpus, measure("count").params.of(given)).table.to_pylist()
        want = {(r["speaker"], r["phrase"], r["period"]): r for r in table}
        for row in download(page):
            r = want[(row["speaker"], row["phrase"], row["period"])]
            for column in ("per_10k_low", "per_10k_high", "bunching"):
                value = float("nan") if r[column] is None else r[column]
                shown = float(row[column]) if row[column] else float("nan")
                if not ((value != value and shown != shown) or abs(shown - value) <= 1.1e-3):
                    differ.append((phrases, row["speaker"], row["period"], column, shown, value))
            bunched += bool(r["bunching"] and r["bunching"] > 1 and r["per_10k_low"] < r["per_10k_poisson_low"])
    assert not differ, differ[:5]
    assert bunched >= 5  # intervals a bunching widened were among those compared


@pytest.mark.browser
def test_nothing_is_requested_from_outside_the_reports_folder(page, site):
    ask(page, ["nazi*", "by * means"], ["Vladimir Putin"])
    page.evaluate(OPEN_ALL)
    root = site.resolve().as_uri()
    outside = [u for u in page.requested if not u.startswith(root)]
    assert page.requested and not outside, outside[:5]


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_it_fits_a_phone_and_a_desktop(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    ask(page, ["our partners", "legally impossible"], ["Vladimir Putin", "Donald Trump"])
    page.locator("details.result").first.evaluate("d => { d.open = true; }")
    page.wait_for_function(  # its quotes in, and on screen (a list is laid out when it scrolls into view)
        "() => { const d = document.querySelector('details.result');"
        " return d.querySelectorAll('.quote').length >= +d.dataset.count; }"
    )
    page.locator("details.result .quote").first.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px at {width} px"
    hidden = page.evaluate(
        "() => { const box = document.querySelector('#results').parentElement; "
        "return box.scrollWidth - box.clientWidth; }"
    )
    assert hidden <= 1, f"with quotes open the table hides {hidden} px of its columns at {width} px"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"explore-{width}.png"), full_page=True)


@pytest.mark.browser
def test_a_group_question_shows_its_chart_right_under_the_answer_on_a_phone(page):
    """A group's summary has a line per member: shown folded, so the chart follows the answer; a
    question of a few series shows its summary open."""
    page.set_viewport_size({"width": 375, "height": 900})
    try:
        ask(page, ["terrorism"], ["US presidents"])
        lines = page.locator("#summary li").count()
        gap = page.evaluate(
            "() => document.querySelector('#chart').getBoundingClientRect().top"
            " - document.querySelector('#status').getBoundingClientRect().bottom"
        )
        assert lines > 12 and not page.evaluate("document.querySelector('#summary-box').open")
        assert gap < 150, f"the chart starts {gap:.0f} px under the answer"
        ask(page, ["our partners"], ["Vladimir Putin"])
        assert page.evaluate("document.querySelector('#summary-box').open")
        assert page.locator("#summary li").count() == 1
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_word_ids_are_a_function_of_the_vocabulary_as_a_set(monkeypatch):
    """A word's id is a hash of the word: another word does not move it, unless their hashes collide; then
    the next free id goes by (hash, word), so the same words get the same ids in any order."""
    words = [f"w{i}" for i in range(40)]
    ids, moved = explore_records.stable_ids(words)
    more, _ = explore_records.stable_ids([*words, "zorbulation"])
    assert more[:-1].tolist() == ids.tolist(), "a new word moved another's id"
    monkeypatch.setattr(explore_records, "ID_BITS", 5)  # 32 hashes for 40 words: collisions certain
    small, moved = explore_records.stable_ids(words)
    assert len(set(small.tolist())) == len(words)
    backwards, moved_again = explore_records.stable_ids(words[::-1])
    assert dict(zip(words[::-1], backwards.tolist(), strict=True)) == dict(zip(words, small.tolist(), strict=True))
    assert moved_again == moved != explore_records.stable_ids(words[:30])[1]


def test_varints_round_trip():
    values = np.array([0, 1, 127, 128, 300, 2**31, 2**40], dtype=np.uint64)
    data = explore_files.varints(values)
    out, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 127) << shift
        shift += 7
        if not byte & 128:
            out.append(value)
            value, shift = 0, 0
    assert out == values.tolist()
    assert explore_files.few_varints(*values.tolist()) == data  # a record's header, in plain Python


@pytest.mark.parametrize("big", [0, 2**33 + 5])
def test_positions_are_encoded_as_the_layout_says_in_32_or_64_bits(big):
    """A key's segments as ``_Records`` documents them (speaker, n, then step, token, separator code and
    extpre per position), whether its values fit 32 bits (encoded from a 4-byte array) or not."""
    rng = np.random.default_rng(7)
    first_par = np.array([0, 5, 9, 20])  # three speakers' paragraphs
    n = 60
    par, j = rng.integers(0, 20, n), rng.integers(0, 50, n)
    keys, code, extpre = rng.integers(0, 6, n), rng.integers(0, 9, n), rng.integers(0, 300, n)
    extpre[n // 2] = big or extpre[n // 2]
    order = np.lexsort((j, par, keys))  # what _records expects within a key: paragraph, then place
    keys, par, j, code, extpre = keys[order], par[order], j[order], code[order], extpre[order]
    out = explore_records.make_records(keys, par, j, code, extpre, first_par)
    speaker = np.searchsorted(first_par, par, side="right") - 1
    expected = b""
    for s_ in range(len(out.key)):
        mine = np.flatnonzero((keys == out.key[s_]) & (speaker == out.speaker[s_]))
        local = par[mine] - first_par[speaker[mine]]
        values = [int(out.speaker[s_]), len(mine)]
        for i, at in enumerate(mine.tolist()):
            step = local[i] - (local[i - 1] if i else 0)
            values += [int(step), int(j[at]), int(code[at]), int(extpre[at])]
        expected += explore_files.few_varints(*values)
    assert out.stream == expected
    assert int(extpre.max()) == (big or int(extpre.max()))
    data32, at32 = explore_files.varint_stream(np.array([1, 300, 2**32 - 1], np.uint32), [1, 3])
    data64, at64 = explore_files.varint_stream(np.array([1, 300, 2**32 - 1], np.uint64), [1, 3])
    assert data32 == data64 and at32.tolist() == at64.tolist() == [1, 8]


def test_the_page_is_escaped_and_links_the_gallery(site):
    html = (site / "explore.html").read_text(encoding="utf-8")
    assert '<a href="index.html">' in html and 'src="explore/explore.js"' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert str(config.PROJ_ROOT) not in html  # no path of the machine that built it


@pytest.mark.browser
def test_change_points_are_those_of_analysis_changes(page, default_corpus):
    """The explorer's "When did it change?" is `analysis changes` number for number: the same runs, rates
    and permutation p-values (the same counter-based shuffles), for a speaker with clear changes and for
    speakers of another source; the box shows one sentence per speaker and phrase."""
    questions = [
        (["our-partners", "as-i-said", "coronavirus", "as you know"], ["Vladimir Putin"]),
        (["as you know", "our-partners"], ["Barack Obama", "Donald Trump"]),
    ]
    columns = ("segment", "start", "end", "statements", "words", "count", "change_p", "first_use", "last_use")
    differ, clear = [], 0
    for phrases, speakers in questions:
        got = page.evaluate("q => Refrain.changes(q)", {"phrases": phrases, "speakers": speakers, "by": "year"})
        given = dict(
            phrases=phrases, speakers=_members(default_corpus, speakers), processed_dir=str(default_corpus.path)
        )
        want = measure("changes").compute(default_corpus, measure("changes").params.of(given)).table
        want = want.to_pylist() if hasattr(want, "to_pylist") else want.to_dict("records")
        assert len(got) == len(want), (phrases, speakers)
        for g, w in zip(sorted(got, key=_key), sorted(want, key=_key), strict=True):
            for c in columns:
                value = None if w[c] is None or w[c] != w[c] else w[c]
                shown = None if g[c] == "" else g[c]
                if shown != value:
                    differ.append((g["speaker"], g["phrase"], g["segment"], c, shown, value))
            for c in ("per_10k", "per_10k_low", "per_10k_high"):
                if abs(g[c] - w[c]) > 1.1e-3:
                    differ.append((g["speaker"], g["phrase"], g["segment"], c, g[c], w[c]))
        clear += sum(1 for w_ in want if w_["change_p"] == w_["change_p"] and w_["change_p"] is not None)
    assert not differ, differ[:5]
    assert clear >= 2  # changes were among those compared, not only "no clear change"
    ask(page, ["our-partners", "as you know"], ["Vladimir Putin"])
    page.click("#changes-box > summary")
    page.wait_for_function("document.querySelectorAll('#changes li').length === 2", timeout=120_000)
    said = page.inner_text("#changes")
    assert "“our partners” (Vladimir Putin): a clear change" in said and "in this corpus, which holds" in said
    # a family is shown by its label (the lexicon's "our partners"); the CSV and the rows keep its name
    assert "Vladimir Putin, “our partners”:" in page.inner_text("#summary")
    assert {r["phrase"] for r in download(page)} == {"our-partners", "as you know"}
    assert not page.errors, page.errors


def _key(row) -> tuple:
    return (row["speaker"], row["phrase"], row["segment"])
