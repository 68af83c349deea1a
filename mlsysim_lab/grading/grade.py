"""Grade one answer against the key the solver computes for the student's scenario.

Never raises on a bad answer: every problem becomes a zero with a message that says
what was wrong and what was expected (the unit, not the key).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from mlsysim_lab.grading.answers import AnswerProblem, read_answer, scale_hint
from mlsysim_lab.grading.functions import grade_function
from mlsysim_lab.grading.items import (ChoiceItem, CodeItem, FunctionItem, Item, LabSpec,
                                       NumericItem)
from mlsysim_lab.grading.registry import find_item
from mlsysim_lab.grading.scenario import draw, student_id

DEFAULT_FEEDBACK = {
    "full": "Full credit: you said {answer}; the model says {key} ({ratio}). {tolerance}.",
    "partial": "Partial credit ({credit:.0%}): you said {answer}; the model says {key} "
               "({ratio}). Policy: {tolerance}.",
    "zero": "No credit: you said {answer}; the model says {key} ({ratio}). Policy: {tolerance}.",
}


@dataclass(frozen=True)
class GradeResult:
    """The credit (0 to 1) and the feedback for one answer."""

    item_id: str
    credit: float
    message: str
    answer: Any
    key: Any = None
    misconception: str | None = None
    well_formed: bool = True

    def points(self, out_of: float) -> float:
        return round(self.credit * out_of, 6)


def number(value: float, unit: str = "") -> str:
    """4 significant digits and the unit."""
    text = f"{value:.4g}"
    return f"{text} {unit}".strip()


def _ratio(answer: float, key: float) -> str:
    if answer == key:
        return "exact"
    if answer == 0 or key == 0 or (answer > 0) != (key > 0):
        return "opposite sign or zero"
    factor = max(answer / key, key / answer)
    if factor < 1.0005:
        return "within 0.05 %"
    return f"off by {factor:.3g}x" + (" (too high)" if answer > key else " (too low)")


def scenario_for(lab: LabSpec, student: str | None = None) -> dict[str, Any]:
    """The scenario of a student (default: the current one, see ``student_id``)."""
    return draw(lab.scenario, lab.id, student if student is not None else student_id())


def key_for(item: Item, scenario: Mapping[str, Any]) -> Any:
    """The key of a numeric or choice item for a scenario, from the solver."""
    value = item.key(scenario)
    if isinstance(item, NumericItem):
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{item.name}: the key is {value} for scenario {dict(scenario)}; "
                             "the scenario must be feasible")
    return value


def grade(item_id: str, answer: Any, *, student: str | None = None) -> GradeResult:
    """Grade ``answer`` to item ``lab.item`` for a student (default: the current one)."""
    lab, item = find_item(item_id)
    return grade_item(lab, item, answer, scenario_for(lab, student))


def grade_item(lab: LabSpec, item: Item, answer: Any, scenario: Mapping[str, Any]) -> GradeResult:
    """Grade ``answer`` to one item of ``lab`` for a given scenario."""
    item_id = f"{lab.id}.{item.name}"
    if isinstance(item, NumericItem):
        return _grade_numeric(item_id, item, answer, scenario)
    if isinstance(item, ChoiceItem):
        return _grade_choice(item_id, item, answer, scenario)
    if isinstance(item, FunctionItem):
        credit, message = grade_function(item, answer)
        return GradeResult(item_id, credit, message, getattr(answer, "__name__", repr(answer)),
                           well_formed=callable(answer))
    if isinstance(item, CodeItem):
        if answer is None:
            return GradeResult(item_id, 0.0, "no answer given: write the code the cell above "
                               "asks for", None, well_formed=False)
        try:
            credit, message = item.grader(answer)
        except Exception as error:  # the student's object broke the checks: zero, no crash
            credit, message = 0.0, f"your code raised {type(error).__name__}: {error}"
        return GradeResult(item_id, max(0.0, min(1.0, float(credit))), message,
                           getattr(answer, "__name__", type(answer).__name__))
    raise TypeError(f"unknown item kind {type(item).__name__}")


def check_form(item_id: str, answer: Any) -> AnswerProblem | None:
    """Whether an answer is well formed (right type and unit), without the key."""
    _, item = find_item(item_id)
    if isinstance(item, NumericItem):
        parsed = read_answer(answer, item.unit, positive=item.positive)
        return parsed if isinstance(parsed, AnswerProblem) else None
    if isinstance(item, ChoiceItem):
        return None if item.option(str(answer)) is not None and isinstance(answer, str) else \
            AnswerProblem(_choice_expected(item, answer))
    if isinstance(item, FunctionItem):
        return None if callable(answer) else AnswerProblem(
            f"expected a function, got {type(answer).__name__}")
    if isinstance(item, CodeItem):
        return None if answer is not None else AnswerProblem("no answer given")
    return AnswerProblem("unknown item kind")


def _grade_numeric(item_id: str, item: NumericItem, answer: Any,
                   scenario: Mapping[str, Any]) -> GradeResult:
    parsed = read_answer(answer, item.unit, positive=item.positive)
    if isinstance(parsed, AnswerProblem):
        return GradeResult(item_id, 0.0, parsed.message, answer, well_formed=False)
    key = key_for(item, scenario)
    credit = item.tolerance.credit(parsed, key)
    level = "full" if credit >= 1 else "partial" if credit > 0 else "zero"
    template = {**DEFAULT_FEEDBACK, **item.feedback}[level]
    message = template.format(answer=number(parsed, item.unit), key=number(key, item.unit),
                              ratio=_ratio(parsed, key), tolerance=item.tolerance.describe(),
                              credit=credit, unit=item.unit)
    if credit < 1:
        message += scale_hint(parsed, key, item.unit)
    return GradeResult(item_id, credit, message, parsed, key)


def _choice_expected(item: ChoiceItem, answer: Any) -> str:
    labels = ", ".join(repr(option.label) for option in item.options)
    return f"got {answer!r}: expected one of the option labels {labels}"


def _grade_choice(item_id: str, item: ChoiceItem, answer: Any,
                  scenario: Mapping[str, Any]) -> GradeResult:
    chosen = item.option(answer) if isinstance(answer, str) else None
    if chosen is None:
        return GradeResult(item_id, 0.0, _choice_expected(item, answer), answer, well_formed=False)
    key = str(key_for(item, scenario))
    correct = item.option(key)
    if correct is None:
        raise ValueError(f"{item.name}: the key {key!r} is not one of the options")
    if chosen is correct:
        message = item.feedback.get("full", "Correct: {text}.").format(text=correct.text)
        return GradeResult(item_id, 1.0, message, chosen.label, correct.label)
    misconception = chosen.misconception or "not what the model shows"
    message = item.feedback.get(
        "zero", "Not this one: '{chosen}' reflects a common misconception: {misconception}. "
                "The model says: {text}.").format(chosen=chosen.text, misconception=misconception,
                                                  text=correct.text)
    return GradeResult(item_id, 0.0, message, chosen.label, correct.label, chosen.misconception)
