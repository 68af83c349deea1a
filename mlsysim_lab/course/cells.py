"""Build nbgrader source notebooks cell by cell (used by the lab sources and tests).

Cell kinds, with the nbgrader 0.9 metadata each carries (schema version 3):
``markdown`` (plain text), ``setup`` (read-only code), ``answer`` (an autograded answer
cell whose solution region nbgrader clears in the student version), ``tests`` (a locked
test cell worth ``points``), ``reflection`` (a manually graded markdown answer).
"""

from __future__ import annotations

from typing import Any, Iterable

import nbformat


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, locked: bool,
              points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(text: str) -> Any:
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def setup(code: str, grade_id: str) -> Any:
    return nbformat.v4.new_code_cell(code.strip("\n"), metadata=_nbgrader(
        grade_id, solution=False, grade=False, locked=True))


def answer(solution: str, grade_id: str, *, before: str = "", after: str = "") -> Any:
    """``before`` and ``after`` stay visible; ``solution`` is cleared for students."""
    parts = [before.strip("\n"), "### BEGIN SOLUTION", solution.strip("\n"),
             "### END SOLUTION", after.strip("\n")]
    return nbformat.v4.new_code_cell("\n".join(p for p in parts if p), metadata=_nbgrader(
        grade_id, solution=True, grade=False, locked=False))


def tests(code: str, grade_id: str, points: float) -> Any:
    """A locked test cell; its one-line source is collapsed (grading plumbing out of
    sight), its output is what the student reads."""
    metadata = _nbgrader(grade_id, solution=False, grade=True, locked=True, points=points)
    metadata["jupyter"] = {"source_hidden": True}
    return nbformat.v4.new_code_cell(code.strip("\n"), metadata=metadata)


def reflection(prompt: str, model_answer: str, grade_id: str, points: float) -> Any:
    """A manually graded written answer: the prompt is a read-only markdown cell, the
    answer cell holds the model answer as its solution (cleared for students)."""
    return [markdown(prompt), nbformat.v4.new_markdown_cell(
        "### BEGIN SOLUTION\n" + model_answer.strip() + "\n### END SOLUTION",
        metadata=_nbgrader(grade_id, solution=True, grade=True, locked=False, points=points))]


def check_cell(item_id: str, variable: str, grade_id: str, points: float,
               function: bool = False) -> Any:
    """A test cell that records ``variable`` (absent -> None) for ``item_id``; the
    grader scores the record (or the committed prediction) outside the kernel."""
    call = "check_function" if function else "check"
    code = (f"from mlsysim_lab.grading.nbcheck import {call}\n"
            f"{call}({item_id!r}, globals().get({variable!r}), points={points})")
    if function:   # the lab's set-up cell imports check_function
        code = code.split("\n", 1)[1]
    return tests(code, grade_id, points)


def commit_cell(item: str, grade_id: str, points: float) -> Any:
    """The test cell of a prediction: it records the answer cell's value, commits it and
    shows the card; the grader scores the commit outside the kernel."""
    return tests(f"commit(lab, {item!r}, globals().get({item!r}))", grade_id, points)


def notebook(cells: Iterable[Any], title: str) -> Any:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = title
    return nb
