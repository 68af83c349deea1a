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

#: The functions a test cell calls to record an answer: ``check('lab.item', value)``,
#: ``check_function('lab.item', f)`` and ``commit(lab, 'item', value)``.
RECORDERS = ("check", "check_function")
COMMIT = "commit"


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


def is_written_answer(cell: Any) -> bool:
    """A reflection's answer cell: markdown the student writes (graded by hand)."""
    return cell.get("cell_type") == "markdown" and bool(_meta(cell).get("solution"))


def _calls(source: str) -> list[tuple[str, list[ast.expr]]]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [(node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", ""),
             node.args) for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _variable(node: ast.expr, default: str) -> str:
    """``globals().get('var')`` or ``var``."""
    if isinstance(node, ast.Call) and node.args and _text(node.args[0]):
        return str(_text(node.args[0]))
    return node.id if isinstance(node, ast.Name) else default


def recorded_item(source: str, lab: str | None = None) -> tuple[str, str, str] | None:
    """(lab, item, variable) of a test cell: ``check('lab.item', globals().get('var'))``,
    or ``commit(lab, 'item', globals().get('item'))`` in the notebook of ``lab``."""
    for name, args in _calls(source):
        if name in RECORDERS and len(args) >= 2 and "." in (_text(args[0]) or ""):
            lab_id, _, item = str(_text(args[0])).partition(".")
            return lab_id, item, _variable(args[1], item)
        if name == COMMIT and lab and len(args) >= 3 and _text(args[1]):
            item = str(_text(args[1]))
            return lab, item, _variable(args[2], item)
    return None


def opened_lab(notebook: Any) -> str | None:
    """The lab a notebook's locked set-up opens (``open_lab('lab01')``)."""
    for cell in notebook.cells:
        if cell.get("cell_type") == "code" and _meta(cell).get("locked"):
            for name, args in _calls(cell.source):
                if name == "open_lab" and args and _text(args[0]):
                    return _text(args[0])
    return None


def graded_cells(notebook: Any) -> list[GradedCell]:
    """Every test cell that records an item, with the answer cell just before it."""
    found = []
    answer_source = ""
    lab_id = opened_lab(notebook)
    for index, cell in enumerate(notebook.cells):
        if _is_answer(cell):
            answer_source = cell.source
        elif _is_test(cell):
            recorded = recorded_item(cell.source, lab_id)
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
