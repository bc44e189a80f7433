"""Kremlin transcripts fetched from a real server on 127.0.0.1: list pages walked newest first with their
pagination, transcript pages stored as served, every kind of answer, conditional requests, new versions,
--since, and runs that were interrupted or failed for now taken up again."""

from __future__ import annotations

import pytest
import yaml

from analysis.ingest.fetch import store as fetch_store
from tests.ingest.fetch.server import LIST, configure, list_html, outcome, run, transcript

KREMLIN = {"kind": "kremlin", "urls": [LIST], "folder": "kremlin-new"}


def stored(tmp_path, folder: str = "kremlin-new") -> list[str]:
    return sorted(p.name for p in (tmp_path / "raw" / folder).iterdir())


def every_kind_of_answer(site) -> None:
    site.page(
        "/robots.txt", b"User-agent: *\nDisallow: /events/president/transcripts/70009\n", content_type="text/plain"
    )
    site.page(LIST, list_html("70001", "70002", "70003", "70009", "70010", "70017", "70018", more=True))
    site.page(f"{LIST}/70001", transcript("70001"), etag='"v1"')
    site.sequence(f"{LIST}/70002", (429, {"Retry-After": "0"}, b""), (200, {}, transcript("70002")))
    site.sequence(f"{LIST}/70003", (500, {}, b""), (200, {}, transcript("70003")))
    site.page(f"{LIST}/70010", b"<html><body><p>Truncated")  # broken: no article body
    site.page(f"{LIST}/70017", b"%PDF-1.7 not a page", content_type="application/pdf")
    site.page(f"{LIST}/70018", transcript("70018")[:-200])  # a transcript cut short (no </html>)
    site.page(f"{LIST}/page/2", list_html("70011", "70012", "70013", "70014", "70015", page=2))
    site.routes[f"{LIST}/70011"] = lambda h: (301, {"Location": f"{LIST}/70011"}, b"")  # a loop
    site.routes[f"{LIST}/70012"] = lambda h: (302, {"Location": "ftp://example.org/x"}, b"")
    site.routes[f"{LIST}/70013"] = lambda h: (200, {"Content-Type": "text/html"}, transcript("70013"), 1.0)  # slow
    site.page(f"{LIST}/70014", transcript("70014", words="word " * 30_000))  # oversized (max_bytes below)
    site.routes[f"{LIST}/70015"] = lambda h: (302, {"Location": f"{LIST}/70016"}, b"")
    site.page(f"{LIST}/70016", transcript("70016", date="2025-06-01"))


def test_lists_and_pages_with_every_kind_of_answer(site, tmp_path):
    every_kind_of_answer(site)
    cfg = configure(tmp_path, site, kremlin={**KREMLIN, "max_bytes": 100_000, "retries": 1})
    rows = run(tmp_path, cfg)["kremlin"]
    assert stored(tmp_path) == [
        f"{i}{ext}" for i in ("70001", "70002", "70003", "70016") for ext in (".html", ".meta.yaml")
    ]
    assert outcome(rows, LIST) == ("list", "7 transcript links")  # the other host's link is not followed
    assert outcome(rows, f"{LIST}/70002")[0] == "saved" and site.asked(f"{LIST}/70002") == 2  # 429, then 200
    assert outcome(rows, f"{LIST}/70003")[0] == "saved" and site.asked(f"{LIST}/70003") == 2  # 500, then 200
    assert outcome(rows, f"{LIST}/70009") == ("failed", f"robots.txt disallows {site.base}{LIST}/70009")
    assert site.asked(f"{LIST}/70009") == 0
    assert outcome(rows, f"{LIST}/70010") == ("skipped", "not a transcript page (no article body)")
    assert outcome(rows, f"{LIST}/70017") == ("skipped", "not HTML (Content-Type: application/pdf)")
    assert outcome(rows, f"{LIST}/70018") == ("failed", "truncated HTML: no closing </html>")
    assert outcome(rows, f"{LIST}/page/2") == ("list", "5 transcript links")
    assert outcome(rows, f"{LIST}/70011") == ("failed", "more than 5 redirects")
    assert outcome(rows, f"{LIST}/70012")[1].startswith("not an http(s) URL: ftp://")
    assert outcome(rows, f"{LIST}/70013") == ("failed", "timed out after 0.5 s, still after 1 retries")
    assert outcome(rows, f"{LIST}/70014")[1].startswith("refused: larger than 100,000 bytes (151,")
    assert outcome(rows, f"{LIST}/70015")[0] == "saved"  # redirected to 70016: stored under the page's own id
    assert outcome(rows, f"{LIST}/page/3") == ("list", "HTTP 404: the list ends here")

    folder = tmp_path / "raw" / "kremlin-new"
    assert (folder / "70001.html").read_bytes() == transcript("70001")  # as served
    facts = yaml.safe_load((folder / "70001.meta.yaml").read_text(encoding="utf-8"))
    assert list(facts) == ["importer", "source_url", "retrieved", "licence"]
    assert facts["importer"] == "kremlin" and facts["licence"] == "CC BY 4.0 (test)"
    assert facts["source_url"] == f"{site.base}{LIST}/70001" and facts["retrieved"].endswith("Z")
    moved = yaml.safe_load((folder / "70016.meta.yaml").read_text(encoding="utf-8"))
    assert moved["source_url"] == f"{site.base}{LIST}/70016"  # where it was served from, after the redirect
    assert not list(folder.glob(".fetch-*"))  # no temporary file left
    log = (tmp_path / "state" / "kremlin-log.csv").read_text(encoding="utf-8")
    assert log.startswith("url,outcome,file,reason\n") and log.count("\n") == len(rows) + 1
    state = yaml.safe_load((tmp_path / "state" / "kremlin.json").read_text(encoding="utf-8"))
    assert sorted(state["pending"]) == [f"{site.base}{LIST}/{i}" for i in ("70013", "70018")]  # failed for now

    site.page(f"{LIST}/70018", transcript("70018"))
    again = run(tmp_path, cfg)["kremlin"]  # the pending first; nothing new on page 1: page 2 is not walked again
    assert outcome(again, f"{LIST}/70018")[0] == "saved" and outcome(again, f"{LIST}/70013")[0] == "failed"
    assert outcome(again, f"{LIST}/70001")[0] == "stored before"
    assert site.asked(f"{LIST}/page/2") == 1 and site.asked(f"{LIST}/70001") == 1 and site.asked(f"{LIST}/70009") == 0


def test_a_changed_page_is_a_new_version_and_an_unchanged_one_answers_304(site, tmp_path):
    site.page(LIST, list_html("70001", "70002"), etag='"list1"')
    site.page(f"{LIST}/70001", transcript("70001"), last_modified="Mon, 30 Jun 2025 10:00:00 GMT")
    site.page(f"{LIST}/70002", transcript("70002"), etag='"a"')
    cfg = configure(tmp_path, site, kremlin=KREMLIN)
    run(tmp_path, cfg)
    quiet = run(tmp_path, cfg)["kremlin"]  # the list as before: 304, nothing asked further
    assert site.headers(LIST)[-1]["If-None-Match"] == '"list1"'
    assert outcome(quiet, LIST) == ("unchanged", "304 not modified: nothing new on this list page")
    assert site.asked(f"{LIST}/70001") == 1 and site.asked(f"{LIST}/page/2") == 1  # (the first run's: a 404)

    site.page(f"{LIST}/70002", transcript("70002", words="We changed our words."), etag='"b"')
    rows = run(tmp_path, cfg, refresh=True)["kremlin"]
    assert site.headers(f"{LIST}/70001")[-1]["If-Modified-Since"] == "Mon, 30 Jun 2025 10:00:00 GMT"
    assert site.headers(f"{LIST}/70002")[-1]["If-None-Match"] == '"a"'  # the stored page's: it changed since
    assert outcome(rows, f"{LIST}/70001") == ("unchanged", "304 not modified")
    assert outcome(rows, f"{LIST}/70002")[0] == "new version"
    folder = tmp_path / "raw" / "kremlin-new"
    assert (folder / "70002.html").read_bytes() == transcript("70002")  # never overwritten
    assert (folder / "70002.v2.html").read_bytes() == transcript("70002", words="We changed our words.")
    assert yaml.safe_load((folder / "70002.v2.meta.yaml").read_text(encoding="utf-8"))["importer"] == "kremlin"
    site.page(f"{LIST}/70002", transcript("70002", words="We changed our words."))  # the same, without an ETag
    same = run(tmp_path, cfg, refresh=True)["kremlin"]
    assert outcome(same, f"{LIST}/70002")[0] == "unchanged" and not (folder / "70002.v3.html").exists()


def interrupt_on(monkeypatch, nth: int) -> list:
    """The ``nth`` page to be saved stops the run (as Ctrl-C would)."""
    real, calls = fetch_store.save, []

    def dies(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == nth:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr("analysis.ingest.fetch.kremlin.save", dies)
    return calls


def test_an_interrupted_run_goes_on_where_it_stopped(site, tmp_path, monkeypatch):
    site.page(LIST, list_html("70001", "70002", "70003"))
    for i in ("70001", "70002", "70003"):
        site.page(f"{LIST}/{i}", transcript(i))
    cfg = configure(tmp_path, site, kremlin=KREMLIN)
    interrupt_on(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, cfg)
    assert "70001" in (tmp_path / "state" / "kremlin-log.csv").read_text(encoding="utf-8")  # logged all the same
    monkeypatch.undo()
    rows = run(tmp_path, cfg)["kremlin"]
    assert [outcome(rows, f"{LIST}/{i}")[0] for i in ("70001", "70002", "70003")] == ["stored before", "saved", "saved"]
    assert site.asked(f"{LIST}/70001") == 1


def test_a_walk_interrupted_on_a_later_list_page_walks_to_it_again(site, tmp_path, monkeypatch):
    site.page(LIST, list_html("70005", "70004", more=True))
    site.page(f"{LIST}/page/2", list_html("70003", "70002", more=True, page=2))
    site.page(f"{LIST}/page/3", list_html("70001", page=3))
    for i in ("70001", "70002", "70003", "70004", "70005"):
        site.page(f"{LIST}/{i}", transcript(i))
    cfg = configure(tmp_path, site, kremlin=KREMLIN)
    interrupt_on(monkeypatch, 4)  # page 1 done, page 2 half done
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, cfg)
    monkeypatch.undo()
    rows = run(tmp_path, cfg)["kremlin"]  # page 1 has nothing new, yet the walk goes on to page 2 and beyond
    assert outcome(rows, f"{LIST}/70005")[0] == "stored before" and outcome(rows, f"{LIST}/70002")[0] == "saved"
    assert outcome(rows, f"{LIST}/70001")[0] == "saved"
    assert stored(tmp_path) == sorted(f"7000{i}{ext}" for i in range(1, 6) for ext in (".html", ".meta.yaml"))
    run(tmp_path, cfg)  # finished: the next walk stops at page 1 again
    assert site.asked(f"{LIST}/page/2") == 2


def test_a_statement_that_failed_for_now_is_tried_again_when_the_list_has_moved_on(site, tmp_path):
    site.page(LIST, list_html("70002", "70001"))
    site.routes[f"{LIST}/70002"] = lambda h: (503, {}, b"")
    site.page(f"{LIST}/70001", transcript("70001"))
    cfg = configure(tmp_path, site, kremlin=KREMLIN)
    assert outcome(run(tmp_path, cfg)["kremlin"], f"{LIST}/70002") == ("failed", "HTTP 503, still after 2 retries")
    site.page(LIST, list_html("70003"))  # 70002 is no longer on the first page
    site.page(f"{LIST}/70003", transcript("70003"))
    site.page(f"{LIST}/70002", transcript("70002"))
    rows = run(tmp_path, cfg)["kremlin"]
    assert outcome(rows, f"{LIST}/70002")[0] == "saved" and outcome(rows, f"{LIST}/70003")[0] == "saved"
    assert yaml.safe_load((tmp_path / "state" / "kremlin.json").read_text(encoding="utf-8"))["pending"] == {}


def test_since_stops_the_walk_at_older_statements(site, tmp_path):
    dates = {"70004": "2025-06-30", "70003": "2019-01-01"}
    site.page(LIST, list_html("70004", "70003", "70002", "70001", more=True, dates=dates))
    site.page(f"{LIST}/70004", transcript("70004", date="2025-06-30"))
    site.page(f"{LIST}/70002", transcript("70002", date="2018-12-31"))  # undated on the list: its page says
    site.page(f"{LIST}/70001", transcript("70001", date="2025-06-30"))
    cfg = configure(tmp_path, site, kremlin=KREMLIN)
    rows = run(tmp_path, cfg, since="2025-01-01")["kremlin"]
    assert outcome(rows, f"{LIST}/70003") == ("skipped", "dated 2019-01-01 on the list page, before --since 2025-01-01")
    assert site.asked(f"{LIST}/70003") == 0
    assert outcome(rows, f"{LIST}/70002") == ("skipped", "dated 2018-12-31, before --since 2025-01-01")
    assert site.asked(f"{LIST}/page/2") == 0  # older statements: the list is not walked further
    assert stored(tmp_path) == ["70001.html", "70001.meta.yaml", "70004.html", "70004.meta.yaml"]
