"""Nothing outside the output is written or deleted; readers keep their generation; a flipped bit is an
error naming the file; a render publishes all or nothing."""

from __future__ import annotations

import errno
import os
import shutil

import pytest

from analysis.corpus import Corpus
from analysis.errors import CorpusError, RenderError
from analysis.ingest import generations, ingest, manifest
from analysis.publish.render import reports as render_module
from analysis.publish.render.incremental import RenderState, remove_unlisted

GOOD = "---\ntitle: Remarks\ndate: 2021-06-01\nspeaker: Vladimir Putin\n---\nWe will do it, our partners.\n"


@pytest.fixture
def raw(raw_dir):
    (raw_dir / "good.md").write_text(GOOD, encoding="utf-8")
    return raw_dir


def test_ingest_refuses_a_folder_it_did_not_write(raw, tmp_path):
    other = tmp_path / "other-project"
    (other / "turns.parquet").mkdir(parents=True)
    (other / "documents.parquet").write_text("not ours", encoding="utf-8")
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ValueError, match="holds files Refrain did not write"):
        ingest(raw, other, quiet=True)
    assert (other / "documents.parquet").read_text(encoding="utf-8") == "not ours"
    assert (other / "notes.txt").exists() and (other / "turns.parquet").is_dir()


@pytest.mark.parametrize("where", ["", ".", "raw", "raw/out", "parent-of-raw"])
def test_ingest_refuses_the_working_directory_and_the_raw_folder(raw, tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    out = {"raw": raw, "raw/out": raw / "out", "parent-of-raw": raw.parent}.get(where, where)
    with pytest.raises(ValueError, match=r"working directory|overlap"):
        ingest(raw, out, quiet=True)
    assert sorted(p.name for p in raw.iterdir()) == ["good.md"]


def test_a_folder_an_ingest_wrote_is_used_again(raw, tmp_path):
    ingest(raw, tmp_path / "out", quiet=True)
    assert ingest(raw, tmp_path / "out", quiet=True).info["documents"] == 1
    assert (tmp_path / "out" / generations.MARKER).is_file()


def test_a_folder_an_older_version_wrote_is_adopted_and_rebuilt(raw, tmp_path):
    """A folder from before the marker (and before the index): readers left ``.verified.json`` in it."""
    out = tmp_path / "out"
    ingest(raw, out, quiet=True)
    (out / generations.MARKER).unlink()
    shutil.rmtree(out / "current" / "index")  # an older generation: no index
    (out / manifest.VERIFIED).write_text("{}", encoding="utf-8")
    assert ingest(raw, out, quiet=True).info["documents"] == 1
    assert (out / generations.MARKER).is_file()
    assert Corpus.load(out).index.words_by_speaker == {"Vladimir Putin": 6}  # "We will do it, our partners."


def test_current_replaced_by_a_file_does_not_block_ingest(raw, tmp_path):
    out = tmp_path / "out"
    ingest(raw, out, quiet=True)
    (out / "current").unlink()
    (out / "current").write_text("junk", encoding="utf-8")
    assert ingest(raw, out, quiet=True).info["documents"] == 1
    assert (out / "current").is_symlink() and len(Corpus.load(out).documents) == 1


def test_a_reader_keeps_its_generation_through_two_ingests(raw, tmp_path):
    out = tmp_path / "out"
    ingest(raw, out, quiet=True)
    corpus = Corpus.load(out)  # an open notebook, say: its paragraphs are read later
    for i in range(2):
        (raw / f"new{i}.md").write_text(GOOD.replace("We will", f"Then {i} we will"), encoding="utf-8")
        ingest(raw, out, quiet=True)
    assert len(corpus.turns) == 1  # its generation is still there
    corpus.close()
    (raw / "new2.md").write_text(GOOD.replace("We will", "Later we will"), encoding="utf-8")
    ingest(raw, out, quiet=True)
    gens = sorted(p.name for p in (out / "generations").iterdir())
    assert corpus.generation.name not in gens and len(gens) == 2  # released: removed at the next ingest


def test_a_flipped_bit_is_an_error_naming_the_file(raw, tmp_path):
    out = tmp_path / "out"
    ingest(raw, out, quiet=True)
    Corpus.load(out).close()  # verified once, cached
    path = out / "current" / "documents.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CorpusError, match=r"documents\.parquet: content differs from the manifest"):
        Corpus.load(out)
    again = ingest(raw, out, quiet=True)  # a damaged generation is not built upon: a full rebuild
    assert again.parsed == 1 and len(Corpus.load(out).documents) == 1


def test_wait_must_be_a_number_of_seconds(raw, tmp_path):
    for bad in (float("nan"), float("inf"), -1):
        with pytest.raises(ValueError, match="--wait must be a number of seconds"):
            ingest(raw, tmp_path / "out", quiet=True, wait=bad)


def test_render_refuses_a_reports_folder_it_did_not_write(tmp_path, monkeypatch):
    foreign = tmp_path / "site"
    foreign.mkdir()
    (foreign / "about.html").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="holds files Refrain did not write"):
        render_module.claim_reports(foreign, processed_dir=tmp_path / "processed")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="working directory"):
        render_module.claim_reports(tmp_path, processed_dir=tmp_path / "processed")
    with pytest.raises(ValueError, match="project's own folders"):
        render_module.claim_reports(tmp_path / "processed", processed_dir=tmp_path / "processed")
    assert (foreign / "about.html").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("who", ["ingest", "render"])
def test_a_folder_claimed_at_the_same_moment_by_another_run_is_not_foreign(who, raw, tmp_path, monkeypatch):
    """Two runs claim a new folder together: one makes it and writes its marker between the other's
    check for the marker and its listing of the folder. The second must not take the marker (or the
    lock) for files Refrain did not write (a render failed so in the race test, once in many runs)."""
    out = tmp_path / "out"
    marker, lock = {
        "ingest": (generations.MARKER, generations.LOCK_FILE),
        "render": (render_module.REPORTS_MARKER, render_module.RENDER_LOCK),
    }[who]
    out.mkdir()
    (out / lock).write_text("pid 1", encoding="utf-8")
    real_exists = type(out).exists
    looked: list[str] = []

    def exists(self, *args, **kwargs):
        if self.name == marker and not looked:  # the other run writes its marker right after this look
            looked.append(self.name)
            (out / marker).write_text("written by the other run", encoding="utf-8")
            return False
        return real_exists(self, *args, **kwargs)

    monkeypatch.setattr(type(out), "exists", exists)
    if who == "ingest":
        generations.claim(out, raw)
    else:
        render_module.claim_reports(out, processed_dir=tmp_path / "processed")
    assert looked == [marker]
    assert sorted(p.name for p in out.iterdir()) == sorted([marker, lock])


def test_only_reports_rendered_here_are_removed(tmp_path):
    reports = tmp_path / "reports"
    for name in ("ours", "theirs"):
        (reports / name).mkdir(parents=True)
        (reports / name / "report.json").write_text("{}", encoding="utf-8")
        (reports / f"{name}.html").write_text("<p>", encoding="utf-8")
    state = RenderState(tmp_path / "state.json", reports, {"ours": {"inputs": "x", "files": {}}})
    assert remove_unlisted(reports, set(), state) == ["ours"]
    assert (reports / "theirs" / "report.json").exists() and (reports / "theirs.html").exists()


def test_a_full_disk_while_publishing_leaves_the_old_report_whole(tmp_path, monkeypatch):
    reports, staging = tmp_path / "reports", tmp_path / "staging"
    for where, text in ((reports, "old"), (staging, "new")):
        (where / "r" / "evidence").mkdir(parents=True)
        for i in range(5):
            (where / "r" / "evidence" / f"p{i}.html").write_text(f"{text} {i}", encoding="utf-8")
        (where / "r.html").write_text(f"{text} page", encoding="utf-8")
    written = []
    real = shutil.copyfile

    def copyfile(src, dst, **kw):  # the disk fills up after three files
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        written.append(dst)
        return real(src, dst, **kw)

    monkeypatch.setattr(shutil, "copyfile", copyfile)
    with pytest.raises(RenderError, match=r"No space left on device.*the old report is unchanged"):
        render_module._publish(staging, "r", reports)
    assert (reports / "r.html").read_text(encoding="utf-8") == "old page"
    assert sorted(p.read_text(encoding="utf-8") for p in (reports / "r" / "evidence").iterdir()) == [
        f"old {i}" for i in range(5)
    ]
    assert sorted(os.listdir(reports)) == ["r", "r.html"]  # no half-copied folder left behind
    monkeypatch.undo()
    render_module._publish(staging, "r", reports)
    assert (reports / "r.html").read_text(encoding="utf-8") == "new page"
    assert sorted(os.listdir(reports)) == ["r", "r.html"]


def test_a_link_in_a_generation_is_checked_not_followed(raw, tmp_path):
    """A link to a folder inside a generation (a loop, here) is not walked into; a turn part replaced by a
    folder is missing, as the manifest's check says."""
    out = tmp_path / "out"
    ingest(raw, out, quiet=True)
    gen = (out / "current").resolve()
    (gen / "loop").symlink_to(gen, target_is_directory=True)
    assert manifest.verify(gen, hashes=True) == []
    part = next((gen / "turns.parquet").glob("part-*.parquet"))
    part.unlink()
    part.mkdir()
    problems = manifest.verify(gen, hashes=True)
    assert problems == [f"turns.parquet/{part.name}: missing"]
