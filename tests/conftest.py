"""Test set-up: the sample lab's answer spec is found through MLSYSIM_LAB_GRADERS (the
mechanism a course developer uses for their own labs), and no ambient student id or
grading mode leaks in from the environment."""

import os
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

os.environ["MLSYSIM_LAB_GRADERS"] = str(FIXTURES / "graders")
for variable in ("MLSYSIM_STUDENT_ID", "JUPYTERHUB_USER", "NBGRADER_EXECUTION", "MLSYSIM_GRADING"):
    os.environ.pop(variable, None)


import pytest


@pytest.fixture(autouse=True)
def _own_working_folder(tmp_path, monkeypatch):
    """Each test runs in its own folder: a lab opened in a test keeps its prediction
    ledger there, never in the checkout."""
    monkeypatch.chdir(tmp_path)
