"""What nbgrader test cells call. A test cell looks like::

    import importlib, mlsysim_lab.grading.nbcheck as grader
    grader = importlib.reload(grader)      # undo any monkeypatching by the student
    grader.check("lab00.intensity", intensity, points=2)

nbgrader 0.9 scores a test cell by its output: an error (or anything on stderr) earns
zero, a number as the cell's last value earns that many points, anything else full
points. So :func:`check` returns the points earned, raises :class:`GradingError` (a
clean, traceback-free message) for zero, and keeps warnings off stderr.

Two modes. Under ``nbgrader autograde`` (or with ``MLSYSIM_GRADING=reveal`` for an
instructor) answers are graded and the feedback quotes the key. Anywhere else (a
student running the notebook, ``nbgrader validate``) the check only confirms that the
answer is well formed and recorded, so the test cell is not an oracle for the key.
Function items give their property-test feedback in both modes: implementing a formula
against tests is the exercise.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from typing import Any

from mlsysim_lab.grading.grade import GradeResult, check_form, grade
from mlsysim_lab.grading.items import CodeItem, FunctionItem
from mlsysim_lab.grading.registry import find_item

MIMETYPE = "application/vnd.mlsysim-lab.grade+json"


class GradingError(AssertionError):
    """Zero credit (or a malformed answer), shown as a message without a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython hook: no traceback, just the reason
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


def grading_mode() -> str:
    """``"grade"`` under nbgrader autograde or MLSYSIM_GRADING=reveal, else ``"record"``."""
    if os.environ.get("MLSYSIM_GRADING", "").lower() == "reveal":
        return "grade"
    return "grade" if os.environ.get("NBGRADER_EXECUTION") == "autograde" else "record"


def _quiet() -> contextlib.ExitStack:
    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    return stack


def _emit(result: GradeResult, points: float) -> None:
    """A machine-readable record for ``mlsysim-lab grade`` (not shown in feedback)."""
    try:
        from IPython.display import display
    except ImportError:  # plain Python: nothing to attach it to
        return
    record = {"item": result.item_id, "credit": result.credit, "points": result.points(points),
              "out_of": points, "answer": result.answer if isinstance(
                  result.answer, (int, float, str)) else repr(result.answer),
              "misconception": result.misconception, "well_formed": result.well_formed}
    display({MIMETYPE: record}, raw=True)


def check(item_id: str, answer: Any, points: float = 1.0) -> float | None:
    """Grade (autograde) or record (elsewhere) one answer; see the module doc."""
    with _quiet():
        _, item = find_item(item_id)
        if isinstance(item, (FunctionItem, CodeItem)) or grading_mode() == "grade":
            result = grade(item_id, answer)
            _emit(result, points)
        else:
            problem = check_form(item_id, answer)
            if problem is not None:
                raise GradingError(f"{item_id}: {problem.message}")
            print(f"{item_id}: your answer {answer!r} is recorded; it is graded against "
                  "the model when the lab is autograded.")
            return None
    if result.credit <= 0:
        raise GradingError(f"{item_id}: {result.message}")
    print(f"{item_id}: {result.message}")
    return result.points(points)


def check_function(item_id: str, function: Any, points: float = 1.0) -> float:
    """Grade an "implement the formula" or a code item by its checks (both modes)."""
    earned = check(item_id, function, points)
    return points if earned is None else earned
