"""Graded items and the lab spec that groups them.

An item declares what is asked, the unit, the tolerance, and a *key function*: a call
into the solver core that computes the key from the student's scenario at grading
time. No item holds an expected number.

    NumericItem("intensity", "Arithmetic intensity of one decode step", unit="FLOP/B",
                key=lambda s: decode_step(s["model"], s["hardware"]).arithmetic_intensity)
    ChoiceItem("regime", "Which wall binds?", options=(
        Option("memory", "Memory bandwidth"),
        Option("compute", "Compute", misconception="more FLOPS always means faster")),
        key=lambda s: decode_step(...).bottleneck)
    FunctionItem("ridge", "Implement the ridge point", reference=ridge_point,
                 arguments={"peak": FloatRange(1e12, 1e16), "bandwidth": FloatRange(1e11, 1e13)})
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from mlsysim_lab.grading.scenario import Choice
from mlsysim_lab.grading.tolerance import DEFAULT_POLICY, Relative, _Policy

KeyFunction = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class NumericItem:
    """A number with a unit, graded by a tolerance policy."""

    name: str
    prompt: str
    unit: str
    key: KeyFunction
    tolerance: _Policy = DEFAULT_POLICY
    positive: bool = True
    feedback: Mapping[str, str] = field(default_factory=dict)
    kind: str = "numeric"


@dataclass(frozen=True)
class Option:
    """One choice; a wrong option names the misconception it stands for."""

    label: str
    text: str
    misconception: str | None = None


@dataclass(frozen=True)
class ChoiceItem:
    """Pick one option; the key function returns the correct option's label."""

    name: str
    prompt: str
    options: tuple[Option, ...]
    key: KeyFunction
    feedback: Mapping[str, str] = field(default_factory=dict)
    kind: str = "choice"

    def __post_init__(self) -> None:
        labels = [option.label for option in self.options]
        if len(set(labels)) != len(labels) or len(labels) < 2:
            raise ValueError(f"{self.name}: options need at least two distinct labels")

    def option(self, label: str) -> Option | None:
        wanted = str(label).strip().lower()
        return next((o for o in self.options if o.label.lower() == wanted), None)


@dataclass(frozen=True)
class FloatRange:
    """Floats in [low, high], drawn log-uniformly when ``log`` (for physical scales)."""

    low: float
    high: float
    log: bool = True


@dataclass(frozen=True)
class IntRange:
    low: int
    high: int


@dataclass(frozen=True)
class Values:
    values: tuple[Any, ...]


@dataclass(frozen=True)
class FunctionItem:
    """Implement a formula: compared with ``reference`` on inputs hypothesis draws from
    ``arguments``, within ``tolerance``."""

    name: str
    prompt: str
    reference: Callable[..., float]
    arguments: Mapping[str, FloatRange | IntRange | Values]
    tolerance: _Policy = Relative(rtol=1e-6)
    examples: int = 60
    kind: str = "function"


@dataclass(frozen=True)
class CodeItem:
    """Student code checked by ``grader``: a function of the student's object (a
    pipeline stage, a callback, a spec, a solver) returning (credit in [0, 1], message).
    The grader compares against the solver core, typically with hypothesis properties
    (see :mod:`mlsysim_lab.grading.properties`). Like function items, code items give
    their feedback in every mode."""

    name: str
    prompt: str
    grader: Callable[[Any], tuple[float, str]]
    kind: str = "code"


Item = NumericItem | ChoiceItem | FunctionItem | CodeItem


@dataclass(frozen=True)
class LabSpec:
    """A lab's scenario parameters, items and instructor-facing notes."""

    id: str
    title: str
    items: tuple[Item, ...]
    scenario: Mapping[str, Choice] = field(default_factory=dict)
    goals: tuple[str, ...] = ()
    minutes: int = 45
    discussion: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [item.name for item in self.items]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.id}: item names repeat")

    def item(self, name: str) -> Item:
        for item in self.items:
            if item.name == name:
                return item
        raise KeyError(f"{self.id} has no item {name!r}; items: "
                       f"{', '.join(i.name for i in self.items)}")
