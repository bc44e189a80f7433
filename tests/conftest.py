"""Shared fixtures: paths, a Kremlin-page builder and a small processed corpus."""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest

from analysis import config
from analysis.corpus import Corpus
from analysis.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = (FIXTURES / "kremlin_template.html").read_text(encoding="utf-8")
SEED = config.RAW_DIR / "seed" / "meduza-putin-bishkek-2025-11-27.txt"
KREMLIN_ARCHIVE = config.RAW_DIR / "kremlin" / "kremlin-en-news.tar.xz"
MILLER_ARCHIVE = config.RAW_DIR / "miller-center" / "miller-center-speeches.tar.xz"


@lru_cache(maxsize=1)
def kremlin_html() -> Path:
    """The 150 pages of the development sample (tests/fixtures/kremlin-sample.txt), read once per
    session from the archive in data/raw into a temporary folder."""
    ids = [
        line.strip()
        for line in (FIXTURES / "kremlin-sample.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return extract(KREMLIN_ARCHIVE, {f"{i}.html" for i in ids})


def extract(archive: Path, names: set[str]) -> Path:
    """The named members of an archive (by file name), extracted into a new temporary folder (removed
    when the test process ends)."""
    out = Path(tempfile.mkdtemp(prefix="refrain-test-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    with tarfile.open(archive, "r|*") as tar:
        for member in tar:
            name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and name in names:
                (out / name).write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
    missing = names - {p.name for p in out.iterdir()}
    assert not missing, f"not in {archive.name}: {sorted(missing)[:5]}"
    return out


def kremlin_page(
    body: str,
    *,
    page_id: str = "99999",
    title: str = "Test page",
    lead: str = "A lead.",
    date: str | None = "2019-01-01",
    status_date: str = "2019-01-01",
    sections: str = '<a href="#">News</a>, <a href="#">Transcripts</a>',
) -> bytes:
    """A page with the en.kremlin.ru structure around ``body`` (HTML of the article body)."""
    date_block = f'<time class="read__published" datetime="{date}" itemprop="datePublished">d</time>' if date else ""
    html = (
        TEMPLATE.replace("{{ID}}", page_id)
        .replace("{{TITLE}}", title)
        .replace("{{LEAD}}", lead)
        .replace("{{DATE_BLOCK}}", date_block)
        .replace("{{BODY}}", body)
        .replace("{{SECTIONS}}", sections)
        .replace("{{STATUS_DATE}}", status_date)
    )
    return html.encode("utf-8")


def made_once(tmp_path_factory, name: str, make: Callable[[Path], object]) -> Path:
    """A folder made once per test run, however many xdist workers share it: the first worker to ask
    makes it (``make(folder)``) under a lock, the others wait and reuse it. A make that fails leaves no
    mark of success, so the next worker to ask tries again (and fails with the same message).
    Tests treat what is in it as read-only."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # pytest-N/ holds every popen-gwK/
    folder, made = root / f"shared-{name}", root / f"shared-{name}.made"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            made.touch()
    return folder


@pytest.fixture(scope="session")
def fixture_corpus(tmp_path_factory) -> Corpus:
    """The tests/fixtures/raw corpus, ingested once per test run."""
    return Corpus.load(made_once(tmp_path_factory, "processed", lambda out: ingest(FIXTURES / "raw", out, quiet=True)))


@pytest.fixture(scope="session")
def default_corpus(tmp_path_factory) -> Corpus:
    """The project's embedded default corpus (data/raw), ingested once per test run."""
    folder = made_once(tmp_path_factory, "processed-default", lambda out: ingest(config.RAW_DIR, out, quiet=True))
    return Corpus.load(folder)


@pytest.fixture(scope="session")
def published(default_corpus, tmp_path_factory) -> Path:
    """Every report of config/reports.yaml rendered on the default corpus (once per test run)."""
    from analysis.publish.render.reports import render_all

    def make(root: Path) -> None:
        failures = render_all(reports_dir=root / "reports", processed_dir=default_corpus.path, build_dir=root / "build")
        assert failures == [], failures

    return made_once(tmp_path_factory, "published", make) / "reports"


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """An empty raw folder to put test files in."""
    d = tmp_path / "raw"
    d.mkdir()
    return d


def copy_fixture(name: str, dest: Path) -> Path:
    target = dest / Path(name).name
    shutil.copy(FIXTURES / name, target)
    return target


#: Fixtures that ingest or render the whole default corpus, and test files that score the gold sets over
#: pages read from the archives: their tests are marked ``slow`` (left out of ``make test-fast``, run by
#: ``make test``). Every test under ``tests/faults/`` is marked ``faults``.
SLOW_FIXTURES = {"default_corpus", "published"}
SLOW_FILES = {"test_attribution.py", "test_sample.py"}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
        if "faults" in path.parts:
            item.add_marker(pytest.mark.faults)
