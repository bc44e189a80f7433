"""`analysis fetch` against a real HTTP server on 127.0.0.1: Kremlin list and transcript pages, RSS and
Atom feeds, robots.txt, redirects, 404, 429, 500, slow, oversized and broken responses, conditional
requests, new versions, an interrupted run resumed, and what the ingest makes of it all."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.corpus import Corpus
from analysis.errors import ParameterError
from analysis.ingest import ingest
from analysis.ingest.fetch import FetchParams, fetch
from analysis.ingest.fetch import store as fetch_store
from analysis.ingest.fetch.sources import load
from tests.conftest import kremlin_page
from tests.ingest.fetch.server import Site, serve

LIST = "/events/president/transcripts"


def transcript(pid: str, date: str = "2026-11-30", words: str = "We will continue to work.") -> bytes:
    body = f"<p><b>Vladimir Putin</b>: {words} Thank you, colleagues {pid}.</p>"
    return kremlin_page(body, page_id=pid, title=f"Meeting {pid}", date=date)


def list_html(*ids: str, more: bool = False) -> bytes:
    links = "".join(f'<li><a href="{LIST}/{i}">Meeting {i}</a></li>' for i in ids)
    nav = f'<a href="{LIST}/page/2">Next</a>' if more else ""
    return f"<html><body><ul>{links}</ul>{nav}</body></html>".encode()


@pytest.fixture
def site():
    s = Site()
    server = serve(s)
    yield s
    server.shutdown()


def configure(tmp_path: Path, site: Site, **sources) -> Path:
    base = {"delay": 0, "timeout": 0.5, "retries": 2, "backoff": 0.01, "licence": "CC BY 4.0 (test)"}
    spec = {name: {**base, **values} for name, values in sources.items()}
    for values in spec.values():
        values["urls"] = [site.base + u for u in values["urls"]]
    path = tmp_path / "fetch.yaml"
    path.write_text(yaml.safe_dump({"sources": spec}), encoding="utf-8")
    return path


def run(tmp_path: Path, cfg: Path, *names: str, **options) -> dict:
    params = FetchParams.of(
        {
            "sources": list(names),
            "raw_dir": str(tmp_path / "raw"),
            "fetch_config": str(cfg),
            "state_dir": str(tmp_path / "state"),
            **options,
        }
    )
    logs = fetch(params)
    return {
        name: {re.sub(r"^http://127\.0\.0\.1:\d+", "", r["url"]): r for r in log.rows} for name, log in logs.items()
    }


def outcome(rows: dict, path: str) -> tuple[str, str]:
    return rows[path]["outcome"], rows[path]["reason"]


def kremlin_site(site: Site) -> None:
    site.page(
        "/robots.txt", b"User-agent: *\nDisallow: /events/president/transcripts/70009\n", content_type="text/plain"
    )
    site.page(LIST, list_html("70001", "70002", "70003", "70009", "70010", more=True))
    site.page(f"{LIST}/70001", transcript("70001"), etag='"v1"')
    site.sequence(f"{LIST}/70002", (429, {"Retry-After": "0"}, b""), (200, {}, transcript("70002")))
    site.sequence(f"{LIST}/70003", (500, {}, b""), (200, {}, transcript("70003")))
    site.page(f"{LIST}/70010", b"<html><body><p>Truncated", etag="")  # no article body: not a transcript
    site.page(f"{LIST}/page/2", list_html("70011", "70012", "70013", "70014", "70015"))
    site.routes[f"{LIST}/70011"] = lambda h: (301, {"Location": f"{LIST}/70011"}, b"")  # a loop
    site.routes[f"{LIST}/70012"] = lambda h: (302, {"Location": "ftp://example.org/x"}, b"")
    site.routes[f"{LIST}/70013"] = lambda h: (200, {"Content-Type": "text/html"}, transcript("70013"), 2.0)  # slow
    site.page(f"{LIST}/70014", transcript("70014", words="word " * 30_000))  # oversized (max_bytes below)
    site.routes[f"{LIST}/70015"] = lambda h: (302, {"Location": f"{LIST}/70016"}, b"")
    site.page(f"{LIST}/70016", transcript("70016", date="2026-11-01"))


def test_kremlin_lists_and_pages_with_every_kind_of_answer(site, tmp_path):
    kremlin_site(site)
    cfg = configure(
        tmp_path, site, kremlin={"kind": "kremlin", "urls": [LIST], "folder": "kremlin-new", "max_bytes": 100_000}
    )
    rows = run(tmp_path, cfg, "kremlin")["kremlin"]
    folder = tmp_path / "raw" / "kremlin-new"
    saved = sorted(p.name for p in folder.iterdir())
    assert saved == [f"{i}{ext}" for i in ("70001", "70002", "70003", "70016") for ext in (".html", ".meta.yaml")]
    assert outcome(rows, f"{LIST}/70002")[0] == "saved" and site.asked(f"{LIST}/70002") == 2  # 429, then 200
    assert outcome(rows, f"{LIST}/70003")[0] == "saved" and site.asked(f"{LIST}/70003") == 2  # 500, then 200
    assert outcome(rows, f"{LIST}/70009") == ("failed", f"robots.txt disallows {site.base}{LIST}/70009")
    assert site.asked(f"{LIST}/70009") == 0
    assert outcome(rows, f"{LIST}/70010") == ("skipped", "not a transcript page (no article body)")
    assert outcome(rows, f"{LIST}/70011") == ("failed", "more than 5 redirects")
    assert outcome(rows, f"{LIST}/70012")[1].startswith("not an http(s) URL")
    assert outcome(rows, f"{LIST}/70013")[1].startswith("timed out after 0.5 s, still after 2 retries")
    assert outcome(rows, f"{LIST}/70014")[1].startswith("larger than 100,000 bytes")
    assert outcome(rows, f"{LIST}/70015")[0] == "saved"  # redirected to 70016: stored under the page's own id
    assert (folder / "70001.html").read_bytes() == transcript("70001")  # as served
    facts = yaml.safe_load((folder / "70001.meta.yaml").read_text(encoding="utf-8"))
    assert facts["importer"] == "kremlin" and facts["licence"] == "CC BY 4.0 (test)"
    assert facts["source_url"] == f"{site.base}{LIST}/70001" and facts["retrieved"].endswith("Z")
    assert not list(folder.glob(".fetch-*"))  # no temporary file left
    log = (tmp_path / "state" / "kremlin-log.csv").read_text(encoding="utf-8")
    assert "robots.txt disallows" in log and "70016" not in log.split("70015")[0]

    again = run(tmp_path, cfg, "kremlin")["kremlin"]  # nothing new on page 1: page 2 is not walked again
    assert outcome(again, f"{LIST}/70001")[0] == "stored before"
    assert site.asked(f"{LIST}/page/2") == 1 and site.asked(f"{LIST}/70001") == 1


def test_a_changed_page_is_a_new_version_and_an_unchanged_one_answers_304(site, tmp_path):
    site.page(LIST, list_html("70001", "70002"))
    site.page(f"{LIST}/70001", transcript("70001"), etag='"v1"')
    site.page(f"{LIST}/70002", transcript("70002"), etag='"a"')
    cfg = configure(tmp_path, site, kremlin={"kind": "kremlin", "urls": [LIST], "folder": "k"})
    run(tmp_path, cfg)
    site.page(f"{LIST}/70002", transcript("70002", words="We changed our words."), etag='"b"')
    rows = run(tmp_path, cfg, refresh=True)["kremlin"]
    conditional = [h for p, h in site.requests if p == f"{LIST}/70001"][-1]
    assert conditional.get("If-None-Match") == '"v1"' and outcome(rows, f"{LIST}/70001") == (
        "unchanged",
        "304 not modified",
    )
    assert outcome(rows, f"{LIST}/70002")[0] == "new version"
    folder = tmp_path / "raw" / "k"
    assert (folder / "70002.html").read_bytes() == transcript("70002")  # never overwritten
    assert b"We changed our words." in (folder / "70002.v2.html").read_bytes()
    assert (folder / "70002.v2.meta.yaml").is_file()


def test_an_interrupted_run_goes_on_where_it_stopped(site, tmp_path, monkeypatch):
    site.page(LIST, list_html("70001", "70002", "70003"))
    for i in ("70001", "70002", "70003"):
        site.page(f"{LIST}/{i}", transcript(i))
    cfg = configure(tmp_path, site, kremlin={"kind": "kremlin", "urls": [LIST], "folder": "k"})
    real, calls = fetch_store.save, []

    def dies_on_the_second(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr("analysis.ingest.fetch.save", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, cfg)
    monkeypatch.setattr("analysis.ingest.fetch.save", real)
    rows = run(tmp_path, cfg)["kremlin"]
    assert [outcome(rows, f"{LIST}/{i}")[0] for i in ("70001", "70002", "70003")] == ["stored before", "saved", "saved"]
    assert site.asked(f"{LIST}/70001") == 1


def test_since_stops_at_older_statements(site, tmp_path):
    site.page(LIST, list_html("70001", "70002"))
    site.page(f"{LIST}/70001", transcript("70001", date="2026-11-30"))
    site.page(f"{LIST}/70002", transcript("70002", date="2019-01-01"))
    cfg = configure(tmp_path, site, kremlin={"kind": "kremlin", "urls": [LIST], "folder": "k"})
    rows = run(tmp_path, cfg, since="2026-01-01")["kremlin"]
    assert outcome(rows, f"{LIST}/70002") == ("skipped", "dated 2019-01-01, before --since 2026-01-01")
    assert sorted(p.name for p in (tmp_path / "raw" / "k").glob("*.html")) == ["70001.html"]


RSS = (
    '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
    "<title>Remarks</title>"
    "<item><title>Remarks on partners</title><link>https://example.org/r/1</link>"
    "<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate><content:encoded><![CDATA[<p>Our partners must understand "
    "<b>this</b>.</p><p>That is all there is to it.</p>]]></content:encoded></item>"
    "<item><title>Old remarks</title><link>https://example.org/r/0</link>"
    "<pubDate>Tue, 01 Jan 2019 10:00:00 GMT</pubDate><description>Old words.</description></item>"
    "<item><title>No link</title><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate><description>x</description></item>"
    "</channel></rss>"
)

ATOM_FEED = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<id>urn:x</id><updated>2026-12-01T00:00:00Z</updated>
<entry><title>A statement</title><id>urn:y</id><link href="https://example.org/a/1"/><updated>2026-12-01T09:00:00Z</updated>
<content type="html">&lt;p&gt;We will respond by military means.&lt;/p&gt;</content></entry></feed>"""


def test_rss_and_atom_items_become_statements_the_ingest_reads(site, tmp_path):
    site.page("/rss.xml", RSS.encode(), etag='"r1"', content_type="application/rss+xml")
    site.page("/atom.xml", ATOM_FEED.encode(), content_type="application/atom+xml")
    site.page("/doctype.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><rss><channel/></rss>')
    front = {"speaker": "Example Leader", "source": "example.org", "language": "en"}
    cfg = configure(
        tmp_path,
        site,
        remarks={"kind": "feed", "urls": ["/rss.xml", "/atom.xml"], "folder": "remarks", "front_matter": front},
        hostile={"kind": "feed", "urls": ["/doctype.xml", "/missing.xml"], "folder": "hostile"},
    )
    logs = run(tmp_path, cfg, since="2026-01-01")
    rows = logs["remarks"]
    assert rows["https://example.org/r/0"]["reason"] == "dated 2019-01-01, before --since 2026-01-01"
    assert any(r["reason"] == "the item has no http(s) link" for r in rows.values())
    hostile = logs["hostile"]
    assert outcome(hostile, "/doctype.xml") == (
        "failed",
        "feed: the feed declares a DOCTYPE (refused: entity expansion)",
    )
    assert outcome(hostile, "/missing.xml") == ("failed", "feed: HTTP 404")
    folder = tmp_path / "raw" / "remarks"
    statements = sorted(folder.glob("*.md"))
    assert [re.sub(r"-[0-9a-f]{8}\.md$", "", p.name) for p in statements] == [
        "2026-11-30-remarks-on-partners",
        "2026-12-01-a-statement",
    ]
    assert "Our partners must understand this." in statements[0].read_text(encoding="utf-8")
    again = run(tmp_path, cfg, "remarks")["remarks"]
    assert outcome(again, "/rss.xml") == ("unchanged", "304 not modified: no new items")
    assert again["https://example.org/a/1"]["outcome"] == "stored before"

    ingest(tmp_path / "raw", tmp_path / "processed", quiet=True)
    corpus = Corpus.load(tmp_path / "processed")
    try:
        docs = corpus.documents.set_index("title")
        assert docs.loc["Remarks on partners", "source_url"] == "https://example.org/r/1"
        assert docs.loc["A statement", "source"] == "example.org"
        report = (corpus.generation / "ingest_report.csv").read_text(encoding="utf-8")
        assert "remarks/" in report and "warning" not in report.split("remarks/", 1)[1].split("\n", 1)[0].lower()
    finally:
        corpus.close()


def test_fetched_kremlin_pages_are_ingested_with_their_sidecars(site, tmp_path):
    site.page(LIST, list_html("70001", "70002"))
    site.page(f"{LIST}/70001", transcript("70001"))
    site.page(f"{LIST}/70002", transcript("70002", words="By military means, if need be."))
    cfg = configure(tmp_path, site, kremlin={"kind": "kremlin", "urls": [LIST], "folder": "kremlin-new"})
    run(tmp_path, cfg)
    result = ingest(tmp_path / "raw", tmp_path / "processed", quiet=True)
    assert result.info["statuses"] == {"ingested": 2, "metadata": 2}
    corpus = Corpus.load(tmp_path / "processed")
    try:
        assert sorted(corpus.documents["doc_id"]) == ["kremlin-70001", "kremlin-70002"]
        assert set(corpus.turns["speaker"].dropna()) == {"Vladimir Putin"}
        report = (corpus.generation / "ingest_report.csv").read_text(encoding="utf-8")
        assert report.count(",ingested,") == 2 and "warning" not in report.lower().replace("warnings", "")
    finally:
        corpus.close()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "kremlin", "urls": ["http://x"], "folder": "k", "licence": "l", "speed": 2}, "unknown key 'speed'"),
        ({"kind": "rss", "urls": ["http://x"], "folder": "k", "licence": "l"}, "kind must be one of kremlin, feed"),
        ({"kind": "feed", "urls": ["file:///etc/passwd"], "folder": "k", "licence": "l"}, "not an http(s) URL"),
        ({"kind": "feed", "urls": ["http://x"], "folder": "../out", "licence": "l"}, "inside the raw folder"),
        ({"kind": "feed", "urls": ["http://x"], "folder": "k"}, "licence is required"),
        ({"kind": "feed", "urls": ["http://x"], "folder": "k", "licence": "l", "delay": "soon"}, "delay must be float"),
    ],
)
def test_a_bad_configuration_names_the_file_the_source_and_the_key(tmp_path, spec, message):
    path = tmp_path / "fetch.yaml"
    path.write_text(yaml.safe_dump({"sources": {"s": spec}}), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load(path)
    assert str(path) in str(err.value) and "source 's'" in str(err.value) and message in str(err.value)


def test_the_command_line_says_what_it_fetched_and_fails_a_source_it_cannot_read(site, tmp_path):
    site.page(LIST, list_html("70001"))
    site.page(f"{LIST}/70001", transcript("70001"))
    cfg = configure(
        tmp_path,
        site,
        kremlin={"kind": "kremlin", "urls": [LIST], "folder": "k"},
        gone={"kind": "kremlin", "urls": ["/nothing"], "folder": "g"},
    )
    common = ["--raw-dir", str(tmp_path / "raw"), "--fetch-config", str(cfg), "--state-dir", str(tmp_path / "s")]
    ok = subprocess.run([sys.executable, "-m", "analysis", "fetch", "kremlin", *common], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stderr.startswith("fetch kremlin: 1 saved"), ok.stderr
    bad = subprocess.run([sys.executable, "-m", "analysis", "fetch", "gone", *common], capture_output=True, text=True)
    assert bad.returncode == 1 and "failed" in bad.stderr and "HTTP 404" in bad.stderr
    unknown = subprocess.run(
        [sys.executable, "-m", "analysis", "fetch", "nope", *common], capture_output=True, text=True
    )
    assert unknown.returncode == 2 and "no source 'nope'" in unknown.stderr and len(unknown.stderr.splitlines()) == 1
