"""Every CSV the project writes goes through here, so that no cell is a spreadsheet formula.

Text from sources is untrusted: a quote that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) is evaluated by Excel, LibreOffice and Google Sheets when the CSV is opened
(``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). Such cells get a leading ``'`` (the OWASP rule for CSV
injection); a plain number ("-3.5") is left as it is.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

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
    out = df
    for column in df.columns:
        series = df[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            texts = series.map(neutralise)
            if not texts.equals(series):
                out = out.copy() if out is df else out
                out[column] = texts
    return out


def to_csv(df: pd.DataFrame, path: Path | str | None = None) -> str | None:
    """``df`` as CSV (no index, ``\\n`` line ends), text cells neutralised; written to ``path`` if given."""
    return safe_frame(df).to_csv(path, index=False, lineterminator="\n")


def writer(fh) -> _SafeWriter:
    """A ``csv.writer`` (``\\n`` line ends) whose rows are neutralised."""
    return _SafeWriter(csv.writer(fh, lineterminator="\n"))


class _SafeWriter:
    def __init__(self, inner) -> None:
        self._inner = inner

    def writerow(self, row: Iterable) -> None:
        self._inner.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)
