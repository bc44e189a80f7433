"""A processed corpus that is always one consistent generation, written by one ingest at a time.

Layout of the processed folder::

    current -> generations/g000007      the generation readers use (a relative symbolic link)
    generations/g000007/                documents.parquet, turns.parquet/part-NN.parquet,
                                        ingest_report.csv, corpus.json, .state.parquet, manifest.json
    documents.parquet -> current/…      the same files under their usual names (for pandas, DuckDB, …)
    .lock                               held (``lockf``) by the ingest writing

An ingest takes the lock (a second one fails at once with a message, or waits ``wait`` seconds),
writes a new generation in ``generations/gNNNNNN.tmp`` (reusing unchanged turn parts of the
current one by hard link), writes its ``manifest.json`` (every file with its size and SHA-256)
last, renames the folder and switches ``current`` with one atomic rename. A run killed at any
point leaves the previous generation current; its ``.tmp`` folder is removed by the next run and
never read. Readers resolve ``current`` once and read only the files its manifest names, after
checking them (:func:`verify`). The generation before the current one is kept for readers still
on it; older ones are removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from analysis import config
from analysis.errors import CorpusError

CURRENT = "current"
GENERATIONS = "generations"
LOCK_FILE = ".lock"
MANIFEST = "manifest.json"
PUBLISHED = (config.DOCUMENTS_FILE, config.TURNS_FILE, config.INGEST_REPORT_FILE, config.CORPUS_INFO_FILE)


class Busy(ValueError):
    """Another ingest holds the processed folder."""


class Lock:
    """An exclusive lock on a processed folder (released when the process ends, however it ends).

    A POSIX record lock (``lockf``): held by this process only, not by the parse workers it forks.
    """

    def __init__(self, out_dir: Path, *, wait: float = 0.0) -> None:
        self.path = out_dir / LOCK_FILE
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
                        f"another ingest is writing {self.path.parent} ({holder}); wait for it to finish "
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


def current(out_dir: Path) -> Path | None:
    """The current generation's folder (resolved once), or None before the first ingest."""
    link = out_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def begin(out_dir: Path) -> Path:
    """A fresh, empty folder for the next generation (leftovers of killed runs removed first)."""
    gens = out_dir / GENERATIONS
    gens.mkdir(parents=True, exist_ok=True)
    for leftover in gens.glob("*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)
    _migrate_old_layout(out_dir)
    numbers = [int(p.name[1:]) for p in gens.iterdir() if p.name[1:].isdigit()]
    tmp = gens / f"g{max(numbers, default=0) + 1:06d}.tmp"
    tmp.mkdir()
    return tmp


def commit(out_dir: Path, tmp: Path, *, reused: dict[str, dict] | None = None) -> Path:
    """Write the manifest, publish the generation and make it current; return its folder."""
    write_manifest(tmp, reused or {})
    final = tmp.with_name(tmp.name.removesuffix(".tmp"))
    os.replace(tmp, final)
    _fsync_dir(final.parent)
    link_tmp = out_dir / (CURRENT + ".tmp")
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(os.path.join(GENERATIONS, final.name), link_tmp)
    current_path = out_dir / CURRENT
    if current_path.exists() and not current_path.is_symlink():  # a copied folder: a real directory
        shutil.rmtree(current_path)
    os.replace(link_tmp, current_path)  # the switch: atomic
    _fsync_dir(out_dir)
    for name in PUBLISHED:
        alias = out_dir / name
        if not alias.is_symlink():
            if alias.exists():
                shutil.rmtree(alias) if alias.is_dir() else alias.unlink()
            os.symlink(os.path.join(CURRENT, name), alias)
    _prune(out_dir, keep={final.name})
    return final


def write_manifest(gen: Path, reused: dict[str, dict]) -> dict:
    """``manifest.json``: every file of the generation with its size and SHA-256 (reused when linked)."""
    files = {}
    for path in sorted(p for p in gen.rglob("*") if p.is_file() and p.name != MANIFEST):
        rel = path.relative_to(gen).as_posix()
        size = path.stat().st_size
        if rel in reused and reused[rel]["bytes"] == size:
            files[rel] = reused[rel]
        else:
            files[rel] = {"bytes": size, "sha256": _sha256(path)}
    manifest = {"format": 1, "files": files}
    tmp = gen / (MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, gen / MANIFEST)
    return manifest


def read_manifest(gen: Path) -> dict:
    try:
        manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{gen}: no readable {MANIFEST} ({exc}); run `python -m analysis ingest` again") from exc
    if not isinstance(manifest.get("files"), dict):
        raise CorpusError(f"{gen / MANIFEST}: no list of files; run `python -m analysis ingest` again")
    return manifest


def verify(gen: Path, *, hashes: bool = False) -> list[str]:
    """What is wrong with a generation: files missing, of the wrong size (or hash), or not in the manifest."""
    manifest = read_manifest(gen)
    problems = []
    for rel, meta in manifest["files"].items():
        path = gen / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif path.stat().st_size != meta["bytes"]:
            problems.append(f"{rel}: {path.stat().st_size} bytes, the manifest says {meta['bytes']}")
        elif hashes and _sha256(path) != meta["sha256"]:
            problems.append(f"{rel}: content differs from the manifest")
    extra = sorted(
        p.relative_to(gen).as_posix()
        for p in gen.rglob("*.parquet")
        if p.is_file()
        if p.relative_to(gen).as_posix() not in manifest["files"]
    )
    problems += [f"{rel}: not in the manifest (never read)" for rel in extra]
    return problems


def files(gen: Path, prefix: str) -> list[Path]:
    """The manifest's files under ``prefix`` (e.g. the turn parts), in order."""
    return [gen / rel for rel in sorted(read_manifest(gen)["files"]) if rel.startswith(prefix)]


def _prune(out_dir: Path, *, keep: set[str]) -> None:
    """Remove every generation but the current and the one before it."""
    gens = sorted((p for p in (out_dir / GENERATIONS).iterdir() if p.name[1:].isdigit()), key=lambda p: p.name)
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _migrate_old_layout(out_dir: Path) -> None:
    """Outputs of an older version written straight into the folder: generated, so removed."""
    for name in (*PUBLISHED, ".state.parquet"):
        path = out_dir / name
        if path.exists() and not path.is_symlink():
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
