"""Incremental ingest: only changed files are parsed, and the result equals a full rebuild."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tarfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.corpus import Corpus
from analysis.ingest import ingest
from tests.conftest import FIXTURES, kremlin_html, kremlin_page
from tests.ingest.test_ingest import outputs


@pytest.fixture
def sample(tmp_path):
    """A writable raw folder: the 150 pages of the Kremlin development sample and the seed."""
    raw = tmp_path / "raw"
    shutil.copytree(kremlin_html(), raw / "kremlin" / "html")
    shutil.copytree(config.RAW_DIR / "seed", raw / "seed")
    return raw


def bump(path):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_incremental_equals_full_rebuild(sample, tmp_path):
    inc, full = tmp_path / "inc", tmp_path / "full"
    first = ingest(sample, inc, quiet=True)
    assert first.parsed == 151  # 150 pages + the seed
    html = sample / "kremlin" / "html"
    # change one page's text, delete one, add one, make a new duplicate, and un-duplicate 62610
    page = html / "54071.html"
    page.write_bytes(page.read_bytes().replace(b"Good, thank you.", b"Good, thank you very much."))
    (html / "17800.html").unlink()
    (html / "99001.html").write_bytes(
        kremlin_page("<p><b>Vladimir Putin</b>: A new page.</p>", page_id="99001", date="2020-08-01")
    )
    shutil.copy(html / "17786.html", html / "99002.html")
    (html / "62601.html").write_bytes((html / "62601.html").read_bytes().replace(b"Libya", b"Libya (changed)"))
    second = ingest(sample, inc, quiet=True)
    assert second.parsed == 4  # the changed, the added, the copy and the other half of the old duplicate pair
    assert second.reused >= 140
    ingest(sample, full, quiet=True, full=True)
    assert outputs(inc) == outputs(full)
    report = pd.read_csv(inc / config.INGEST_REPORT_FILE).set_index("path")
    assert report.loc["kremlin/html/99002.html", "reason"].startswith("duplicate-id: id kremlin-17786")
    assert report.loc["kremlin/html/62610.html", "status"] == "ingested"
    turns = Corpus.load(inc).turns
    assert "Good, thank you very much." in set(turns["text"])
    assert "kremlin-17800" not in set(turns["doc_id"])


def test_an_unchanged_part_without_its_index_is_indexed_again(sample, tmp_path):
    """Linking an unchanged part from a generation that has no index for it (written before there was
    one) makes the index anew, the same bytes, and claims no manifest entry for it; a part with its index
    has both linked."""
    from analysis.ingest import generations
    from analysis.ingest.state import OldGeneration
    from analysis.ingest.store import _link_unchanged

    ingest(sample, tmp_path / "out", quiet=True)
    old = OldGeneration.read(generations.current(tmp_path / "out"))
    no_index = {config.index_part(0), config.index_postings(0)}
    gen = tmp_path / "gen"
    (gen / config.TURNS_FILE).mkdir(parents=True)
    (gen / config.INDEX_DIR).mkdir()
    known = _link_unchanged(
        [0, 1], replace(old, manifest={f: e for f, e in old.manifest.items() if f not in no_index}), gen
    )
    files = [
        config.turn_part(0),
        *sorted(no_index),
        config.turn_part(1),
        config.index_part(1),
        config.index_postings(1),
    ]
    for f in files:
        assert (gen / f).read_bytes() == (old.path / f).read_bytes()
        linked = (gen / f).stat().st_ino == (old.path / f).stat().st_ino
        assert linked == (f not in no_index), f
    assert sorted(known) == sorted(set(files) - no_index)


def test_touched_but_unchanged_files_are_not_parsed(sample, tmp_path):
    out = tmp_path / "out"
    ingest(sample, out, quiet=True)
    before = outputs(out)
    for name in ("54071.html", "63123.html"):
        bump(sample / "kremlin" / "html" / name)
    again = ingest(sample, out, quiet=True)
    assert again.parsed == 0
    assert outputs(out) == before


def test_a_changed_manifest_row_reparses_its_page_and_nothing_else(sample, tmp_path, monkeypatch):
    """When no metadata file changed, an unchanged file is restored without its metadata being looked up
    again; when one did (here a manifest row), the keys are worked out again and only the page whose row
    changed is parsed, as a full rebuild would have it."""
    from analysis.ingest.metadata import Context

    html, out = sample / "kremlin" / "html", tmp_path / "out"
    url = "https://example.org/{}"
    manifest = "id,source_url\n54071,{}\n63123,{}\n".format(url.format("a"), url.format("b"))
    (html / "MANIFEST.csv").write_text(manifest, encoding="utf-8")
    ingest(sample, out, quiet=True)
    looked_up: list[str] = []
    real_aux = Context.aux
    monkeypatch.setattr(Context, "aux", lambda self, f: looked_up.append(f.rel) or real_aux(self, f))
    page = html / "17786.html"
    page.write_bytes(page.read_bytes().replace(b"</h1>", b" (edited)</h1>", 1))
    assert ingest(sample, out, quiet=True).parsed == 1
    assert looked_up == ["kremlin/html/17786.html"]  # the other 150 files: restored as they were
    (html / "MANIFEST.csv").write_text(manifest.replace(url.format("b"), url.format("c")), encoding="utf-8")
    looked_up.clear()
    assert ingest(sample, out, quiet=True).parsed == 1  # 63123, whose row changed
    assert len(looked_up) == 151
    docs = Corpus.load(out).documents.set_index("doc_id")
    assert docs.loc["kremlin-63123", "source_url"] == url.format("c")
    assert docs.loc["kremlin-54071", "source_url"] == url.format("a")
    ingest(sample, tmp_path / "full", quiet=True, full=True)
    assert outputs(out) == outputs(tmp_path / "full")


def test_parser_change_reparses_everything(sample, tmp_path, monkeypatch):
    out = tmp_path / "out"
    ingest(sample, out, quiet=True)
    monkeypatch.setattr("analysis.ingest.build.parser_fingerprint", lambda registry: "different-code")
    assert ingest(sample, out, quiet=True).parsed == 151


def test_the_parse_key_covers_every_module_the_ingest_imports():
    """A change to any code an ingest runs (the tokenizer that counts words and makes the index among it)
    parses and writes everything again: no generation keeps parts made by other code than the rest."""
    from analysis.ingest import state
    from tests.test_layout import MODULES, imports_of

    covered = {p.resolve() for p in state.parse_code()}
    todo = [m for m in MODULES if m.startswith("analysis.ingest") and not m.startswith("analysis.ingest.fetch")]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen or module not in MODULES:
            continue
        seen.add(module)
        todo += imports_of(MODULES[module])
    missing = sorted(m for m in seen if MODULES[m].resolve() not in covered)
    assert missing == [], f"imported by the ingest but not in its parse key: {missing}"
    assert "analysis.tokens" in seen


def test_a_changed_tokenizer_changes_the_parse_key(tmp_path, monkeypatch):
    from analysis.ingest import state
    from analysis.speakers import default_registry

    copy = tmp_path / "analysis"
    shutil.copytree(config.LIBRARY_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = state.parser_fingerprint(default_registry())
    monkeypatch.setattr(config, "LIBRARY_DIR", copy)
    assert state.parser_fingerprint(default_registry()) == before  # where the code lies does not matter
    with (copy / "tokens.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# a change\n")
    assert state.parser_fingerprint(default_registry()) != before


def test_parallel_and_serial_agree(sample, tmp_path):
    ingest(sample, tmp_path / "one", quiet=True, jobs=1)
    ingest(sample, tmp_path / "two", quiet=True, jobs=2)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_parts_made_on_the_workers_equal_parts_made_on_threads(sample, tmp_path, monkeypatch):
    """Turn parts, their index and postings are made on the parse's worker processes when there are some, on
    threads otherwise: the same bytes, after a full build and after an incremental one."""
    from analysis.ingest import store, workers

    with monkeypatch.context() as m:
        _MADE[:] = [store.write_part, tmp_path / "pids"]
        m.setattr(store, "write_part", _made_where)
        ingest(sample, tmp_path / "processes", quiet=True, jobs=2)
    pids = set((tmp_path / "pids").read_text().split())
    assert pids and str(os.getpid()) not in pids  # the parts were made in the workers
    with monkeypatch.context() as m:
        m.setattr(workers.Workers, "ready", property(lambda self: False))
        ingest(sample, tmp_path / "threads", quiet=True, jobs=2)
    assert outputs(tmp_path / "processes") == outputs(tmp_path / "threads")
    page = sorted(sample.rglob("*.html"))[0]
    page.write_bytes(page.read_bytes().replace(b"</p>", b" Added.</p>", 1))
    done = ingest(sample, tmp_path / "processes", quiet=True, jobs=2)
    assert done.parsed == 1 and 0 < done.parts_written < done.info["turn_parts"]
    with monkeypatch.context() as m:
        m.setattr(workers.Workers, "ready", property(lambda self: False))
        ingest(sample, tmp_path / "threads", quiet=True, jobs=2)
    assert outputs(tmp_path / "processes") == outputs(tmp_path / "threads")


_MADE: list = []


def _made_where(job):
    with open(_MADE[1], "a") as fh:
        fh.write(f"{os.getpid()}\n")
    return _MADE[0](job)


def _dies_in_a_worker(n: int) -> int:
    if os.getpid() != _PARENT[0]:
        os._exit(3)
    return n * n


def _short_of_memory_in_a_worker(n: int) -> int:
    if os.getpid() != _PARENT[0]:
        raise MemoryError
    return n * n


_PARENT = [os.getpid()]


@pytest.mark.parametrize("job", [_dies_in_a_worker, _short_of_memory_in_a_worker])
def test_a_job_whose_worker_dies_is_done_in_the_ingest(tmp_path, job):
    """A map onto the workers survives their death (killed, or a crash) and a worker's memory cap: those
    jobs are done in the ingest's own process, and the results come back in order."""
    from analysis.ingest.workers import Workers
    from analysis.speakers import default_registry

    _PARENT[0] = os.getpid()
    pool = Workers(default_registry(), jobs=2, spill_dir=str(tmp_path)).start()
    try:
        assert pool.ready
        assert list(pool.map(job, [1, 2, 3, 4])) == [1, 4, 9, 16]
    finally:
        pool.close()
    assert not pool.ready


def _niceness(folder: str) -> tuple[int, str]:
    """In a worker: its priority now, and the one its start ran at (written down by the start)."""
    return os.nice(0), (Path(folder) / f"start-{os.getpid()}").read_text()


def test_a_worker_starts_deferring_to_the_ingest_and_then_works_at_its_priority(tmp_path, monkeypatch):
    """A local worker's start (loading the importers) runs at a lower priority than the ingest that started
    it (``WORKER_NICE`` more, up to the lowest there is); the jobs it does afterwards (batches, parts) run
    at the ingest's, which is not touched."""
    from analysis.ingest import importers
    from analysis.ingest.workers import WORKER_NICE, Workers
    from analysis.speakers import default_registry

    loaded = importers.importers

    def loading():  # the workers fork from this process: they start with this
        (tmp_path / f"start-{os.getpid()}").write_text(str(os.nice(0)))
        return loaded()

    monkeypatch.setattr(importers, "importers", loading)
    own = os.nice(0)
    pool = Workers(default_registry(), jobs=2, spill_dir=str(tmp_path)).start()
    try:
        seen = set(pool.map(_niceness, [str(tmp_path)] * 4))
    finally:
        pool.close()
    assert seen == {(own, str(min(19, own + WORKER_NICE)))}
    assert os.nice(0) == own


def _square(n: int) -> int:
    return n * n


def test_a_worker_whose_start_fails_breaks_the_pool(tmp_path, monkeypatch):
    """An error in a worker's start (an importer that cannot be imported, say) is the worker's: the pool is
    broken, and the jobs are done in the ingest's process instead, not by workers without importers."""
    from analysis.ingest import importers, workers
    from analysis.speakers import default_registry

    def broken():
        raise RuntimeError("an importer that cannot be imported")

    monkeypatch.setattr(importers, "importers", broken)  # the workers fork from this process
    pool = workers.Workers(default_registry(), jobs=2, spill_dir=str(tmp_path)).start()
    try:
        assert list(pool.map(_square, [1, 2, 3])) == [1, 4, 9]
        assert workers._broken(pool.pool)
    finally:
        pool.close()


@pytest.fixture
def broken_pool(tmp_path, monkeypatch):
    """A started pool whose workers failed to start (an importer that cannot be imported), once it is broken
    (a job handed over waits for that, or is refused when it already is)."""
    from concurrent.futures import wait
    from concurrent.futures.process import BrokenProcessPool

    from analysis.ingest import importers, workers
    from analysis.speakers import default_registry

    def broken():
        raise RuntimeError("an importer that cannot be imported")

    monkeypatch.setattr(importers, "importers", broken)  # the workers fork from this process
    pool = workers.Workers(default_registry(), jobs=2, spill_dir=str(tmp_path)).start()
    try:
        with contextlib.suppress(BrokenProcessPool):
            wait([pool.pool.submit(_square, 0)])
        assert workers._broken(pool.pool)
        yield pool
    finally:
        pool.close()


def test_a_pool_broken_before_the_parse_hands_its_files_over_lists_them(tmp_path, broken_pool):
    """A pool that broke before the parse handed its files over (its workers' start failed) does not stop the
    ingest: the files go to a fresh pool, then one at a time to workers of their own, and each that cannot be
    parsed is listed with its reason."""
    from analysis.ingest import workers
    from analysis.ingest.scan import Task
    from analysis.ingest.schema import FileResult

    page = tmp_path / "page.txt"
    page.write_text("Vladimir Putin: Good afternoon.", encoding="utf-8")
    tasks = [Task(FileResult(f"page-{i}.txt", 31, 0), str(page), None) for i in range(3)]
    assert workers.parse_tasks(tasks, {}, broken_pool) == []
    assert [t.result.reason.split(":")[0] for t in tasks] == ["parse-crash"] * 3


def test_a_pool_broken_before_the_jobs_are_handed_over_does_them_here(broken_pool):
    """The jobs handed over after the pool broke (a worker whose start failed, one killed) are done in the
    ingest's process, in order, instead of the hand-over failing."""
    assert list(broken_pool.map(_square, [1, 2, 3])) == [1, 4, 9]


def test_the_ingest_does_its_own_work_while_the_workers_parse(tmp_path):
    """``meanwhile`` runs once, after the files are handed over (each has its number) and before any outcome
    is taken in; with nothing to parse it does not run (the build then does that work itself)."""
    from analysis.ingest import workers
    from analysis.ingest.scan import Task
    from analysis.ingest.schema import FileResult
    from analysis.speakers import default_registry

    page = tmp_path / "page.txt"
    page.write_text("Vladimir Putin: Good afternoon.", encoding="utf-8")
    tasks = [Task(FileResult(f"page-{i}.txt", 31, 0), str(page), None) for i in range(3)]
    seen: list[list[tuple[int, str]]] = []
    pool = workers.Workers(default_registry(), jobs=2, spill_dir=str(tmp_path)).start()
    try:
        workers.parse_tasks(
            tasks, {}, pool, meanwhile=lambda: seen.append(sorted((t.result.number, t.result.sha256) for t in tasks))
        )
        assert seen == [[(0, ""), (1, ""), (2, "")]]  # numbered and handed over, no outcome taken in yet
        assert all(t.result.sha256 and t.result.reason for t in tasks)  # then each file's outcome
        workers.parse_tasks([], {}, pool, meanwhile=lambda: seen.append([]))
        assert len(seen) == 1
    finally:
        pool.close()


def test_closing_an_idle_pool_lets_its_workers_go_and_a_busy_one_stops_them(tmp_path):
    """An idle pool's workers exit on their own once it is closed (not signalled, nor a thread started to reap
    them: 2-10 ms at the end of an ingest); a pool with a job still running has its workers terminated."""
    from analysis.ingest import workers
    from analysis.speakers import default_registry

    for busy in (False, True):
        pool = workers.Workers(default_registry(), jobs=2, spill_dir=str(tmp_path)).start()
        processes = list(pool.pool._processes.values())
        pool.pool.submit(int).result()  # started, and idle
        if busy:
            pool.pool.submit(time.sleep, 600)
        manager = pool.pool._executor_manager_thread
        pool.close()
        manager.join(timeout=120)  # the pool's own thread, which joins its workers as they exit
        reaper = [t for t in threading.enumerate() if t.name == "refrain-reap"]
        for t in reaper:
            t.join(timeout=120)
        assert [proc.exitcode for proc in processes] == [-signal.SIGTERM if busy else 0] * 2


def test_a_few_changed_files_are_shared_between_the_workers(monkeypatch):
    """Ten changed pages go five to each of two workers, not ten to one; a long stream keeps full batches,
    in stream order; nothing to parse, no batch."""
    from types import SimpleNamespace

    from analysis.ingest import workers

    tasks = [SimpleNamespace(source=f"page-{i}.html", result=SimpleNamespace(size=75_000)) for i in range(10)]
    assert [len(b) for b in workers._batches(tasks, 2)] == [5, 5]
    assert [len(b) for b in workers._batches(tasks[:3], 2)] == [2, 1]
    assert [len(b) for b in workers._batches(tasks, 1)] == [10]
    assert list(workers._batches([], 2)) == []
    monkeypatch.setattr(workers, "BATCH_FILES", 4)
    batches = list(workers._batches(tasks, 2))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert [t for b in batches for t in b] == tasks


def test_a_few_changed_files_are_shared_between_the_workers_by_size():
    """The pages of a short stream go to the batch with the fewest bytes so far, the largest first, so that
    one large page does not make one worker's batch the one the parse waits for; each batch keeps the
    stream's order, and every page is in one batch."""
    from types import SimpleNamespace

    from analysis.ingest import workers

    sizes = [75, 75, 78, 76, 76, 75, 78, 132, 89, 82]  # kB: the benchmark's ten pages
    tasks = [
        SimpleNamespace(source=f"page-{i}.html", result=SimpleNamespace(size=kb * 1000)) for i, kb in enumerate(sizes)
    ]
    batches = list(workers._batches(tasks, 2))
    loads = [sum(t.result.size for t in b) for b in batches]
    assert max(loads) - min(loads) <= max(sizes) * 1000 and max(loads) < sum(sizes[5:]) * 1000  # 456 kB in order
    assert sorted(id(t) for b in batches for t in b) == sorted(id(t) for t in tasks)
    for batch in batches:
        assert batch == sorted(batch, key=tasks.index)
    members = [SimpleNamespace(source=b"x" * n, result=SimpleNamespace(size=n)) for n in (10, 500, 20, 30)]
    assert [sum(len(t.source) for t in b) for b in workers._batches(members, 2)] == [500, 60]


@pytest.mark.parametrize("suffix, mode", [(".tar.xz", "w:xz"), (".tar.gz", "w:gz")])
def test_archive_equals_folder(tmp_path, suffix, mode):
    archive = tmp_path / f"raw{suffix}"
    with tarfile.open(archive, mode) as tar:
        for path in sorted((FIXTURES / "raw").rglob("*")):
            tar.add(path, arcname=path.relative_to(FIXTURES / "raw").as_posix(), recursive=False)
    ingest(archive, tmp_path / "from-archive", quiet=True)
    ingest(FIXTURES / "raw", tmp_path / "from-folder", quiet=True)
    assert outputs(tmp_path / "from-archive") == outputs(tmp_path / "from-folder")


def test_archive_sidecar_after_its_document(tmp_path):
    """The seed's .txt comes before its .meta.yaml in archive order; it must still be parsed with it."""
    archive = tmp_path / "seed.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        for path in sorted((config.RAW_DIR / "seed").iterdir()):
            tar.add(path, arcname=path.name)
    result = ingest(archive, tmp_path / "out", quiet=True)
    assert [d["importer"] for d in result.documents] == ["qa_article"]


def _archive(path, files: dict[str, bytes], mode: str = "w:xz") -> None:
    import io

    with tarfile.open(path, mode) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_600_000_000
            tar.addfile(info, io.BytesIO(data))


def _speech(text: str, date: str) -> bytes:
    return f"President: Barack Obama\n\nTHE PRESIDENT: {text}\n\nQ Thank you.\n".encode()


PROFILE = b"""format: transcript
source: Test speeches
office: President of the United States
file_name: '^(?P<date>\\d{4}-\\d{2}-\\d{2})-(?P<slug>.+)\\.txt$'
header: ['^President:\\s*(?P<speaker>.+)$']
"""


def test_archives_in_the_raw_folder_are_read_and_restored_whole(tmp_path):
    """An archive beside other files: its members are listed under its path, parsed with the folder's
    profile, restored without opening it when it is unchanged, and re-parsed member by member (by
    hash) when it changes; every outcome equals a full rebuild."""
    raw = tmp_path / "raw"
    (raw / "speeches").mkdir(parents=True)
    shutil.copytree(config.RAW_DIR / "seed", raw / "seed")
    (raw / "speeches" / "profile.yaml").write_bytes(PROFILE)
    speeches = {f"speeches/2010-01-{d:02d}-remarks.txt": _speech(f"Remarks number {d}.", "") for d in range(1, 6)}
    _archive(raw / "speeches" / "s.tar.xz", speeches)
    inc = tmp_path / "inc"
    first = ingest(raw, inc, quiet=True)
    assert first.parsed == 6  # five members and the seed
    report = pd.read_csv(inc / config.INGEST_REPORT_FILE, keep_default_na=False).set_index("path")
    member = "speeches/s.tar.xz/speeches/2010-01-03-remarks.txt"
    assert report.loc[member, "status"] == "ingested"
    assert report.loc[member, "doc_id"] == "speeches-2010-01-03-remarks"
    assert report.loc["speeches/s.tar.xz", "status"] == "archive"
    docs = Corpus.load(inc).documents.set_index("doc_id")
    assert docs.loc["speeches-2010-01-03-remarks", "title"] == "Remarks"
    assert docs.loc["speeches-2010-01-03-remarks", "speakers"] == "Barack Obama"

    untouched = ingest(raw, inc, quiet=True)
    assert untouched.parsed == 0  # the archive was not even opened

    speeches["speeches/2010-01-03-remarks.txt"] = _speech("Remarks, revised.", "")
    _archive(raw / "speeches" / "s.tar.xz", speeches)
    changed = ingest(raw, inc, quiet=True)
    assert changed.parsed == 1  # the others hash as before
    ingest(raw, tmp_path / "full", quiet=True, full=True)
    assert outputs(inc) == outputs(tmp_path / "full")
    assert "Remarks, revised." in set(Corpus.load(inc).turns["text"])


def test_a_file_restored_from_the_states_columns_is_the_one_its_row_restores(tmp_path):
    """The scan restores an unchanged file from the state's columns (no row made); the result equals
    :func:`restore` of the file's row, warnings and rejected rows included, for every file."""
    from analysis.ingest import generations
    from analysis.ingest.schema import FileResult
    from analysis.ingest.sources import RawFile
    from analysis.ingest.state import load_state, restore

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    for name in ("speeches.csv", "speeches.meta.yaml", "lines.jsonl", "lines.meta.yaml"):
        shutil.copy(FIXTURES / "tables" / name, raw / name)
    (raw / "t.csv").write_text("id,date,text\nA,2021-01-01,A lone\rreturn.\nB,,No date.\n", encoding="utf-8")
    (raw / "t.meta.yaml").write_text("format: table\ndefaults: {title: T, source: S}\n", encoding="utf-8")
    ingest(raw, tmp_path / "out", quiet=True, jobs=1)
    previous = load_state(generations.current(tmp_path / "out"))
    assert set(previous) == set(previous.columns["path"]) and len(previous) > 5
    assert any(previous[p]["warnings"] for p in previous) and any(previous[p]["rejected"] for p in previous)
    paths = sorted(previous)
    on_disk = [
        RawFile(p, previous[p]["size"], previous[p]["mtime_ns"], None, str(raw / p), previous[p]["ctime_ns"])
        for p in paths
    ]
    restored = previous.restore_unchanged(on_disk, set(paths))
    for path, got in zip(paths, restored, strict=True):
        row = previous[path]
        expected = FileResult(path, row["size"], row["mtime_ns"], row["ctime_ns"])
        restore(expected, row)
        assert got == expected
        assert previous.unchanged(path, row["size"], row["mtime_ns"], row["ctime_ns"])
        assert not previous.unchanged(path, row["size"], row["mtime_ns"], row["ctime_ns"] + 1)
    # a file whose ctime moved, one not read as a document last time, one listed with a reason: not restored
    f = on_disk[0]
    moved = RawFile(f.rel, f.size, f.mtime_ns, None, f.path, f.ctime_ns + 1)
    hidden = RawFile(f.rel, f.size, f.mtime_ns, None, f.path, f.ctime_ns, skip="hidden")
    assert previous.restore_unchanged([moved, hidden, f], set(paths)) == [None, None, restored[0]]
    assert previous.restore_unchanged([f], set()) == [None]
