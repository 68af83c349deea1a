"""Reading a student's answer: numbers, pint quantities, strings with units.

Bad input never raises out of here: :func:`read_answer` returns a value or an
:class:`AnswerProblem` whose message says what was wrong and what was expected (the
unit, never the key).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsysim_lab.units import UnitError, to_base


@dataclass(frozen=True)
class AnswerProblem:
    """Why an answer could not be graded."""

    message: str


def _unit_text(unit: str) -> str:
    return f"a number in {unit}" if unit else "a plain number"


def read_answer(answer: Any, unit: str, *, positive: bool = False) -> float | AnswerProblem:
    """The answer as a float in ``unit`` or the reason it cannot be one."""
    expected = _unit_text(unit)
    if answer is None or answer is Ellipsis:
        return AnswerProblem(f"no answer given: expected {expected}")
    if isinstance(answer, bool):
        return AnswerProblem(f"got True/False: expected {expected}")
    if isinstance(answer, (list, tuple, set, dict)):
        return AnswerProblem(f"got a {type(answer).__name__}: expected a single answer, "
                             f"{expected}")
    if isinstance(answer, str) and not answer.strip():
        return AnswerProblem(f"the answer is an empty string: expected {expected}")
    if isinstance(answer, str):
        text = answer.strip().replace(",", "")
        try:
            answer = float(text)  # a bare number is read in the item's unit
        except ValueError:
            answer = text
    if isinstance(answer, numbers.Number) and not isinstance(answer, numbers.Real):
        return AnswerProblem(f"got a complex number: expected {expected}")
    if hasattr(answer, "shape") and getattr(answer, "size", 1) != 1:
        return AnswerProblem(f"got an array of {answer.size} values: expected a single "
                             f"answer, {expected}")
    try:
        value = to_base(answer, unit, "answer", allow_zero=True, allow_negative=True)
        value = float(np.asarray(value, dtype=float).reshape(-1)[0])
    except UnitError as error:
        return AnswerProblem(str(error).removeprefix("answer: "))
    except (TypeError, ValueError, OverflowError):
        return AnswerProblem(f"could not read {answer!r} as {expected}")
    if not math.isfinite(value):
        return AnswerProblem(f"got {value}: expected a finite number in {unit or 'plain units'}")
    if positive and value <= 0:
        return AnswerProblem(f"got {value:g}: this quantity must be positive ({expected})")
    return value
