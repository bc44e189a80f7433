"""Bad raw inputs: each is listed with its reason (or repaired with a warning); none stops, hangs or escapes."""

from __future__ import annotations

import io
import os
import tarfile
import time

import pytest

from analysis.ingest import ingest
from analysis.ingest.importers import common

GOOD = "---\ntitle: Remarks\ndate: 2021-06-01\nspeaker: Vladimir Putin\n---\nWe will do it.\n"


def rows(result) -> dict[str, dict]:
    return {r["path"]: r for r in result.report}


def build(raw, tmp_path, **kw):
    return ingest(raw, tmp_path / "out", quiet=True, jobs=1, **kw)


@pytest.fixture
def raw(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    (d / "good.md").write_text(GOOD, encoding="utf-8")
    return d


def test_hidden_files_and_folders_are_listed_not_dropped(raw, tmp_path):
    (raw / ".draft.md").write_text(GOOD.replace("We will", "Draft:"), encoding="utf-8")
    (raw / ".drafts").mkdir()
    (raw / ".drafts" / "a.md").write_text(GOOD, encoding="utf-8")
    r = rows(build(raw, tmp_path))
    assert r[".draft.md"]["status"] == "skipped" and r[".draft.md"]["reason"].startswith("hidden file")
    assert r[".drafts/"]["reason"].startswith("hidden folder") and ".drafts/a.md" not in r


def test_links_are_listed_and_never_followed(raw, tmp_path):
    os.symlink("/etc/passwd", raw / "passwd.md")
    os.symlink(raw, raw / "loop")
    os.symlink(raw / "self.md", raw / "self.md")  # a file link that points to itself
    r = rows(build(raw, tmp_path))
    assert r["passwd.md"]["reason"] == (
        "symbolic link: not followed (it points outside the raw folder; copy the file into the raw folder instead)"
    )
    assert r["passwd.md"]["sha256"] == ""  # never read, never hashed
    assert r["loop"]["reason"].startswith("symbolic link: not followed")
    assert r["self.md"]["reason"].startswith("symbolic link: not followed")
    assert r["good.md"]["status"] == "ingested"


def test_a_fifo_does_not_block_the_run(raw, tmp_path):
    os.mkfifo(raw / "pipe.md")
    r = rows(build(raw, tmp_path))
    assert r["pipe.md"]["reason"] == "not a regular file: a FIFO (named pipe)"


def test_an_unreadable_folder_is_listed(raw, tmp_path, monkeypatch):
    (raw / "locked").mkdir()
    (raw / "locked" / "a.md").write_text(GOOD, encoding="utf-8")
    real = os.scandir

    def scandir(path):  # tests run as root, who can read anything: fail as a locked folder would
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    r = rows(build(raw, tmp_path))
    assert r["locked"]["reason"] == "unreadable folder: Permission denied"


def test_same_size_same_mtime_edit_is_seen_by_the_incremental_run(raw, tmp_path):
    path = raw / "good.md"
    build(raw, tmp_path)
    st = path.stat()
    path.write_text(GOOD.replace("We will do it.", "We won't do it"), encoding="utf-8")
    assert path.stat().st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # `touch -d` back
    result = build(raw, tmp_path)
    assert result.parsed == 1
    import pandas as pd

    assert "We won't do it" in pd.read_parquet(tmp_path / "out" / "turns.parquet")["text"].tolist()


@pytest.mark.parametrize(
    "front, reason",
    [
        ("title: Remarks\ndate: 3000-01-01\nspeaker: Vladimir Putin", "bad-date: date 3000-01-01 is in the future"),
        (
            "title: Remarks\ndate: 2021-02-30\nspeaker: Vladimir Putin",
            "bad-front-matter: front matter: not valid YAML: day is out of range for month",
        ),
        ("title: Remarks\ndate: '2021-02-30'\nspeaker: Vladimir Putin", "bad-date: unreadable date '2021-02-30'"),
        (
            "title: [a, b, c]\ndate: 2021-06-01\nspeaker: Vladimir Putin",
            "bad-metadata: metadata 'title' must be text, got a list: ['a', 'b', 'c']",
        ),
        ("title: Remarks\ndate: 2021-06-01\nspeaker: {name: Putin}", "bad-metadata: metadata 'speaker' must be text"),
    ],
)
def test_bad_front_matter_is_listed_with_the_field_and_value(raw, tmp_path, front, reason):
    (raw / "bad.md").write_text(f"---\n{front}\n---\nText.\n", encoding="utf-8")
    started = time.perf_counter()
    r = rows(build(raw, tmp_path))
    assert r["bad.md"]["status"] == "skipped"
    assert r["bad.md"]["reason"].startswith(reason), r["bad.md"]["reason"]
    assert time.perf_counter() - started < 60  # not a time limit on the code: a guard against a hung test run


def test_a_yaml_alias_bomb_is_refused(raw, tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefghijklmnop", "bcdefghijklmnopq", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]")
    (raw / "bomb.md").write_text("---\n" + "\n".join(lines) + "\ntitle: x\n---\nText.\n", encoding="utf-8")
    r = rows(build(raw, tmp_path))
    assert r["bomb.md"]["reason"] == (
        "bad-front-matter: front matter: 144 YAML aliases, more than the limit of 100 "
        "(nested aliases can expand without bound)"
    )


def test_a_sidecar_that_contradicts_the_front_matter_is_refused(raw, tmp_path):
    (raw / "good.meta.yaml").write_text(
        "speaker: Dmitry Medvedev\nsource_url: https://example.org/x\n", encoding="utf-8"
    )
    r = rows(build(raw, tmp_path))
    assert r["good.md"]["reason"] == (
        "conflicting-metadata: the sidecar says speaker: 'Dmitry Medvedev' but the "
        "front matter says speaker: 'Vladimir Putin'; keep one"
    )


def test_a_sidecar_may_add_facts_the_front_matter_lacks(raw, tmp_path):
    (raw / "good.meta.yaml").write_text("source_url: https://example.org/x\n", encoding="utf-8")
    result = build(raw, tmp_path)
    assert [d["source_url"] for d in result.documents] == ["https://example.org/x"]


def test_nul_and_control_characters_are_removed_and_reported(raw, tmp_path):
    (raw / "nul.md").write_bytes(GOOD.replace("We will do it.", "We will\x00 do\x07 it.").encode())
    result = build(raw, tmp_path)
    r = rows(result)
    assert r["nul.md"]["status"] == "skipped"  # the same body as good.md once cleaned: a duplicate
    assert "2 control character(s) removed from the text (first U+0000" in r["nul.md"]["warnings"]


def test_utf16_text_is_decoded_and_reported(raw, tmp_path):
    (raw / "u16.md").write_bytes(GOOD.replace("We will do it.", "We will not.").encode("utf-16"))
    r = rows(build(raw, tmp_path))
    assert r["u16.md"]["status"] == "ingested" and "UTF-16 text" in r["u16.md"]["warnings"]


@pytest.mark.parametrize(
    "pattern, reason",
    [
        ("^(a+)+$", "no-headings: no line matches the heading pattern '^(a+)+$'"),  # the engine sees through it
        ("^(a|aa)+$", "bad-metadata: heading_pattern '^(a|aa)+$' took longer than 0.2 s on line 2"),
    ],
)
def test_a_catastrophic_heading_pattern_is_stopped(raw, tmp_path, monkeypatch, pattern, reason):
    monkeypatch.setattr(common, "PATTERN_SECONDS", 0.2)
    (raw / "article.txt").write_text("Headline\n" + "a" * 40 + "!\nSome text.\n", encoding="utf-8")
    (raw / "article.meta.yaml").write_text(
        f"importer: qa_article\ndoc_id: x\ndate: 2021-01-01\nspeaker: Vladimir Putin\nheading_pattern: '{pattern}'\n",
        encoding="utf-8",
    )
    r = rows(build(raw, tmp_path))
    assert r["article.txt"]["reason"].startswith(reason), r["article.txt"]["reason"]


def test_a_folder_and_its_tar_give_the_same_corpus_and_report(raw, tmp_path):
    (raw / ".hidden.md").write_text(GOOD, encoding="utf-8")
    (raw / "sub").mkdir()
    (raw / "sub" / "more.md").write_text(GOOD.replace("We will do it.", "More."), encoding="utf-8")
    os.symlink("/etc/hosts", raw / "link.md")
    tar_path = tmp_path / "raw.tar.gz"
    with tarfile.open(tar_path, "w:gz") as tar:
        for path in sorted(raw.rglob("*")):
            tar.add(path, arcname="./" + path.relative_to(raw).as_posix(), recursive=False)
    folder = ingest(raw, tmp_path / "a", quiet=True, jobs=1)
    archive = ingest(tar_path, tmp_path / "b", quiet=True, jobs=1)
    strip = lambda report: sorted((r["path"], r["status"], r["doc_id"], r["reason"].split(" (")[0]) for r in report)
    assert strip(folder.report) == strip(archive.report)
    assert [d["doc_id"] for d in folder.documents] == [d["doc_id"] for d in archive.documents]


def test_an_archive_with_unsafe_paths_reads_nothing_outside(tmp_path):
    tar_path = tmp_path / "evil.tar"
    with tarfile.open(tar_path, "w") as tar:
        data = GOOD.encode()
        for name in ("../escape.md", "ok.md"):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    r = rows(ingest(tar_path, tmp_path / "out", quiet=True, jobs=1))
    assert r["../escape.md"]["reason"].startswith("unsafe path in the archive")
    assert r["ok.md"]["status"] == "ingested"


def test_the_state_keeps_each_files_ctime_so_an_unchanged_run_reads_nothing(raw, tmp_path):
    from analysis.ingest import generations
    from analysis.ingest.state import load_state

    build(raw, tmp_path)
    state = load_state(generations.current(tmp_path / "out"))
    assert state["good.md"]["ctime_ns"] == (raw / "good.md").stat().st_ctime_ns
    assert build(raw, tmp_path).parsed == 0
