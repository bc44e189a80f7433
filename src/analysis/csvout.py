"""Every CSV the project writes goes through here, so that no cell is a spreadsheet formula.

Text from sources is untrusted: a quote that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) is evaluated by Excel, LibreOffice and Google Sheets when the CSV is opened
(``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). Such cells get a leading ``'`` (the OWASP rule for CSV
injection); a plain number ("-3.5") is left as it is.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value):
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell neutralised (numbers, dates and booleans untouched)."""
    import pandas as pd

    out = df
    for column in df.columns:
        series = df[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            texts = series.map(neutralise)
            if not texts.equals(series):
                out = out.copy() if out is df else out
                out[column] = texts
    return out


def to_csv(df: Any, path: Path | str | None = None) -> str | None:
    """``df`` (a DataFrame or an Arrow table) as CSV (no index, ``\\n`` line ends), text cells
    neutralised; written to ``path`` if given. An Arrow table is written without pandas, cell for
    cell as pandas writes the same table (floats as ``repr``, missing values empty)."""
    if not _arrow(df):
        return safe_frame(df).to_csv(path, index=False, lineterminator="\n")
    out = io.StringIO()
    w = writer(out)
    w.writerow(df.column_names)
    columns = [[_cell(v) for v in column.to_pylist()] for column in df.columns]
    w.writerows(zip(*columns, strict=True))
    if path is None:
        return out.getvalue()
    Path(path).write_text(out.getvalue(), encoding="utf-8")
    return None


def to_json(df: Any) -> str:
    """``df`` (a DataFrame or an Arrow table) as a JSON list of records (missing numbers as ``null``)."""
    rows = df.to_pylist() if _arrow(df) else df.to_dict(orient="records")
    clean = [{k: _json_value(v) for k, v in row.items()} for row in rows]
    return json.dumps(clean, indent=1, default=str) + "\n"


def _arrow(table: Any) -> bool:
    return type(table).__module__.startswith("pyarrow")


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # a NumPy scalar
        return _json_value(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def writer(fh) -> _SafeWriter:
    """A ``csv.writer`` (``\\n`` line ends) whose rows are neutralised."""
    return _SafeWriter(csv.writer(fh, lineterminator="\n"))


class _SafeWriter:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row: Iterable) -> None:
        row = list(row)
        for i, v in enumerate(row):  # most cells need nothing: look at each once, inline
            if isinstance(v, str) and v.startswith(_FORMULA):  # a str subclass too (NumPy's str_)
                row[i] = neutralise(v)
        self._inner.writerow(row)

    def writerows(self, rows: Iterable[Iterable]) -> None:
        """Rows a batch at a time: a batch none of whose text cells starts like a formula (what the
        ``\0``-joined cells show in one search per sign) is written as it is, without a look at each cell."""
        stream = iter(rows)
        while batch := [r if isinstance(r, (list, tuple)) else list(r) for r in itertools.islice(stream, _BATCH)]:
            texts = "\0" + "\0".join([v for row in batch for v in row if isinstance(v, str)])
            if any("\0" + sign in texts for sign in _FORMULA):
                for row in batch:
                    self.writerow(row)
            else:
                self._inner.writerows(batch)


_BATCH = 10_000  # rows looked at at once


def _quoted_by_csv() -> str:
    """The characters that make :mod:`csv` quote a cell in :func:`writer`'s dialect (asked of the module
    itself, so that :func:`arrow_lines` quotes as it does in any version)."""
    found = []
    for ch in ",\"\n\r\t;'":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([ch, ""])
        if out.getvalue().startswith('"'):
            found.append(ch)
    return "".join(found)


_QUOTED = _quoted_by_csv()


def arrow_lines(columns: Sequence[pa.Array]) -> str:
    """Rows given as columns (Arrow arrays of text or integers; null is an empty cell) as CSV lines, each
    ending in ``\\n``: byte for byte what :func:`writer` writes for the same rows, worked out column by
    column (a cell that starts like a formula is neutralised in Python: there are few)."""
    return arrow_line_bytes(columns)[0].decode("utf-8")


def arrow_line_bytes(columns: Sequence[pa.Array]) -> tuple[bytes, np.ndarray]:
    """:func:`arrow_lines` as UTF-8, and where each line ends in it (its bytes' offsets)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = []
    n = len(columns[0]) if columns else 0
    if not n:
        return b"", np.zeros(0, np.int64)
    for column in columns:
        if not (pa.types.is_string(column.type) or pa.types.is_integer(column.type) or pa.types.is_null(column.type)):
            raise TypeError(f"arrow_lines: a column of {column.type} (text and integers only)")
        text = pc.fill_null(column.cast(pa.string()), "")
        leads, anywhere = _bytes_of(text)  # the cells' first bytes, and all of them: looked at at once first
        if (_lookup()[leads] & 1).any():  # some cell starts like a formula
            risky = pc.match_substring_regex(text, "^[" + _re2_class(_FORMULA) + "]")
            fixed = [neutralise(v) for v in text.filter(risky).to_pylist()]
            text = pc.replace_with_mask(text, risky, pa.array(fixed, pa.string()))
        if (_lookup()[anywhere] & 2).any():  # some cell must be quoted
            quote = pc.match_substring_regex(text, "[" + _re2_class(_QUOTED) + "]")
            text = pc.if_else(
                quote, pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', ""), text
            )
        cells.append(text)
    lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, ","), "", "\n").cast(pa.large_string())
    offsets = np.frombuffer(lines.buffers()[1], np.int64)[lines.offset : lines.offset + len(lines) + 1]
    lo, hi = int(offsets[0]), int(offsets[-1])  # the lines end to end are the array's own text buffer
    return lines.buffers()[2].to_pybytes()[lo:hi], offsets[1:] - lo


def _bytes_of(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The first byte of each non-empty cell of a text column, and every byte of its cells (UTF-8: the ASCII
    signs looked for are never part of another character)."""
    import numpy as np

    offsets = np.frombuffer(text.buffers()[1], np.int32)[text.offset : text.offset + len(text) + 1]
    data = text.buffers()[2]
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    starts = offsets[:-1][offsets[1:] > offsets[:-1]]
    return raw[starts], raw[offsets[0] : offsets[-1]]


@functools.lru_cache(maxsize=1)
def _lookup() -> np.ndarray:
    """Per byte value: 1 if a cell starting with it reads as a formula, 2 if a cell holding it is quoted."""
    import numpy as np

    table = np.zeros(256, np.uint8)
    table[[ord(c) for c in _FORMULA]] |= 1
    table[[ord(c) for c in _QUOTED]] |= 2
    return table


def _re2_class(chars: Iterable[str]) -> str:
    return "".join(f"\\x{{{ord(c):x}}}" for c in chars)
