"""Every environment variable the package reads, in one place, and one way to set
some for a while.

========================  ============================================================
variable                  meaning
========================  ============================================================
MLSYSIM_STUDENT_ID        whose scenario a newly opened lab shows (an instructor's
                          preview); the grader never reads it
JUPYTERHUB_USER           the hub user: the student, when nothing else says
MLSYSIM_LAB_GRADERS       extra folders of lab specs (os.pathsep-separated), read in
                          the process that loads specs
MLSYSIM_PLAIN             any value but 0: widgets as plain text
NBGRADER_EXECUTION        set by nbgrader while it runs a notebook
========================  ============================================================
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

STUDENT_ID = "MLSYSIM_STUDENT_ID"
HUB_USER = "JUPYTERHUB_USER"
LAB_GRADERS = "MLSYSIM_LAB_GRADERS"
PLAIN = "MLSYSIM_PLAIN"
NBGRADER_EXECUTION = "NBGRADER_EXECUTION"


def _text(name: str) -> str:
    return os.environ.get(name, "").strip()


def student_from_environment() -> str | None:
    """The student the environment names: an explicit id, else the hub user."""
    return _text(STUDENT_ID) or _text(HUB_USER) or None


def extra_grader_folders() -> list[Path]:
    """Course developers' spec folders, in the order given."""
    return [Path(part) for part in os.environ.get(LAB_GRADERS, "").split(os.pathsep) if part]


def plain_requested() -> bool:
    return _text(PLAIN) not in ("", "0")


def nbgrader_mode() -> str:
    """"autograde", "validate" ... while nbgrader runs the notebook, else ""."""
    return _text(NBGRADER_EXECUTION)


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set (or, with None, remove) environment variables, restoring them afterwards."""
    previous = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
