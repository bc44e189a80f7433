"""What changed since the last build, kept as a history readers can follow (``changes.html``,
``feed.xml``: :mod:`analysis.publish.site.news`).

After every render, the corpus it rendered from is compared with the one the last build of the same
reports folder saw (a snapshot of its statements kept under ``build/news/``), and the findings of the
reports with what they said before the render. A build that changed something (statements came or
went, a finding's sentence changed, a report came or went) adds one entry to ``reports/changes.json``:
its time, the corpus version, the new statements by source and by speaker (the newest listed), those
removed, and each changed finding before and after. The time is read from the data, not the clock, so
that the same inputs and history give the same bytes: the date of the newest statement that came in
(the corpus's last date for the first build), never earlier than the entry before it;
``SOURCE_DATE_EPOCH``, when set, stands for it. A build that changed nothing adds nothing. The
history is published (``changes.json``), so a build elsewhere (CI) goes on from the one it restores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from analysis import config
from analysis.parquet import read_parquet, write_parquet
from analysis.publish.site import news as site

HISTORY = "changes.json"
SNAPSHOT_COLUMNS = ["doc_id", "date", "title", "source", "source_url", "speakers"]
LISTED = 50  # new statements listed by title in one entry (the newest); all are counted
SPEAKERS = 12  # speakers listed with their new statements in one entry (most first)


def findings(reports_dir: Path, names) -> dict[str, dict]:
    """Each named report's published title and finding (``report.json``), for those that have one."""
    out = {}
    for name in names:
        try:
            meta = json.loads((reports_dir / name / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out[name] = {"title": meta.get("title") or name, "finding": meta.get("finding")}
    return out


def record(reports_dir: Path, build_dir: Path, gen: Path, corpus: dict, before: dict, after: dict) -> dict | None:
    """Compare generation ``gen`` with the last build's snapshot and the findings ``before`` the render
    with those ``after``; add an entry to the history when something changed; write the page and the
    feed. Returns the entry added (None: nothing changed)."""
    reports_dir, snapshot = Path(reports_dir), _snapshot_path(build_dir, reports_dir)
    history = _load(reports_dir / HISTORY)
    now = read_parquet(gen / config.DOCUMENTS_FILE, SNAPSHOT_COLUMNS)
    old = read_parquet(snapshot) if snapshot.is_file() else None
    last = history[-1]["updated"] if history else ""
    entry = _entry(now, old, corpus, before, after, first=not history and old is None, last=last)
    if entry is not None:
        history.append(entry)
        text = json.dumps({"entries": history}, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        (reports_dir / HISTORY).write_text(text, encoding="utf-8")
    if entry is not None or not snapshot.is_file():
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(now, snapshot)
    site.write(reports_dir, history, corpus)
    return entry


def _snapshot_path(build_dir: Path, reports_dir: Path) -> Path:
    key = hashlib.sha256(str(Path(reports_dir).resolve()).encode()).hexdigest()[:16]
    return Path(build_dir) / "news" / f"{key}.parquet"


def _load(path: Path) -> list[dict]:
    """The history (none before the first build); one that cannot be read is set aside, said on stderr,
    and a new one begins (never silently: the old file is kept as ``changes.json.unreadable``)."""
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("entries")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError("no list of entries")
        return entries
    except (OSError, ValueError, AttributeError) as exc:
        kept = path.with_name(path.name + ".unreadable")
        path.replace(kept)
        print(f"render: {path} cannot be read ({exc}); kept as {kept.name}, a new history begins", file=sys.stderr)
        return []


def _entry(now: pa.Table, old: pa.Table | None, corpus: dict, before: dict, after: dict, *, first: bool, last: str):
    ids = now["doc_id"]
    new = now if old is None else now.filter(pc.invert(pc.is_in(ids, value_set=old["doc_id"])))
    gone = old.filter(pc.invert(pc.is_in(old["doc_id"], value_set=ids))) if old is not None else now.slice(0, 0)
    changed = [
        {
            "report": name,
            "title": (after.get(name) or before[name])["title"],
            "before": (before.get(name) or {}).get("finding"),
            "after": (after.get(name) or {}).get("finding"),
        }
        for name in sorted(set(before) | set(after))
        if (before.get(name) or {}).get("finding") != (after.get(name) or {}).get("finding")
    ]
    if not (new.num_rows or gone.num_rows or changed):
        return None
    return {
        "updated": _when(new, last),
        "first": first,
        "corpus_to": str(corpus.get("corpus_version", "unknown")),
        "new": _statements(new),
        "removed": _statements(gone, speakers=False),
        "findings": changed,
    }


def _statements(table: pa.Table, *, speakers: bool = True) -> dict:
    """How many statements, by source and by speaker (pairs: the most first), and the newest listed."""
    rows = table.sort_by([("date", "descending"), ("doc_id", "ascending")]).to_pylist()
    by_speaker: Counter[str] = Counter()
    for r in rows if speakers else ():
        by_speaker.update({s.strip() for s in (r["speakers"] or "").split(";") if s.strip()})
    ranked = sorted(by_speaker.items(), key=lambda kv: (-kv[1], kv[0]))
    listed = [
        {k: (str(r[k]) if r[k] is not None else "") for k in ("doc_id", "date", "title", "source", "source_url")}
        for r in rows[:LISTED]
    ]
    return {
        "count": len(rows),
        "by_source": [list(kv) for kv in sorted(Counter(r["source"] or "" for r in rows).items())],
        "by_speaker": [list(kv) for kv in ranked[:SPEAKERS]],
        "speakers_more": max(0, len(ranked) - SPEAKERS),
        "statements": listed,
        "listed_more": max(0, len(rows) - LISTED),
    }


def _when(new: pa.Table, last: str) -> str:
    """An entry's time (RFC 3339, UTC): ``SOURCE_DATE_EPOCH`` when set; else the newest date among the
    statements that came in, and never before ``last`` (the entry before it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime(STAMP)
    newest = pc.max(new["date"]).as_py() if new.num_rows else None
    stamp = dt.datetime.combine(newest, dt.time(), dt.UTC).strftime(STAMP) if newest else ""
    return max(stamp, last) or "1970-01-01T00:00:00Z"


STAMP = "%Y-%m-%dT%H:%M:%SZ"
