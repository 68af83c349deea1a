"""The trusted verdict on one submission, computed outside the student's kernel.

Inputs are what the grader captured itself: the prediction ledger (read before any
student code ran), the answer each locked test cell recorded, the answer cells' source,
and the results of the isolated property checks. The scenario is the one the ledger
says the notebook was worked with; nbgrader's student id is only compared with it, and
a mismatch is flagged for the instructor, never silently accepted.

For a prediction (numeric or choice item) the graded value is the first committed one;
an item never committed is graded from its answer cell (its reveal was impossible).
What a prediction earns is the course's choice (:class:`PredictionCredit`).
"""

from __future__ import annotations

import ast
import builtins
import functools
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Sequence

from mlsysim_lab.grading.grade import GradeResult, grade_item
from mlsysim_lab.grading.items import Item, LabSpec
from mlsysim_lab.grading.ledger import Ledger
from mlsysim_lab.grading.records import decode
from mlsysim_lab.grading.scenario import draw

#: Names an answer cell may call and still count as computed by hand.
_HAND_TOOLS = frozenset(dir(builtins)) | {"math"}


@dataclass(frozen=True)
class PredictionCredit:
    """What a prediction earns: ``accuracy`` (the item's tolerance bands),
    ``participation`` (full credit for any well-formed committed prediction) or
    ``mix`` (``share`` of participation plus the rest of accuracy)."""

    mode: Literal["accuracy", "participation", "mix"] = "accuracy"
    share: float = 0.5

    def __post_init__(self) -> None:
        if self.mode not in ("accuracy", "participation", "mix"):
            raise ValueError(f"prediction credit {self.mode!r}: use 'accuracy', "
                             "'participation' or 'mix'")
        if not 0 <= self.share <= 1:
            raise ValueError(f"participation share {self.share}: use a number in [0, 1]")

    def credit(self, result: GradeResult) -> float:
        formed = 1.0 if result.well_formed else 0.0
        if self.mode == "participation":
            return formed
        if self.mode == "mix":
            return self.share * formed + (1 - self.share) * result.credit
        return result.credit


@dataclass(frozen=True)
class Evidence:
    """What the grader captured about one graded cell of a submission."""

    item: str                               # the item's name in the lab spec
    points: float
    answer: Mapping[str, Any] | None = None  # the test cell's answer record
    answer_source: str = ""                 # the answer cell's source
    checked: tuple[float, str] | None = None  # isolated check of a function or code item
    problem: str | None = None              # why there is no record (kernel died ...)


@dataclass
class ItemVerdict:
    """One item's score and the facts an instructor may want to look at."""

    item: str
    points: float
    out_of: float
    credit: float
    message: str
    graded: str
    graded_from: str                 # "commit", "answer cell" or "checks"
    committed: str | None = None
    answer: str | None = None
    misconception: str | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class SubmissionVerdict:
    """The verdict on one submission: whose scenario was graded, and every item."""

    student: str
    graded_as: str | None
    scenario: dict[str, Any]
    items: list[ItemVerdict]
    flags: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"student": self.student, "graded_as": self.graded_as,
                "scenario": self.scenario, "flags": self.flags,
                "items": [vars(item) for item in self.items]}


def computed_with_code(source: str) -> bool:
    """Whether an answer cell takes its value from the package's solvers (imports, calls
    of functions, results' fields such as ``step.latency_s``) rather than doing arithmetic
    on the figures the notebook printed (datasheet fields and methods of the zoo's specs,
    ``gpu.peak('fp16') / gpu.memory_bandwidth``, and the scenario, ``lab.scenario``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            root = node
            while isinstance(root, ast.Attribute):
                root = root.value
            if not (isinstance(root, ast.Name) and root.id in _HAND_TOOLS
                    or node.attr in _datasheet_names()):
                return True
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name)
                                               and node.func.id in _HAND_TOOLS):
            if not isinstance(node.func, ast.Attribute):
                return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _datasheet_names() -> frozenset[str]:
    """Fields and methods of the zoo's spec classes: reading them is reading a datasheet."""
    from mlsysim_lab import catalog
    from mlsysim_lab.catalog.models import TransformerSpec

    specs = (catalog.Accelerator, catalog.Assumption, catalog.Cluster, catalog.Fabric,
             catalog.Node, catalog.Region, catalog.StorageTier, catalog.ModelSpec,
             catalog.ConvNetSpec, TransformerSpec)
    return frozenset(name for spec in specs for name in (*dir(spec), *spec.model_fields)
                     if not name.startswith("_")) | {"scenario"}


def _prediction(lab: LabSpec, item: Item, evidence: Evidence, ledger: Ledger,
                scenario: Mapping[str, Any], policy: PredictionCredit) -> ItemVerdict:
    commit = ledger.commits().get(item.name)
    answer = decode(evidence.answer) if evidence.answer is not None else None
    flags: list[str] = []
    notes = ""
    if commit is not None:
        graded, source = decode(commit.get("answer")), "commit"
        if answer is not None and not item.same(graded, answer):
            when = "after the reveal" if item.name in ledger.revealed() else "after the commit"
            flags.append(f"answer changed {when}")
            notes = (f" Graded: your committed prediction {item.shown(graded)}; your answer "
                     f"cell now says {item.shown(answer)} (changed {when}), which is not "
                     "graded: a prediction counts as it was committed.")
    else:
        graded, source = answer, "answer cell"
        if item.name in ledger.revealed():
            flags.append("revealed without a commit on record")
    unrecorded = evidence.answer is None and commit is None and evidence.problem
    result = grade_item(lab, item, None if unrecorded else graded, scenario)
    credit = policy.credit(result)
    message = f"no answer recorded: {evidence.problem}" if unrecorded else result.message
    if policy.mode != "accuracy":
        message += f" (This course grades predictions by {policy.mode}: {credit:.0%} credit.)"
    if computed_with_code(evidence.answer_source):
        flags.append("answer computed with code")
    return ItemVerdict(item.name, _points(credit, evidence.points), evidence.points, credit,
                       message + notes, item.shown(graded), source,
                       item.shown(decode(commit.get("answer"))) if commit else None,
                       item.shown(answer) if evidence.answer is not None else None,
                       result.misconception, flags)


def _checked(item: Item, evidence: Evidence) -> ItemVerdict:
    credit, message = evidence.checked or (0.0, f"not checked: {evidence.problem or 'no code recorded'}")
    credit = max(0.0, min(1.0, float(credit)))
    return ItemVerdict(item.name, _points(credit, evidence.points), evidence.points, credit,
                       message, "code", "checks")


def _points(credit: float, out_of: float) -> float:
    return round(max(0.0, min(1.0, credit)) * out_of, 6)


def _who(student: str | None) -> str:
    return repr(student) if student else "nobody (the default scenario)"


def score_submission(lab: LabSpec, student: str, ledger: Ledger, evidence: Sequence[Evidence],
                     policy: PredictionCredit = PredictionCredit()) -> SubmissionVerdict:
    """Score every graded cell of one submission (see the module doc)."""
    flags = []
    graded_as = ledger.graded_as(student)
    if graded_as != student:
        flags.append(f"scenario mismatch: the notebook was worked as {_who(graded_as)}, "
                     f"nbgrader grades {student!r}; graded against what the student saw")
    scenario = draw(lab.scenario, lab.id, graded_as)
    items = []
    for found in evidence:
        item = lab.item(found.item)
        if item.predictable:
            items.append(_prediction(lab, item, found, ledger, scenario, policy))
        else:
            items.append(_checked(item, found))
    return SubmissionVerdict(student, graded_as, scenario, items, flags)
