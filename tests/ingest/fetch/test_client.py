"""The fetch's HTTP client against a real server on 127.0.0.1: robots.txt, the delay per host, conditional
requests, retries and backoff (Retry-After), timeouts, the size cap, truncated bodies, redirects."""

from __future__ import annotations

import pytest

from analysis.ingest.fetch.client import USER_AGENT, Client, FetchError
from analysis.ingest.fetch.robots import CRAWL_DELAY_CAP
from tests.ingest.fetch.server import NO_LENGTH, fixture


def client(**settings) -> tuple[Client, list[float]]:
    """A client whose waits are recorded, not slept (the tests assert them, never the clock)."""
    waits: list[float] = []
    values = {"delay": 0.0, "timeout": 0.5, "retries": 2, "backoff": 0.25, **settings}
    return Client(sleep=waits.append, **values), waits


def test_it_names_the_project_and_asks_for_the_page_as_it_is(site):
    site.page("/a", b"<html>a</html>")
    page = client()[0].get(site.base + "/a")
    assert page.status == 200 and page.body == b"<html>a</html>" and page.content_type.startswith("text/html")
    sent = site.headers("/a")[0]
    assert sent["User-Agent"] == USER_AGENT and USER_AGENT.startswith("Refrain/")
    assert sent["Accept-Encoding"] == "identity"


def test_robots_txt_is_read_once_per_host_and_obeyed(site):
    site.page("/robots.txt", fixture("robots.txt", site.base), content_type="text/plain")
    site.page("/private/x", b"<html>secret</html>")
    site.page("/public", b"<html>ok</html>")
    c, _ = client()
    with pytest.raises(FetchError, match=r"robots\.txt disallows") as err:
        c.get(site.base + "/private/x")
    assert not err.value.transient and site.asked("/private/x") == 0
    assert c.get(site.base + "/public").body == b"<html>ok</html>"
    assert site.asked("/robots.txt") == 1


def test_a_missing_robots_txt_allows_everything_and_an_unreachable_one_nothing(site):
    site.page("/a", b"<html>a</html>")
    assert client()[0].get(site.base + "/a").status == 200  # robots.txt: 404
    site.routes["/robots.txt"] = lambda h: (503, {}, b"")
    c, _ = client()
    with pytest.raises(FetchError, match=r"robots.txt could not be read \(HTTP 503, still after 2 retries\)"):
        c.get(site.base + "/a")
    assert site.asked("/robots.txt") == 1 + 3 and site.asked("/a") == 1  # retried, then the host left alone


def test_a_redirect_to_a_disallowed_url_is_not_followed(site):
    site.page("/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.routes["/open"] = lambda h: (302, {"Location": "/private/x"}, b"")
    with pytest.raises(FetchError, match=r"robots\.txt disallows .*/private/x"):
        client()[0].get(site.base + "/open")
    assert site.asked("/private/x") == 0


def test_the_delay_per_host_and_robots_crawl_delay_are_waited(site):
    site.page("/a", b"<html>a</html>")
    c, waits = client(delay=5.0)
    c.get(site.base + "/a")
    c.get(site.base + "/a")
    assert len(waits) == 2 and all(0 < w <= 5.0 for w in waits)  # before robots.txt's request and the second /a
    site.page("/robots.txt", b"User-agent: *\nCrawl-delay: 3600\n", content_type="text/plain")
    c, waits = client(delay=0.0)
    c.get(site.base + "/a")
    c.get(site.base + "/a")
    assert waits and max(waits) > 0 and max(waits) <= CRAWL_DELAY_CAP


def test_conditional_requests_send_the_stored_validators_and_304_is_nothing_new(site):
    site.routes["/p"] = lambda h: (
        (304, {}, b"") if h.get("If-None-Match") == '"v1"' else (200, {"ETag": '"v1"', "Last-Modified": "x"}, b"<p>")
    )
    c, _ = client()
    first = c.get(site.base + "/p")
    assert (first.status, first.etag, first.last_modified) == (200, '"v1"', "x")
    again = c.get(site.base + "/p", etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    assert again.status == 304 and again.body == b""
    sent = site.headers("/p")[-1]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == "Mon, 01 Jan 2024 00:00:00 GMT"


def test_429_waits_as_retry_after_says_and_5xx_backs_off_exponentially(site):
    site.sequence("/busy", (429, {"Retry-After": "7"}, b""), (200, {}, b"<html>ok</html>"))
    site.sequence("/flaky", (500, {}, b""), (503, {}, b""), (200, {}, b"<html>ok</html>"))
    c, waits = client(retries=3, backoff=0.25)
    assert c.get(site.base + "/busy").body == b"<html>ok</html>"
    assert waits == [7.0]
    waits.clear()
    assert c.get(site.base + "/flaky").body == b"<html>ok</html>"
    assert waits == [0.25, 0.5]


def test_a_retry_after_beyond_the_cap_and_endless_5xx_fail_for_now(site):
    site.routes["/later"] = lambda h: (429, {"Retry-After": "86400"}, b"")
    site.routes["/down"] = lambda h: (502, {}, b"")
    c, waits = client()
    with pytest.raises(FetchError, match="the server asks to wait 86400 s") as err:
        c.get(site.base + "/later")
    assert err.value.transient and waits == [] and site.asked("/later") == 1
    with pytest.raises(FetchError, match=r"HTTP 502, still after 2 retries") as err:
        c.get(site.base + "/down")
    assert err.value.transient and site.asked("/down") == 3


def test_a_404_is_not_retried(site):
    with pytest.raises(FetchError, match="HTTP 404") as err:
        client()[0].get(site.base + "/missing")
    assert not err.value.transient and err.value.status == 404 and site.asked("/missing") == 1


def test_a_slow_response_times_out(site):
    site.routes["/slow"] = lambda h: (200, {}, b"<html>late</html>", 1.5)
    with pytest.raises(FetchError, match=r"timed out after 0.3 s, still after 1 retries") as err:
        client(timeout=0.3, retries=1)[0].get(site.base + "/slow")
    assert err.value.transient


def test_a_response_over_the_size_cap_is_refused_declared_or_not(site):
    site.page("/big", b"x" * 5000)
    site.routes["/stream"] = lambda h: (200, {NO_LENGTH: "1"}, b"y" * 5000)
    c, _ = client(max_bytes=1000)
    with pytest.raises(FetchError, match=r"refused: larger than 1,000 bytes \(5,000 declared\)"):
        c.get(site.base + "/big")
    with pytest.raises(FetchError, match=r"^refused: larger than 1,000 bytes$"):
        c.get(site.base + "/stream")


def test_a_body_shorter_than_its_content_length_is_truncated_and_asked_again(site):
    cut = (200, {"Content-Length": "5000"}, b"<html><body><p>The first half")
    site.sequence("/cut", cut, (200, {}, b"<html>whole</html>"))
    c, waits = client(retries=1)
    assert c.get(site.base + "/cut").body == b"<html>whole</html>" and waits == [0.25]
    site.routes["/cut"] = lambda h: cut
    with pytest.raises(FetchError, match=r"^truncated: 29 of 5,000 bytes received, still after 1 retries$") as err:
        c.get(site.base + "/cut")
    assert err.value.transient


def test_an_encoded_body_is_refused(site):
    site.routes["/gz"] = lambda h: (200, {"Content-Encoding": "gzip"}, b"\x1f\x8b")
    with pytest.raises(FetchError, match="refused: encoded as 'gzip'"):
        client()[0].get(site.base + "/gz")


def test_redirects_are_followed_to_http_only_and_a_few_hops(site):
    site.routes["/r1"] = lambda h: (301, {"Location": "/r2"}, b"")
    site.routes["/r2"] = lambda h: (307, {"Location": f"{site.base}/end"}, b"")
    site.page("/end", b"<html>end</html>")
    site.routes["/loop"] = lambda h: (302, {"Location": "/loop"}, b"")
    site.routes["/ftp"] = lambda h: (302, {"Location": "ftp://example.org/x"}, b"")
    site.routes["/file"] = lambda h: (302, {"Location": "file:///etc/passwd"}, b"")
    site.routes["/nowhere"] = lambda h: (302, {}, b"")
    c, _ = client()
    page = c.get(site.base + "/r1")
    assert page.url == site.base + "/end" and page.body == b"<html>end</html>"
    with pytest.raises(FetchError, match="more than 5 redirects"):
        c.get(site.base + "/loop")
    assert site.asked("/loop") == 6
    for path in ("/ftp", "/file"):
        with pytest.raises(FetchError, match=r"not an http\(s\) URL"):
            c.get(site.base + path)
    with pytest.raises(FetchError, match="HTTP 302 without a Location"):
        c.get(site.base + "/nowhere")


def test_a_host_that_does_not_answer_fails_for_now():
    c, waits = client(retries=1)
    with pytest.raises(FetchError, match="network error") as err:
        c.get("http://127.0.0.1:9/x", robots=False)  # the discard port: nothing listens there
    assert err.value.transient and waits == [0.25]
