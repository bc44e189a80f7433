"""``python -m analysis build``: everything from data/raw, published into reports/ (an ingest, then a render)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.ingest import COMMAND as INGEST
from analysis.ingest import IngestParams
from analysis.params import Command
from analysis.publish.render.reports import RenderParams


@dataclass(frozen=True)
class BuildParams(IngestParams, RenderParams):
    """The ingest's parameters and the render's."""


def _run(p: BuildParams) -> int:
    INGEST.run(p)
    return p.render()


COMMAND = Command(
    "build", "rebuild everything from data/raw and publish into reports/ (ingest + render)", BuildParams, _run
)
