"""Rendering: papermill runs each report's notebook in a real kernel (``engine`` turns a notebook's
deliberate errors into one line), nbconvert writes its page, ``incremental`` skips reports whose inputs
did not change, ``reports`` is the ``render`` command that publishes them into ``reports/``."""

import sys

# nbformat validates notebooks with jsonschema, which imports rfc3987_syntax when it is installed
# (JupyterLab brings it): that compiles 39 grammars at import, 1.2 s of every process that renders,
# for the "iri" string format, which no notebook schema uses. Without it jsonschema leaves that format
# unchecked (and a process that has loaded it already keeps it).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
