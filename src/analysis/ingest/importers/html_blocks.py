"""HTML to paragraph blocks with bold and italic kept as markers (for finding speaker labels).

A page body becomes a list of :class:`Block`: each block element (``p``, ``li``, headings …) or
run of loose text, split at ``<br>``, with whitespace collapsed; bold and italic runs are marked
with control characters (:data:`B_OPEN` … :data:`I_CLOSE`) so label rules can see "a bold run
at the start of the paragraph" without the HTML. Block quotes are flagged (pull-quotes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from analysis.text import normalize_ws

BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "dd", "dt"}
B_OPEN, B_CLOSE, I_OPEN, I_CLOSE, BREAK = "\x01", "\x02", "\x03", "\x04", "\x05"
MARKS_RE = re.compile("[\x01-\x05]")


@dataclass
class Block:
    marked: str  # text with bold/italic markers, whitespace collapsed
    in_quote: bool


def blocks(body: LexborNode) -> list[Block]:
    out: list[Block] = []
    _collect(body, out, in_quote=False)
    return out


def _collect(root: LexborNode, out: list[Block], *, in_quote: bool) -> None:
    """Walk the containers below ``root`` with a stack, not recursion: a page may nest thousands of
    ``<div>`` elements."""
    # each frame: the container's children still to walk, whether it is quoted, its loose text
    stack: list[tuple[Iterator[LexborNode], bool, list[str]]] = [(root.iter(include_text=True), in_quote, [])]
    while stack:
        children, quoted, loose = stack[-1]
        child = next(children, None)
        if child is None:  # the container is done: text directly inside it, outside any block element
            _flush(loose, out, quoted)
            stack.pop()
            continue
        tag = child.tag
        if tag in BLOCK_TAGS and not _has_block_child(child):
            _flush(loose, out, quoted)
            pieces: list[str] = []
            _inline(child, pieces)
            for segment in "".join(pieces).split(BREAK):
                _append(out, segment, quoted)
        elif tag == "-text":
            loose.append(child.text_content or "")
        elif tag in ("b", "strong", "i", "em", "a", "span", "br", "sup", "sub", "u"):
            _inline(child, loose)
        elif tag in ("-comment",):
            continue
        else:
            _flush(loose, out, quoted)
            stack.append((child.iter(include_text=True), quoted or tag == "blockquote", []))


def _flush(loose: list[str], out: list[Block], in_quote: bool) -> None:
    if loose:
        for segment in "".join(loose).split(BREAK):
            _append(out, segment, in_quote)
        loose.clear()


def _append(out: list[Block], segment: str, in_quote: bool) -> None:
    marked = normalize_ws(segment)
    if strip_marks(marked).strip():
        out.append(Block(marked, in_quote))


def _has_block_child(node: LexborNode) -> bool:
    return any(c.tag in BLOCK_TAGS or c.tag in ("div", "blockquote", "ul", "ol", "table") for c in node.iter())


def _inline(node: LexborNode, out: list[str]) -> None:
    """Inline text with bold/italic markers; a bold inside a bold is one run ("<b><b>V </b>P</b>").
    Walked with a stack, not recursion (inline elements may nest deeply too)."""
    # each frame: children still to walk, bold and italic within it, the marker to write when it ends
    stack: list[tuple[Iterator[LexborNode], bool, bool, str]] = [(node.iter(include_text=True), False, False, "")]
    while stack:
        children, bold, italic, close = stack[-1]
        child = next(children, None)
        if child is None:
            out.append(close)
            stack.pop()
            continue
        tag = child.tag
        if tag == "-text":
            out.append(child.text_content or "")
        elif tag == "br":
            out.append(BREAK)
        elif tag in ("b", "strong"):
            if not bold:
                out.append(B_OPEN)
            stack.append((child.iter(include_text=True), True, italic, "" if bold else B_CLOSE))
        elif tag in ("i", "em"):
            if not italic:
                out.append(I_OPEN)
            stack.append((child.iter(include_text=True), bold, True, "" if italic else I_CLOSE))
        elif tag in ("-comment", "img", "script", "style"):
            continue
        else:
            stack.append((child.iter(include_text=True), bold, italic, ""))


def strip_marks(marked: str) -> str:
    for ch in "\x01\x02\x03\x04\x05":  # most paragraphs have none: five C scans, no copy
        if ch in marked:
            return MARKS_RE.sub("", marked)
    return marked


def plain(marked: str) -> str:
    return normalize_ws(strip_marks(marked))


def join_bold(segment_text: str) -> str:
    """Concatenate bold runs; put a space between runs where a word boundary was lost."""
    runs = re.findall(r"\x01([^\x02]*)\x02", segment_text)
    out = ""
    for run in runs:
        run = MARKS_RE.sub("", run)
        if out and run and out[-1].isalpha() and run[0].isupper():
            out += " "
        out += run
    return out


# --- label candidates: a bold run opening a paragraph -------------------------------------------

# Bold runs at the start of a paragraph, possibly interrupted by italics ("<b>Information </b><i><b>Satellite
# Systems</b></i><b> CEO Nikolai Testoyedov:</b>").
_LEAD_BOLD_RE = re.compile(r"^\s*((?:[\x03\x04]*\x01[^\x02]*\x02[\s\x03\x04]*)+)")
_AFTER_BOLD_RE = re.compile(r"^\s*(\([^()]*\))?\s*:\s*")
_CLOSE_PAREN_RE = re.compile(r"^([^()]*)\)\s*:\s*")
# A name closed by a full stop instead of a colon: two to five capitalised words ("Kseniya Slutskaya.").
_NAME_STOP_RE = re.compile(r"(?:[A-Z][\w’'-]+\s+){1,4}[A-Z][\w’'-]+\.")


@dataclass
class Candidate:
    label: str
    rest: str  # marked text after the label
    strong: bool  # a colon stood with the bold label


def label_candidate(marked: str) -> Candidate | None:
    m = _LEAD_BOLD_RE.match(marked)
    if not m:
        return None
    bold = join_bold(m.group(1))
    rest = marked[m.end() :]
    if ":" in bold:
        label, _, tail = bold.partition(":")
        return Candidate(label, tail + " " + rest, strong=True)
    stripped = bold.rstrip()
    if stripped.endswith("("):
        close = _CLOSE_PAREN_RE.match(MARKS_RE.sub("", rest))
        if close:
            plain_rest = MARKS_RE.sub("", rest)
            return Candidate(stripped[:-1], plain_rest[close.end() :], strong=True)
    after = _AFTER_BOLD_RE.match(MARKS_RE.sub("", rest))
    if after:
        plain_rest = MARKS_RE.sub("", rest)
        return Candidate(bold, plain_rest[after.end() :], strong=True)
    plain_rest = MARKS_RE.sub("", rest)
    if stripped.endswith(".") and _NAME_STOP_RE.fullmatch(stripped) and plain_rest.strip():
        return Candidate(stripped[:-1], plain_rest, strong=True)  # "<b>Kseniya Slutskaya. </b>Thank you."
    if _NAME_STOP_RE.fullmatch(stripped) is None and plain_rest.startswith("."):
        stop = re.match(r"^\.\s+(?=\S)", plain_rest)
        if stop and _NAME_STOP_RE.fullmatch(stripped + "."):
            return Candidate(stripped, plain_rest[stop.end() :], strong=True)  # "<b>Sebastian Kurz</b>. Yes."
    return Candidate(bold, rest, strong=False)
