"""Published files under attack: no CSV cell is a formula, evidence ids never collide, file names are
bounded, links stay valid, and bidirectional controls are shown, not obeyed."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from analysis import csvout
from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.publish.stories.phrases import PhrasesParams, PhrasesStory

TEXT = (
    "Zorblat gronk is here. Zorblat, gronk again. The U.S. and the U S agree. "
    "A café and a cafe\u0301 too. Our partners, as always."
)


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    (raw / "a.md").write_text(
        '---\ntitle: \'=HYPERLINK("http://evil.example","click")\'\ndate: 2021-03-01\nspeaker: Vladimir Putin\n'
        "source_url: 'https://example.org/a b\"c<d>'\n---\n" + TEXT + "\n",
        encoding="utf-8",
    )
    (raw / "b.md").write_text(
        "---\ntitle: Second\ndate: 2022-03-01\nspeaker: Vladimir Putin\n---\n"
        "=cmd|' /C calc'!A0 our partners \u202eriddle reversed\u202c here.\n",
        encoding="utf-8",
    )
    out = tmp_path_factory.mktemp("processed")
    ingest(raw, out, quiet=True, jobs=1)
    return out


def test_no_csv_cell_is_a_formula():
    frame = pd.DataFrame(
        {"text": ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "plain", "-3.5", "1e5"], "n": [1, 2, 3, 4, 5, 6, 7, 8]}
    )
    out = csvout.to_csv(frame) or ""
    cells = [line.split(",")[0] for line in out.strip().split("\n")[1:]]
    assert cells == ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "plain", "-3.5", "1e5"]


def test_the_csv_writer_neutralises_str_subclasses_too():
    """A NumPy string is a str: its formula gets the quote as a plain one does."""
    import io

    import numpy as np

    fh = io.StringIO()
    csvout.writer(fh).writerow([np.str_("=HYPERLINK(1)"), "@cmd", "-3.5", 7])
    assert fh.getvalue() == "'=HYPERLINK(1),'@cmd,-3.5,7\n"


@pytest.mark.parametrize("at", [0, 1, 9_999, 10_000, 25_000])
def test_many_rows_at_once_are_neutralised_as_one_at_a_time(at):
    """``writerows`` writes a batch without a formula as it is: one formula anywhere in a batch (a cell's
    start, whatever its column) still gets its quote, and the bytes equal ``writerow``'s row by row."""
    import io

    rows = [[f"path/{i}.html", "", "ingested", f"id-{i}", "a - b", -3, "x=y"] for i in range(25_001)]
    rows[at][4] = "=HYPERLINK(1)"
    rows[-1][1] = "-2+3"
    batched, single = io.StringIO(), io.StringIO()
    csvout.writer(batched).writerows(iter(tuple(r) for r in rows))  # a stream of tuples
    w = csvout.writer(single)
    for r in rows:
        w.writerow(r)
    assert batched.getvalue() == single.getvalue()
    lines = batched.getvalue().split("\n")
    assert lines[at].split(",")[4] == "'=HYPERLINK(1)" and lines[-2].split(",")[1] == "'-2+3"
    assert lines[0] == "path/0.html,,ingested,id-0,a - b,-3,x=y" or at == 0


def test_lines_worked_out_by_column_equal_the_writers():
    """``arrow_lines`` (the ingest report's lines) against ``writer`` on random cells: formula signs at the
    start, quotes, commas, line feeds, lone carriage returns, tabs, Unicode digits (a "-٣" is no number to
    a spreadsheet, but is to Python's rule: neutralised as the writer decides), integers and empty cells;
    and from a slice of the columns. A float column is refused (its text would not be Python's)."""
    import io
    import random

    import pyarrow as pa

    rng = random.Random(7)
    alphabet = ["a", ",", '"', "\n", "\r", "=", "+", "-", "@", "\t", " ", "'", "é", "1", ".", "e", "\u0663", "😀"]
    rows = [
        ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(4)]
        + [rng.randint(-(10**12), 10**12), rng.choice([None, "x", "-3", "=1"])]
        for _ in range(3_000)
    ]
    columns = [pa.array([r[k] for r in rows]) for k in range(6)]
    for lo, hi in ((0, len(rows)), (100, 150)):
        expected = io.StringIO()
        csvout.writer(expected).writerows(rows[lo:hi])
        assert csvout.arrow_lines([c.slice(lo, hi - lo) for c in columns]) == expected.getvalue()
    # cells looked at as bytes first: only those of the slice count (a comma or "=" outside it quotes nothing)
    cells = pa.array(["a,b", "x", "y", "=z"])
    assert csvout.arrow_lines([cells.slice(1, 2), pa.array(["1", "2"])]) == "x,1\ny,2\n"
    assert csvout.arrow_lines([cells.slice(0, 1)]) == '"a,b"\n'
    assert csvout.arrow_lines([cells.slice(3, 1)]) == "'=z\n"
    assert csvout.arrow_lines([pa.array([None, None], pa.null()), pa.array(["", "q"])]) == ",\n,q\n"
    with pytest.raises(TypeError, match="double"):
        csvout.arrow_lines([pa.array([1.5])])


def test_kwic_csv_and_the_ingest_report_are_neutralised(processed):
    res = subprocess.run(
        [sys.executable, "-m", "analysis", "kwic", "--processed", str(processed), "--phrase", "our partners"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    kwic = pd.read_csv(__import__("io").StringIO(res.stdout), dtype=str, keep_default_na=False)
    assert set(kwic["title"]) == {'\'=HYPERLINK("http://evil.example","click")', "Second"}
    assert "'=cmd|' /C calc'!A0 " in set(kwic["left"])
    assert not any(str(v).startswith(("=", "+", "@")) for v in kwic.to_numpy().ravel())


def story(processed, reports, phrases):
    return PhrasesStory(
        PhrasesParams(
            phrases=phrases,
            report_name="attack",
            report_title="Attack",
            processed_dir=str(processed),
            reports_dir=str(reports),
        )
    )


def test_phrases_that_slug_alike_open_their_own_quotes(processed, tmp_path):
    nfc, nfd = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
    long = "zorblat " * 36 + "gronk gronk"  # 299 characters
    phrases = ["zorblat gronk", "zorblat, gronk", "U.S.", "U S", nfc, nfd, long, "our partners"]
    s = story(processed, tmp_path, phrases)
    counts = s.counts
    assert counts["evidence"].where(counts["count"] > 0, "").str.len().gt(0).eq(counts["count"] > 0).all()
    links = counts.loc[counts["count"] > 0, "evidence"]
    assert links.is_unique  # every count opens a group of its own
    for href, n in zip(counts["evidence"], counts["count"], strict=True):
        if not n:
            continue
        page, ident = href.split("#")
        html = (tmp_path / page).read_text(encoding="utf-8")
        group = re.search(
            rf'<details class="group" id="{re.escape(ident)}" data-count="(\d+)".*?</details>', html, re.S
        )
        assert group and int(group.group(1)) == n and group.group(0).count('class="quote"') == n
    names = [p.name for p in (tmp_path / "attack" / "evidence").iterdir()]
    assert max(len(n) for n in names) <= 60


def test_links_stay_valid_and_bidi_controls_are_shown(processed, tmp_path):
    story(processed, tmp_path, ["our partners", "here"])
    pages = " ".join(p.read_text(encoding="utf-8") for p in (tmp_path / "attack" / "evidence").glob("*.html"))
    hrefs = re.findall(r'href="([^"]*)"', pages)
    assert "https://example.org/a%20b%22c%3Cd%3E" in hrefs
    assert not [h for h in hrefs if " " in h or "<" in h]
    assert "\u202e" not in pages and "[U+202E]" in pages


def test_the_corpus_keeps_the_text_as_it_was(processed):
    corpus = Corpus.load(processed)
    assert corpus.documents["title"].str.startswith("=HYPERLINK").any()  # only published CSVs are neutralised
    corpus.close()
