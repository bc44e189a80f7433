"""Two ingests at once, and ingests killed at random points: the corpus is always one consistent generation."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from analysis.corpus import Corpus
from analysis.measures.count import count_phrases, evidence
from analysis.selection import Selection
from tests.conftest import kremlin_html
from tests.ingest.test_ingest import outputs

pytestmark = pytest.mark.faults
PHRASE = ["our partners"]


@pytest.fixture
def pages(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for page in sorted(kremlin_html().glob("*.html"))[:100]:
        shutil.copy(page, raw / page.name)
    return raw


def start_ingest(raw, out, *extra, tmpdir=None):
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", "ingest", "--raw", str(raw), "--processed", str(out), "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmpdir)} if tmpdir else None,
    )


def assert_consistent(out) -> Corpus:
    """Documents, paragraphs and manifest agree, and the evidence rows add up to the count."""
    corpus = Corpus.load(out, verify=True)
    assert set(corpus.turns["doc_id"]) <= set(corpus.documents["doc_id"])
    speaking = set(corpus.documents.loc[corpus.documents["speakers"].fillna("") != "", "doc_id"])
    assert speaking <= set(corpus.turns["doc_id"])
    sel = Selection.of(speaker="Vladimir Putin")
    assert len(evidence(corpus, sel, PHRASE)) == count_phrases(corpus, sel, PHRASE)["count"].sum()
    return corpus


def test_two_ingests_at_once_never_mix_their_outputs(pages, tmp_path):
    for trial in range(8):
        out = tmp_path / f"out{trial}"
        first, second = start_ingest(pages, out, "--full"), start_ingest(pages, out, "--full")
        results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
        codes = sorted(code for code, _ in results)
        assert codes in ([0, 0], [0, 2]), results
        for code, err in results:
            if code == 2:
                assert err.startswith("error: another ingest is writing") and len(err.strip().splitlines()) == 1
        assert_consistent(out)


def test_an_ingest_killed_at_any_point_leaves_the_previous_generation(pages, tmp_path):
    out, full, scratch = tmp_path / "out", tmp_path / "full", tmp_path / "tmpdir"
    scratch.mkdir()
    assert start_ingest(pages, out).wait(timeout=300) == 0
    rng = random.Random(13)
    names = sorted(p.name for p in pages.iterdir())
    for trial in range(12):
        for name in rng.sample(names, 5):  # an edit the incremental run must pick up
            path = pages / name
            path.write_bytes(path.read_bytes().replace(b"</body>", f"<!-- edit {trial} --></body>".encode(), 1))
        before = (out / "current").resolve()
        proc = start_ingest(pages, out, tmpdir=scratch)
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert (out / "current").resolve() in (before, before.with_name(f"g{int(before.name[1:]) + 1:06d}"))
        assert_consistent(out)
    assert start_ingest(pages, out).wait(timeout=300) == 0  # the next run completes from whatever was left
    assert start_ingest(pages, full, "--full").wait(timeout=300) == 0
    assert outputs(out) == outputs(full)
    assert not list((out / "generations").glob("*.tmp"))
    assert not (out / "generations" / "spill").exists()  # the killed runs' scratch files, removed by the last run
    assert not list(scratch.iterdir())  # and nothing left in the temporary folder
