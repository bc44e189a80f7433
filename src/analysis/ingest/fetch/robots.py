"""What a host's robots.txt lets :mod:`analysis.ingest.fetch` do, read as RFC 9309 says.

* 200: its rules (``urllib.robotparser``), the groups for this user agent or ``*``; its
  ``Crawl-delay``, when longer than the source's own delay, is waited between requests (up to
  :data:`CRAWL_DELAY_CAP` seconds);
* 4xx (none there, or forbidden to read): nothing is disallowed;
* 5xx, a timeout, a network error (after the client's retries): the host is taken as disallowing
  everything for this run, and every URL on it is listed with that reason.
"""

from __future__ import annotations

import urllib.robotparser
from dataclasses import dataclass

CRAWL_DELAY_CAP = 60.0  # seconds: a longer Crawl-delay is waited this long


@dataclass
class Rules:
    """One host's rules for a run: ``parser`` None allows everything; ``unreachable`` (why robots.txt
    could not be read) disallows everything."""

    parser: urllib.robotparser.RobotFileParser | None = None
    unreachable: str = ""

    @classmethod
    def parse(cls, text: str) -> Rules:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(text.splitlines())
        return cls(parser)

    def why_not(self, user_agent: str, url: str) -> str:
        """Why ``url`` may not be fetched, or "" when it may."""
        if self.unreachable:
            return f"robots.txt could not be read ({self.unreachable}): the host is not fetched this run"
        if self.parser is not None and not self.parser.can_fetch(user_agent, url):
            return f"robots.txt disallows {url}"
        return ""

    def crawl_delay(self, user_agent: str) -> float:
        """Seconds robots.txt asks between two requests (0 when it does not say), at most the cap."""
        if self.parser is None:
            return 0.0
        try:
            asked = self.parser.crawl_delay(user_agent)
        except (TypeError, ValueError):  # a malformed Crawl-delay line
            return 0.0
        return min(float(asked or 0), CRAWL_DELAY_CAP)
