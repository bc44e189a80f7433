"""Papermill from the shell: a notebook's deliberate errors end the command with one line.

Papermill loads the engines packages declare (the ``papermill.engine`` entry point in
``pyproject.toml``) when it starts. Loading this one installs a ``sys.excepthook`` that prints a
:class:`~papermill.exceptions.PapermillExecutionError` raised by one of Refrain's own errors
(:data:`analysis.errors.USER_ERRORS`: an unknown parameter, a bad value, an unknown speaker) as
``papermill: <notebook>: ParameterError: <message>`` on stderr; the process still exits with status 1.
Anything else (a bug in a notebook, a dead kernel) keeps its full traceback. :class:`RefrainEngine`
is papermill's own nbclient engine under a name (``--engine refrain``); it changes nothing.
"""

from __future__ import annotations

import sys

from papermill.engines import NBClientEngine

from analysis.errors import USER_ERRORS

_previous = sys.excepthook


class RefrainEngine(NBClientEngine):
    """Papermill's nbclient engine (registered so that papermill loads this module)."""


def one_line(exc: BaseException) -> str | None:
    """The one line for a notebook's deliberate error, or None for anything else."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError) and exc.ename in USER_ERRORS:
        where = f" in cell {exc.exec_count}" if exc.exec_count else ""
        return f"papermill: the notebook stopped{where}: {exc.ename}: {' '.join(str(exc.evalue).split())}"
    return None


def _hook(kind, exc, tb):
    line = one_line(exc)
    if line is None:
        _previous(kind, exc, tb)
    else:
        print(line, file=sys.stderr)


if getattr(sys.excepthook, "__module__", None) != __name__:
    sys.excepthook = _hook
