"""The report list, ``config/reports.yaml``: each report's name, notebook, title, summary and parameters,
read and checked before any kernel starts (the parameters against the notebook's ``parameters`` cell and
its story's parameter dataclass), and a rendered report's title checked against the dates it measured."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from analysis import config, safe_yaml
from analysis.errors import RenderError


@dataclass
class ReportSpec:
    name: str
    notebook: str
    title: str
    summary: str
    parameters: dict


_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,80}")
_NOTEBOOK_RE = re.compile(r"[A-Za-z0-9][\w.-]{0,120}\.ipynb")
MAX_PARAMETER_BYTES = 20_000


def load_specs(config_path: Path | str = config.REPORTS_FILE) -> list[ReportSpec]:
    """Read and validate the report list."""
    path = Path(config_path)
    data = safe_yaml.load(path.read_text(encoding="utf-8"), what=str(path)) or {}
    if not isinstance(data, dict) or not isinstance(data.get("reports") or [], list):
        raise ValueError(f"{path}: expected a mapping with a 'reports' list")
    specs, seen = [], set()
    for i, item in enumerate(data.get("reports") or []):
        if not isinstance(item, dict):
            raise ValueError(f"{path}: report #{i + 1} is not a mapping")
        missing = [k for k in ("name", "notebook", "title") if not item.get(k)]
        if missing:
            raise ValueError(f"{path}: report #{i + 1} lacks {', '.join(missing)}")
        if not isinstance(item["name"], str) or not _NAME_RE.fullmatch(item["name"]):
            raise ValueError(
                f"{path}: report name {item['name']!r}: use lower-case letters, digits, '-' and '_' "
                "(it names files under reports/ and build/)"
            )
        if not isinstance(item["notebook"], str) or not _NOTEBOOK_RE.fullmatch(item["notebook"]):
            raise ValueError(
                f"{path}: report {item['name']!r}: notebook {item['notebook']!r} must be a file name in notebooks/"
            )
        if item["name"] in seen:
            raise ValueError(f"{path}: report name {item['name']!r} is used twice")
        seen.add(item["name"])
        specs.append(
            ReportSpec(
                item["name"],
                item["notebook"],
                item["title"],
                item.get("summary", ""),
                dict(item.get("parameters") or {}),
            )
        )
    if not specs:
        raise ValueError(f"{path}: no reports listed")
    return specs


def check_parameters(spec: ReportSpec, notebook_path: Path) -> None:
    """Fail on a parameter the notebook does not declare in its ``parameters`` cell, or one far too large."""
    size = len(json.dumps(spec.parameters, default=str))
    if size > MAX_PARAMETER_BYTES:
        raise ValueError(
            f"report {spec.name!r}: its parameters take {size:,} characters, more than {MAX_PARAMETER_BYTES:,}"
        )
    import papermill as pm

    declared = pm.inspect_notebook(str(notebook_path))
    if not declared:
        raise ValueError(f"{notebook_path.name} has no cell tagged 'parameters'")
    unknown = sorted(set(spec.parameters) - set(declared))
    if unknown:
        raise ValueError(
            f"report {spec.name!r}: unknown parameter(s) {', '.join(unknown)} for {notebook_path.name} "
            f"(declared: {', '.join(declared)})"
        )
    from analysis.publish.stories import stories

    story = stories().get(notebook_path.name)
    if story is not None:  # the values too, against the story's declaration, before a kernel starts
        try:
            story.PARAMS.of(spec.parameters)
        except ValueError as exc:
            raise ValueError(f"report {spec.name!r} ({notebook_path.name}): {exc}") from None


_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def check_title_years(spec: ReportSpec, meta: dict) -> None:
    """Fail when the title names a year outside the dates of the words the report measured."""
    first, last = meta.get("words_from"), meta.get("words_to")
    if not first or not last:
        return
    lo, hi = int(first[:4]), int(last[:4])
    wrong = sorted({int(y) for y in _YEAR_RE.findall(spec.title)} - set(range(lo, hi + 1)))
    if wrong:
        raise RenderError(
            f"report {spec.name!r}: its title names {', '.join(map(str, wrong))} but the words it measured run "
            f"{first} to {last}: correct the title in config/reports.yaml"
        )
