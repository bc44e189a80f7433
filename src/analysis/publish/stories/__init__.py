"""What each notebook tells: one module per notebook, each a :class:`~.base.Story`.

A notebook holds its parameters and narrative; each code cell calls one method of its story, which
computes from the library's measures and returns (or shows) escaped HTML: the tables, charts, alt
text, findings and evidence. The same story can be run outside Jupyter (every method returns or
shows plain objects), which is how the tests exercise it.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.publish.stories.base import Story


@lru_cache(maxsize=1)
def stories() -> dict[str, type[Story]]:
    """Each notebook's story class (a module that declares ``NOTEBOOK`` and one story class with ``PARAMS``)."""
    from analysis.publish.stories.base import Story

    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        notebook = getattr(module, "NOTEBOOK", None)
        if notebook is None:
            continue
        (story,) = [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, Story) and v.__module__ == module.__name__
        ]
        found[notebook] = story
    return found
