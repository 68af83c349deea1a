"""The instructor's path: an nbgrader course from the lab sources, and grading reports.

``init_course`` writes a ready nbgrader course (``nbgrader_config.py``, ``source/`` from
the instructor notebooks in ``solutions/``, the gradebook with the assignments), so
``nbgrader generate_assignment``, ``autograde``, ``generate_feedback`` and ``export`` run
with no hand editing. ``grade_report`` autogrades (optional) and writes a CSV of
per-item scores plus per-item statistics (mean credit, the most chosen wrong option and
the misconception it stands for).

Solutions are not in the wheel: pass the ``solutions/`` folder of the course repository.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from mlsysim_lab.grading.nbcheck import MIMETYPE

_CHECKOUT_SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"

CONFIG_TEMPLATE = '''\
# nbgrader configuration written by `mlsysim-lab course init`.
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = {course_id!r}
# Per-cell execution limit during autograde: an infinite loop is interrupted after this
# many seconds and the rest of the notebook still runs.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
# What a student sees in place of each solution region.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
'''


def _environment() -> dict[str, str]:
    """This interpreter's scripts first on PATH: nbgrader runs ``alembic`` and its own
    commands by name, which a venv used without activation would not find."""
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


@contextlib.contextmanager
def _scripts_on_path() -> Iterator[None]:
    previous = os.environ.get("PATH")
    os.environ["PATH"] = _environment()["PATH"]
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = previous


class CourseError(RuntimeError):
    """A course folder or its inputs are not as expected."""


def solutions_dir(path: str | Path | None = None) -> Path:
    """The instructor sources: the given folder, or the checkout's ``solutions/``."""
    folder = Path(path) if path is not None else _CHECKOUT_SOLUTIONS
    if not folder.is_dir():
        raise CourseError(
            f"no instructor sources at {folder}: solutions are not shipped in the wheel; "
            "clone the mlsysim-lab repository and pass --solutions PATH/solutions")
    return folder


def source_labs(folder: Path) -> list[str]:
    """Lab ids with an instructor notebook ``<lab>.ipynb`` in ``folder``."""
    return sorted(path.stem for path in folder.glob("*.ipynb"))


def init_course(directory: str | Path, *, solutions: str | Path | None = None,
                labs: Sequence[str] | None = None, course_id: str = "mlsysim-lab",
                timeout: int = 60) -> list[str]:
    """Create (or refresh) an nbgrader course in ``directory``; returns the labs added.
    An existing ``nbgrader_config.py`` or source notebook is never overwritten."""
    from nbgrader.api import Gradebook

    root = Path(directory).resolve()
    sources = solutions_dir(solutions)
    available = source_labs(sources)
    chosen = list(labs) if labs else available
    unknown = [lab for lab in chosen if lab not in available]
    if unknown:
        raise CourseError(f"no instructor notebook for {', '.join(unknown)} in {sources}; "
                          f"available: {', '.join(available) or 'none'}")
    root.mkdir(parents=True, exist_ok=True)
    config = root / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG_TEMPLATE.format(course_id=course_id, timeout=timeout))
    for lab in chosen:
        target = root / "source" / lab / f"{lab}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(sources / f"{lab}.ipynb", target)
    with _scripts_on_path(), Gradebook(f"sqlite:///{root / 'gradebook.db'}",
                                       course_id) as gradebook:
        for lab in chosen:
            gradebook.update_or_create_assignment(lab)
    return chosen


def nbgrader(course: str | Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in the course folder (with this interpreter)."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, text=True,
                          capture_output=True, env=_environment())


@dataclass
class ItemRecord:
    student: str
    item: str
    points: float
    out_of: float
    credit: float
    answer: Any
    misconception: str | None


def read_records(course: str | Path, assignment: str) -> list[ItemRecord]:
    """Per-item grading records from the autograded notebooks of every student."""
    import nbformat

    records = []
    for notebook in sorted(Path(course, "autograded").glob(f"*/{assignment}/*.ipynb")):
        student = notebook.parent.parent.name
        for cell in nbformat.read(notebook, as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {}).get(MIMETYPE)
                if data:
                    records.append(ItemRecord(student, data["item"], data["points"],
                                              data["out_of"], data["credit"], data["answer"],
                                              data["misconception"]))
    return records


def autograde(course: str | Path, assignment: str, *, workers: int | None = None) -> None:
    """``nbgrader autograde`` of every submission, split over ``workers`` concurrent
    nbgrader processes (default: one per CPU). Each process excludes the students of
    the others, so every submission is graded exactly once."""
    root = Path(course)
    students = sorted(p.parent.name for p in root.glob(f"submitted/*/{assignment}"))
    if not students:
        raise CourseError(f"no submissions in {root / 'submitted'}/*/{assignment}")
    count = max(1, min(workers or os.cpu_count() or 1, len(students)))
    groups = [students[i::count] for i in range(count)]
    processes = []
    for group in groups:
        others = [s for s in students if s not in group]
        args = ["autograde", assignment, "--create", "--force"]
        if others:
            args.append(f"--CourseDirectory.student_id_exclude={','.join(others)}")
        processes.append(subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=root,
                                          text=True, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, env=_environment()))
    failures = []
    for process in processes:
        output, _ = process.communicate()
        if process.returncode != 0:
            failures.append(output)
    if failures:
        raise CourseError("nbgrader autograde failed:\n" + "\n".join(failures))


def grade_report(course: str | Path, assignment: str, csv_path: str | Path, *,
                 autograde_first: bool = True, workers: int | None = None) -> dict[str, dict[str, Any]]:
    """Autograde (optionally), write per-student per-item scores to ``csv_path``, and
    return per-item statistics."""
    root = Path(course)
    if not (root / "nbgrader_config.py").is_file():
        raise CourseError(f"{root} is not a course folder (no nbgrader_config.py); "
                          "create one with `mlsysim-lab course init`")
    if autograde_first:
        autograde(root, assignment, workers=workers)
    records = read_records(root, assignment)
    with Path(csv_path).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "item", "points", "out_of", "credit", "answer",
                         "misconception"])
        for r in records:
            writer.writerow([r.student, r.item, r.points, r.out_of, r.credit,
                             json.dumps(r.answer), r.misconception or ""])
    return item_statistics(records)


def item_statistics(records: Sequence[ItemRecord]) -> dict[str, dict[str, Any]]:
    """Mean credit per item and, for choice items, the most chosen wrong option."""
    by_item: dict[str, list[ItemRecord]] = defaultdict(list)
    for record in records:
        by_item[record.item].append(record)
    stats = {}
    for item, rows in sorted(by_item.items()):
        wrong = Counter((r.answer, r.misconception) for r in rows
                        if r.credit == 0 and r.misconception)
        top = wrong.most_common(1)
        stats[item] = {"submissions": len(rows),
                       "mean_credit": sum(r.credit for r in rows) / len(rows),
                       "most_chosen_wrong_option": top[0][0][0] if top else None,
                       "misconception": top[0][0][1] if top else None,
                       "chosen_by": top[0][1] if top else 0}
    return stats
