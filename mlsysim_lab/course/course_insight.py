"""What a class misses across the labs of a course: the items ranked by how many
students missed them (earned less than full credit) and the misconceptions ranked by
how many students chose an option that stands for them, from the verdicts of every
assignment already autograded (``mlsysim-lab grade``); nothing is graded again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from mlsysim_lab.course.class_insight import ItemInsight, LabInsight, lab_insight
from mlsysim_lab.course.report import read_records
from mlsysim_lab.course.scaffold import CourseError, check_course
from mlsysim_lab.grading.specs import load_lab


@dataclass(frozen=True)
class Misconception:
    """A misconception, the students who chose an option standing for it (in any lab)
    and the items where they did."""

    text: str
    students: tuple[str, ...]
    items: tuple[str, ...]


@dataclass
class CourseInsight:
    """Every autograded lab of a course, and the assignments left out (with why)."""

    labs: list[LabInsight]
    skipped: dict[str, str]

    def items_missed(self) -> list[ItemInsight]:
        """Every item, the one most students missed first (ties: lower mean credit)."""
        items = [item for lab in self.labs for item in lab.items]
        return sorted(items, key=lambda i: (-i.missed, i.mean_credit, i.item_id))

    def misconceptions(self) -> list[Misconception]:
        """Misconceptions by the number of distinct students who chose them."""
        students: dict[str, set[str]] = defaultdict(set)
        items: dict[str, list[str]] = defaultdict(list)
        for lab in self.labs:
            for item in lab.items:
                for option in item.wrong_options:
                    if option.misconception:
                        students[option.misconception].update(option.students)
                        if item.item_id not in items[option.misconception]:
                            items[option.misconception].append(item.item_id)
        return sorted((Misconception(text, tuple(sorted(students[text])), tuple(items[text]))
                       for text in students), key=lambda m: (-len(m.students), m.text))

    def flagged_students(self) -> dict[str, list[str]]:
        """Students with an integrity flag or a failed submission, and in which labs."""
        found: dict[str, list[str]] = defaultdict(list)
        for lab in self.labs:
            for student in sorted({f.student for f in lab.flags} | set(lab.failures)):
                found[student].append(lab.lab_id)
        return dict(sorted(found.items(), key=lambda pair: (-len(pair[1]), pair[0])))

    def people(self) -> set[str]:
        return set().union(*(lab.people() for lab in self.labs))


def course_insight(course: str | Path) -> CourseInsight:
    """The insight of every assignment with submissions and at least one verdict."""
    root = check_course(course)
    assignments = sorted({p.name for p in root.glob("submitted/*/*") if p.is_dir()})
    labs, skipped = [], {}
    for assignment in assignments:
        try:
            spec = load_lab(assignment)
        except (KeyError, ImportError) as error:
            skipped[assignment] = f"no lab spec ({str(error).strip(chr(39))})"
            continue
        records = read_records(root, assignment)
        if not any(record.status == "graded" for record in records):
            skipped[assignment] = "not autograded yet (run `mlsysim-lab grade`)"
            continue
        labs.append(lab_insight(assignment, records, spec))
    if not labs:
        raise CourseError(f"nothing autograded in {root}: run `mlsysim-lab grade LAB` first"
                          + (f" ({'; '.join(f'{a}: {w}' for a, w in skipped.items())})"
                             if skipped else ""))
    return CourseInsight(labs, skipped)
