"""Archives under attack: a damaged archive is refused whole and listed, an incremental run keeps what it
could not read again, members are capped in size, named once, and names need not be UTF-8."""

from __future__ import annotations

import io
import os
import tarfile

import pytest

from analysis.corpus import Corpus
from analysis.ingest import ingest
from analysis.ingest import sources as sources_module

N = 200


def statement(i: int) -> bytes:
    return (
        f"---\ntitle: Statement {i}\ndate: 2021-01-{1 + i % 28:02d}\nspeaker: Ivan Zorin\n---\n"
        f"Statement number {i} says {os.urandom(24).hex()} and more words.\n"
    ).encode()


def make_tar(path, members: list[tuple[str, bytes]], mode: str = "w:gz") -> None:
    with tarfile.open(path, mode) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def build(raw, tmp_path, **kw):
    return ingest(raw, tmp_path / "out", quiet=True, jobs=2, **kw)


def rows(result) -> dict[str, dict]:
    return {r["path"]: r for r in result.report}


def flip(data: bytes, at: float) -> bytes:
    b = bytearray(data)
    b[int(len(b) * at)] ^= 0x10
    return bytes(b)


def overwrite_header(data: bytes, member: int) -> bytes:
    """An uncompressed tar with one member's header block overwritten."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        offset = tar.getmembers()[member].offset
    b = bytearray(data)
    b[offset : offset + 512] = b"\xaa" * 512
    return bytes(b)


DAMAGE = {
    "flipped byte (.tar.gz)": ("w:gz", lambda d: flip(d, 0.3)),
    "cut at 60% (.tar.xz)": ("w:xz", lambda d: d[: int(len(d) * 0.6)]),
    "overwritten header (.tar)": ("w", lambda d: overwrite_header(d, 96)),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_archive_is_refused_whole_and_listed(raw_dir, tmp_path, case):
    mode, damage = DAMAGE[case]
    members = [(f"s/{i:03d}.md", statement(i)) for i in range(N)]
    suffix = {"w:gz": ".tar.gz", "w:xz": ".tar.xz", "w": ".tar"}[mode]
    good = tmp_path / f"good{suffix}"
    make_tar(good, members, mode)
    (raw_dir / f"a{suffix}").write_bytes(damage(good.read_bytes()))
    result = build(raw_dir, tmp_path)
    report = rows(result)
    top = report[f"a{suffix}"]
    assert top["status"] == "skipped" and top["reason"].startswith("damaged archive:"), top
    listed = [r for p, r in report.items() if p.startswith(f"a{suffix}/")]
    assert all(r["status"] == "skipped" and r["reason"].startswith("damaged archive") for r in listed)
    assert result.info["documents"] == 0


def test_an_incremental_run_keeps_what_a_damaged_archive_held(raw_dir, tmp_path):
    members = [(f"s/{i:03d}.md", statement(i)) for i in range(N)]
    archive = raw_dir / "a.tar.gz"
    make_tar(archive, members)
    first = build(raw_dir, tmp_path)
    assert first.info["documents"] == N
    before = Corpus.load(tmp_path / "out")
    ids, words = set(before.documents["doc_id"]), int(before.turns["n_words"].sum())
    before.close()
    archive.write_bytes(archive.read_bytes()[: int(archive.stat().st_size * 0.6)])  # cut: members 120.. unreadable
    second = build(raw_dir, tmp_path)
    after = Corpus.load(tmp_path / "out")
    assert set(after.documents["doc_id"]) == ids and int(after.turns["n_words"].sum()) == words
    report = rows(second)
    assert report["a.tar.gz"]["reason"].startswith("damaged archive:")
    kept = [r for p, r in report.items() if p.startswith("a.tar.gz/")]
    assert len(kept) == N and all("could not be read again" in r["warnings"] for r in kept)


def test_a_member_over_the_size_limit_is_listed_not_read(raw_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(sources_module, "MAX_FILE_BYTES", 10_000)
    make_tar(raw_dir / "a.tar.gz", [("big.md", statement(1) + b"x" * 20_000), ("small.md", statement(2))])
    (raw_dir / "loose.md").write_bytes(statement(3) + b"y" * 20_000)
    report = rows(build(raw_dir, tmp_path))
    assert report["a.tar.gz/big.md"]["reason"].startswith("too large: 0.0 MB, more than the limit")
    assert report["loose.md"]["reason"].startswith("too large")
    assert report["a.tar.gz/small.md"]["status"] == "ingested"


def test_duplicate_member_names_get_a_line_each(raw_dir, tmp_path):
    make_tar(raw_dir / "a.tar", [("x.md", statement(1)), ("x.md", statement(2))], "w")
    report = rows(build(raw_dir, tmp_path))
    assert report["a.tar/x.md"]["status"] == "ingested"
    assert report["a.tar/x.md#2"]["reason"].startswith("duplicate member name: member 2 named x.md")


def test_file_names_that_are_not_utf8_are_listed(raw_dir, tmp_path):
    os.makedirs(raw_dir, exist_ok=True)
    with open(os.path.join(os.fsencode(raw_dir), b"caf\xe9.md"), "wb") as fh:
        fh.write(statement(1))
    (raw_dir / "good.md").write_bytes(statement(2))
    tar = tmp_path / "names.tar"
    with tarfile.open(tar, "w", format=tarfile.GNU_FORMAT, encoding="latin-1") as t:
        info = tarfile.TarInfo("na\xefve.md")  # written in Latin-1: not UTF-8 when read back
        data = statement(3)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    (raw_dir / "names.tar").write_bytes(tar.read_bytes())
    report = rows(build(raw_dir, tmp_path))
    assert report["caf\\xe9.md"]["reason"].startswith("file name is not UTF-8")
    assert report["names.tar/na\\xefve.md"]["reason"].startswith("file name is not UTF-8")
    assert report["good.md"]["status"] == "ingested"


def test_many_empty_members_are_each_listed(raw_dir, tmp_path):
    make_tar(raw_dir / "a.tar", [(f"e/{i:05d}.md", b"") for i in range(5_000)], "w")
    report = rows(build(raw_dir, tmp_path))
    empty = [r for p, r in report.items() if p.startswith("a.tar/")]
    assert len(empty) == 5_000 and all(r["reason"] == "empty file" for r in empty)
