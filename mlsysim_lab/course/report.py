"""Grading a class: autograde every submission, then one CSV row per item of every
graded submission and one row for every submission that could not be graded (with
the reason), plus per-item statistics and the integrity flags for the instructor.

The rows come from the verdicts the trusted preprocessors wrote beside each autograded
notebook (see :mod:`.preprocessors`), never from what a kernel displayed. Nothing a
submission does loses the class: a notebook that is misnamed, unreadable, or kills
nbgrader itself becomes a ``failed`` row, and the report is written before the command
reports the failure.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import nbformat

from mlsysim_lab.course.gradebook_sync import GradebookWriter, course_directory, make_template
from mlsysim_lab.course.jobs import Outcome, Submission, read_folder
from mlsysim_lab.course.pool import run_local
from mlsysim_lab.course.preprocessors import VERDICT_SUFFIX
from mlsysim_lab.course.scaffold import CourseError, check_course

COLUMNS = ("student", "status", "item", "points", "out_of", "credit", "graded", "graded_from",
           "committed", "answer", "changed_after_reveal", "computed_with_code",
           "scenario_mismatch", "graded_as", "flags", "misconception", "reason")


@dataclass
class ItemRecord:
    """One CSV row: an item of a graded submission, or a failed submission."""

    student: str
    status: str
    item: str = ""
    points: float = 0.0
    out_of: float = 0.0
    credit: float = 0.0
    graded: str = ""
    graded_from: str = ""
    committed: str | None = None
    answer: str | None = None
    changed_after_reveal: bool = False
    computed_with_code: bool = False
    scenario_mismatch: bool = False
    graded_as: str | None = None
    flags: list[str] = field(default_factory=list)
    misconception: str | None = None
    reason: str = ""
    item_flags: list[str] = field(default_factory=list)   # the item's own (flags has both)

    def row(self) -> list[Any]:
        values = vars(self)
        return ["; ".join(values[c]) if c == "flags" else
                "" if values[c] is None else values[c] for c in COLUMNS]


@dataclass
class Report:
    """What ``mlsysim-lab grade`` prints: per-item statistics, failures and flags."""

    records: list[ItemRecord]
    statistics: dict[str, dict[str, Any]]
    failures: dict[str, str]
    flagged: dict[str, list[str]]


def submitted_students(course: Path, assignment: str) -> list[str]:
    return sorted(p.parent.name for p in course.glob(f"submitted/*/{assignment}") if p.is_dir())


def precheck(folder: Path, assignment: str) -> str | None:
    """Why a submission folder cannot be autograded as it is (None: it can)."""
    expected = folder / f"{assignment}.ipynb"
    if not expected.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        if others:
            return (f"misnamed: found {', '.join(others)}, expected {expected.name} "
                    "(rename it and grade again)")
        return f"no notebook: {expected.name} was not submitted"
    try:
        notebook = nbformat.read(expected, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any way a file can fail to be a notebook
        return f"unreadable: {expected.name} is not a valid notebook ({type(error).__name__})"
    return None


_ERROR_LINE = re.compile(r"^\s*(?:\[ERROR\]\s*)?(?:\w+\.)*\w*(?:Error|Exception|Exit)\b.*$",
                         re.MULTILINE)


def autograde(course: str | Path, assignment: str, *, students: Sequence[str] | None = None,
              workers: int | None = None, cluster: str | None = None) -> dict[str, str]:
    """Autograde the given students (default: every submission) with nbgrader's converter
    in long-lived workers: ``workers`` processes on this machine (default: one per CPU),
    or the Dask cluster at ``cluster`` (see :mod:`.cluster`). Each submission is graded
    in a throw-away course folder; only this process writes ``autograded/`` and the
    gradebook. Returns the students that could not be graded, with the reason; never
    raises for a submission."""
    root = Path(course)
    chosen = sorted(students) if students is not None else submitted_students(root, assignment)
    if not chosen:
        return {}
    coursedir = course_directory(root)
    template = make_template(root, assignment)
    submissions = (Submission(student, read_folder(root / "submitted" / student / assignment))
                   for student in chosen)
    failures: dict[str, str] = {}
    writer = GradebookWriter(root, assignment, coursedir)

    def done(outcome: Outcome) -> None:
        log.write(f"=== {outcome.student} on {outcome.worker or 'no worker'}\n{outcome.log}")
        writer.save(outcome)
        if outcome.error is not None:
            cause = last_error(outcome.log)
            failures[outcome.student] = (f"nbgrader could not autograde it: {cause}" if cause
                                         else outcome.error)

    with (root / f"autograde-{assignment}.log").open("a") as log, writer:
        if cluster:
            from mlsysim_lab.course.cluster import run_on_cluster

            run_on_cluster(cluster, template, submissions, done)
        else:
            run_local(template, submissions, workers or os.cpu_count() or 1, done)
    return {**failures, **writer.failures}


def last_error(text: str) -> str:
    errors = _ERROR_LINE.findall(text)
    return errors[-1].strip().removeprefix("[ERROR]").strip()[:300] if errors else ""


def _verdict_path(course: Path, assignment: str, student: str) -> Path:
    return course / "autograded" / student / assignment / f"{assignment}{VERDICT_SUFFIX}"


def read_records(course: str | Path, assignment: str,
                 failures: dict[str, str] | None = None) -> list[ItemRecord]:
    """One record per item of every graded submission, one per failed submission."""
    root = Path(course)
    failures = dict(failures or {})
    records = []
    for student in submitted_students(root, assignment):
        path = _verdict_path(root, assignment, student)
        if student in failures or not path.is_file():
            reason = failures.get(student, "not autograded (run `mlsysim-lab grade` without "
                                           "--no-autograde)")
            records.append(ItemRecord(student, "failed", reason=reason))
            continue
        verdict = json.loads(path.read_text())
        mismatch = any(flag.startswith("scenario mismatch") for flag in verdict["flags"])
        for item in verdict["items"]:
            flags = list(item["flags"]) + list(verdict["flags"])
            records.append(ItemRecord(
                student, "graded", f"{assignment}.{item['item']}", item["points"],
                item["out_of"], item["credit"], item["graded"], item["graded_from"],
                item["committed"], item["answer"],
                "answer changed after the reveal" in item["flags"],
                "answer computed with code" in item["flags"], mismatch, verdict["graded_as"],
                flags, item["misconception"], item_flags=list(item["flags"])))
    return records


def item_statistics(records: Sequence[ItemRecord]) -> dict[str, dict[str, Any]]:
    """Mean credit per item and, for choice items, the most chosen wrong option."""
    by_item: dict[str, list[ItemRecord]] = defaultdict(list)
    for record in records:
        if record.status == "graded":
            by_item[record.item].append(record)
    stats = {}
    for item, rows in sorted(by_item.items()):
        wrong = Counter((r.graded, r.misconception) for r in rows
                        if r.credit == 0 and r.misconception)
        top = wrong.most_common(1)
        stats[item] = {"submissions": len(rows),
                       "mean_credit": sum(r.credit for r in rows) / len(rows),
                       "most_chosen_wrong_option": top[0][0][0].strip("'") if top else None,
                       "misconception": top[0][0][1] if top else None,
                       "chosen_by": top[0][1] if top else 0,
                       "flagged": sum(1 for r in rows if r.flags)}
    return stats


def grade_report(course: str | Path, assignment: str, csv_path: str | Path, *,
                 autograde_first: bool = True, workers: int | None = None,
                 cluster: str | None = None) -> Report:
    """Autograde (optionally; on this machine, or on the Dask cluster at ``cluster``,
    e.g. ``tcp://host:8786``) and write ``csv_path``: a row per item of every graded
    submission and a row per submission that could not be graded."""
    root = check_course(course)
    students = submitted_students(root, assignment)
    if not students:
        raise CourseError(f"no submissions in {root / 'submitted'}/*/{assignment}")
    failures = {}
    for student in students:
        problem = precheck(root / "submitted" / student / assignment, assignment)
        if problem:
            failures[student] = problem
    if autograde_first:
        ready = [s for s in students if s not in failures]
        failures.update(autograde(root, assignment, students=ready, workers=workers,
                                  cluster=cluster))
    records = read_records(root, assignment, failures)
    with Path(csv_path).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(record.row() for record in records)
    flagged: dict[str, list[str]] = defaultdict(list)
    for record in records:
        own = [f"{record.item}: {flag}" for flag in record.item_flags]
        shared = [flag for flag in record.flags if flag not in record.item_flags]
        for note in shared + own:
            if note not in flagged[record.student]:
                flagged[record.student].append(note)
    failed = {r.student: r.reason for r in records if r.status == "failed"}
    return Report(records, item_statistics(records), failed, dict(flagged))
