"""The explorer's data files (:mod:`analysis.publish.explorer.build`): how they are encoded and written,
which of the last build's are linked instead (:class:`Reuse`), and the speakers' texts by month.

Every data file is a script, one call of the page's loader (:func:`script`) with JSON arguments; binary
parts are unsigned LEB128 varints (:func:`varints`), deflated and base64-encoded (:func:`packed`).
"""

from __future__ import annotations

import base64
import collections
import hashlib
import json
import mmap
import os
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from analysis import config
from analysis.text import spoken

CHUNK = 1 << 22  # values encoded at once (bounds the temporary arrays)


def varints(values) -> bytes:
    """Unsigned LEB128 of each value (non-negative integers), end to end (a few million at a time)."""
    return varint_stream(np.asarray(values, dtype=np.uint64))[0]


def few_varints(*values: int) -> bytes:
    """:func:`varints` of a few values (a record's header) in plain Python: NumPy costs more per call."""
    out = bytearray()
    for x in values:
        while x >= 0x80:
            out.append((x & 0x7F) | 0x80)
            x >>= 7
        out.append(x)
    return bytes(out)


def _encode(v: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Varints of ``v`` (uint64) and where each one starts (int64), one more: the end."""
    width = np.ones(len(v), dtype=np.uint8)
    for b in range(1, 10):
        longer = v >= np.uint64(1 << (7 * b))
        if not longer.any():
            break
        width += longer
    ends = np.zeros(len(v) + 1, dtype=np.int64)
    np.cumsum(width, dtype=np.int64, out=ends[1:])
    at = ends[:-1]
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    out[at] = (v & np.uint64(0x7F)).astype(np.uint8) | ((width > 1).astype(np.uint8) << 7)
    for b in range(1, int(width.max()) if len(v) else 0):  # the few longer values, a byte at a time
        live = np.flatnonzero(width > b)
        low = ((v[live] >> np.uint64(7 * b)) & np.uint64(0x7F)).astype(np.uint8)
        out[at[live] + b] = low | ((width[live] > b + 1).astype(np.uint8) << 7)
    return out.tobytes(), ends


LEVEL = 4  # zlib's: on the default corpus's 78 MB of data 1.6 s and 50.1 MiB; level 6, 3.4 s and 48.8 MiB


def packed(data: bytes) -> str:
    """Deflated (zlib, :data:`LEVEL`) and base64-encoded: what the page inflates with
    ``DecompressionStream("deflate")``."""
    return base64.b64encode(zlib.compress(data, LEVEL)).decode("ascii")


def script(call: str, *args) -> str:
    """A data file: one call of the page's loader with JSON arguments (``</`` escaped for a script)."""
    text = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    return "Refrain." + call + "(" + text.replace("</", "<\\/") + ");\n"


class Reuse:
    """The data files of the last build (``previous``, the published folder) whose data are unchanged:
    linked into the new folder, not deflated and written again. What each file held is kept in
    ``record`` (None: nothing kept): a digest of its data and of its bytes, its size, modification time
    and inode; and the build's layout (:attr:`layout`: what decides which files a change touches). A file
    whose status changed (restored from a cache, changed by hand) is linked only if its bytes still hash
    the same. ``code``: the layout and the code that writes it (another: nothing reused)."""

    def __init__(self, previous: Path, record: Path | None, code: str, *, read: bool = True) -> None:
        self.previous, self.record, self.code = str(previous), record, code
        self.old: dict[str, list] = {}
        self.layout: dict = {}  # the last build's
        if read and record is not None:
            try:
                saved = json.loads(record.read_text(encoding="utf-8"))
                if saved.get("code") == code:
                    self.old, self.layout = saved["files"], saved["layout"]
            except (OSError, ValueError, KeyError, TypeError):
                self.old, self.layout = {}, {}
        self.new_layout: dict = {}
        self.digests: dict[str, tuple[str, str]] = {}  # name: (of its data, of its bytes)
        self.sources: dict[str, str] = {}  # name: a digest of what its data are made from, when known
        self.linked: set[str] = set()  # (a set: two threads write files)

    def link(self, name: str, call: str, data: bytes, out: Path) -> bool:
        """Link ``name`` of the last build into ``out`` when it was written from the same ``data``."""
        digest = _digest(call.encode() + b"|" + data)
        self.digests[name] = (digest, "")
        old = self.old.get(name)
        return old is not None and old[0] == digest and self.keep(name, out)

    def known(self, name: str, source: str, out: Path) -> bool:
        """Link ``name`` of the last build into ``out`` when its data were made from the same ``source``."""
        old = self.old.get(name)
        if old is None or len(old) < 6 or not source or old[5] != source or not self.keep(name, out):
            return False
        self.sources[name] = source
        return True

    def keep(self, name: str, out: Path) -> bool:
        """Link ``name`` of the last build into ``out`` as it is (its data are known to be unchanged), if
        it is still what the last build wrote."""
        old = self.old.get(name)
        if not old:
            return False
        source = os.path.join(self.previous, name)
        try:
            st = os.stat(source)
            if [st.st_size, st.st_mtime_ns, st.st_ino] != old[1:4]:
                with open(source, "rb") as fh:
                    if st.st_size != old[1] or _digest(fh.read()) != old[4]:
                        return False
            os.link(source, os.path.join(out, name))
        except OSError:
            return False
        self.digests[name] = (old[0], old[4])
        self.linked.add(name)
        return True

    def wrote(self, name: str, content: bytes) -> None:
        if name in self.digests:
            self.digests[name] = (self.digests[name][0], _digest(content))

    def save(self, final: Path) -> None:
        """Record what the new build's files hold (``final``: where they are now published)."""
        if self.record is None:
            return
        files = {}
        for name, (data, content) in sorted(self.digests.items()):
            st = os.stat(os.path.join(final, name))
            files[name] = [data, st.st_size, st.st_mtime_ns, st.st_ino, content, self.sources.get(name, "")]
        self.record.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.record.with_suffix(".tmp")
        saved = {"code": self.code, "layout": self.new_layout, "files": files}
        tmp.write_text(json.dumps(saved, separators=(",", ":")), encoding="utf-8")
        tmp.replace(self.record)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Packer:
    """Deflated data files written on a few threads (zlib lets go of the GIL while it compresses); at most
    ``ahead`` files wait to be written, so memory stays bounded. Use it in a ``with`` block. With
    ``reuse``, a file whose data are as at the last build is linked from it instead."""

    def __init__(self, out: Path, ahead: int = 16, reuse: Reuse | None = None) -> None:
        self.out, self.ahead, self.reuse = out, ahead, reuse
        self.pool = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
        self.waiting: collections.deque[Future] = collections.deque()

    def write(self, folder: str, call: str, key: str, data: bytes, source: str = "") -> None:
        """``<out>/<folder>/<key>.js``: one call ``Refrain.<call>(key, packed data)``; ``source``: a digest
        of what the data are made from (:meth:`Reuse.known`)."""
        if self.reuse is not None:
            if source:
                self.reuse.sources[f"{folder}/{key}.js"] = source
            if self.reuse.link(f"{folder}/{key}.js", call, data, self.out):
                return
        self.waiting.append(self.pool.submit(self._write, folder, call, key, data))
        while len(self.waiting) > self.ahead:
            self.waiting.popleft().result()

    def write_plain(self, folder: str, call: str, key: str, value) -> None:
        """``<out>/<folder>/<key>.js``: one call ``Refrain.<call>(key, value)``, not deflated."""
        content = script(call, key, value).encode("utf-8")
        name = f"{folder}/{key}.js"
        if self.reuse is not None and self.reuse.link(name, call, content, self.out):
            return
        (self.out / folder / f"{key}.js").write_bytes(content)
        if self.reuse is not None:
            self.reuse.wrote(name, content)

    def _write(self, folder: str, call: str, key: str, data: bytes) -> None:
        content = script(call, key, packed(data)).encode("utf-8")
        (self.out / folder / f"{key}.js").write_bytes(content)
        if self.reuse is not None:
            self.reuse.wrote(f"{folder}/{key}.js", content)

    def __enter__(self) -> Packer:
        return self

    def __exit__(self, *exc) -> None:
        try:
            while self.waiting:
                self.waiting.popleft().result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def vocab_key(token: str) -> str:
    """The vocabulary file of a word: its first two characters as hexadecimal code points."""
    return "-".join(f"{ord(c):04x}" for c in token[:2])


def iso(day: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()


def int_for(top: int) -> Any:  # the integer type of numbers below top: 4 bytes while they fit, else 8
    return np.int32 if top < 1 << 31 else np.int64


def varint_stream(values: np.ndarray, at=()) -> tuple[bytes, np.ndarray]:
    """:func:`varints` of ``values`` and where the values numbered ``at`` start (``len(values)``: the end).
    Encoded a few million at a time, and only the starts asked for are kept: the temporary arrays stay
    bounded however many values there are."""
    values = np.asarray(values)
    at = np.asarray(at, dtype=np.int64)
    found = np.zeros(len(at), dtype=np.int64)
    parts, done = [], 0
    for i in range(0, len(values), CHUNK):  # each chunk widened to 64 bits on its own
        data, starts = _encode(values[i : i + CHUNK].astype(np.uint64))
        mine = (at >= i) & (at < i + CHUNK)
        found[mine] = done + starts[at[mine] - i]
        parts.append(data)
        done += len(data)
    found[at >= len(values)] = done
    return b"".join(parts), found


def write_texts(index, out: Path, par_part, par_row, docs_used, doc_code, first_par, months, reuse=None) -> None:
    """``x/<speaker>-<month>.js``: the spoken text of a speaker's paragraphs of a month and their statements.
    A file whose paragraphs are the same rows of the same turn parts (by the parts' hashes in the
    generation's manifest), numbered and described the same, is linked from the last build (``reuse``);
    the texts of the others alone are read."""
    documents = index.documents
    ids = documents["doc_id"].to_pylist()
    titles = documents["title"].to_pylist() if "title" in documents.column_names else [""] * len(ids)
    urls = documents["source_url"].to_pylist() if "source_url" in documents.column_names else [""] * len(ids)
    hashes = part_hashes(index, f"{config.TURNS_FILE}/part-", ".parquet")
    todo = []
    for s in range(len(first_par) - 1):
        chunks: dict[str, list[int]] = {}
        for i in range(int(first_par[s]), int(first_par[s + 1])):
            chunks.setdefault(months[doc_code[i]], []).append(i)
        for month, members in chunks.items():
            used = sorted({int(doc_code[i]) for i in members})
            docs = {
                str(d): [
                    ids[docs_used[d]],
                    iso(index.doc_days[docs_used[d]]),
                    titles[docs_used[d]] or "",
                    urls[docs_used[d]] or "",
                ]
                for d in used
            }
            rows = [[i - int(first_par[s]), hashes.get(int(par_part[i])), int(par_row[i])] for i in members]
            source = "" if any(r[1] is None for r in rows) else _digest(json.dumps([rows, docs]).encode("utf-8"))
            if reuse is None or not reuse.known(f"x/{s}-{month}.js", source, out):
                todo.append((s, month, members, docs, source))
    texts: dict[int, str] = {}
    needed = np.array(sorted(i for _, _, members, _, _ in todo for i in members), dtype=np.int64)
    for k in np.unique(par_part[needed]).tolist():
        where = needed[par_part[needed] == k]
        shown, _sections = index.display(k, par_row[where])
        texts.update(zip(where.tolist(), (spoken(text or "") for text in shown), strict=True))
    with Packer(out, reuse=reuse) as packer:
        for s, month, members, docs, source in todo:
            body = {
                "paragraphs": [i - int(first_par[s]) for i in members],
                "texts": [texts[i] for i in members],
                "docs": docs,
            }
            data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            packer.write("x", "texts", f"{s}-{month}", data, source)


def part_hashes(index, prefix: str, suffix: str) -> dict[int, str]:
    """The SHA-256 in the generation's manifest of each file ``<prefix>NNN<suffix>``, by part number (a
    part's rows hold what they held while its hash is the same)."""
    from analysis.ingest.manifest import read_manifest

    found = {}
    for name, entry in read_manifest(index.generation)["files"].items():
        if name.startswith(prefix) and name.endswith(suffix) and entry.get("sha256"):
            found[int(name[len(prefix) : -len(suffix)])] = entry["sha256"]
    return found


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Named one-dimensional arrays in one file: a JSON header (each array's type, length and offset),
    then their bytes (:func:`read_arrays` maps them back without copying)."""
    header, at = {}, 0
    for name, a in arrays.items():
        header[name] = [a.dtype.str, len(a), at]
        at += a.nbytes
    head = json.dumps(header).encode()
    with open(path, "wb") as fh:
        fh.write(len(head).to_bytes(4, "little") + head)
        for a in arrays.values():
            fh.write(np.ascontiguousarray(a).tobytes())


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The arrays of :func:`write_arrays`, mapped from the file (read from disk only where used)."""
    with open(path, "rb") as fh:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    size = int.from_bytes(data[:4], "little")
    header = json.loads(data[4 : 4 + size])
    body = memoryview(data)[4 + size :]
    out = {}
    for name, (dtype, n, at) in header.items():
        kind = np.dtype(dtype)
        if at + n * kind.itemsize > len(body):
            raise ValueError(f"{path}: {name} is cut short")
        out[name] = np.frombuffer(body, dtype=kind, count=n, offset=at)
    return out
