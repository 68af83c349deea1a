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

from mlsysim_lab.grading.answers import AnswerProblem
from mlsysim_lab.grading.items import LabSpec
from mlsysim_lab.grading.ledger import Ledger
from mlsysim_lab.grading.records import decode, encode
from mlsysim_lab.grading.results import Reveal
from mlsysim_lab.grading.specs import load_lab
from mlsysim_lab.grading.scenario import draw, student_id


class RevealBeforePrediction(RuntimeError):
    """The model's answer was asked for before a prediction was committed."""


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
                parsed = self.spec.item(name).parse(decode(event.get("answer")))
                self.predictions[name] = parsed.message if isinstance(parsed, AnswerProblem) \
                    else parsed

    def predict(self, name: str, value: Any) -> Any:
        """Commit a prediction (a number with or without unit, or an option label). A
        committed prediction is final: predicting again raises, after a restart too."""
        item = self.spec.item(name)
        if not item.predictable:
            raise ValueError(f"{name} is graded by property tests, not predicted")
        if name in self.predictions:
            raise ValueError(f"{name}: a prediction is already committed "
                             f"({self.predictions[name]!r}); predictions are final")
        parsed = item.parse(value)
        if isinstance(parsed, AnswerProblem):
            raise ValueError(f"{name}: {parsed.message}")
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
        revealed = item.reveal(self.predictions[name], self.scenario)
        if name not in self.ledger.revealed():
            self.ledger.record("reveal", item=name)
        return revealed


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
