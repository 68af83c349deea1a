"""One submission's autograde as a self-contained job, for a worker that may be another
process on this machine or a Dask worker on another machine.

A job is data: the assignment's :class:`Template` (the course's ``nbgrader_config.py``,
a small gradebook holding only the assignment's cells, the assignment's non-notebook
source files) and one :class:`Submission` (the student's submitted files). The worker
builds a throw-away course from them, drives nbgrader's ``Autograde`` converter on it in
its own process (the course's trusted-grading preprocessors run as in ``nbgrader
autograde``: the notebook executes in a throw-away copy of the student's folder) and
returns the autograded files in an :class:`Outcome`. The worker never sees the course's
gradebook, other students or ``source/`` notebooks; the coordinator writes the gradebook
(:mod:`.gradebook_sync`).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from mlsysim_lab.course.kernels import zygote
from mlsysim_lab.course.preprocessors import kernel_environment

CONFIG = "nbgrader_config.py"
_GRADEBOOK = "gradebook.db"
#: nbgrader's gradebook-writing steps: the coordinator runs them (:mod:`.gradebook_sync`).
SAVED_BY_COORDINATOR = ("SaveAutoGrades", "AssignLatePenalties")
_ONE_AT_A_TIME = threading.Lock()   # the converter changes the process's folder and env


@dataclass(frozen=True)
class Template:
    """What every job of one assignment shares."""

    assignment: str
    course_id: str
    config: str
    gradebook: bytes
    source_files: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Submission:
    """One student's submitted folder, as (relative path -> bytes)."""

    student: str
    files: dict[str, bytes]


@dataclass
class Outcome:
    """The autograded folder (relative path -> (bytes, mode)) or why there is none."""

    student: str
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    error: str | None = None
    log: str = ""
    worker: str = ""


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path -> bytes)."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        target = folder / name
        if not target.resolve().is_relative_to(folder.resolve()):
            raise ValueError(f"a file outside its folder: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def load_config(folder: Path) -> object:
    """The traitlets configuration in ``folder/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG, path=str(folder)).load_config()


def grade_submission(template: Template, submission: Submission) -> Outcome:
    """Autograde one submission in a throw-away course folder (never raises for it)."""
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="mlsysim-autograde-") as scratch:
        root = Path(scratch)
        (root / CONFIG).write_text(template.config)
        (root / _GRADEBOOK).write_bytes(template.gradebook)
        write_folder(root / "source" / template.assignment, template.source_files)
        write_folder(root / "submitted" / submission.student / template.assignment,
                     submission.files)
        log, text = capturing_log()
        try:
            zygote(kernel_environment(None), labs=(template.assignment,))
        except RuntimeError as error:   # grade with kernels started the usual way
            log.warning("%s", error)
        outcome = Outcome(submission.student, worker=f"{os.uname().nodename}:{os.getpid()}")
        try:
            _autograde(root, template, submission.student, log)
        except Exception as error:   # nbgrader's own failure or anything around it
            outcome.error = f"{type(error).__name__}: {error}"
        dest = root / "autograded" / submission.student / template.assignment
        if outcome.error is None and dest.is_dir():
            outcome.files = {path.relative_to(dest).as_posix():
                             (path.read_bytes(), path.stat().st_mode & 0o777)
                             for path in sorted(dest.rglob("*")) if path.is_file()}
        elif outcome.error is None:
            outcome.error = "nbgrader wrote no autograded notebook"
        outcome.log = text.getvalue()
        shutil.rmtree(root / "autograded", ignore_errors=True)
        return outcome


def capturing_log() -> tuple[logging.Logger, io.StringIO]:
    text = io.StringIO()
    log = logging.getLogger(f"mlsysim_lab.autograde.{threading.get_ident()}")
    log.handlers = [logging.StreamHandler(text)]
    log.handlers[0].setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    log.setLevel(logging.INFO)
    log.propagate = False
    return log, text


def _autograde(root: Path, template: Template, student: str, log: logging.Logger) -> None:
    """nbgrader's Autograde converter, in this process, for one student."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    config = load_config(root)
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = template.course_id
    config.CourseDirectory.db_url = f"sqlite:///{root / _GRADEBOOK}"
    config.CourseDirectory.assignment_id = template.assignment
    config.CourseDirectory.student_id = student
    config.BaseConverter.force = True
    steps = config.Autograde.autograde_preprocessors
    config.Autograde.autograde_preprocessors = [
        step for step in steps
        if str(getattr(step, "__name__", step)).rsplit(".", 1)[-1] not in SAVED_BY_COORDINATOR]
    coursedir = CourseDirectory(config=config, log=log)
    Autograde(coursedir=coursedir, config=config, log=log).start()
