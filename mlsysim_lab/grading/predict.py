"""Predict, then verify: a prediction is committed before the model's answer is shown.

    lab = open_lab("lab01")
    lab.scenario                      # this student's parameters
    lab.predict("speedup", 3.2)       # committed (checked for form, never for value)
    lab.reveal("speedup")             # only now: the model's answer and the gap

``reveal`` refuses (:class:`RevealBeforePrediction`) until the item has a prediction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from mlsysim_lab.grading.answers import AnswerProblem, read_answer
from mlsysim_lab.grading.grade import key_for, number
from mlsysim_lab.grading.items import CodeItem, FunctionItem, LabSpec, NumericItem
from mlsysim_lab.grading.ledger import Ledger
from mlsysim_lab.grading.records import decode, encode
from mlsysim_lab.grading.registry import load_lab
from mlsysim_lab.grading.scenario import draw, student_id


class RevealBeforePrediction(RuntimeError):
    """The model's answer was asked for before a prediction was committed."""


@dataclass(frozen=True)
class Reveal:
    """The model's answer next to the committed prediction."""

    item: str
    predicted: Any
    key: Any
    unit: str
    factor: float | None      # max(p/k, k/p) for positive numbers; None otherwise
    correct: bool | None      # for choices

    @property
    def message(self) -> str:
        if self.correct is not None:
            verdict = "right" if self.correct else "not what the model says"
            return f"You predicted {self.predicted!r}; the model says {self.key!r}: {verdict}."
        gap = (f"off by {self.factor:.3g}x" if self.factor is not None else
               f"a difference of {number(abs(self.predicted - self.key), self.unit)}")
        return (f"You predicted {number(self.predicted, self.unit)}; the model says "
                f"{number(self.key, self.unit)}: {gap}.")


@dataclass
class Lab:
    """A student's handle on one lab: their scenario, and their commits and reveals,
    kept in the lab's prediction ledger (see :mod:`.ledger`)."""

    spec: LabSpec
    student: str | None
    scenario: dict[str, Any]
    ledger: Ledger
    predictions: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, event in self.ledger.commits().items():
            if any(item.name == name for item in self.spec.items):
                parsed = self._parse(self.spec.item(name), decode(event.get("answer")))
                self.predictions[name] = parsed

    @staticmethod
    def _parse(item: Any, value: Any) -> Any:
        if isinstance(item, NumericItem):
            parsed = read_answer(value, item.unit, positive=item.positive)
            return parsed.message if isinstance(parsed, AnswerProblem) else parsed
        return value

    def predict(self, name: str, value: Any) -> Any:
        """Commit a prediction (a number with or without unit, or an option label). A
        committed prediction is final: predicting again raises, after a restart too."""
        item = self.spec.item(name)
        if isinstance(item, (FunctionItem, CodeItem)):
            raise ValueError(f"{name} is graded by property tests, not predicted")
        if name in self.predictions:
            raise ValueError(f"{name}: a prediction is already committed "
                             f"({self.predictions[name]!r}); predictions are final")
        if isinstance(item, NumericItem):
            parsed = read_answer(value, item.unit, positive=item.positive)
            if isinstance(parsed, AnswerProblem):
                raise ValueError(f"{name}: {parsed.message}")
        elif not isinstance(value, str) or item.option(value) is None:
            raise ValueError(f"{name}: choose one of "
                             f"{', '.join(o.label for o in item.options)}")
        else:
            parsed = item.option(value).label
        self.ledger.record("commit", item=name, answer=encode(value), student=self.student)
        self.predictions[name] = parsed
        return parsed

    def has_prediction(self, name: str) -> bool:
        return name in self.predictions

    def reveal(self, name: str) -> Reveal:
        """The model's answer for this student's scenario, after the prediction."""
        item = self.spec.item(name)
        if name not in self.predictions:
            raise RevealBeforePrediction(f"commit a prediction for {name!r} first: "
                                         f"lab.predict({name!r}, ...)")
        predicted = self.predictions[name]
        key = key_for(item, self.scenario)
        if name not in self.ledger.revealed():
            self.ledger.record("reveal", item=name)
        if isinstance(item, NumericItem):
            if not isinstance(predicted, float):  # a commit that no longer reads
                return Reveal(name, predicted, key, item.unit, None, False)
            factor = (max(predicted / key, key / predicted)
                      if predicted > 0 and key > 0 else None)
            return Reveal(name, predicted, key, item.unit, factor, None)
        correct = item.option(str(predicted)) is item.option(str(key))
        return Reveal(name, predicted, key, "", None, correct)


def open_lab(lab_id: str, student: str | None = None,
             folder: str | os.PathLike[str] | None = None) -> Lab:
    """The current student's handle on a lab. The ledger in ``folder`` (default: the
    working folder, the notebook's own) fixes whose scenario it is once it exists;
    before that the student is ``student``, else the environment's (see
    :func:`.scenario.student_id`), and a new ledger records it."""
    spec = load_lab(lab_id)
    ledger = Ledger.read(spec.id, folder if folder is not None else os.getcwd())
    if ledger.opened:
        who = ledger.student
    else:
        who = student if student is not None else student_id()
    scenario = draw(spec.scenario, spec.id, who)
    if not ledger.opened:
        ledger.record("open", student=who, scenario=scenario)
    return Lab(spec, who, scenario, ledger)
