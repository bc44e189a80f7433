"""How numbers, names and terms are worded in sentences (plain text: escaped where it reaches HTML)."""

from __future__ import annotations


def quoted(text: str) -> str:
    """A term or phrase as sentences quote it (typographic quotes; plain text, escaped where it reaches HTML)."""
    return f"“{text}”"


def possessive(name: str) -> str:
    """ "energy's", "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def rate_text(value: float) -> str:
    """A rate with the decimals it needs (0.03, not 0.0; 6.5, not 6.47)."""
    return f"{value:.1f}" if value >= 0.95 or value == 0 else f"{value:.2f}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """ "1 statement", "3 statements", with thousands separators."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def possessive_words(speaker: str) -> str:
    """ "Vladimir Putin's words"; "The words of Vladimir Putin and US presidents" for several."""
    return f"The words of {speaker}" if " and " in speaker else f"{speaker}'s words"


#: How each outlet is credited under a chart and in a page's footer.
SOURCES = {
    "en.kremlin.ru": "en.kremlin.ru transcripts (CC BY 4.0)",
    "Meduza (English edition)": "Meduza translation",
    "Miller Center, University of Virginia": "Miller Center transcripts (public domain)",
}


def source_line(sources) -> str:
    """ "Source: …" naming each outlet the chart's data came from."""
    names = [SOURCES.get(s, s) for s in sorted(set(sources))]
    return "Source: " + "; ".join(names) + ". Analysis: Refrain."
