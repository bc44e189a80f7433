"""What changed from build to build: reports/changes.html and the Atom feed reports/feed.xml, one entry per
build that changed something (new statements by source and speaker, findings before and after)."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from analysis.ingest import generations, ingest
from analysis.publish.render import news
from analysis.publish.site.gallery import corpus_info
from tests.conftest import FIXTURES

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def atom_entries(path: Path) -> list[ET.Element]:
    """The feed's entries, after checking what RFC 4287 requires of a feed and its entries."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, f"feed needs exactly one {name}"
    assert RFC3339.fullmatch(root.findtext(f"{ATOM}updated"))
    feed_has_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i and i.startswith("urn:") for i in ids)
    for e in entries:
        for name in ("id", "title", "updated"):
            assert len(e.findall(f"{ATOM}{name}")) == 1, f"entry needs exactly one {name}"
        assert RFC3339.fullmatch(e.findtext(f"{ATOM}updated"))
        assert feed_has_author or e.find(f"{ATOM}author") is not None
        assert e.find(f"{ATOM}content") is not None or e.find(f"{ATOM}link[@rel='alternate']") is not None
        content = e.find(f"{ATOM}content")
        assert content is None or content.get("type") in ("text", "html", "xhtml")
    return entries


def statement(raw: Path, name: str, *, speaker: str, source: str, date: str, title: str = "") -> None:
    (raw / "statements" / f"{name}.md").write_text(
        f"---\ntitle: {json.dumps(title or name)}\ndate: {date}\nspeaker: {speaker}\nsource: {source}\n"
        f"source_url: https://example.org/{name}\n---\n{speaker}'s words in {name}.\n",
        encoding="utf-8",
    )


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    return raw, tmp_path / "processed", tmp_path / "reports", tmp_path / "build"


def build(raw: Path, processed: Path, reports: Path, build_dir: Path, before: dict, after: dict):
    ingest(raw, processed, quiet=True)
    gen = generations.current(processed)
    reports.mkdir(exist_ok=True)
    return news.record(reports, build_dir, gen, corpus_info(gen), before, after)


def files(reports: Path) -> dict[str, bytes]:
    return {n: (reports / n).read_bytes() for n in ("changes.html", "feed.xml", "changes.json")}


def test_each_build_that_changed_something_adds_one_entry_and_a_quiet_one_none(site, monkeypatch):
    raw, processed, reports, build_dir = site
    found = {"phrases": {"title": "Phrases", "finding": "He said it 3 times."}}
    first = build(raw, processed, reports, build_dir, {}, found)
    assert first is not None and first["first"] and first["new"]["count"] >= 3
    assert first["updated"] == "2026-01-01T00:00:00Z"
    assert [e.findtext(f"{ATOM}title") for e in atom_entries(reports / "feed.xml")] == [news.site.title(first)]
    before = files(reports)

    assert build(raw, processed, reports, build_dir, found, found) is None  # nothing changed: nothing added
    assert files(reports) == before

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later
    statement(raw, "merkel-1", speaker="Angela Merkel", source="Bundesregierung", date="2021-07-02")
    statement(
        raw, "putin-2", speaker="Vladimir Putin", source="Test fixture", date="2021-07-03", title="On <b>tests</b>"
    )
    changed = {"phrases": {"title": "Phrases", "finding": "He said it 4 times."}}
    entry = build(raw, processed, reports, build_dir, found, changed)
    assert entry is not None and not entry["first"]
    assert entry["new"]["count"] == 2 and entry["removed"]["count"] == 0
    assert entry["new"]["by_source"] == [["Bundesregierung", 1], ["Test fixture", 1]]
    assert entry["new"]["by_speaker"] == [["Angela Merkel", 1], ["Vladimir Putin", 1]]
    assert [d["doc_id"] for d in entry["new"]["statements"]] == ["statements-putin-2", "statements-merkel-1"]
    assert entry["findings"] == [
        {"report": "phrases", "title": "Phrases", "before": "He said it 3 times.", "after": "He said it 4 times."}
    ]
    entries = atom_entries(reports / "feed.xml")
    assert len(entries) == 2 and entries[0].findtext(f"{ATOM}updated") == "2026-01-02T00:00:00Z"  # newest first
    assert (
        entries[0].findtext(f"{ATOM}title") == "2 new statements (Bundesregierung 1, Test fixture 1); 1 finding changed"
    )
    content = entries[0].findtext(f"{ATOM}content")  # HTML carried as text: the source's markup escaped in it
    assert "He said it 3 times." in content and "He said it 4 times." in content
    assert "On &lt;b&gt;tests&lt;/b&gt;" in content and "<b>" not in content
    page = (reports / "changes.html").read_text(encoding="utf-8")
    assert "On &lt;b&gt;tests&lt;/b&gt;" in page and 'href="https://example.org/merkel-1"' in page
    assert page.index("2026-01-02") < page.index("2026-01-01")  # newest first
    assert len(json.loads((reports / "changes.json").read_text(encoding="utf-8"))["entries"]) == 2


def test_statements_removed_and_a_report_gone_are_changes(site, monkeypatch):
    raw, processed, reports, build_dir = site
    statement(raw, "short-lived", speaker="Angela Merkel", source="Bundesregierung", date="2021-07-02")
    found = {"a": {"title": "A", "finding": "One."}, "b": {"title": "B", "finding": "Two."}}
    build(raw, processed, reports, build_dir, {}, found)
    (raw / "statements" / "short-lived.md").unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
    entry = build(raw, processed, reports, build_dir, found, {"a": found["a"]})
    assert entry["removed"]["count"] == 1 and entry["new"]["count"] == 0
    assert entry["findings"] == [{"report": "b", "title": "B", "before": "Two.", "after": None}]
    assert "No longer published" in (reports / "changes.html").read_text(encoding="utf-8")


def test_the_history_is_read_back_from_the_published_folder(site, monkeypatch):
    """CI restores the last published reports (their changes.json) without build/: the next build goes on
    from that history and lists what came in since (here, everything, as its snapshot is gone)."""
    raw, processed, reports, build_dir = site
    build(raw, processed, reports, build_dir, {}, {})
    shutil.rmtree(build_dir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
    statement(raw, "later", speaker="Vladimir Putin", source="Test fixture", date="2021-08-01")
    entry = build(raw, processed, reports, build_dir, {}, {})
    assert entry is not None and not entry["first"]
    assert len(atom_entries(reports / "feed.xml")) == 2


def test_an_entrys_time_comes_from_the_data_so_a_rebuild_gives_the_same_bytes(tmp_path, monkeypatch):
    """Without SOURCE_DATE_EPOCH, an entry is dated by the newest statement that came in (never before the
    entry before it): two builds of the same inputs, at any hour, write the same bytes."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "raw", raw)
    runs = []
    for name in ("one", "two"):
        reports = tmp_path / name / "reports"
        first = build(raw, tmp_path / name / "processed", reports, tmp_path / name / "build", {}, {})
        assert first["updated"] == "2021-06-01T00:00:00Z"  # the corpus's newest statement
        runs.append(files(reports))
    assert runs[0] == runs[1]
    statement(raw, "backfill", speaker="Vladimir Putin", source="Test fixture", date="2015-01-01")
    entry = build(raw, tmp_path / "one" / "processed", tmp_path / "one" / "reports", tmp_path / "one" / "build", {}, {})
    assert entry["updated"] == "2021-06-01T00:00:00Z"  # an older statement: not before the last entry
    entries = atom_entries(tmp_path / "one" / "reports" / "feed.xml")
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2  # same time, still two ids


def test_an_unreadable_history_is_set_aside_and_said(site, capsys):
    raw, processed, reports, build_dir = site
    reports.mkdir()
    (reports / "changes.json").write_text("{not json", encoding="utf-8")
    entry = build(raw, processed, reports, build_dir, {}, {})
    assert entry is not None  # the build is recorded in the new history
    assert (reports / "changes.json.unreadable").read_text(encoding="utf-8") == "{not json"
    assert "changes.json cannot be read" in capsys.readouterr().err
    assert len(atom_entries(reports / "feed.xml")) == 1
