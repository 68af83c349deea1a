"""The instructor's course folder: ``init_course`` writes a ready nbgrader course
(``nbgrader_config.py`` with the trusted-grading preprocessors, ``source/`` from the
instructor notebooks in ``solutions/``, the gradebook with the assignments), so
``nbgrader generate_assignment``, ``autograde``, ``generate_feedback`` and ``export`` run
with no hand editing.

Solutions are not in the wheel: pass the ``solutions/`` folder of the course repository.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

from mlsysim_lab.course.kernels import with_scripts_on_path
from mlsysim_lab.course.preprocessors import AUTOGRADE, SANITIZE
from mlsysim_lab.settings import environment

_CHECKOUT_SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"

#: What a released written answer (a reflection) holds until the student writes in it.
TEXT_STUB = "YOUR ANSWER HERE"

CONFIG_TEMPLATE = '''\
# nbgrader configuration written by `mlsysim-lab course init`.
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = {course_id!r}
# Per-cell execution limit during autograde: an infinite loop is interrupted after this
# many seconds and the rest of the notebook still runs.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
# What a student sees in place of each solution region: a comment, not an error, so
# Run All goes through a lab whose answers are still empty (each says so itself).
c.ClearSolutions.code_stub = {{"python": "# YOUR ANSWER HERE"}}
c.ClearSolutions.text_stub = {text_stub!r}

# Trusted grading (mlsysim-lab): the prediction ledger is captured before any student
# code runs, the notebook runs in a throw-away copy of the student's folder, and every
# test cell is scored here, outside the student's kernel. Keep these two lists.
c.Autograde.sanitize_preprocessors = {sanitize!r}
c.Autograde.autograde_preprocessors = {autograde!r}

# What a committed prediction earns: "accuracy" (the item's tolerance bands),
# "participation" (full credit for any well-formed committed prediction), or "mix"
# (participation_share of participation, the rest accuracy).
c.ScoreRecords.prediction_credit = "accuracy"
c.ScoreRecords.participation_share = 0.5
'''

#: The line that marks a course configured for trusted grading.
TRUSTED_MARK = "mlsysim_lab.course.preprocessors.ScoreRecords"


def _environment() -> dict[str, str]:
    return with_scripts_on_path(os.environ)


def _scripts_on_path() -> contextlib.AbstractContextManager[None]:
    return environment(PATH=_environment()["PATH"])


class CourseError(RuntimeError):
    """A course folder or its inputs are not as expected."""


def solutions_dir(path: str | Path | None = None) -> Path:
    """The instructor sources: the given folder, or the checkout's ``solutions/``."""
    folder = Path(path) if path is not None else _CHECKOUT_SOLUTIONS
    if not folder.is_dir():
        raise CourseError(
            f"no instructor sources at {folder}: solutions are not shipped in the wheel; "
            "clone the mlsysim-lab repository and pass --solutions PATH/solutions")
    return folder


def source_labs(folder: Path) -> list[str]:
    """Lab ids with an instructor notebook ``<lab>.ipynb`` in ``folder``."""
    return sorted(path.stem for path in folder.glob("*.ipynb"))


def init_course(directory: str | Path, *, solutions: str | Path | None = None,
                labs: Sequence[str] | None = None, course_id: str = "mlsysim-lab",
                timeout: int = 60) -> list[str]:
    """Create (or refresh) an nbgrader course in ``directory``; returns the labs added.
    An existing ``nbgrader_config.py`` or source notebook is never overwritten."""
    from nbgrader.api import Gradebook

    root = Path(directory).resolve()
    sources = solutions_dir(solutions)
    available = source_labs(sources)
    chosen = list(labs) if labs else available
    unknown = [lab for lab in chosen if lab not in available]
    if unknown:
        raise CourseError(f"no instructor notebook for {', '.join(unknown)} in {sources}; "
                          f"available: {', '.join(available) or 'none'}")
    root.mkdir(parents=True, exist_ok=True)
    config = root / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG_TEMPLATE.format(course_id=course_id, timeout=timeout,
                                                 sanitize=SANITIZE, autograde=AUTOGRADE,
                                                 text_stub=TEXT_STUB))
    for lab in chosen:
        target = root / "source" / lab / f"{lab}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(sources / f"{lab}.ipynb", target)
    from mlsysim_lab.course.gradebook_sync import course_directory

    coursedir = course_directory(root)   # the configuration's database (SQLite by default)
    with _scripts_on_path(), Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        for lab in chosen:
            gradebook.update_or_create_assignment(lab)
    return chosen


def check_course(course: str | Path) -> Path:
    """The course folder, if it is configured for trusted grading; else a clear error."""
    root = Path(course)
    config = root / "nbgrader_config.py"
    if not config.is_file():
        raise CourseError(f"{root} is not a course folder (no nbgrader_config.py); "
                          "create one with `mlsysim-lab course init`")
    if TRUSTED_MARK not in config.read_text(encoding="utf-8"):
        raise CourseError(f"{config} does not install the trusted-grading preprocessors; "
                          "move it aside and run `mlsysim-lab course init` again (it keeps "
                          "source/ and the gradebook)")
    return root


def nbgrader(course: str | Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in the course folder (with this interpreter)."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, text=True,
                          capture_output=True, env=_environment())
