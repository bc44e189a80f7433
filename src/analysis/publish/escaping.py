"""The rules text from a source is escaped by before it reaches a page or a drawing: markup escaped,
bidirectional controls made visible, links only to absolute ``http``/``https`` URLs. Every template
(:mod:`analysis.publish.site.html`) and every inline SVG's label (:mod:`analysis.publish.charts`)
uses them."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlparse

# Bidirectional controls (U+202A–U+202E, U+2066–U+2069, marks): in a quote they would reverse the text
# around them on screen. They are shown as what they are, "[U+202E]", never obeyed.
_BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text: str, quote: bool = True) -> str:
    """Text from a source as HTML: markup escaped, bidirectional controls made visible."""
    escaped = html.escape(text, quote=quote)
    if _BIDI_RE.search(escaped) is None:
        return escaped
    return _BIDI_RE.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", escaped)


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def safe_url(url) -> str | None:
    """The URL if it is an absolute http(s) URL, percent-encoded where it holds spaces, quotes or other
    characters a URL may not (so the page stays valid), else None (never a javascript: link)."""
    if not isinstance(url, str) or not url:
        return None
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https") and parsed.netloc:
        return quote(url, safe=_URL_SAFE)
    return None
