"""What the grader reads from a submitted notebook, without running any of it.

The locked cells are nbgrader's (it restores their source from the gradebook before
autograding), so the item a test cell grades comes from its source, never from what
the cell displayed. Answer cells are the student's: their source is evidence (the code
of an implement item, whether a prediction was computed), their output is not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Iterator

from mlsysim_lab.grading.records import ANSWER_MIMETYPE, EVENT_MIMETYPE

#: The functions a test cell calls to record an answer.
RECORDERS = ("check", "check_function")


@dataclass(frozen=True)
class GradedCell:
    """A locked test cell: where it is, the item it records and the answer variable."""

    index: int
    lab: str
    item: str
    variable: str
    points: float
    answer_source: str

    @property
    def item_id(self) -> str:
        return f"{self.lab}.{self.item}"


def _meta(cell: Any) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _is_test(cell: Any) -> bool:
    meta = _meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _is_answer(cell: Any) -> bool:
    return cell.get("cell_type") == "code" and bool(_meta(cell).get("solution"))


def recorded_item(source: str) -> tuple[str, str, str] | None:
    """(lab, item, variable) of a test cell's ``check('lab.item', globals().get('var'))``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first, second = node.args[0], node.args[1]
        if name not in RECORDERS or not (isinstance(first, ast.Constant)
                                         and isinstance(first.value, str) and "." in first.value):
            continue
        lab, _, item = first.value.partition(".")
        variable = item
        if isinstance(second, ast.Call) and second.args and isinstance(second.args[0], ast.Constant):
            variable = str(second.args[0].value)
        elif isinstance(second, ast.Name):
            variable = second.id
        return lab, item, variable
    return None


def graded_cells(notebook: Any) -> list[GradedCell]:
    """Every test cell that records an item, with the answer cell just before it."""
    found = []
    answer_source = ""
    for index, cell in enumerate(notebook.cells):
        if _is_answer(cell):
            answer_source = cell.source
        elif _is_test(cell):
            recorded = recorded_item(cell.source)
            if recorded is not None:
                lab, item, variable = recorded
                found.append(GradedCell(index, lab, item, variable,
                                        float(_meta(cell).get("points", 0)), answer_source))
            answer_source = ""
    return found


def lab_of(notebook: Any) -> str | None:
    """The lab a notebook's test cells record answers for (None: not one of ours)."""
    cells = graded_cells(notebook)
    return cells[0].lab if cells else None


def setup_source(notebook: Any) -> str:
    """The locked code cells before the first answer cell: the lab's set-up."""
    parts = []
    for cell in notebook.cells:
        if _is_answer(cell):
            break
        if cell.get("cell_type") == "code" and _meta(cell).get("locked") and not _is_test(cell):
            parts.append(cell.source)
    return "\n".join(parts)


def _bundles(cell: Any, mimetype: str) -> Iterator[dict[str, Any]]:
    for output in cell.get("outputs", []) or []:
        data = output.get("data", {}) or {}
        if isinstance(data.get(mimetype), dict):
            yield data[mimetype]


def answer_record(cell: Any, item_id: str) -> dict[str, Any] | None:
    """The last answer record a test cell displayed for its own item."""
    found = None
    for bundle in _bundles(cell, ANSWER_MIMETYPE):
        if bundle.get("item") == item_id and isinstance(bundle.get("answer"), dict):
            found = bundle["answer"]
    return found


def shown_events(notebook: Any) -> list[dict[str, Any]]:
    """The commit and reveal events the notebook's saved outputs show."""
    return [event for cell in notebook.cells for event in _bundles(cell, EVENT_MIMETYPE)]
