"""The one tokenizer: a folded spoken text cut into alternating runs of letters or digits and runs of
anything else.

A *token* is either an *atom* (a maximal run of characters for which ``str.isalnum()`` is true: "that",
"s", "2014", "україні") or a *separator* (a maximal run of the others: " ", "'", ", ", " — "). Tokens
cover the text exactly: joined, they give it back. This is the unit of the persisted index
(:mod:`analysis.index`) and of every count: a phrase matches where its own atoms and separators
occur in sequence, which is exactly where the phrase occurs as whole words (see
:mod:`analysis.measures.match`).

:func:`tokenize` works on many texts at once, on their UTF-8 bytes with NumPy (classes of characters
from a table, boundaries where the class changes), and returns the tokens as one Arrow string
array over those bytes: no Python object per token. Texts are separated by a ``"\\n"`` token (a
folded spoken text never holds a line break).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pyarrow as pa

_BYTE = np.array([chr(c).isalnum() for c in range(128)] + [False] * 128, dtype=bool)  # ASCII letters, digits
BREAK = "\n"  # the token between two texts


@cache
def _bmp() -> np.ndarray:
    """Whether each character of the Basic Multilingual Plane is a letter or digit (made when first needed:
    for a long text; a few pages' characters are looked up one by one, :func:`_alnum`)."""
    return np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)


_TABLE_FROM = 1 << 16  # multi-byte characters in one call from which the whole table is worth making


def _alnum(cp: np.ndarray) -> np.ndarray:
    """``str.isalnum()`` of each code point: from the BMP table for many characters, else worked out once
    per distinct character (a process that tokenizes a few pages never pays for the table)."""
    if len(cp) >= _TABLE_FROM or _bmp.cache_info().currsize:
        cls = _bmp()[np.minimum(cp, 0xFFFF)]
        for i in np.flatnonzero(cp >= 0x10000):  # outside the Basic Multilingual Plane: rare
            cls[i] = chr(int(cp[i])).isalnum()
        return cls
    distinct, where = np.unique(cp, return_inverse=True)
    return np.array([chr(c).isalnum() for c in distinct.tolist()], dtype=bool)[where]


def tokenize(texts: Sequence[str]) -> pa.StringArray:
    """The tokens of ``texts`` in order, a ``"\\n"`` token between consecutive texts."""
    data = BREAK.join(texts).encode("utf-8", "surrogatepass")
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(b)
    if not n:
        return pa.array([], pa.string())
    alnum, inside = _classes(b)
    cut = np.empty(n + 1, dtype=bool)
    cut[0] = cut[n] = True
    np.not_equal(alnum[1:], alnum[:-1], out=cut[1:n])
    breaks = np.flatnonzero(b == 10)
    cut[breaks] = True
    cut[breaks + 1] = True
    cut[inside] = False
    bounds = np.flatnonzero(cut).astype(np.int32 if n < 2**31 else np.int64)
    kind = pa.string() if bounds.dtype == np.int32 else pa.large_string()
    return pa.Array.from_buffers(kind, len(bounds) - 1, [None, pa.py_buffer(bounds.tobytes()), pa.py_buffer(data)])


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """The words of each text as :func:`analysis.text.count_words` counts them (runs of letters or
    digits joined by single apostrophes or hyphens), for many texts at once: the same byte classes
    as :func:`tokenize`, no Python object per word. A word is a run of letters or digits that does
    not follow a run and a single ``'``, ``’`` or ``-``."""
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    b = np.frombuffer(BREAK.encode().join(encoded), dtype=np.uint8)
    n = len(b)
    if not n:
        return np.zeros(len(encoded), dtype=np.int64)
    alnum, _ = _classes(b)
    word = np.empty(n, dtype=bool)  # where a run of letters or digits starts
    word[0] = alnum[0]
    np.greater(alnum[1:], alnum[:-1], out=word[1:])
    # joiners are rare: look at each candidate (an ASCII ' or -, or the last byte of ’ = E2 80 99)
    at = np.flatnonzero((b == 0x27) | (b == 0x2D))
    at = at[(at > 0) & (at < n - 1)]
    word[at[alnum[at - 1] & alnum[at + 1]] + 1] = False
    at = np.flatnonzero(b == 0x99)
    at = at[(at > 2) & (at < n - 1)]
    at = at[(b[at - 1] == 0x80) & (b[at - 2] == 0xE2)]
    word[at[alnum[at - 3] & alnum[at + 1]] + 1] = False
    total = np.zeros(n + 1, dtype=np.int32 if n < 2**31 else np.int64)  # words before each byte
    np.cumsum(word, dtype=total.dtype, out=total[1:])
    ends = np.cumsum(lengths + 1) - 1  # where each text ends (its BREAK, or n)
    return (total[ends] - total[ends - lengths]).astype(np.int64)


def _classes(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per byte: whether it belongs to a letter or digit; and where the continuation bytes are."""
    alnum = _BYTE[b]
    high = np.flatnonzero(b >= 0x80)
    inside = np.zeros(0, dtype=np.int64)  # continuation bytes: never a boundary
    if len(high):
        inside = high[b[high] < 0xC0]
        _classify_multibyte(b, high[b[high] >= 0xC0], alnum)
    return alnum, inside


def _classify_multibyte(b: np.ndarray, leads: np.ndarray, alnum: np.ndarray) -> None:
    """Set ``alnum`` for the bytes of every multi-byte character (its lead byte at ``leads``)."""
    n = len(b)
    b0 = b[leads].astype(np.uint32)

    def cont(k: int) -> np.ndarray:
        return b[np.minimum(leads + k, n - 1)].astype(np.uint32) & 0x3F

    two, three = b0 < 0xE0, b0 < 0xF0
    cp = np.where(
        two,
        ((b0 & 0x1F) << 6) | cont(1),
        np.where(
            three,
            ((b0 & 0x0F) << 12) | (cont(1) << 6) | cont(2),
            ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
        ),
    )
    cls = _alnum(cp)
    width = np.where(two, 2, np.where(three, 3, 4))
    for k in range(4):
        at = width > k
        alnum[np.minimum(leads[at] + k, n - 1)] = cls[at]


def is_atom(token: str) -> bool:
    """True for a run of letters or digits, False for a separator."""
    return token[:1].isalnum()


def split(text: str) -> list[str]:
    """The tokens of one text (for a phrase: a few tokens, no arrays needed)."""
    return tokenize([text]).to_pylist() if text else []


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of non-negative integers (token ids, keys made of them): below
    2³² as one or two passes of NumPy's radix sort on 16-bit digits (linear, not a merge sort)."""
    top = int(keys.max()) if len(keys) else 0
    if top >= 1 << 32:
        return np.argsort(keys, kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if top < 1 << 16:
        return low
    return low[np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")]
