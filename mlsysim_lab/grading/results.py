"""What grading and revealing produce: a :class:`GradeResult` (credit and feedback) and
a :class:`Reveal` (the model's answer next to a prediction), and how numbers are shown."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


def number(value: float, unit: str = "") -> str:
    """4 significant digits and the unit; thousands to billions with separators
    (``20,000 USD``, not ``2e+04 USD``)."""
    if math.isfinite(value) and 1e3 <= abs(value) < 1e9:
        digits = int(math.floor(math.log10(abs(value))))
        text = f"{round(value, 3 - digits):,.0f}"
    else:
        text = f"{value:.4g}"
    return f"{text} {unit}".strip()


def ratio_text(answer: float, key: float) -> str:
    """How far an answer is from the key, in words."""
    if answer == key:
        return "exact"
    if answer == 0 or key == 0 or (answer > 0) != (key > 0):
        return "opposite sign or zero"
    factor = max(answer / key, key / answer)
    if factor < 1.0005:
        return "within 0.05 %"
    if factor < 1.01:
        return "within 1 %"
    return f"off by {factor:.3g}x" + (" (too high)" if answer > key else " (too low)")


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


@dataclass(frozen=True)
class Reveal:
    """The model's answer next to the committed prediction."""

    item: str
    predicted: Any
    key: Any
    unit: str
    factor: float | None      # max(p/k, k/p) for positive numbers; None otherwise
    correct: bool | None      # for choices
    note: str = ""            # what a wrong choice stands for, and what the model says

    @property
    def message(self) -> str:
        if self.correct is not None:
            verdict = "right" if self.correct else "not what the model says"
            return (f"You predicted {self.predicted!r}; the model says {self.key!r}: {verdict}."
                    + (f" {self.note}" if self.note else ""))
        if not isinstance(self.predicted, (int, float)):
            return f"Your commit {self.predicted!r} could not be read; the model says " \
                   f"{number(self.key, self.unit)}."
        gap = (ratio_text(self.predicted, self.key) if self.factor is not None else
               f"a difference of {number(abs(self.predicted - self.key), self.unit)}")
        return (f"You predicted {number(self.predicted, self.unit)}; the model says "
                f"{number(self.key, self.unit)}: {gap}.")
