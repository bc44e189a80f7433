"""Where raw files come from: a folder, or a tar archive read as a stream.

Both give :class:`RawFile` entries in path order with a ``read()`` that returns the bytes, and a
stat key (size, mtime) that lets an incremental ingest skip files it has seen unchanged. An
archive (``.tar``, ``.tar.gz``, ``.tar.xz``, ``.tar.bz2``) is read in one pass without extracting
it: ``read()`` must be called while the entry is current (the ingest does so).
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2")


@dataclass
class RawFile:
    rel: str  # path relative to the raw folder (or inside the archive), with '/'
    size: int
    mtime_ns: int
    read: Callable[[], bytes]  # raises OSError when the file cannot be read
    path: str | None = None  # the file on disk (folder sources), so a worker process can read it

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def parent(self) -> str:
        return self.rel.rsplit("/", 1)[0] if "/" in self.rel else ""


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


def _reader(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with open(path, "rb") as fh:
            return fh.read()

    return read


def iter_folder(root: Path) -> Iterator[RawFile]:
    """Every file below ``root`` (broken links included, hidden files not), sorted by path."""
    entries: list[tuple[str, int, int, str]] = []
    stack = [("", str(root))]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                if entry.is_dir():
                    stack.append((rel + "/", entry.path))
                    continue
                try:
                    st = entry.stat()
                    entries.append((rel, st.st_size, st.st_mtime_ns, entry.path))
                except OSError:  # a broken symbolic link: listed, and reported as unreadable
                    entries.append((rel, -1, -1, entry.path))
    for rel, size, mtime, path in sorted(entries):
        yield RawFile(rel, size, mtime, _reader(path), path)


def iter_archive(path: Path) -> Iterator[RawFile]:
    """Regular files of a tar archive, in archive order (one streaming pass)."""
    with tarfile.open(path, mode="r|*") as tar:
        for member in tar:
            rel = member.name.lstrip("./")
            if not member.isfile() or not rel or _hidden(rel):
                continue
            handle = tar.extractfile(member)

            def read(handle=handle) -> bytes:
                if handle is None:
                    raise OSError("unreadable archive member")
                return handle.read()

            yield RawFile(rel, member.size, int(member.mtime) * 1_000_000_000, read)


def iter_raw(root: Path) -> Iterator[RawFile]:
    if is_archive(root):
        return iter_archive(root)
    if not root.is_dir():
        raise FileNotFoundError(f"raw folder {root} does not exist (nor is it a .tar archive)")
    return iter_folder(root)
