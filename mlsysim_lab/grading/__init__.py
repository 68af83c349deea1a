"""Grading: items, tolerance policies, per-student scenarios, nbgrader checks.

Import what a grader spec needs from here; test cells use :mod:`.nbcheck`.
"""

from mlsysim_lab.grading.grade import GradeResult, grade
from mlsysim_lab.grading.items import (ChoiceItem, CodeItem, FloatRange, FunctionItem, IntRange,
                                       LabSpec, NumericItem, Option, Values)
from mlsysim_lab.grading.predict import Lab, RevealBeforePrediction, open_lab
from mlsysim_lab.grading.results import Reveal
from mlsysim_lab.grading.scenario import Choice
from mlsysim_lab.grading.tolerance import (DEFAULT_POLICY, Absolute, Band, Banded, Count,
                                           OrderOfMagnitude, Relative)

__all__ = ["Absolute", "Band", "Banded", "Choice", "ChoiceItem", "CodeItem", "Count",
           "DEFAULT_POLICY", "FloatRange",
           "FunctionItem", "GradeResult", "IntRange", "Lab", "LabSpec", "NumericItem",
           "Option", "OrderOfMagnitude", "Relative", "Reveal", "RevealBeforePrediction",
           "Values", "grade", "open_lab"]
