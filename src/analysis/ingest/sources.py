"""Where raw files come from: a folder, or a tar archive read as a stream; the raw folder is a boundary.

Both give :class:`RawFile` entries (a folder in path order, an archive in archive order) with a
``read()`` that returns the bytes and a stat key (size, mtime, ctime) that lets an incremental
ingest skip files it has seen unchanged. An archive (``.tar``, ``.tar.gz``, ``.tar.xz``,
``.tar.bz2``) is read in one pass without extracting it: ``read()`` must be called while the entry
is current (the ingest does so).

Nothing outside the raw folder is ever read, and nothing inside it is silently dropped: symbolic
links (which may leave the folder or loop), FIFOs, sockets and devices, hidden files and folders,
unreadable folders and unsafe archive paths become entries with a ``skip`` reason, listed in the
ingest report. A folder and a tar archive of it give the same entries.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import stat
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2")
MAX_FILE_BYTES = int(os.environ.get("REFRAIN_MAX_FILE_BYTES", str(1 << 30)))  # one raw file (or member), at most


class ArchiveDamaged(Exception):
    """An archive that could not be read to its end (truncated, corrupt, a broken member header).

    Raised by :func:`iter_archive` after the members it could read: a compressed archive's checksum
    is only checked at its end, so those members cannot be trusted either."""


def too_large(size: int) -> str | None:
    """The reason a file of ``size`` bytes is not read, or None."""
    if size <= MAX_FILE_BYTES:
        return None
    return f"too large: {size / 1e6:,.1f} MB, more than the limit of {MAX_FILE_BYTES / 1e6:,.0f} MB per file"


def _bad_name(rel: str) -> tuple[str, str | None]:
    """A path as it can be shown and stored (UTF-8), and why it is not read when it is not UTF-8."""
    try:
        rel.encode("utf-8")
        return rel, None
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return shown, "file name is not UTF-8 (shown with \\x escapes): rename it to read it"


@dataclass(slots=True)
class RawFile:
    rel: str  # path relative to the raw folder (or inside the archive), with '/'
    size: int
    mtime_ns: int
    reader: Callable[[], bytes] | None  # an archive member's bytes (None: the file at ``path``)
    path: str | None = None  # the file on disk (folder sources), so a worker process can read it
    ctime_ns: int = 0  # status change time: moves whenever the content is written, even if mtime is restored
    skip: str | None = None  # why this entry is listed but not read (a link, a FIFO, a hidden file, …)

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    def read(self) -> bytes:
        """The entry's bytes; OSError when it cannot be read, or is listed with a reason and never read."""
        if self.skip is not None or (self.reader is None and self.path is None):
            raise OSError("not read: listed with its reason")
        if self.reader is not None:
            return self.reader()
        with open(self.path, "rb") as fh:  # type: ignore[arg-type]
            return fh.read()

    @property
    def parent(self) -> str:
        return self.rel.rsplit("/", 1)[0] if "/" in self.rel else ""


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _skipped(rel: str, reason: str) -> RawFile:
    return RawFile(rel, -1, -1, None, skip=reason)


_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def iter_folder(root: Path) -> Iterator[RawFile]:
    """Every entry below ``root``, sorted by path; only regular, visible files are to be read."""
    root = root.resolve()
    entries: list[RawFile] = []
    stack = [("", str(root))]
    while stack:
        prefix, folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                listing = list(it)
        except OSError as exc:
            entries.append(_skipped(prefix.rstrip("/") or ".", f"unreadable folder: {exc.strerror or exc}"))
            continue
        for entry in listing:
            name = entry.name
            rel, bad = (prefix + name, None) if name.isascii() else _bad_name(prefix + name)
            if bad:
                entries.append(_skipped(rel, bad))
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                entries.append(_skipped(rel, f"unreadable: {exc.strerror or exc}"))
                continue
            if stat.S_ISREG(st.st_mode) and name[0] != "." and st.st_size <= MAX_FILE_BYTES:  # nearly every entry
                entries.append(RawFile(rel, st.st_size, st.st_mtime_ns, None, entry.path, st.st_ctime_ns))
            elif stat.S_ISLNK(st.st_mode):
                entries.append(_skipped(rel, _link_reason(entry.path, root)))
            elif stat.S_ISDIR(st.st_mode):
                if entry.name.startswith("."):
                    entries.append(_skipped(rel + "/", "hidden folder (its name starts with '.'): not read"))
                else:
                    stack.append((rel + "/", entry.path))
            elif not stat.S_ISREG(st.st_mode):
                kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
                entries.append(_skipped(rel, f"not a regular file: {kind}"))
            elif entry.name.startswith("."):
                entries.append(_skipped(rel, "hidden file (its name starts with '.'): not read"))
            else:  # a regular file too large to read
                entries.append(
                    RawFile(rel, st.st_size, st.st_mtime_ns, None, ctime_ns=st.st_ctime_ns, skip=too_large(st.st_size))
                )
    entries.sort(key=attrgetter("rel"))
    yield from entries


def _link_reason(path: str, root: Path) -> str:
    try:
        target = Path(os.path.realpath(path))
    except (OSError, RuntimeError):  # a loop
        return "symbolic link: not followed (it loops)"
    inside = target == root or root in target.parents
    where = "inside the raw folder" if inside else "outside the raw folder"
    if not os.path.exists(path):
        return f"symbolic link: not followed (broken, or it loops; it points {where})"
    return f"symbolic link: not followed (it points {where}; copy the file into the raw folder instead)"


def iter_archive(path: Path, *, prefix: str = "") -> Iterator[RawFile]:
    """Every member of a tar archive, in archive order (one streaming pass), with the folder's rules.

    Members are named ``prefix + member path`` (an archive inside the raw folder gives its own path
    and a ``/`` as the prefix); a later member with the name of an earlier one is listed as
    ``<name>#2`` and not read. A member larger than :data:`MAX_FILE_BYTES` is listed, not read.
    Raises :class:`ArchiveDamaged` (after the members it could read) when the archive cannot be read
    to its end: truncated, corrupt, or with an unreadable member header followed by more data.
    """
    hidden_folders: set[str] = set()
    seen: dict[str, int] = {}
    try:
        with _decompressed(path) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                yield from _member(tar, member, prefix, hidden_folders, seen)
                tar.members.clear()  # type: ignore[attr-defined]  # a stream needs no earlier member: keep none
            _check_end(stream, tar)
    except ArchiveDamaged:
        raise
    except (tarfile.TarError, OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
        raise ArchiveDamaged(f"the archive cannot be read to its end ({type(exc).__name__}: {exc})") from None


def _decompressed(path: Path):
    """The archive's tar stream. Compressed archives are read with :mod:`gzip`, :mod:`lzma` or :mod:`bz2`,
    which check the data's checksum at the end and fail on a truncated file (``tarfile``'s own stream
    reader does neither)."""
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.open(path, "rb")
    if magic.startswith(b"\xfd7zXZ\x00"):
        return lzma.open(path, "rb")
    if magic.startswith(b"BZh"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def _member(tar: tarfile.TarFile, member: tarfile.TarInfo, prefix: str, hidden_folders: set[str], seen: dict):
    inner = member.name.removeprefix("./").strip("/")
    if not inner or inner == ".":
        return
    inner, bad = _bad_name(inner)
    rel = prefix + inner
    if bad:
        yield _skipped(rel, bad)
        return
    parts = inner.split("/")
    if ".." in parts or member.name.startswith("/"):
        yield _skipped(rel, "unsafe path in the archive (absolute, or with '..'): not read")
        return
    hidden = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
    if (hidden is not None and hidden < len(parts) - 1) or (hidden is not None and member.isdir()):
        folder = prefix + "/".join(parts[: (hidden + 1)]) + "/"
        if folder not in hidden_folders:
            hidden_folders.add(folder)
            yield _skipped(folder, "hidden folder (its name starts with '.'): not read")
        return
    if member.isdir():
        return
    if rel in seen:
        seen[rel] += 1
        yield _skipped(
            f"{rel}#{seen[rel]}",
            f"duplicate member name: member {seen[rel]} named {inner} in this archive (only the first is read)",
        )
        return
    seen[rel] = 1
    if member.issym() or member.islnk():
        yield _skipped(rel, "symbolic link: not followed (a link in the archive)")
        return
    if not member.isfile():
        kind = "a FIFO (named pipe)" if member.isfifo() else "a device" if member.isdev() else "not a file"
        yield _skipped(rel, f"not a regular file: {kind}")
        return
    if hidden is not None:
        yield _skipped(rel, "hidden file (its name starts with '.'): not read")
        return
    mtime = int(member.mtime) * 1_000_000_000
    big = too_large(member.size)
    if big is not None:
        yield RawFile(rel, member.size, mtime, None, ctime_ns=mtime, skip=big)
        return

    def read(size=member.size) -> bytes:  # while the member is current: the archive is read as a stream
        handle = tar.extractfile(member)
        if handle is None:
            raise OSError("unreadable archive member")
        data = handle.read()
        if len(data) != size:
            raise ArchiveDamaged(f"member {inner} ends after {len(data):,} of its {size:,} bytes")
        return data

    yield RawFile(rel, member.size, mtime, read, ctime_ns=mtime)


def _check_end(stream, tar: tarfile.TarFile) -> None:
    """After the last member: only zero padding may follow (tarfile stops quietly at a broken header),
    and reading the stream to its end checks a compressed archive's checksum and length."""
    while True:
        block = stream.read(1 << 16)
        if not block:
            return
        if block.count(0) != len(block):
            raise ArchiveDamaged(
                f"an unreadable member header after {tar.offset:,} bytes, with more data after it "
                "(the members after it could not be read)"
            )


def iter_raw(root: Path) -> Iterator[RawFile]:
    if is_archive(root):
        return iter_archive(root)
    if not root.is_dir():
        raise FileNotFoundError(f"raw folder {root} does not exist (nor is it a .tar archive)")
    return iter_folder(root)
