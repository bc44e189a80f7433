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
    """Whether each character of the Basic Multilingual Plane is a letter or digit (made when first needed)."""
    return np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)


def tokenize(texts: Sequence[str]) -> pa.StringArray:
    """The tokens of ``texts`` in order, a ``"\\n"`` token between consecutive texts."""
    data = BREAK.join(texts).encode("utf-8", "surrogatepass")
    b = np.frombuffer(data, dtype=np.uint8)
    n = len(b)
    if not n:
        return pa.array([], pa.string())
    alnum = _BYTE[b]
    high = np.flatnonzero(b >= 0x80)
    inside = np.zeros(0, dtype=np.int64)  # continuation bytes: never a boundary
    if len(high):
        inside = high[b[high] < 0xC0]
        _classify_multibyte(b, high[b[high] >= 0xC0], alnum)
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
    cls = _bmp()[np.minimum(cp, 0xFFFF)]
    for i in np.flatnonzero(cp >= 0x10000):  # outside the Basic Multilingual Plane: rare
        cls[i] = chr(int(cp[i])).isalnum()
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
