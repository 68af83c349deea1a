"""Graded items and the lab spec that groups them.

An item declares what is asked, how the answer is written, the tolerance, and a *key
function*: a call into the solver core that computes the key from the student's
scenario at grading time. No item holds an expected number. Each kind of item knows how
to read, check, grade, reveal and describe itself, so nothing else asks which kind it is.

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

import math
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Mapping

from mlsysim_lab.grading.answers import PERCENT_UNITS, AnswerProblem, read_answer, scale_hint
from mlsysim_lab.grading.ranges import FloatRange, IntRange, Range, Values, smallest_failure
from mlsysim_lab.grading.results import GradeResult, Reveal, number, ratio_text
from mlsysim_lab.grading.scenario import Choice
from mlsysim_lab.grading.tolerance import DEFAULT_POLICY, Relative, _Policy
from mlsysim_lab.walls.names import DOMAIN_QUESTIONS, domain_of

KeyFunction = Callable[[Mapping[str, Any]], Any]

DEFAULT_FEEDBACK = {
    "full": "Full credit: you said {answer}; the model says {key} ({ratio}). {tolerance}.",
    "partial": "Partial credit ({credit:.0%}): you said {answer}; the model says {key} "
               "({ratio}). Policy: {tolerance}.",
    "zero": "No credit: you said {answer}; the model says {key} ({ratio}). Policy: {tolerance}.",
}


#: The model's working for one scenario, in one or a few lines of plain text with the
#: scenario's own numbers substituted (``"312 TFLOP/s / 2.04 TB/s = 153 FLOP/B"``).
Working = Callable[[Mapping[str, Any]], str]


class _Prediction:
    """What numeric and choice items share: they are predicted, committed, revealed."""

    predictable: ClassVar[bool] = True
    name: str

    @property
    def answer_name(self) -> str:
        return self.name

    def shown_working(self, scenario: Mapping[str, Any]) -> str:
        """The working for this scenario, or the key function's own description."""
        working = getattr(self, "working", None)
        if working is not None:
            return working(scenario)
        return " ".join((self.key.__doc__ or "").split())  # type: ignore[attr-defined]

    def check_form(self, answer: Any) -> AnswerProblem | None:
        parsed = self.parse(answer)  # type: ignore[attr-defined]
        return parsed if isinstance(parsed, AnswerProblem) else None

    def same(self, first: Any, second: Any) -> bool:
        """Whether two answers say the same thing (4.8 ms and '0.0048 s' do)."""
        a, b = self.parse(first), self.parse(second)  # type: ignore[attr-defined]
        if isinstance(a, AnswerProblem) or isinstance(b, AnswerProblem):
            return repr(first) == repr(second)
        return a == b or (isinstance(a, float) and isinstance(b, float)
                          and abs(a - b) <= 1e-9 * max(abs(a), abs(b)))


class _Code:
    """What function and code items share: the student writes code, checked by
    properties, never predicted or revealed."""

    predictable: ClassVar[bool] = False
    choices: ClassVar[tuple[tuple[str, str], ...]] = ()
    name: str
    variable: str

    @property
    def answer_name(self) -> str:
        return self.variable or self.name

    def answer_form(self) -> str:
        return "code"

    def check_form(self, answer: Any) -> AnswerProblem | None:
        return None if answer is not None else AnswerProblem("no answer given")

    def key_value(self, scenario: Mapping[str, Any]) -> None:
        return None


@dataclass(frozen=True)
class NumericItem(_Prediction):
    """A number with a unit, graded by a tolerance policy."""

    kind: ClassVar[str] = "numeric"

    name: str
    prompt: str
    unit: str
    key: KeyFunction
    tolerance: _Policy = DEFAULT_POLICY
    positive: bool = True
    feedback: Mapping[str, str] = field(default_factory=dict)
    hint: str = ""          # how to write the answer, when the unit does not say it
    working: Working | None = None   # the equation with the scenario's numbers, for the reveal

    choices: ClassVar[tuple[tuple[str, str], ...]] = ()

    def answer_form(self) -> str:
        return self.hint or (f"in {self.unit}" if self.unit else "a plain number")

    def parse(self, answer: Any) -> float | AnswerProblem:
        return read_answer(answer, self.unit, positive=self.positive)

    def shown(self, answer: Any) -> str:
        parsed = self.parse(answer)
        return repr(answer) if isinstance(parsed, AnswerProblem) else number(parsed, self.unit)

    def key_value(self, scenario: Mapping[str, Any]) -> float:
        value = float(self.key(scenario))
        if not math.isfinite(value):
            raise ValueError(f"{self.name}: the key is {value} for scenario {dict(scenario)}; "
                             "the scenario must be feasible")
        return value

    def grade(self, item_id: str, answer: Any, scenario: Mapping[str, Any]) -> GradeResult:
        parsed = self.parse(answer)
        if isinstance(parsed, AnswerProblem):
            return GradeResult(item_id, 0.0, parsed.message, answer, well_formed=False)
        key = self.key_value(scenario)
        parsed, note = self._as_percentage(parsed, key)
        credit = self.tolerance.credit(parsed, key)
        level = "full" if credit >= 1 else "partial" if credit > 0 else "zero"
        template = {**DEFAULT_FEEDBACK, **self.feedback}[level]
        message = note + template.format(answer=number(parsed, self.unit), key=number(key, self.unit),
                                  ratio=ratio_text(parsed, key),
                                  tolerance=self.tolerance.describe(), credit=credit,
                                  unit=self.unit)
        if credit < 1:
            message += scale_hint(parsed, key, self.unit)
        return GradeResult(item_id, credit, message, parsed, key)

    def _as_percentage(self, value: float, key: float) -> tuple[float, str]:
        """Shares are percentages across the catalog; a fraction typed for one (0.27 for
        27 %) is read as the percentage it stands for, with a note saying so."""
        if (self.unit in PERCENT_UNITS and 0 < value <= 1
                and self.tolerance.credit(value * 100, key) > self.tolerance.credit(value, key)):
            return value * 100, (f"Read {value:g} as the fraction {value * 100:g} % (this "
                                 "answer is a percentage). ")
        return value, ""

    def reveal(self, predicted: Any, scenario: Mapping[str, Any]) -> Reveal:
        key = self.key_value(scenario)
        if isinstance(predicted, float):
            predicted = self._as_percentage(predicted, key)[0]
        factor = (max(predicted / key, key / predicted) if isinstance(predicted, float)
                  and predicted > 0 and key > 0 else None)
        return Reveal(self.name, predicted, key, self.unit, factor, None)

    def describe(self) -> list[str]:
        return [f"- **{self.name}** ({self.answer_form()}): {self.prompt}. "
                f"Tolerance: {self.tolerance.describe()}."]


@dataclass(frozen=True)
class Option:
    """One choice: a short, neutral ``text`` (what the student picks from), ``why`` the
    reasoning behind it (shown only after the commit, in the reveal and the feedback),
    and, for an option that is wrong, the misconception it stands for."""

    label: str
    text: str
    misconception: str | None = None
    why: str = ""

    @property
    def explained(self) -> str:
        return f"{self.text}: {self.why}" if self.why else self.text


@dataclass(frozen=True)
class ChoiceItem(_Prediction):
    """Pick one option; the key function returns the correct option's label."""

    kind: ClassVar[str] = "choice"

    name: str
    prompt: str
    options: tuple[Option, ...]
    key: KeyFunction
    feedback: Mapping[str, str] = field(default_factory=dict)
    invariant: str = ""     # why the key is the same in every scenario, when it must be
    working: Working | None = None   # the comparison with the scenario's numbers, for the reveal

    def __post_init__(self) -> None:
        labels = [option.label for option in self.options]
        if len(set(labels)) != len(labels) or len(labels) < 2:
            raise ValueError(f"{self.name}: options need at least two distinct labels")

    def option(self, label: Any) -> Option | None:
        if not isinstance(label, str):
            return None
        wanted = label.strip().lower()
        return next((o for o in self.options if o.label.lower() == wanted), None)

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """(label, text) of each option, in order."""
        return tuple((option.label, option.text) for option in self.options)

    def answer_form(self) -> str:
        labels = [repr(option.label) for option in self.options]
        return "one of " + ", ".join(labels[:-1]) + f" or {labels[-1]}"

    def parse(self, answer: Any) -> str | AnswerProblem:
        chosen = self.option(answer)
        if chosen is None:
            labels = ", ".join(repr(option.label) for option in self.options)
            return AnswerProblem(f"got {answer!r}: expected one of the option labels {labels}")
        return chosen.label

    def shown(self, answer: Any) -> str:
        return repr(answer)

    def key_value(self, scenario: Mapping[str, Any]) -> str:
        key = str(self.key(scenario))
        if self.option(key) is None:
            raise ValueError(f"{self.name}: the key {key!r} is not one of the options")
        return key

    def grade(self, item_id: str, answer: Any, scenario: Mapping[str, Any]) -> GradeResult:
        chosen = self.parse(answer)
        if isinstance(chosen, AnswerProblem):
            return GradeResult(item_id, 0.0, chosen.message, answer, well_formed=False)
        correct = self.option(self.key_value(scenario))
        picked = self.option(chosen)
        if picked is correct:
            message = self.feedback.get("full", "Correct: {text}.").format(text=correct.explained)
            return GradeResult(item_id, 1.0, message, picked.label, correct.label)
        misconception = picked.misconception or "not what the model shows"
        message = self.feedback.get(
            "zero", "Not this one: '{chosen}' reflects a common misconception: {misconception}. "
                    "The model says: {text}.").format(chosen=picked.text,
                                                      misconception=misconception,
                                                      text=correct.explained)
        return GradeResult(item_id, 0.0, message, picked.label, correct.label,
                           picked.misconception)

    def reveal(self, predicted: Any, scenario: Mapping[str, Any]) -> Reveal:
        key = self.key_value(scenario)
        picked, correct = self.option(predicted), self.option(key)
        note = ""
        if picked is not correct and correct is not None:
            stands = (f"'{picked.text}' stands for a common misconception: "
                      f"{picked.misconception}. " if picked and picked.misconception else "")
            note = f"{stands}The model: {correct.explained}."
        return Reveal(self.name, predicted, key, "", None, picked is correct, note)

    def describe(self) -> list[str]:
        """The options as students see them (the misconceptions, which would mark the
        right option of an item whose key never changes, are for the instructor's notes
        only)."""
        return [f"- **{self.name}** (choice): {self.prompt}",
                *[f"  - `{option.label}`: {option.text}" for option in self.options]]


@dataclass(frozen=True)
class FunctionItem(_Code):
    """Implement a formula: compared with ``reference`` on inputs hypothesis draws from
    ``arguments``, within ``tolerance``. ``variable`` is the function's name in the
    notebook (default: the item's name)."""

    kind: ClassVar[str] = "function"

    name: str
    prompt: str
    reference: Callable[..., float]
    arguments: Mapping[str, Range]
    tolerance: _Policy = Relative(rtol=1e-6)
    examples: int = 60
    variable: str = ""

    def check_form(self, answer: Any) -> AnswerProblem | None:
        return None if callable(answer) else AnswerProblem(
            f"expected a function, got {type(answer).__name__}")

    def _mismatch(self, student: Callable[..., Any], arguments: dict[str, Any]) -> bool:
        expected = float(self.reference(**arguments))
        got = student(**arguments)
        got = float(got.magnitude if hasattr(got, "magnitude") else got)
        return not math.isfinite(got) or self.tolerance.credit(got, expected) < 1.0

    def grade(self, item_id: str, answer: Any, scenario: Mapping[str, Any]) -> GradeResult:
        """Full credit if the function matches the reference everywhere tried, else zero
        with the smallest failing example."""
        name = getattr(answer, "__name__", repr(answer))
        if not callable(answer):
            return GradeResult(item_id, 0.0, f"expected a function, got {type(answer).__name__}",
                               name, well_formed=False)
        example = smallest_failure(lambda args: self._mismatch(answer, args), self.arguments,
                                   self.examples)
        if example is None:
            return GradeResult(item_id, 1.0, f"Full credit: your function matches the reference "
                               f"on {self.examples} generated inputs "
                               f"({self.tolerance.describe()}).", name)
        expected = self.reference(**example)
        try:
            got: Any = answer(**example)
        except Exception as error:  # report, never propagate
            got = f"an error ({type(error).__name__}: {error})"
        shown = ", ".join(f"{key}={value!r}" for key, value in example.items())
        return GradeResult(item_id, 0.0, f"No credit: for {shown} your function gives {got!r}, "
                           f"the reference gives {expected:.6g} ({self.tolerance.describe()}).",
                           name)

    def describe(self) -> list[str]:
        return [f"- **{self.name}** (implement the formula): {self.prompt}. Checked on "
                f"{self.examples} generated inputs, {self.tolerance.describe()}."]


@dataclass(frozen=True)
class CodeItem(_Code):
    """Student code checked by ``grader``: a function of the student's object (a
    pipeline stage, a callback, a spec, a solver) returning (credit in [0, 1], message).
    The grader compares against the solver core, typically with hypothesis properties
    (see :mod:`mlsysim_lab.grading.properties`). ``variable`` is the object's name in
    the notebook (default: the item's name)."""

    kind: ClassVar[str] = "code"

    name: str
    prompt: str
    grader: Callable[[Any], tuple[float, str]]
    variable: str = ""

    def grade(self, item_id: str, answer: Any, scenario: Mapping[str, Any]) -> GradeResult:
        if answer is None:
            return GradeResult(item_id, 0.0, "no answer given: write the code the cell above "
                               "asks for", None, well_formed=False)
        try:
            credit, message = self.grader(answer)
        except Exception as error:  # the student's object broke the checks: zero, no crash
            credit, message = 0.0, f"your code raised {type(error).__name__}: {error}"
        return GradeResult(item_id, max(0.0, min(1.0, float(credit))), message,
                           getattr(answer, "__name__", type(answer).__name__))

    def describe(self) -> list[str]:
        return [f"- **{self.name}** (code, checked by properties against the solver): "
                f"{self.prompt}."]


Item = NumericItem | ChoiceItem | FunctionItem | CodeItem

LEVELS = ("beginner", "intermediate", "advanced", "developer")

#: The catalog's groups of labs and the question each group answers.
LAB_GROUPS: dict[str, str] = {
    **DOMAIN_QUESTIONS,
    "developer": "How do I build on the solver: my own stages, hardware and solvers?",
}


@dataclass(frozen=True)
class LabSpec:
    """A lab, once: what it is called and asks, who it is for, where it sits in the
    learning paths (path name -> step), its scenario parameters and items, and the
    instructor-facing notes. The CLI, the notes, the catalog and the notebook builder all
    read it."""

    id: str
    title: str
    items: tuple[Item, ...]
    question: str = ""
    level: str = "intermediate"
    walls: tuple[int, ...] = ()
    paths: Mapping[str, int] = field(default_factory=dict)
    scenario: Mapping[str, Choice] = field(default_factory=dict)
    goals: tuple[str, ...] = ()
    minutes: int = 45
    discussion: tuple[str, ...] = ()
    domain: str = ""        # the catalog group; default: the domain of its first wall

    def __post_init__(self) -> None:
        names = [item.name for item in self.items]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.id}: item names repeat")
        if self.level not in LEVELS:
            raise ValueError(f"{self.id}: level {self.level!r} is not one of {', '.join(LEVELS)}")
        if any(not 1 <= wall <= 22 for wall in self.walls):
            raise ValueError(f"{self.id}: walls are numbered 1 to 22, got {self.walls}")
        if self.domain and self.domain not in LAB_GROUPS:
            raise ValueError(f"{self.id}: domain {self.domain!r} is not one of "
                             f"{', '.join(LAB_GROUPS)}")

    @property
    def group(self) -> str:
        """The catalog group the lab is listed under (a domain, or ``developer``)."""
        if self.domain:
            return self.domain
        if self.level == "developer":
            return "developer"
        return domain_of(self.walls[0]) if self.walls else "analysis"

    def item(self, name: str) -> Item:
        for item in self.items:
            if item.name == name:
                return item
        raise KeyError(f"{self.id} has no item {name!r}; items: "
                       f"{', '.join(i.name for i in self.items)}")


__all__ = ["ChoiceItem", "CodeItem", "FloatRange", "FunctionItem", "IntRange", "Item", "LabSpec",
           "LEVELS", "NumericItem", "Option", "Values"]
