"""Text normalisation shared by every importer and by the phrase matcher.

Three layers of text exist for each paragraph:

* the *display* text: what the source printed, with whitespace collapsed (line breaks inside a
  paragraph, non-breaking spaces and tabs become one space) and nothing else changed;
* the *spoken* text: the display text without the translator's ``[bracketed]`` insertions and
  without parenthesised stage directions and editor's notes ("(Applause.)", "(Laughter)",
  "(Mr Shokhin went on to …)"). Only this is counted as the speaker's words and matched against
  phrases;
* the *folded* text: the spoken text lower-cased, with typographic quotes and apostrophes mapped
  to their ASCII forms. Folding never changes the length of a string, so an offset in folded text
  is the same offset in spoken text.

:func:`spoken_with_map` also returns, for each character of the spoken text, its offset in the
display text, so evidence can quote the display text (brackets included) around a match.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_BRACKET_RE = re.compile(
    r"\[[^\[\]]*\]"
    # stage directions and editor's notes in parentheses: never the speaker's words
    r"|\((?:applause|laughter|laughs|laughing|inaudible|indistinct|crosstalk|pause|noise|animation|booing|boos|"
    r"cheers|cheering|chanting|crowd \w+|music|singing|whistling|"
    r"remark(?:s)? from the (?:audience|floor)|voice from the audience|without (?:a )?microphone|off[- ]mic\w*|"
    r"speaks? in \w+|in \w+|retranslated|translated)\b[^()]{0,80}\)"
    r"|\((?:Mr|Ms|Mrs|Dr)\.? [A-Z][\w’'-]+ (?:went on|continued|then|spoke|also spoke|outlined|described|"
    r"discussed|reported)\b[^()]*\)",
    re.IGNORECASE,
)
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")

# One character in, one character out: folding keeps offsets.
_FOLD_TABLE = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark / apostrophe
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # prime
        "\u02bc": "'",  # modifier letter apostrophe
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


_INVISIBLE = ("\u200b", "\ufeff")  # not whitespace to str.split(), but to readers


def normalize_ws(text: str) -> str:
    """Collapse every run of whitespace (including NBSP and zero-width space) to one space."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        for ch in _INVISIBLE:
            if ch in text:
                text = text.replace(ch, " ")
    return " ".join(text.split())


_FOLD_PAIRS = tuple((chr(k), v if isinstance(v, str) else chr(v)) for k, v in _FOLD_TABLE.items())


def fold(text: str) -> str:
    """Lower-case and map typographic quotes and dashes to ASCII, keeping the length."""
    translated = text
    if not text.isascii() or "`" in text:
        for ch, ascii_ch in _FOLD_PAIRS:  # str.replace per character present beats str.translate on long text
            if ch in translated:
                translated = translated.replace(ch, ascii_ch)
    lowered = translated.lower()
    if len(lowered) == len(translated):
        return lowered
    # Rare: a character whose lower case is longer (e.g. 'İ'); fold it char by char.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in translated)


def spoken_with_map(display: str) -> tuple[str, list[int] | None]:
    """Remove ``[bracketed]`` insertions; return the spoken text and an offset map.

    The map gives, for each character of the returned text, the offset of the same character in
    ``display``. It is ``None`` when nothing was removed (the offsets are then identical).
    """
    if "[" not in display and "(" not in display:
        return display, None
    if "[" not in display and not _BRACKET_RE.search(display):
        return display, None
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _BRACKET_RE.finditer(display):
        pieces.append(display[pos : m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    pieces.append(display[pos:])
    offsets.extend(range(pos, len(display)))
    joined = "".join(pieces)
    # Collapse the double space left where an insertion stood, keeping the map aligned.
    out_chars: list[str] = []
    out_offsets: list[int] = []
    for ch, off in zip(joined, offsets, strict=True):
        if ch == " " and (not out_chars or out_chars[-1] == " "):
            continue
        out_chars.append(ch)
        out_offsets.append(off)
    while out_chars and out_chars[-1] == " ":
        out_chars.pop()
        out_offsets.pop()
    # A space left before punctuation ("the [peace] ," is rare) is kept: it changes no word.
    return "".join(out_chars), out_offsets


def spoken(display: str) -> str:
    """The speaker's own words of a display text: ``[bracketed]`` insertions removed."""
    return spoken_with_map(display)[0]


def count_words(text: str) -> int:
    """Number of words: runs of letters or digits, joined by apostrophes or hyphens.

    "That's" is one word, "28-point" is one word, "U.S." is two.
    """
    return len(WORD_RE.findall(text))


def words(text: str) -> list[str]:
    """The folded words of a text, in order (for n-grams and term counts)."""
    return WORD_RE.findall(fold(text))


_CHUNK_SPLIT_RE = re.compile(r"[^\w\s'\-\ue000]+|(?<![^\W_])[-']+|[-']+(?![^\W_])|_")


# "U.S.", "E.U.", "e.g.": letters each followed by a full stop are one token, not "u" and "s".
_ABBREV_RE = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]\.){2,}")
_DOT = "\ue000"  # a full stop inside an abbreviation, while the text is cut at punctuation
_TOKEN_RE = re.compile(r"[^\W_]+(?:['\-\ue000][^\W_]+)*\ue000?")


def chunks(text: str) -> list[list[str]]:
    """Folded word lists of the clause-level chunks of a spoken text ("U.S." is the token "u.s.")."""
    folded = fold(text)
    if "." in folded:
        folded = _ABBREV_RE.sub(lambda m: m.group(0).replace(".", _DOT), folded)
    out = []
    for piece in _CHUNK_SPLIT_RE.split(folded):
        toks = _TOKEN_RE.findall(piece)
        if toks:
            out.append([t.replace(_DOT, ".") for t in toks] if _DOT in piece else toks)
    return out


class TextIndex:
    """Paragraph texts prepared for matching: spoken text, offset maps, one folded joined string.

    Building it is most of the cost of a query over a large corpus; :class:`analysis.corpus.Corpus`
    keeps one per selection, so repeated queries (a notebook session, a family of phrases) only
    scan.
    """

    def __init__(self, displays: list[str], spoken_maps: list[tuple[str, list[int] | None]]):
        self.displays = displays
        self.spoken_maps = spoken_maps
        spoken_texts = [sp for sp, _ in spoken_maps]
        self.n = len(spoken_texts)
        self.joined = fold("\n".join(spoken_texts))
        self.starts = np.cumsum([0] + [len(t) + 1 for t in spoken_texts[:-1]]) if spoken_texts else np.array([0])

    @classmethod
    def of_displays(cls, displays: list[str]) -> TextIndex:
        return cls(displays, [spoken_with_map(t) if "[" in t or "(" in t else (t, None) for t in displays])

    @classmethod
    def of_spoken(cls, spoken_texts: list[str]) -> TextIndex:
        return cls(spoken_texts, [(t, None) for t in spoken_texts])
