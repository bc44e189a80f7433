"""Ingest: every raw file is ingested or listed with its reason; outputs are reproducible."""

from __future__ import annotations

import csv
import os
import re
import shutil

import pandas as pd
import pytest

from analysis import config
from analysis.ingest import build, ingest
from analysis.ingest.schema import STATE_FILE
from tests.conftest import FIXTURES, kremlin_page

GOOD_MD = "---\ntitle: Good\ndate: 2024-01-01\nspeaker: Vladimir Putin\n---\nA good statement.\n"


def report(out) -> dict[str, dict]:
    with (out / config.INGEST_REPORT_FILE).open(encoding="utf-8") as fh:
        return {row["path"]: row for row in csv.DictReader(fh)}


@pytest.fixture
def messy_raw(raw_dir):
    (raw_dir / "good.md").write_text(GOOD_MD, encoding="utf-8")
    (raw_dir / "10001.html").write_bytes(kremlin_page("<p><b>Vladimir Putin</b>: One.</p>", page_id="10001"))
    (raw_dir / "10002.html").write_bytes(
        kremlin_page("<p><b>Vladimir Putin</b>: One.</p>", page_id="10002", date="2019-02-01")
    )  # same body, later
    (raw_dir / "10003.html").write_bytes(
        kremlin_page("<p>x</p>", page_id="10003", date=None).replace(b'<time datetime="2019-01-01">date</time>', b"")
    )
    (raw_dir / "10004.html").write_bytes(kremlin_page("", page_id="10004", lead=""))
    (raw_dir / "10005.html").write_bytes(
        kremlin_page("<p><b>Vladimir Putin</b>: Caf\u00e9.</p>", page_id="10005").replace(
            "Caf\u00e9".encode(), b"Caf\xe9"
        )
    )
    (raw_dir / "empty.md").write_bytes(b"")
    (raw_dir / "notes.txt").write_text("A text file with no metadata.\n", encoding="utf-8")
    (raw_dir / "image.png").write_bytes(b"\x89PNG")
    (raw_dir / "lost.meta.yaml").write_text("importer: qa_article\n", encoding="utf-8")
    os.symlink(raw_dir / "missing-target.md", raw_dir / "broken-link.md")
    return raw_dir


def test_every_file_is_ingested_or_listed_with_its_reason(messy_raw, tmp_path):
    out = tmp_path / "processed"
    result = ingest(messy_raw, out, quiet=True)
    rows = report(out)
    assert set(rows) == {p.name for p in messy_raw.iterdir()}
    expect = {
        "good.md": ("ingested", ""),
        "10001.html": ("ingested", ""),
        "10002.html": ("skipped", "duplicate-body"),
        "10003.html": ("skipped", "no-date"),
        "10004.html": ("skipped", "empty-body"),
        "10005.html": ("ingested", ""),
        "empty.md": ("skipped", "empty file"),
        "notes.txt": ("skipped", "no-metadata"),
        "image.png": ("skipped", "unsupported file type"),
        "broken-link.md": ("skipped", "symbolic link: not followed (broken"),
        "lost.meta.yaml": ("skipped", "orphan-sidecar"),
    }
    for name, (status, reason) in expect.items():
        assert rows[name]["status"] == status, name
        assert rows[name]["reason"].startswith(reason), (name, rows[name]["reason"])
    assert "kremlin-10001" in rows["10002.html"]["reason"]
    assert "invalid UTF-8" in rows["10005.html"]["warnings"]
    assert len(result.documents) == 3
    docs = pd.read_parquet(out / config.DOCUMENTS_FILE)
    assert sorted(docs["doc_id"]) == ["good", "kremlin-10001", "kremlin-10005"]


def test_messages_name_the_file(messy_raw, tmp_path, capsys):
    ingest(messy_raw, tmp_path / "p")
    err = capsys.readouterr().err
    assert "skipped 10003.html: no-date" in err
    assert "warning 10005.html: invalid UTF-8" in err


def outputs(folder) -> dict[str, bytes]:
    """Every published output file of the current generation (not the state, which records file times)."""
    gen = (folder / "current").resolve()
    return {
        p.relative_to(gen).as_posix(): p.read_bytes()
        for p in sorted(gen.rglob("*"))
        if p.is_file() and p.name not in (STATE_FILE, "manifest.json")
    }


def test_same_inputs_give_byte_identical_outputs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    ingest(FIXTURES / "raw", a, quiet=True)
    ingest(FIXTURES / "raw", b, quiet=True, jobs=1)
    assert outputs(a) == outputs(b)
    assert {config.DOCUMENTS_FILE, config.INGEST_REPORT_FILE, config.CORPUS_INFO_FILE} <= set(outputs(a))
    assert any(name.startswith(config.TURNS_FILE + "/part-") for name in outputs(a))


def test_corpus_version_changes_with_the_raw_data(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    first = ingest(raw, tmp_path / "a", quiet=True).info["corpus_version"]
    (raw / "statements" / "extra.md").write_text(GOOD_MD, encoding="utf-8")
    second = ingest(raw, tmp_path / "b", quiet=True).info["corpus_version"]
    assert first != second


def test_an_ingest_puts_the_callers_collector_setting_back(tmp_path, monkeypatch):
    """The ingest runs Python's cycle collector less often while it works; the caller's thresholds are
    back afterwards, and after an ingest that fails too."""
    import gc

    before = gc.get_threshold()
    seen = []
    from analysis.ingest.state import Previous

    monkeypatch.setattr(build, "load_state", lambda gen: seen.append(gc.get_threshold()) or Previous())
    try:
        gc.set_threshold(123, 4, 5)
        ingest(FIXTURES / "raw", tmp_path / "a", quiet=True)
        ingest(FIXTURES / "raw", tmp_path / "a", quiet=True)  # the second loads the first's state
        assert seen and seen[0] != (123, 4, 5) and gc.get_threshold() == (123, 4, 5)
        monkeypatch.setattr(build, "scan", lambda *a, **k: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            ingest(FIXTURES / "raw", tmp_path / "b", quiet=True)
        assert gc.get_threshold() == (123, 4, 5)
    finally:
        gc.set_threshold(*before)


@pytest.mark.parametrize(("env", "pool"), [(None, "jemalloc"), ("system", "system")])
def test_a_process_that_imports_refrain_first_allocates_from_jemalloc(env, pool):
    """Arrow's pool is picked when pyarrow is first imported: jemalloc for the CLI (analysis imported first),
    unless ARROW_DEFAULT_MEMORY_POOL names another."""
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env:
        environ["ARROW_DEFAULT_MEMORY_POOL"] = env
    code = "import analysis.ingest, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == pool


def test_pandas_is_imported_once_by_the_ingest_not_again_by_each_worker(tmp_path):
    """pyarrow's first conversion of Python values imports pandas (0.2 s): the ingest has it done before its
    workers fork, so that a worker's first batch does not wait for an import of its own (the CLI does not import
    pandas before the ingest)."""
    import subprocess
    import sys

    code = f"""
import os, sys
main = os.getpid()
class Seen:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            print("main" if os.getpid() == main else "worker", flush=True)
sys.meta_path.insert(0, Seen())
from analysis.ingest import ingest
ingest({str(FIXTURES / "raw")!r}, {str(tmp_path / "out")!r}, quiet=True, jobs=2)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["main"]


def test_missing_raw_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ingest(tmp_path / "nope", tmp_path / "out", quiet=True)


def test_turns_table_columns_and_roles(fixture_corpus):
    t = fixture_corpus.turns
    assert list(t.columns) == [
        "doc_id",
        "para_no",
        "turn_no",
        "speaker",
        "speaker_label",
        "speaker_role",
        "role",
        "section",
        "attribution",
        "text",
        "n_words",
    ]
    assert set(t["role"]) <= {
        "speech",
        "question",
        "moderator",
        "narration",
        "lead",
        "headline",
        "heading",
        "boilerplate",
        "pullquote",
        "editorial",
    }
    # turn numbers never decrease within a document
    assert (t.groupby("doc_id")["turn_no"].diff().fillna(0) >= 0).all()


# --- the embedded default corpus ------------------------------------------------------------


def test_default_corpus_accounts_for_every_file(default_corpus):
    """Every file of data/raw, and every member of its archives, has a line of the ingest report."""
    import tarfile

    rows = report(default_corpus.path)
    expected = set()
    for p in config.RAW_DIR.rglob("*"):
        if not p.is_file():
            continue
        rel = p.relative_to(config.RAW_DIR).as_posix()
        expected.add(rel)
        if rel.endswith(".tar.xz"):
            with tarfile.open(p) as tar:
                expected |= {f"{rel}/{m.name}" for m in tar.getmembers() if m.isfile()}
    assert set(rows) == expected
    assert rows["kremlin/kremlin-en-news.tar.xz"]["status"] == "archive"
    reasons = pd.Series([r["reason"].split(":")[0] for r in rows.values() if r["status"] == "skipped"])
    # whole archive: 171 pages with a title and no body, 6 Kremlin and 6 Miller Center duplicates
    assert reasons.value_counts().to_dict() == {"empty-body": 171, "duplicate-body": 12}
    assert rows["kremlin/kremlin-en-news.tar.xz/62610.html"]["reason"].startswith("duplicate-body")
    assert "invalid UTF-8" in rows["kremlin/kremlin-en-news.tar.xz/63123.html"]["warnings"]


def test_default_corpus_has_seed_and_sample(default_corpus):
    docs = default_corpus.documents
    assert (docs["importer"] == "qa_article").sum() == 1
    assert (docs["importer"] == "kremlin").sum() == 6908
    assert (docs["source"] == "Miller Center, University of Virginia").sum() == 1003


def test_known_problems_are_summarised_by_kind_on_a_rerun(messy_raw, tmp_path, capsys):
    ingest(messy_raw, tmp_path / "p")
    capsys.readouterr()
    ingest(messy_raw, tmp_path / "p")  # nothing new: no file is named, the problems are counted
    err = capsys.readouterr().err
    assert "skipped 10003.html" not in err and "warning 10005.html" not in err
    assert re.search(r"^  \d+ skipped files: .*no-date", err, re.M), err
    assert re.search(r"^  \d+ warnings: .*invalid UTF-N", err, re.M), err
    assert "ingest_report.csv" in err and "--verbose" in err
    ingest(messy_raw, tmp_path / "p", verbose=True)  # every one, named
    err = capsys.readouterr().err
    assert "skipped 10003.html: no-date" in err and "warning 10005.html: invalid UTF-8" in err


def test_many_new_problems_are_counted_by_kind_not_listed(raw_dir, tmp_path, capsys):
    for i in range(build.LIST_AT_MOST + 3):
        (raw_dir / f"empty-{i:02d}.md").write_bytes(b"")
    ingest(raw_dir, tmp_path / "p")
    err = capsys.readouterr().err
    assert "empty-00.md" not in err
    assert f"  {build.LIST_AT_MOST + 3} skipped files: {build.LIST_AT_MOST + 3} empty" in err, err


@pytest.mark.parametrize(
    "message, kind",
    [
        ("unknown speaker label 'DR. BIRX'; kept as speaker 'Birx'", "unknown speaker label …"),
        ("no read__published date; date taken from the page's publication status", "no read__published date"),
        ("invalid UTF-8 at byte 1204; decoded as cp1252", "invalid UTF-N at byte N"),
        (
            "filed under Transcripts but has no speaker labels (0.0%)",
            "filed under Transcripts but has no speaker labels …",
        ),
    ],
)
def test_problem_kind_drops_the_particulars(message, kind):
    assert build.problem_kind(message) == kind


def _reference_report(results, run, reasons, path) -> None:
    """The report line by line, every file's lines through the CSV writer (as it was written before the
    lines of plain files were worked out column by column)."""
    import itertools

    import numpy as np
    import pyarrow as pa

    from analysis import csvout
    from analysis.ingest.report import _report_lines
    from analysis.ingest.schema import REPORT_FIELDS

    order = np.lexsort((run.seq, run.rank)) if run.table.num_rows else np.zeros(0, np.int64)
    docs = run.table.select(["doc_id", "raw_row", "warnings"]).take(pa.array(order, pa.int64())).to_pylist()
    rows = iter(
        [(d["doc_id"], d["raw_row"], d["warnings"], reasons.get(i)) for i, d in zip(order.tolist(), docs, strict=True)]
    )
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csvout.writer(fh)
        writer.writerow(REPORT_FIELDS)
        for r in sorted(results, key=lambda r: r.path):
            for line in _report_lines(r, itertools.islice(rows, r.n_docs) if r.status == "ingested" else iter(())):
                writer.writerow(line)


@pytest.mark.parametrize("chunk", [2, 3, 50_000])
def test_the_report_worked_out_by_column_equals_the_line_by_line_one(messy_raw, tmp_path, monkeypatch, chunk):
    """Byte for byte, with every kind of line: statements kept and dropped as duplicates, files not
    ingested between them, a table's rejected rows among its statements, warnings about a file and
    about a statement, and cells with formulas, quotes, commas and line breaks; written in chunks of a
    few lines too (a chunk's end falling inside a run of statements and inside a file's lines)."""
    from collections import Counter

    from analysis.ingest import report

    monkeypatch.setattr(report, "CHUNK", chunk)
    made: list[int] = []  # lines made at once: never more than a chunk, so memory stays bounded
    table, statements = report._table, report._Statements.lines
    monkeypatch.setattr(report, "_table", lambda lines: made.append(len(lines)) or table(lines))
    monkeypatch.setattr(
        report._Statements, "lines", lambda self, rows: made.append(len(rows)) or statements(self, rows)
    )

    from tests.conftest import copy_fixture

    for name in ("speeches.csv", "speeches.meta.yaml", "lines.jsonl", "lines.meta.yaml"):
        copy_fixture(f"tables/{name}", messy_raw)
    (messy_raw / "t.csv").write_text(
        "id,date,speaker,text\n"
        'A,2021-01-01,Vladimir Putin,"Words, with ""quotes""\nand a second line."\n'
        "A,2021-01-02,Joe Biden,Other\rwords.\n"
        "B,,Joe Biden,No date.\n"
        "../up,2021-01-03,Joe Biden,More words.\n"
        "=cmd,2021-01-04,Joe Biden,-2+3 a formula.\n"
        "C,2021-01-05,Joe Biden,\n",
        encoding="utf-8",
    )
    (messy_raw / "t.meta.yaml").write_text("format: table\ndefaults: {title: '=T', source: S}\n", encoding="utf-8")
    (messy_raw / "@plain.md").write_text(GOOD_MD.replace("A good", "Another"), encoding="utf-8")
    for i in range(5):  # plain files in a row: a run of statements longer than a chunk
        (messy_raw / f"run-{i}.md").write_text(GOOD_MD.replace("A good", f"Run {i}, a"), encoding="utf-8")
    (messy_raw / "=skipped.png").write_bytes(b"\x89PNG")
    (messy_raw / "u.csv").write_text("id,date,text\nU,2021-02-01,A lone\rreturn.\n", encoding="utf-8")
    (messy_raw / "u.meta.yaml").write_text("format: table\ndefaults: {title: T, source: S}\n", encoding="utf-8")
    for name in ("2019-06-05-joint-press.txt", "2019-06-05-joint-press.meta.yaml"):
        copy_fixture(f"transcripts/{name}", messy_raw)
    with (messy_raw / "2019-06-05-joint-press.txt").open("a", encoding="utf-8") as fh:
        fh.write("\nDR. BIRX: An unknown label, a warning about the file.\n")
    seen: dict = {}
    real = build.write_report

    def both(run, reasons, path):
        statuses = real(run, reasons, path)
        _reference_report(run.files, run, reasons, tmp_path / "reference.csv")
        seen.update(results=list(run.files), reasons=dict(reasons), statuses=statuses, path=path)
        seen["bytes"] = path.read_bytes()  # the generation's folder is renamed once written
        return statuses

    monkeypatch.setattr(build, "write_report", both)
    ingest(messy_raw, tmp_path / "out", quiet=True, jobs=1)
    results = seen["results"]
    assert any(r.rejected and r.n_docs for r in results)
    assert any(r.warnings and r.n_docs and not r.rejected for r in results)
    assert any(r.status != "ingested" for r in results) and seen["reasons"]
    reference = (tmp_path / "reference.csv").read_bytes()
    assert seen["bytes"] == reference
    assert b"\n'@plain.md,,ingested," in reference and b"\n'=skipped.png,," in reference  # neutralised
    assert b"\"bad-row: not JSON (Expecting ',' delimiter at column 23)\"" in reference  # quoted
    with (tmp_path / "reference.csv").open(encoding="utf-8", newline="") as fh:
        assert seen["statuses"] == dict(sorted(Counter(row["status"] for row in csv.DictReader(fh)).items()))
    assert made and max(made) <= chunk and (chunk > 3 or len(made) > 10)


def _dedup_one_by_one(rows: list[tuple[str, str, str]]) -> tuple[list[bool], dict[int, tuple[str, int]]]:
    """The rule of :func:`~analysis.ingest.documents.deduplicate`, row by row: in (date, id, file, row) order, a
    document is dropped when a kept one has its id, else when a kept one has its body (rows here are numbered
    from 1 in one file, and ordered as text)."""
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][1], str(i + 1)))
    by_id: dict[str, int] = {}
    by_body: dict[str, int] = {}
    keep, why = [False] * len(rows), {}
    for i in order:
        _date, doc_id, body = rows[i]
        if doc_id in by_id:
            why[i] = ("id", by_id[doc_id])
        elif body in by_body:
            why[i] = ("body", by_body[body])
        else:
            by_id[doc_id] = by_body[body] = i
            keep[i] = True
    return keep, why


def test_deduplication_keeps_what_the_row_by_row_rule_keeps():
    """Documents whose id and body no other shares are set aside before the loop; the rest go through it. Over
    random runs (few ids and bodies, so that chains occur: a body-dropped document's id used again by a later
    one, which is then kept), what is kept and why the others are not equals the rule applied row by row."""
    import random

    import numpy as np
    import pyarrow as pa

    from analysis.ingest.documents import RUN_SCHEMA, RunDocs, deduplicate
    from analysis.ingest.schema import KEY, FileResult

    rng = random.Random(17)
    for _ in range(300):
        n = rng.randint(1, 14)
        rows = [
            (f"2020-01-0{rng.randint(1, 3)}", rng.choice("abcdefgh"[: rng.randint(1, 8)]), rng.choice("xyzuvw"))
            for _ in range(n)
        ]
        table = pa.Table.from_pylist(
            [
                {
                    "doc_id": doc_id,
                    "body_sha256": body,
                    "raw_row": str(i + 1),
                    KEY: i,
                }
                for i, (date, doc_id, body) in enumerate(rows)
            ],
            schema=RUN_SCHEMA,
        )
        table = table.set_column(
            table.schema.get_field_index("date"), "date", pa.array([r[0] for r in rows]).cast(pa.date32())
        )
        files = [FileResult("t.csv", 1, 1, number=0, status="ingested", n_docs=n)]
        run = RunDocs(table, files, np.zeros(n, np.int64), np.zeros(n, np.int64))
        keep, reasons = deduplicate(run)
        want_keep, want_why = _dedup_one_by_one(rows)
        assert keep.tolist() == want_keep, rows
        assert sorted(reasons) == sorted(want_why), rows
        for i, (why, first) in want_why.items():
            assert reasons[i].startswith(f"duplicate-{why}:"), (rows, reasons[i])
            assert (f"t.csv row {first + 1}" in reasons[i]) and (why == "body" or rows[i][1] in reasons[i])
