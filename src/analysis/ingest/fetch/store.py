"""Where :mod:`analysis.ingest.fetch` puts what it downloads: raw files that are never overwritten, each
with a sidecar naming its URL, retrieval time and licence; what a source's last runs learnt (ETags,
Last-Modified, which URL became which file) and the log of each run.

A file is written under a temporary name and linked to its final one, which fails if that exists: a
raw file is never replaced, even by two runs at once. A page that changed since it was stored is saved
beside it as ``<name>.v2.html`` (then v3…), with its own sidecar.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SIDECAR = ".meta.yaml"
LOG_FIELDS = ["url", "outcome", "file", "reason"]


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless a file is there already (atomically: never half a file, never
    over another); True when written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".fetch-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def sidecar_text(facts: dict, note: str) -> bytes:
    """A ``.meta.yaml`` sidecar: a comment line and the facts (keys in the given order)."""
    body = yaml.safe_dump(facts, sort_keys=False, allow_unicode=True, width=1000)
    return (f"# {note}\n" + body).encode("utf-8")


def versions(folder: Path, stem: str, suffix: str) -> list[Path]:
    """The stored versions of ``stem`` (``12345.html``, ``12345.v2.html``, …), oldest first."""
    found = [folder / f"{stem}{suffix}"] if (folder / f"{stem}{suffix}").is_file() else []
    numbered = []
    for p in folder.glob(f"{stem}.v*{suffix}"):
        m = re.fullmatch(re.escape(stem) + r"\.v(\d+)" + re.escape(suffix), p.name)
        if m:
            numbered.append((int(m.group(1)), p))
    return found + [p for _, p in sorted(numbered)]


def save(folder: Path, stem: str, suffix: str, data: bytes, facts: dict, note: str) -> tuple[str, Path | None]:
    """Store ``data`` as ``stem`` (a new version when an older, different one is there) with its sidecar:
    ("saved" | "new version" | "unchanged", the file written)."""
    stored = versions(folder, stem, suffix)
    if stored and stored[-1].read_bytes() == data:
        return "unchanged", None
    name = stem if not stored else f"{stem}.v{len(stored) + 1}"
    path = folder / f"{name}{suffix}"
    if not write_new(path, data):  # another run wrote it meanwhile
        return "unchanged", None
    write_new(folder / f"{name}{SIDECAR}", sidecar_text(facts, note))
    return ("new version" if stored else "saved"), path


def slug_name(title: str, link: str, date: dt.date | None) -> str:
    """ "2026-12-01-remarks-at-the-summit-1a2b3c4d": a feed item's file stem (date, title, link's hash)."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-") or "item"
    digest = hashlib.sha256(link.encode("utf-8")).hexdigest()[:8]
    return f"{date.isoformat() if date else 'undated'}-{words}-{digest}"


@dataclass
class State:
    """What the runs of one source learnt, kept as JSON: each URL's ETag and Last-Modified."""

    path: Path
    urls: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        urls = data.get("urls") if isinstance(data, dict) else None
        return cls(path, urls if isinstance(urls, dict) else {})

    def validators(self, url: str) -> dict[str, str]:
        known = self.urls.get(url) or {}
        return {"etag": str(known.get("etag") or ""), "last_modified": str(known.get("last_modified") or "")}

    def remember(self, url: str, etag: str, last_modified: str) -> None:
        self.urls[url] = {"etag": etag, "last_modified": last_modified}
        self.save()  # after every page: an interrupted run keeps what it learnt

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"urls": self.urls}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path)


@dataclass
class Log:
    """Every URL of a run with what became of it (saved, new version, unchanged, stored before, skipped,
    failed) and why; written as CSV."""

    rows: list[dict] = field(default_factory=list)

    def add(self, url: str, outcome: str, file: Path | str = "", reason: str = "") -> None:
        self.rows.append({"url": url, "outcome": outcome, "file": str(file), "reason": reason})

    def count(self, outcome: str) -> int:
        return sum(r["outcome"] == outcome for r in self.rows)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, LOG_FIELDS)
            writer.writeheader()
            writer.writerows(self.rows)
