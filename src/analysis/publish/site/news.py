"""What changed from build to build, for readers: ``reports/changes.html`` and the Atom feed
``reports/feed.xml``, drawn from the history ``reports/changes.json`` that
:mod:`analysis.publish.render.news` keeps (one entry per build that changed something).

Both are made from the history alone, never from the clock: the same history gives the same bytes.
An entry's anchor on the page is ``#build-N`` (N: its place in the history, from 1).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from analysis.publish.sentences.text import plural
from analysis.publish.site.html import render
from analysis.publish.site.pages import page

PAGE, FEED = "changes.html", "feed.xml"
SHOWN = 100  # entries on the page (the newest)
FED = 50  # entries in the feed
NAMESPACE = uuid.UUID("7d9b5a52-3f0e-5c4b-9d51-0f6e3c1a2b7e")  # Refrain's: the feed's and entries' ids


def entry_id(entry: dict, n: int) -> str:
    """An entry's permanent id: a name-based UUID of its place in the history, its time and the corpus it
    describes."""
    return uuid.uuid5(NAMESPACE, f"{n} {entry['updated']} {entry['corpus_to']}").urn


def title(entry: dict) -> str:
    """ "3 new statements (en.kremlin.ru 2, Miller Center 1); 1 finding changed"."""
    new, findings = entry["new"], entry.get("findings") or []
    parts = [f"{plural(new['count'], 'new statement')}" if not entry.get("first") else "First build"]
    if new["by_source"]:
        parts[0] += " (" + ", ".join(f"{s} {n}" for s, n in new["by_source"]) + ")"
    if entry["removed"]["count"]:
        parts.append(f"{plural(entry['removed']['count'], 'statement')} removed")
    if findings:
        parts.append(f"{plural(len(findings), 'finding')} changed")
    return "; ".join(parts)


def _shown(entry: dict, n: int) -> dict:
    anchor = f"build-{n + 1}"
    values = {
        **entry,
        "anchor": anchor,
        "when": entry["updated"][:10],
        "new_text": plural(entry["new"]["count"], "new statement"),
        "removed_text": plural(entry["removed"]["count"], "statement"),
    }
    values["body"] = render("changes_entry.html", e=values)
    values["id"], values["title"] = entry_id(entry, n), title(entry)
    return values


def write(reports_dir: Path, history: list[dict], corpus: dict) -> None:
    """``changes.html`` (newest first, with the house footer of ``corpus``) and ``feed.xml`` from
    ``history`` (oldest first)."""
    shown = [_shown(e, n) for n, e in reversed(list(enumerate(history)))]
    body = render(PAGE, entries=shown[:SHOWN])
    (reports_dir / PAGE).write_text(page(title="What changed", body=body, corpus=corpus), encoding="utf-8")
    fed = [{**e, "body": str(e["body"])} for e in shown[:FED]]  # the feed carries the HTML as text (type="html")
    feed = render(
        FEED,
        feed_id=uuid.uuid5(NAMESPACE, "feed").urn,
        updated=history[-1]["updated"] if history else "1970-01-01T00:00:00Z",
        entries=fed,
    )
    (reports_dir / FEED).write_text(str(feed) + "\n", encoding="utf-8")
