"""The student notebooks: list, copy out, run headless. A lab's student notebook sits in
the ``labs/`` folder beside the ``graders/`` folder its spec came from (in the wheel,
in a checkout, or in a course developer's folder named by ``MLSYSIM_LAB_GRADERS``)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from mlsysim_lab.grading.items import LabSpec
from mlsysim_lab.grading.specs import all_labs, available_labs, lab_id, learning_paths, load_lab, spec_path


def get_lab(identifier: str) -> LabSpec:
    """A lab by id (``lab03``, ``03`` or ``3``)."""
    wanted = lab_id(identifier)
    if wanted not in available_labs():
        labs = available_labs()
        raise LookupError(f"no lab {identifier!r}; labs are {', '.join(labs) or 'none'}")
    return load_lab(wanted)


def notebook_path(lab: LabSpec) -> Path | None:
    """The student notebook of a lab, beside its spec's folder."""
    path = spec_path(lab.id).parent.parent / "labs" / f"{lab.id}.ipynb"
    return path if path.is_file() else None


def listing(path: str | None = None) -> list[LabSpec]:
    """The labs, or those of a learning path in its order."""
    if path is None:
        return all_labs()
    paths = learning_paths()
    if path not in paths:
        raise LookupError(f"no learning path {path!r}; paths: {', '.join(paths)}")
    return [load_lab(lab) for lab in paths[path]]


def fetch(identifier: str, destination: str | Path = ".", *, force: bool = False,
          student: str | None = None) -> Path:
    """Copy a student notebook out of the wheel; an existing file is never overwritten
    unless ``force`` (a student's work is not lost by fetching twice). ``student`` sets
    whose scenario the notebook shows, once, in its prediction ledger (for a laptop,
    where no hub says who the student is)."""
    lab = get_lab(identifier)
    source = notebook_path(lab)
    if source is None:
        raise LookupError(f"{lab.id} ({lab.title}) is not available in this release yet")
    target = Path(destination)
    if target.is_dir() or target.suffix != ".ipynb":   # a folder, new or not
        target.mkdir(parents=True, exist_ok=True)
        target = target / source.name
    if target.exists() and not force:
        raise FileExistsError(f"{target} already exists (your work?); pass --force to "
                              "overwrite it or choose another destination")
    target.parent.mkdir(parents=True, exist_ok=True)
    if student is not None:
        stamp(lab.id, target.parent, student)
    shutil.copyfile(source, target)
    return target


def stamp(lab_id: str, folder: Path, student: str) -> None:
    """Record in the lab's ledger in ``folder`` that this notebook is ``student``'s;
    refused if the ledger already names someone else (their commits are in it)."""
    from mlsysim_lab.grading.ledger import Ledger
    from mlsysim_lab.grading.predict import open_lab

    student = student.strip()
    if not student:
        raise ValueError("--student needs your student id (the one your course uses)")
    ledger = Ledger.read(lab_id, folder)
    if ledger.opened:
        if ledger.student == student:
            return
        raise FileExistsError(f"{ledger.path} already records this lab as worked by "
                              f"{ledger.student or 'nobody (the default scenario)'}, with its "
                              "commits; fetch into another folder to start again")
    open_lab(lab_id, student=student, folder=folder)   # its first open records the student


def run(identifier: str, timeout: int = 120) -> tuple[float, list[str]]:
    """Execute a student notebook headless in plain mode, in a scratch folder (its
    prediction ledger is thrown away); returns the seconds taken and the text it printed
    (unanswered predictions are reported, not fatal)."""
    import os
    import tempfile

    import nbformat

    from mlsysim_lab.course.kernels import execute_notebook

    source = notebook_path(get_lab(identifier)) if not Path(identifier).is_file() else Path(identifier)
    if source is None:
        raise LookupError(f"{identifier} is not available in this release yet")
    notebook = nbformat.read(source, as_version=4)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mlsysim-run-") as scratch:
        execute_notebook(notebook, scratch, env={**os.environ, "MLSYSIM_PLAIN": "1"},
                         timeout=timeout)
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
