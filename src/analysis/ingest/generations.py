"""A processed corpus that is always one consistent generation, written by one ingest at a time.

Layout of the processed folder::

    current -> generations/g000007      the generation readers use (a relative symbolic link)
    generations/g000007/                documents.parquet, turns.parquet/part-NN.parquet,
                                        ingest_report.csv, corpus.json, .state.arrow, manifest.json
    generations/spill/                  the parse's scratch files while an ingest runs (:func:`spill`)
    documents.parquet -> current/…      the same files under their usual names (for pandas, DuckDB, …)
    .lock                               held (``lockf``) by the ingest writing

An ingest takes the lock (a second one fails at once with a message, or waits ``wait`` seconds),
writes a new generation in ``generations/gNNNNNN.tmp`` (reusing unchanged turn parts of the
current one by hard link), writes its ``manifest.json`` (every file with its size and SHA-256)
last, renames the folder and switches ``current`` with one atomic rename. A run killed at any
point leaves the previous generation current; its ``.tmp`` folder is removed by the next run and
never read. Readers resolve ``current`` once, hold a shared lock on the generation they read
(:func:`hold`) and read only the files its manifest names, after checking their hashes once
(:func:`~analysis.ingest.manifest.verify`, cached by file status in ``.verified.json``). A generation
is removed only when it is neither current nor the one before, and no reader holds it.

The folder is the project's: ``.refrain-processed`` marks it, and an ingest refuses a folder that
holds files it did not write (:func:`claim`), the working directory and the raw folder.
"""

from __future__ import annotations

import fcntl
import math
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from analysis import config
from analysis.errors import CorpusError
from analysis.ingest.manifest import MANIFEST, VERIFIED, record_verified, write_manifest

CURRENT = "current"
GENERATIONS = "generations"
LOCK_FILE = ".lock"
MARKER = ".refrain-processed"
READERS = ".readers"  # in each generation: readers hold a shared lock on it
SPILL = "spill"  # in ``generations/``: the parse's scratch files while an ingest runs
PUBLISHED = (config.DOCUMENTS_FILE, config.TURNS_FILE, config.INGEST_REPORT_FILE, config.CORPUS_INFO_FILE)


class Busy(ValueError):
    """Another ingest holds the processed folder."""


class Lock:
    """An exclusive lock on a processed folder (released when the process ends, however it ends).

    A POSIX record lock (``lockf``): held by this process only, not by the parse workers it forks.
    """

    def __init__(self, out_dir: Path, *, wait: float = 0.0, what: str = "ingest", name: str = LOCK_FILE) -> None:
        if not isinstance(wait, (int, float)) or not math.isfinite(wait) or wait < 0:
            raise ValueError(f"--wait must be a number of seconds, 0 or more; got {wait!r}")
        self.what = what
        self.path = out_dir / name
        self.wait = wait
        self._fh: Any = None

    def __enter__(self) -> Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:  # EAGAIN or EACCES: held by another process
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    fh.close()
                    raise Busy(
                        f"another {self.what} is writing {self.path.parent} ({holder}); wait for it to finish "
                        "(or pass --wait SECONDS)"
                    ) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.lockf(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def claim(out_dir: Path, raw_dir: Path) -> None:
    """Make sure ``out_dir`` may be written and cleaned by an ingest; mark it as the project's.

    Refused: the working directory, the raw folder, a folder inside the raw folder (its outputs would
    be read as raw files) or one that holds the raw folder, and a folder with files the project did
    not write (only an empty or new folder, or one marked by an earlier ingest, is used)."""
    out, raw = Path(os.path.abspath(out_dir)), Path(os.path.abspath(raw_dir))
    if not str(out_dir).strip() or out == Path.cwd():
        raise ValueError(
            f"--processed-dir {str(out_dir)!r} is the working directory: name a folder for the processed corpus"
        )
    if out == raw or raw in out.parents or out in raw.parents:
        raise ValueError(
            f"--processed-dir {out_dir} and --raw-dir {raw_dir} overlap: the processed corpus must live outside "
            "the raw folder"
        )
    if out.exists() and not out.is_dir():
        raise ValueError(f"--processed-dir {out_dir} is a file, not a folder")
    if out.is_dir() and not (out / MARKER).exists():
        # the marker may be there already: another ingest claiming the folder at the same moment wrote it
        entries = sorted(p.name for p in out.iterdir() if p.name not in (MARKER, LOCK_FILE))
        ours = {CURRENT, GENERATIONS, VERIFIED, *PUBLISHED}
        if entries and not (
            set(entries) <= ours and (out / GENERATIONS).is_dir()
        ):  # an older ingest's folder is adopted
            shown = ", ".join(entries[:5]) + (", …" if len(entries) > 5 else "")
            raise ValueError(
                f"--processed-dir {out_dir} holds files Refrain did not write ({shown}): name an empty or new folder"
            )
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).exists():
        (out / MARKER).write_text(
            "A processed corpus written by Refrain (python -m analysis ingest).\n", encoding="utf-8"
        )


def current(out_dir: Path) -> Path | None:
    """The current generation's folder (resolved once), or None before the first ingest (or when
    ``current`` is not a link to a complete generation)."""
    link = out_dir / CURRENT
    if not link.is_symlink():
        return None
    gen = link.resolve()
    return gen if (gen / MANIFEST).is_file() else None


class Reader:
    """A shared lock on one generation: while held, no ingest removes it (see :func:`hold`)."""

    def __init__(self, gen: Path, fd: int) -> None:
        self.generation = gen
        self._fd: int | None = fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()


def hold(out_dir: Path) -> Reader:
    """The current generation, held for reading (a shared lock on its ``.readers``)."""
    for _attempt in range(20):
        gen = current(out_dir)
        if gen is None:
            raise CorpusError(f"no processed corpus in {out_dir}: run `python -m analysis ingest` first")
        reader = hold_generation(gen)
        if reader is not None:
            return reader
    raise CorpusError(f"{out_dir}: its generations changed 20 times while it was opened; try again")


def hold_generation(gen: Path) -> Reader | None:
    """``gen`` held for reading, or None when it is gone (removed while it was being opened)."""
    try:
        fd = os.open(gen / READERS, os.O_RDONLY)
    except FileNotFoundError:
        if not (gen / MANIFEST).is_file():
            return None
        fd = os.open(gen / MANIFEST, os.O_RDONLY)  # a generation from before readers' locks
    fcntl.flock(fd, fcntl.LOCK_SH)
    if not (gen / MANIFEST).is_file():  # removed between finding it and locking it
        os.close(fd)
        return None
    return Reader(gen, fd)


def _held(gen: Path) -> bool:
    """True while a reader holds ``gen``."""
    for name in (READERS, MANIFEST):
        try:
            fd = os.open(gen / name, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            return True
        finally:
            os.close(fd)
    return False


@contextmanager
def spill(out_dir: Path) -> Iterator[Path]:
    """The parse's scratch folder, ``generations/spill``, emptied before and removed after, under the lock
    (what a killed ingest left, the next one removes); shared with a cluster's workers as the folder is."""
    path = out_dir / GENERATIONS / SPILL
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def begin(out_dir: Path) -> Path:
    """A fresh, empty folder for the next generation (leftovers of killed runs removed first)."""
    gens = out_dir / GENERATIONS
    gens.mkdir(parents=True, exist_ok=True)
    for leftover in gens.glob("*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)
    numbers = [int(p.name[1:]) for p in gens.iterdir() if p.name[1:].isdigit()]
    tmp = gens / f"g{max(numbers, default=0) + 1:06d}.tmp"
    tmp.mkdir()
    return tmp


def commit(out_dir: Path, tmp: Path, *, known: dict[str, dict] | None = None) -> Path:
    """Write the manifest, publish the generation and make it current; return its folder."""
    manifest = write_manifest(tmp, known or {})
    (tmp / READERS).touch()
    final = tmp.with_name(tmp.name.removesuffix(".tmp"))
    os.replace(tmp, final)
    _fsync_dir(final.parent)
    link_tmp = out_dir / (CURRENT + ".tmp")
    if link_tmp.is_symlink() or link_tmp.exists():
        _remove(link_tmp)
    os.symlink(os.path.join(GENERATIONS, final.name), link_tmp)
    current_path = out_dir / CURRENT
    if current_path.exists() and not current_path.is_symlink():  # a copied folder or a file: the project's name
        _remove(current_path)
    os.replace(link_tmp, current_path)  # the switch: atomic
    _fsync_dir(out_dir)
    for name in PUBLISHED:
        alias = out_dir / name
        if not alias.is_symlink():
            if alias.exists():
                _remove(alias)
            os.symlink(os.path.join(CURRENT, name), alias)
    _prune(out_dir, keep={final.name})  # after it: removing a link to a file changes the file's ctime
    record_verified(final, manifest)
    return final


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _prune(out_dir: Path, *, keep: set[str]) -> None:
    """Remove every generation but the current one, the one before it, and those a reader holds."""
    gens = sorted((p for p in (out_dir / GENERATIONS).iterdir() if p.name[1:].isdigit()), key=lambda p: p.name)
    for old in gens[:-2]:
        if old.name not in keep and not _held(old):
            shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
