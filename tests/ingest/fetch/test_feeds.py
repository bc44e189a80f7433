"""RSS 2.0 and Atom feeds fetched from a real server on 127.0.0.1: items as Markdown statements or their
linked pages, --since, item_filter, hostile and broken feeds, conditional requests, and the ingest of what
was stored (no warning for any fetched file)."""

from __future__ import annotations

import re

import pytest
import yaml

from analysis.ingest import ingest
from analysis.ingest.fetch.feeds import feed_items, paragraphs
from tests.ingest.fetch.server import configure, fixture, outcome, run, transcript

FRONT = {"speaker": "Vladimir Putin", "source": "example.org", "language": "en"}


def fetched_rows(result, folder: str) -> list[dict]:
    """The ingest report's rows of the files under ``folder``."""
    return [r for r in result.report if r["path"].startswith(folder + "/")]


def test_rss_and_atom_items_become_statements_the_ingest_reads(site, tmp_path):
    site.page("/rss.xml", fixture("rss.xml", site.base), etag='"r1"', content_type="application/rss+xml")
    site.page("/atom.xml", fixture("atom.xml", site.base), content_type="application/atom+xml")
    source = {"kind": "feed", "urls": ["/rss.xml", "/atom.xml"], "folder": "remarks", "front_matter": FRONT}
    cfg = configure(tmp_path, site, remarks=source)
    rows = run(tmp_path, cfg, since="2025-01-01")["remarks"]
    assert outcome(rows, "/rss.xml") == ("feed", "4 items") and outcome(rows, "/atom.xml") == ("feed", "2 items")
    assert outcome(rows, "/remarks/0") == ("skipped", "dated 2019-01-01, before --since 2025-01-01")
    assert outcome(rows, "No link") == ("skipped", "the item has no http(s) link")
    assert not any(p for p, _ in site.requests if p.startswith(("/remarks/", "/statements/")))  # items' own text
    folder = tmp_path / "raw" / "remarks"
    statements = sorted(folder.glob("*.md"))
    assert [re.sub(r"-[0-9a-f]{8}\.md$", "", p.name) for p in statements] == [
        "2025-06-30-remarks-on-partners",
        "2025-07-01-remarks-by-permalink",
        "2025-07-02-a-statement",
        "2025-07-02-weather",
    ]
    text = statements[0].read_text(encoding="utf-8")
    assert (
        text.startswith("---\ntitle: Remarks on partners\ndate: '2025-06-30'\n")
        and "\nspeaker: Vladimir Putin\n" in text
    )
    assert text.endswith("---\nOur partners must understand this.\n\nThat is all there is to it.\n")
    facts = yaml.safe_load(statements[0].with_name(statements[0].name[:-3] + ".meta.yaml").read_text(encoding="utf-8"))
    assert facts["source_url"] == f"{site.base}/remarks/1" and facts["feed"] == f"{site.base}/rss.xml"
    assert set(facts) == {"source_url", "retrieved", "licence", "feed"}

    again = run(tmp_path, cfg)["remarks"]  # no --since: the RSS feed is asked for again (it held older items)
    assert outcome(again, "/remarks/0")[0] == "saved" and outcome(again, "/remarks/1")[0] == "stored before"
    assert site.headers("/rss.xml")[-1].get("If-None-Match") is None
    third = run(tmp_path, cfg)["remarks"]  # every item done: a 304 now
    assert outcome(third, "/rss.xml") == ("unchanged", "304 not modified: no new items")

    result = ingest(tmp_path / "raw", tmp_path / "processed", quiet=True)
    docs = {d["title"]: d for d in result.documents}
    assert docs["Remarks on partners"]["source_url"] == f"{site.base}/remarks/1"
    assert docs["A statement"]["source"] == "example.org" and docs["Old remarks"]["date"] == "2019-01-01"
    report = fetched_rows(result, "remarks")
    assert {r["status"] for r in report} == {"ingested", "metadata"} and len(report) == 10
    assert [r for r in report if r["warnings"]] == []


def test_linked_pages_are_stored_as_served_with_the_items_facts_in_their_sidecars(site, tmp_path):
    feed = fixture("atom.xml", site.base).replace(b"/weather/1", b"/private/weather")
    site.page("/robots.txt", fixture("robots.txt", site.base), content_type="text/plain")
    site.page("/atom.xml", feed, content_type="application/atom+xml")
    site.page("/statements/1", transcript("80001", date="2025-07-02", words="We will respond by military means."))
    rss = fixture("rss.xml", site.base)
    site.page("/rss.xml", rss, etag='"r"', content_type="application/rss+xml")
    site.page("/remarks/1", b"%PDF-1.7", content_type="application/pdf")
    site.sequence("/remarks/2", (500, {}, b""))
    source = {"kind": "feed", "urls": ["/atom.xml", "/rss.xml"], "folder": "linked", "follow": True}
    cfg = configure(tmp_path, site, linked={**source, "importer": "kremlin", "item_filter": "(?i)statement|remarks"})
    rows = run(tmp_path, cfg)["linked"]
    assert outcome(rows, "/private/weather") == (
        "skipped",
        "neither its title nor its link matches item_filter '(?i)statement|remarks'",
    )
    assert outcome(rows, "/remarks/1") == ("skipped", "not HTML (Content-Type: application/pdf)")
    assert outcome(rows, "/remarks/2") == ("failed", "HTTP 500, still after 2 retries")
    assert outcome(rows, "/remarks/0") == ("failed", "HTTP 404")
    folder = tmp_path / "raw" / "linked"
    [page] = folder.glob("*.html")
    assert page.name.startswith("2025-07-02-a-statement-") and page.read_bytes() == transcript(
        "80001", date="2025-07-02", words="We will respond by military means."
    )
    facts = yaml.safe_load(page.with_name(page.name[:-5] + ".meta.yaml").read_text(encoding="utf-8"))
    assert {k: facts[k] for k in ("importer", "title", "date", "source_url", "feed")} == {
        "importer": "kremlin",
        "title": "A statement",
        "date": "2025-07-02",
        "source_url": f"{site.base}/statements/1",
        "feed": f"{site.base}/atom.xml",
    }
    state = yaml.safe_load((tmp_path / "state" / "linked.json").read_text(encoding="utf-8"))
    assert state["pending"] == {} and f"{site.base}/rss.xml" not in state["urls"]  # the feed is read in full again
    site.page("/remarks/2", transcript("80002", date="2025-07-01"))
    again = run(tmp_path, cfg)["linked"]  # the RSS feed held a failure: read again in full, the item retried
    assert outcome(again, "/remarks/2")[0] == "saved" and outcome(again, "/statements/1")[0] == "stored before"
    assert "If-None-Match" not in site.headers("/rss.xml")[-1]

    result = ingest(tmp_path / "raw", tmp_path / "processed", quiet=True)
    assert sorted(d["doc_id"] for d in result.documents) == ["kremlin-80001", "kremlin-80002"]
    report = fetched_rows(result, "linked")
    assert len(report) == 4 and [r for r in report if r["warnings"]] == []


def test_an_item_whose_title_changed_is_the_same_item(site, tmp_path):
    site.page("/atom.xml", fixture("atom.xml", site.base), content_type="application/atom+xml")
    cfg = configure(tmp_path, site, s={"kind": "feed", "urls": ["/atom.xml"], "folder": "s", "front_matter": FRONT})
    run(tmp_path, cfg)
    site.page("/atom.xml", fixture("atom.xml", site.base).replace(b"A statement", b"A statement (updated)"))
    rows = run(tmp_path, cfg)["s"]
    assert outcome(rows, "/statements/1")[0] == "stored before"
    assert len(list((tmp_path / "raw" / "s").glob("*.md"))) == 2


def test_hostile_and_broken_feeds_fail_with_their_reason(site, tmp_path):
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss>&b;</rss>'
    late = (
        b'<?xml version="1.0"?>\n<!-- ' + b"x" * 5000 + b' -->\n<!DOCTYPE rss SYSTEM "http://example.org/x.dtd"><rss/>'
    )
    site.page("/bomb.xml", bomb, content_type="application/xml")
    site.page("/late.xml", late, content_type="application/xml")
    site.page("/page.html", b"<html><body>no feed</body></html>")
    site.page("/broken.xml", b"<rss><channel><item><title>cut", content_type="application/xml")
    urls = ["/bomb.xml", "/late.xml", "/page.html", "/broken.xml", "/missing.xml"]
    cfg = configure(tmp_path, site, hostile={"kind": "feed", "urls": urls, "folder": "h"})
    rows = run(tmp_path, cfg)["hostile"]
    refused = ("failed", "feed: the feed declares a DOCTYPE (refused: its entities are not expanded)")
    assert outcome(rows, "/bomb.xml") == refused and outcome(rows, "/late.xml") == refused
    assert outcome(rows, "/page.html") == ("failed", "feed: neither RSS nor Atom (the root element is <html>)")
    assert outcome(rows, "/broken.xml")[1].startswith("feed: not XML: no element found")
    assert outcome(rows, "/missing.xml") == ("failed", "feed: HTTP 404")
    assert not (tmp_path / "raw" / "h").exists()


def test_a_feed_that_is_xml_but_no_feed_is_refused():
    with pytest.raises(ValueError, match=r"neither RSS nor Atom \(the root element is <html>\)"):
        feed_items(b"<html><body/></html>")


def test_item_text_becomes_paragraphs():
    assert paragraphs("One.\n\nTwo\nlines.") == ["One.", "Two lines."]
    assert paragraphs("<p>A <i>b</i>.</p><ul><li>c</li></ul><blockquote><p>d</p></blockquote>") == ["A b.", "c", "d"]
    assert paragraphs("just <b>inline</b>") == ["just inline"]
