"""Every CSV the project writes goes through here, so that no cell is a spreadsheet formula.

Text from sources is untrusted: a quote that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) is evaluated by Excel, LibreOffice and Google Sheets when the CSV is opened
(``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). Such cells get a leading ``'`` (the OWASP rule for CSV
injection); a plain number ("-3.5") is left as it is.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

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
