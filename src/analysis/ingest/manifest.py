"""What a generation holds, and checking it: ``manifest.json`` lists every file of a generation with its size and
SHA-256 (written last, by :func:`write_manifest`); :func:`verify` checks a generation against it, hashing each
file once (``.verified.json``, beside the generations folder, keeps the status of the files that passed). The
generations themselves: :mod:`analysis.ingest.generations`.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analysis.errors import CorpusError

MANIFEST = "manifest.json"
VERIFIED = ".verified.json"


def write_manifest(gen: Path, known: dict[str, dict]) -> dict:
    """``manifest.json``: every file of the generation with its size and SHA-256 (those ``known``, the
    files linked or hashed as they were written, are not hashed again)."""
    files = {}
    for rel, st in sorted(_regular_files(gen).items()):
        if rel != MANIFEST:
            files[rel] = known[rel] if rel in known and known[rel]["bytes"] == st.st_size else None
    fresh = [rel for rel, entry in files.items() if entry is None]
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:  # hashlib lets go of the GIL
        files.update(zip(fresh, pool.map(manifest_entry, [gen / rel for rel in fresh]), strict=True))
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
    """What is wrong with a generation: files missing, of the wrong size (or hash), or not in the manifest.

    With ``hashes``, every file's SHA-256 is checked, once: files whose status (size, mtime, ctime,
    inode) is as when they last passed are not hashed again (``.verified.json`` beside the
    generations, written when the folder is writable)."""
    manifest = read_manifest(gen)
    problems = []
    cache = _read_cache(gen.parent.parent / VERIFIED).get(gen.name, {}) if hashes else {}
    passed: dict[str, list[int]] = {}
    present = _regular_files(gen)
    for rel, meta in manifest["files"].items():
        st = present.get(rel)
        if st is None:
            problems.append(f"{rel}: missing")
        elif st.st_size != meta["bytes"]:
            problems.append(f"{rel}: {st.st_size} bytes, the manifest says {meta['bytes']}")
        elif hashes:
            status = _status(st)
            if cache.get(rel) != status and _sha256(gen / rel) != meta["sha256"]:
                problems.append(f"{rel}: content differs from the manifest (a damaged file); run ingest again")
            else:
                passed[rel] = status
    extra = sorted(rel for rel in present if rel.endswith(".parquet") and rel not in manifest["files"])
    problems += [f"{rel}: not in the manifest (never read)" for rel in extra]
    if hashes and not problems and passed != cache:
        _write_cache(gen, passed)
    return problems


def record_verified(gen: Path, manifest: dict) -> None:
    """Record the status of each file of a generation just written in ``.verified.json``: each was hashed
    for its manifest, or verified by hash and linked from the one before (so the next ingest need not hash
    it again)."""
    present = _regular_files(gen)
    _write_cache(gen, {rel: _status(present[rel]) for rel in manifest["files"]})


def _status(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _regular_files(gen: Path) -> dict[str, os.stat_result]:
    """Every regular file under ``gen`` (a link to a file followed, as :meth:`Path.is_file` does; a link to a
    folder not, as :meth:`Path.rglob` does not) by its path there with '/', and its status: one ``stat`` a
    file, paths as text (a generation has a few hundred files). A folder that cannot be read is left out: its
    files are then missing, as the manifest's check says."""
    out: dict[str, os.stat_result] = {}
    stack = [("", str(gen))]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((prefix + entry.name + "/", entry.path))
            elif entry.is_file():
                out[prefix + entry.name] = entry.stat()
    return out


def _read_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(gen: Path, passed: dict[str, list[int]]) -> None:
    """``passed`` as ``gen``'s entry of ``.verified.json`` (beside the generations folder), the entries of
    generations gone dropped."""
    path = gen.parent.parent / VERIFIED
    data = {k: v for k, v in _read_cache(path).items() if (gen.parent / k).is_dir()}
    data[gen.name] = passed
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only folder: verified again next time
        tmp.unlink(missing_ok=True)


def files(gen: Path, prefix: str) -> list[Path]:
    """The manifest's files under ``prefix`` (e.g. the turn parts), in order."""
    return [gen / rel for rel in sorted(read_manifest(gen)["files"]) if rel.startswith(prefix)]


def manifest_entry(path: Path) -> dict:
    """A file's entry in the manifest: its size and SHA-256."""
    return {"bytes": path.stat().st_size, "sha256": _sha256(path)}


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
