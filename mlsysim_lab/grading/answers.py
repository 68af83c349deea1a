"""Reading a student's answer: numbers, pint quantities, strings with units.

Bad input never raises out of here: :func:`read_answer` returns a value or an
:class:`AnswerProblem` whose message says what was wrong and what was expected (the
unit, never the key).

Text is read the way people type it: ``"4.8 ms"``, ``"1,024"`` (thousands separators in
groups of three), ``"3,17"`` (a decimal comma: 3.17, never 317), ``"19.4 t"`` for an
item in tCO2e (tonnes of CO2-equivalent). A plain-number item takes no unit, and a
percent item only ``%``.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsysim_lab.grading.records import Unreadable
from mlsysim_lab.units import UnitError, quantity, to_base, ureg

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?(\s.*)?$")
_DECIMAL_COMMA = re.compile(r"^([+-]?\d*),(\d+)(\s.*)?$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
PERCENT_UNITS = ("percent", "%")
_EMISSIONS = "tCO2e"


@dataclass(frozen=True)
class AnswerProblem:
    """Why an answer could not be graded."""

    message: str


def expected_text(unit: str) -> str:
    """How the expected answer is described: never an empty unit."""
    if not unit:
        return "a plain number (no unit)"
    if unit in PERCENT_UNITS:
        return "a percentage (a number, or a number followed by %)"
    return f"a number in {unit}"


def _normalise_text(text: str, unit: str) -> str | AnswerProblem:
    """Thousands separators out, a decimal comma to a point, '%' spelt for pint."""
    text = text.strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif (match := _DECIMAL_COMMA.match(text)) and "." not in text:
        text = f"{match.group(1) or '0'}.{match.group(2)}{match.group(3) or ''}"
    elif "," in text:
        return AnswerProblem(f"could not read {text!r}: write one number, with a decimal point "
                             f"({expected_text(unit)})")
    return text.replace("%", " percent")


def _unit_problem(text: str, unit: str) -> AnswerProblem | None:
    """A unit where the item takes none (or only %), or no number at all."""
    match = _NUMBER.match(text)
    if match is None:
        return AnswerProblem(f"could not read {text!r} as {expected_text(unit)}")
    written = text[match.end():].strip()
    if not written:
        return None
    if not unit:
        return AnswerProblem(f"{text!r} has a unit, but this answer is {expected_text(unit)}")
    if unit in PERCENT_UNITS and written not in PERCENT_UNITS:
        return AnswerProblem(f"{text!r} has the unit {written!r}, but this answer is "
                             f"{expected_text(unit)}")
    return None


def _as_emissions(text: str) -> Any:
    """'19.4 t' for tCO2e: a mass of CO2-equivalent, read in tonnes of CO2e."""
    try:
        parsed = ureg().Quantity(text)
    except Exception:  # not a quantity: the unit check below says so
        return text
    if parsed.check("[mass]"):
        return quantity(parsed.to("g").magnitude, "gCO2e")
    return text


def read_answer(answer: Any, unit: str, *, positive: bool = False) -> float | AnswerProblem:
    """The answer as a float in ``unit`` or the reason it cannot be one."""
    expected = expected_text(unit)
    if answer is None or answer is Ellipsis:
        return AnswerProblem(f"no answer given: expected {expected}")
    if isinstance(answer, Unreadable):
        return AnswerProblem(f"got {answer!r}: expected a single answer, {expected}")
    if isinstance(answer, bool):
        return AnswerProblem(f"got True/False: expected {expected}")
    if isinstance(answer, (list, tuple, set, dict)):
        return AnswerProblem(f"got a {type(answer).__name__}: expected a single answer, "
                             f"{expected}")
    if isinstance(answer, str) and not answer.strip():
        return AnswerProblem(f"the answer is an empty string: expected {expected}")
    if isinstance(answer, str):
        text = _normalise_text(answer, unit)
        if isinstance(text, AnswerProblem):
            return text
        try:
            answer = float(text)  # a bare number is read in the item's unit
        except ValueError:
            problem = _unit_problem(text.replace(" percent", "%"), unit)
            if problem is not None:
                return problem
            answer = _as_emissions(text) if unit == _EMISSIONS else text
            if unit in PERCENT_UNITS and isinstance(answer, str):
                answer = float(text.removesuffix("percent").strip()) if _NUMBER.fullmatch(
                    text.removesuffix("percent").strip()) else answer
    if isinstance(answer, numbers.Number) and not isinstance(answer, numbers.Real):
        return AnswerProblem(f"got a complex number: expected {expected}")
    if hasattr(answer, "shape") and getattr(answer, "size", 1) != 1:
        return AnswerProblem(f"got an array of {answer.size} values: expected a single "
                             f"answer, {expected}")
    if not unit and hasattr(answer, "units") and not answer.dimensionless:
        return AnswerProblem(f"got {answer} with a unit, but this answer is {expected}")
    try:
        value = to_base(answer, unit, "answer", allow_zero=True, allow_negative=True)
        value = float(np.asarray(value, dtype=float).reshape(-1)[0])
    except UnitError as error:
        return AnswerProblem(str(error).removeprefix("answer: "))
    except (TypeError, ValueError, OverflowError):
        return AnswerProblem(f"could not read {answer!r} as {expected}")
    if not math.isfinite(value):
        return AnswerProblem(f"got {value}: expected {expected}, finite")
    if positive and value <= 0:
        return AnswerProblem(f"got {value:g}: this quantity must be positive ({expected})")
    return value


def scale_hint(answer: float, key: float, unit: str) -> str:
    """A hint when the answer is off by exactly the percent factor (27 for 0.27)."""
    if key == 0 or answer == 0:
        return ""
    ratio = answer / key
    if not unit and 90 <= ratio <= 110:
        return " Hint: this answer is a fraction (0.27 for 27 %), not a percentage."
    if unit in PERCENT_UNITS and 0.009 <= ratio <= 0.011:
        return " Hint: this answer is a percentage (27 for 27 %), not a fraction."
    return ""
