"""What nbgrader test cells call, in the student's kernel. A test cell looks like::

    from mlsysim_lab.grading.nbcheck import check
    check("lab00.intensity", globals().get("intensity"), points=2)

The kernel is the student's, so nothing here scores anything. :func:`check` records the
answer as data in the cell's output (see :mod:`.records`) and says whether it is well
formed; the grader (``mlsysim_lab.course.preprocessors``) reads that record, or the
committed prediction, outside the kernel and replaces the cell's output with the
verdict. The key is never shown here: a test cell is not an oracle.

"Implement the formula" and code items also give their property-test feedback here
(the smallest failing input), because implementing against tests is the exercise; the
grade for them comes from an isolated re-run of the answer cell's source.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

from mlsysim_lab.grading.grade import check_form, grade
from mlsysim_lab.grading.records import ANSWER_MIMETYPE, encode
from mlsysim_lab.grading.specs import find_item
from mlsysim_lab.settings import nbgrader_mode


def _quiet() -> contextlib.ExitStack:
    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    return stack


class NotReady(AssertionError):
    """Under nbgrader's Validate: an answer that is missing, malformed or not committed.
    Shown as one line, without a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython hook
        return [f"\x1b[0;31mNot ready\x1b[0m: {self}"]


def record_answer(item_id: str, answer: Any) -> None:
    """Write the answer into the cell's output as data, for the grader."""
    try:
        from IPython.display import display
    except ImportError:  # plain Python: nothing to attach it to
        return
    display({ANSWER_MIMETYPE: {"item": item_id, "answer": encode(answer)}}, raw=True)


def check(item_id: str, answer: Any, points: float = 1.0) -> None:
    """Record one answer for the grader and say whether it is well formed."""
    with _quiet():
        _, item = find_item(item_id)
        record_answer(item_id, answer)
        if not item.predictable:
            if nbgrader_mode() == "autograde":
                return None   # checked by the grader, in isolation
            result = grade(item_id, answer)
            ready, message = result.credit >= 1, result.message
        else:
            problem = check_form(item_id, answer)
            ready = problem is None
            message = (f"not yet gradable: {problem.message}" if problem is not None else
                       f"your answer {answer!r} is recorded; it is graded against the model "
                       "when the lab is autograded.")
    print(f"{item_id} ({points:g} point{'s' if points != 1 else ''}): {message}")
    if nbgrader_mode() == "validate" and not ready:
        raise NotReady(f"{item_id}: {message}")
    return None


def check_function(item_id: str, function: Any, points: float = 1.0) -> None:
    """Record an "implement the formula" or code item and show its property feedback."""
    return check(item_id, function, points)
