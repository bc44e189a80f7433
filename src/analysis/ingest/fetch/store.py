"""Where :mod:`analysis.ingest.fetch` puts what it downloads: raw files that are never overwritten, each
with a sidecar naming its URL, retrieval time and licence; what a source's runs learnt (ETags and
Last-Modified dates, the URLs to try again, how far a list was walked) and the log of each run.

A file is written under a temporary name and linked to its final one, which fails if that exists: a
raw file is never replaced, even by two runs at once, and never seen half-written. The sidecar is
written before its file, so a run stopped between the two leaves a sidecar waiting for its file (the
next run stores the file beside it), never a file without its provenance. A page that changed since it
was stored is saved beside it as ``<name>.v2.html`` (then v3…), with its own sidecar.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import csvout

SIDECAR = ".meta.yaml"
LOG_FIELDS = ["url", "outcome", "file", "reason"]
OUTCOMES = ("saved", "new version", "unchanged", "stored before", "skipped", "failed")


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
    for p in folder.glob(f"{glob_escape(stem)}.v*{suffix}"):
        m = re.fullmatch(re.escape(stem) + r"\.v(\d+)" + re.escape(suffix), p.name)
        if m:
            numbered.append((int(m.group(1)), p))
    return found + [p for _, p in sorted(numbered)]


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def save(folder: Path, stem: str, suffix: str, data: bytes, facts: dict, note: str) -> tuple[str, Path | None]:
    """Store ``data`` as ``stem`` (a new version when an older, different one is there) with its sidecar:
    ("saved" | "new version" | "unchanged", the file written)."""
    stored = versions(folder, stem, suffix)
    if stored and stored[-1].read_bytes() == data:
        return "unchanged", None
    name = stem if not stored else f"{stem}.v{len(stored) + 1}"
    path = folder / f"{name}{suffix}"
    write_new(folder / f"{name}{SIDECAR}", sidecar_text(facts, note))  # kept if one waits there already
    if not write_new(path, data):  # another run wrote it meanwhile
        return "unchanged", None
    return ("new version" if stored else "saved"), path


def slug_name(title: str, link: str, date: dt.date | None) -> str:
    """ "2026-12-01-remarks-at-the-summit-1a2b3c4d": a feed item's file stem (date, title, link's hash)."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].rstrip("-") or "item"
    digest = hashlib.sha256(link.encode("utf-8")).hexdigest()[:8]
    return f"{date.isoformat() if date else 'undated'}-{words}-{digest}"


def stored_item(folder: Path, stem: str, suffix: str) -> list[Path]:
    """The files of a feed item stored before under any date and title (a stem of :func:`slug_name` ends
    with the hash of the item's link: an item whose title or date was edited is the same item)."""
    digest = stem.rsplit("-", 1)[-1]
    return sorted(folder.glob(f"*-{digest}{suffix}")) + sorted(folder.glob(f"*-{digest}.v*{suffix}"))


@contextlib.contextmanager
def locked(path: Path):
    """Hold ``path`` locked while a source is fetched: a second run of the same source at once is refused
    (with an :class:`OSError` saying so) rather than racing the first for its state."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OSError(f"{path}: another fetch of this source is running; try again when it is done") from None
        yield


@dataclass
class State:
    """What the runs of one source learnt, kept as JSON and saved after every change (an interrupted run
    keeps what it learnt): each URL's ETag and Last-Modified (``urls``), the statement URLs that failed
    for now and are tried again first next time (``pending``), and each list's walk (``walks``: whether
    the last one finished, and the list page a walk must reach before it may stop early)."""

    path: Path
    urls: dict[str, dict] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    walks: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        data = data if isinstance(data, dict) else {}

        def part(key: str) -> dict:
            value = data.get(key)
            return value if isinstance(value, dict) else {}

        return cls(path, part("urls"), part("pending"), part("walks"))

    def validators(self, url: str) -> dict[str, str]:
        known = self.urls.get(url) or {}
        return {"etag": str(known.get("etag") or ""), "last_modified": str(known.get("last_modified") or "")}

    def remember(self, url: str, etag: str, last_modified: str) -> None:
        if etag or last_modified:
            self.urls[url] = {"etag": etag, "last_modified": last_modified}
        else:
            self.urls.pop(url, None)
        self.save()

    def later(self, url: str, reason: str) -> None:
        """``url`` failed for now: try it again next run."""
        self.pending[url] = reason
        self.save()

    def done(self, url: str) -> None:
        if self.pending.pop(url, None) is not None:
            self.save()

    def walk_starts(self, base: str) -> int:
        """A walk of list ``base`` starts: the page it must reach (that of a walk that did not finish)."""
        last = self.walks.get(base) or {}
        reach = int(last.get("reach") or 0) if not last.get("finished", True) else 0
        self.walks[base] = {"finished": False, "reach": reach}
        self.save()
        return reach

    def walked(self, base: str, page: int) -> None:
        """List page ``page`` of ``base`` is done: a walk stopped from now on goes at least to the next."""
        self.walks[base]["reach"] = max(int(self.walks[base]["reach"]), page + 1)
        self.save()

    def walk_finished(self, base: str) -> None:
        self.walks[base] = {"finished": True, "reach": 0}
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"urls": self.urls, "pending": self.pending, "walks": self.walks}
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=self.path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(data, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, self.path)


@dataclass
class Log:
    """Every URL of a run with what became of it (``list`` and ``feed`` for the pages read to find
    statements; then one of :data:`OUTCOMES`) and why; written as CSV."""

    rows: list[dict] = field(default_factory=list)
    read: int = 0  # list pages and feeds read (200 or 304)

    def add(self, url: str, outcome: str, file: Path | str = "", reason: str = "") -> None:
        self.rows.append({"url": url, "outcome": outcome, "file": str(file), "reason": reason})

    def count(self, outcome: str) -> int:
        return sum(r["outcome"] == outcome for r in self.rows)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".log-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            out = csvout.writer(fh)  # a URL or title from a source is never a spreadsheet formula
            out.writerow(LOG_FIELDS)
            out.writerows([row[k] for k in LOG_FIELDS] for row in self.rows)
        os.replace(tmp, path)
