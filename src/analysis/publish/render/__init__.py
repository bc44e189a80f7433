"""Rendering: papermill runs each report's notebook in a real kernel (``engine`` turns a notebook's
deliberate errors into one line), nbconvert writes its page, ``incremental`` skips reports whose inputs
did not change, ``reports`` is the ``render`` command that publishes them into ``reports/``."""
