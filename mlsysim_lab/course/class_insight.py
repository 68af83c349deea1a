"""What a class did on one lab, computed from the gradebook rows of ``grade_report``:
per item the credit distribution, how far the predictions were from the keys, each
wrong option with the misconception it stands for, and the integrity flags.

Keys are recomputed here, in the instructor's process, from the lab spec and the
scenario each submission was graded as (``graded_as``; the default scenario when it is
None), exactly as the grader drew it: nothing comes from a kernel's output. Graded
values are read back from the rows (shown to 4 significant digits: plenty for a
log-scale picture). "Missed" means earned less than the item's full credit.
"""

from __future__ import annotations

import ast
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from mlsysim_lab.course.report import ItemRecord
from mlsysim_lab.grading.answers import AnswerProblem
from mlsysim_lab.grading.items import ChoiceItem, Item, LabSpec, NumericItem
from mlsysim_lab.grading.scenario import draw
from mlsysim_lab.grading.specs import load_lab

#: Flag kinds, in the order the dashboard lists them (the verdict's own wording).
FLAG_KINDS = ("answer changed after the reveal", "answer changed after the commit",
              "answer computed with code", "revealed without a commit on record",
              "scenario mismatch", "other")


@dataclass(frozen=True)
class WrongOption:
    """An option some students picked when it was not the key of their scenario."""

    label: str
    text: str
    misconception: str | None
    students: tuple[str, ...]


@dataclass
class ItemInsight:
    """One item across the class. ``ratios`` are prediction / key (both positive);
    ``calibration`` holds (key, committed prediction) pairs of numeric items."""

    item_id: str
    prompt: str
    kind: str                                   # "numeric", "choice" or "code"
    unit: str = ""
    credits: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    off_scale: int = 0                          # numeric answers with no log ratio
    calibration: list[tuple[float, float]] = field(default_factory=list)
    wrong_options: list[WrongOption] = field(default_factory=list)

    @property
    def submissions(self) -> int:
        return len(self.credits)

    @property
    def mean_credit(self) -> float:
        return sum(self.credits) / len(self.credits) if self.credits else math.nan

    @property
    def missed(self) -> int:
        return sum(1 for credit in self.credits if credit < 1 - 1e-9)

    @property
    def credit_counts(self) -> dict[float, int]:
        return dict(sorted(Counter(round(c, 3) for c in self.credits).items()))

    @property
    def median_factor(self) -> float:
        """10 ** median |log10(prediction / key)|: how far off the typical student was."""
        if not self.ratios:
            return math.nan
        return 10 ** statistics.median(abs(math.log10(r)) for r in self.ratios)

    @property
    def too_high(self) -> int:
        return sum(1 for r in self.ratios if r > 1)


@dataclass(frozen=True)
class Flag:
    """An integrity flag for the instructor to decide on; ``worked_as`` is the id the
    notebook was worked with (scenario mismatch; None: the default scenario)."""

    student: str
    kind: str
    items: tuple[str, ...] = ()
    detail: str = ""
    worked_as: str | None = None


@dataclass
class LabInsight:
    """The class on one lab: every item, the flags and the failed submissions."""

    lab_id: str
    title: str
    students: list[str]
    items: list[ItemInsight]
    flags: list[Flag]
    failures: dict[str, str]

    @property
    def graded(self) -> int:
        return len(self.students) - len(self.failures)

    def people(self) -> set[str]:
        """Every student id the insight mentions (for anonymising free text)."""
        return set(self.students) | {f.worked_as for f in self.flags if f.worked_as}


def _choice_label(item: ChoiceItem, graded: str) -> str | None:
    """The option a row's graded value names (rows keep ``repr`` of a choice)."""
    try:
        value: Any = ast.literal_eval(graded)
    except (ValueError, SyntaxError):
        value = graded
    parsed = item.parse(value)
    return None if isinstance(parsed, AnswerProblem) else parsed


def _add(insight: ItemInsight, item: Item, record: ItemRecord, key: Any,
         wrong: dict[str, list[str]]) -> None:
    """Count one graded row into its item (``key``: the key of the row's scenario)."""
    insight.credits.append(record.credit)
    if isinstance(item, ChoiceItem):
        label = _choice_label(item, record.graded)
        if label is not None and item.option(label) is not item.option(key):
            wrong[label].append(record.student)
    elif isinstance(item, NumericItem):
        value = item.parse(record.graded)
        if isinstance(value, float) and value > 0 and key > 0:
            insight.ratios.append(value / key)
            if record.graded_from == "commit":
                insight.calibration.append((key, value))
        else:
            insight.off_scale += 1


def _kind(flag: str) -> str:
    return next((kind for kind in FLAG_KINDS if flag.startswith(kind)), "other")


def lab_insight(assignment: str, records: Sequence[ItemRecord],
                spec: LabSpec | None = None) -> LabInsight:
    """The class insight of one lab from its gradebook rows (``read_records``)."""
    spec = spec or load_lab(assignment)
    keys: dict[tuple[str, str], Any] = {}
    insights = {item.name: ItemInsight(f"{spec.id}.{item.name}", item.prompt,
                                       "choice" if isinstance(item, ChoiceItem) else
                                       "numeric" if item.predictable else "code",
                                       getattr(item, "unit", ""))
                for item in spec.items}
    wrong: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    flagged: dict[tuple[str, str, str], list[str]] = {}     # (student, kind, detail) -> items
    worked_as: dict[str, str | None] = {}
    failures = {}
    for record in records:
        if record.status != "graded":
            failures[record.student] = record.reason
            continue
        name = record.item.partition(".")[2]
        item = spec.item(name)
        key = None
        if item.predictable:
            scenario = draw(spec.scenario, spec.id, record.graded_as)
            cached = (name, repr(sorted(scenario.items())))   # few scenarios, many students
            if cached not in keys:
                keys[cached] = item.key_value(scenario)
            key = keys[cached]
        _add(insights[name], item, record, key, wrong[name])
        for flag in record.flags:
            kind = _kind(flag)
            items = flagged.setdefault((record.student, kind, flag if kind == "other" else ""), [])
            if flag in record.item_flags and name not in items:
                items.append(name)
            if kind == "scenario mismatch":
                worked_as[record.student] = record.graded_as
    for name, picked in wrong.items():
        item = spec.item(name)
        insights[name].wrong_options = sorted(
            (WrongOption(label, item.option(label).text, item.option(label).misconception,
                         tuple(sorted(students))) for label, students in picked.items()),
            key=lambda option: (-len(option.students), option.label))
    flags = sorted((Flag(student, kind, tuple(items), detail, worked_as.get(student)
                         if kind == "scenario mismatch" else None)
                    for (student, kind, detail), items in flagged.items()),
                   key=lambda f: (FLAG_KINDS.index(f.kind), f.student, f.detail))
    return LabInsight(spec.id, spec.title, sorted({r.student for r in records}),
                      [i for i in insights.values() if i.submissions], flags, failures)
