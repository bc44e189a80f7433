"""Every error the library raises on purpose, in one place.

All are ``ValueError`` subclasses except :class:`IngestError` (a raw file that cannot become a
document, recorded in the ingest report rather than raised to the user) and :class:`RenderError`.
The command line turns a ``ValueError`` into one line on stderr and exit status 2.
"""

from __future__ import annotations


class IngestError(Exception):
    """A raw file that cannot become a document. ``code`` is a short machine-readable reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class CorpusError(ValueError):
    """The processed corpus is missing, or a request does not fit it (unknown speaker, bad dates)."""


class PhraseError(ValueError):
    """A phrase that cannot be matched (empty, or no letters or digits)."""


class LexiconError(ValueError):
    """A lexicon file that cannot be used (missing keys, duplicate names, empty patterns)."""


class GoldError(ValueError):
    """A gold file that does not describe its raw document (bad label, unknown role, missing file)."""


class RenderError(RuntimeError):
    """A report that could not be rendered (its notebook failed, or its parameters are wrong)."""


class ParameterError(ValueError):
    """A notebook parameter that is unknown or of the wrong kind (a misspelt ``-p`` name, a word for a number)."""


# Errors whose message is the whole story: the papermill command line prints them as one line
# (:mod:`analysis.publish.render.engine`), without the kernel's traceback.
USER_ERRORS = ("ParameterError", "CorpusError", "PhraseError", "LexiconError")
