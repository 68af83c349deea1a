"""The student notebooks in the installed wheel: list, copy out, run headless."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from mlsysim_lab.lab_catalog import LABS, PATHS, LabEntry, get_lab
from mlsysim_lab.resources import labs_dir


def notebook_path(lab: LabEntry) -> Path | None:
    path = labs_dir() / f"{lab.id}.ipynb"
    return path if path.is_file() else None


def listing(path: str | None = None) -> list[LabEntry]:
    """The labs, or those of a learning path in its order."""
    if path is None:
        return list(LABS)
    if path not in PATHS:
        raise LookupError(f"no learning path {path!r}; paths: {', '.join(PATHS)}")
    return [get_lab(lab_id) for lab_id in PATHS[path]]


def fetch(identifier: str, destination: str | Path = ".", *, force: bool = False) -> Path:
    """Copy a student notebook out of the wheel; an existing file is never overwritten
    unless ``force`` (a student's work is not lost by fetching twice)."""
    lab = get_lab(identifier)
    source = notebook_path(lab)
    if source is None:
        raise LookupError(f"{lab.id} ({lab.title}) is not available in this release yet")
    target = Path(destination)
    if target.is_dir() or str(destination).endswith(("/", "\\")):
        target.mkdir(parents=True, exist_ok=True)
        target = target / source.name
    if target.exists() and not force:
        raise FileExistsError(f"{target} already exists (your work?); pass --force to "
                              "overwrite it or choose another destination")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def run(identifier: str, timeout: int = 120) -> tuple[float, list[str]]:
    """Execute a student notebook headless in plain mode; returns the seconds taken and
    the text it printed (unanswered predictions are reported, not fatal)."""
    import os

    import nbformat
    from nbclient import NotebookClient

    source = notebook_path(get_lab(identifier)) if not Path(identifier).is_file() else Path(identifier)
    if source is None:
        raise LookupError(f"{identifier} is not available in this release yet")
    notebook = nbformat.read(source, as_version=4)
    previous = os.environ.get("MLSYSIM_PLAIN")
    os.environ["MLSYSIM_PLAIN"] = "1"
    start = time.perf_counter()
    try:
        NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(source.parent)}}).execute()
    finally:
        if previous is None:
            os.environ.pop("MLSYSIM_PLAIN", None)
        else:
            os.environ["MLSYSIM_PLAIN"] = previous
    return time.perf_counter() - start, _texts(notebook)


def _texts(notebook: Any) -> list[str]:
    lines = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                lines += output["text"].rstrip("\n").splitlines()
            elif output.get("output_type") == "error" and output.get("ename") == "NotImplementedError":
                lines.append("(an answer cell is still empty)")
    return lines
