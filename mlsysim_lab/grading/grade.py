"""Grade one answer against the key the solver computes for a scenario.

Never raises on a bad answer: every problem becomes a zero with a message that says
what was wrong and what was expected (the unit, not the key). The items do the work
(:mod:`.items`); this module finds the item and the scenario.
"""

from __future__ import annotations

from typing import Any, Mapping

from mlsysim_lab.grading.answers import AnswerProblem
from mlsysim_lab.grading.items import Item, LabSpec
from mlsysim_lab.grading.results import GradeResult, number
from mlsysim_lab.grading.scenario import draw, student_id
from mlsysim_lab.grading.specs import find_item


def scenario_for(lab: LabSpec, student: str | None = None) -> dict[str, Any]:
    """The scenario of a student (default: the one the environment names)."""
    return draw(lab.scenario, lab.id, student if student is not None else student_id())


def key_for(item: Item, scenario: Mapping[str, Any]) -> Any:
    """The key of a numeric or choice item for a scenario, from the solver."""
    return item.key_value(scenario)


def grade(item_id: str, answer: Any, *, student: str | None = None) -> GradeResult:
    """Grade ``answer`` to item ``lab.item`` for a student (default: the current one)."""
    lab, item = find_item(item_id)
    return grade_item(lab, item, answer, scenario_for(lab, student))


def grade_item(lab: LabSpec, item: Item, answer: Any, scenario: Mapping[str, Any]) -> GradeResult:
    """Grade ``answer`` to one item of ``lab`` for a given scenario."""
    return item.grade(f"{lab.id}.{item.name}", answer, scenario)


def check_form(item_id: str, answer: Any) -> AnswerProblem | None:
    """Whether an answer is well formed (right type and unit), without the key."""
    _, item = find_item(item_id)
    return item.check_form(answer)


__all__ = ["GradeResult", "check_form", "grade", "grade_item", "key_for", "number",
           "scenario_for"]
