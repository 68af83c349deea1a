"""Autograde speed of one of our labs against nbgrader's own floor, side by side on this
machine; prints one ``name: value`` line per figure.

    python benchmarks/autograde_speed.py [N [WORKERS [LAB]]]
    (default: N = 40 submissions, one worker per CPU, lab01)

- **trivial**: nbgrader's trivial notebook (a markdown cell, an answer cell, a one-point
  test cell) in a plain nbgrader course, autograded the usual way: ``nbgrader
  autograde`` in WORKERS concurrent processes, the students split between them.
- **lab**: the lab's release version (``mlsysim-lab course init`` from solutions/ and
  ``nbgrader generate_assignment``), worked once as a student would (answers typed in,
  the notebook run so the predictions are committed, the ledger beside it) and submitted
  N times; graded by ``mlsysim_lab.course.autograde`` (what ``mlsysim-lab grade`` runs)
  with the same WORKERS.

Each side is timed on a quarter of the submissions and on all of them: the seconds per
submission are the slope between the two (what one more submission costs), the fixed
seconds the rest (starting processes, kernels' warm-up); the projections use both.

Needs the package installed (the grading kernels import it) and solutions/ of this
repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
_SOLUTION = re.compile(r"^### (BEGIN|END) SOLUTION\n?", re.MULTILINE)


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _answered(release, source):
    """The release notebook with every code answer cell as the instructor wrote it."""
    answers = {_grade_id(c): _SOLUTION.sub("", c.source) for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    notebook = nbformat.from_dict(release)
    for cell in notebook.cells:
        if _grade_id(cell) in answers:
            cell.source = answers[_grade_id(cell)]
    return notebook


def _submit(root: Path, assignment: str, folder: Path, copies: int) -> list[str]:
    students = [f"student{index:05d}" for index in range(copies)]
    for student in students:
        shutil.copytree(folder, root / "submitted" / student / assignment)
    return students


def _nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    from mlsysim_lab.course.kernels import with_scripts_on_path

    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, text=True,
                          capture_output=True, env=with_scripts_on_path(os.environ), check=True)


def trivial_course(scratch: Path, copies: int) -> tuple[Path, list[str]]:
    from mlsysim_lab.course import cells

    root = scratch / "trivial-course"
    (root / "source" / "trivial").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'trivial'\n")
    nbformat.write(cells.notebook([cells.markdown("# Trivial"), cells.answer("x = 1", "answer"),
                                   cells.tests("assert x == 1", "test", 1)], "Trivial"),
                   root / "source" / "trivial" / "trivial.ipynb")
    _nbgrader(root, "generate_assignment", "trivial")
    release = nbformat.read(root / "release" / "trivial" / "trivial.ipynb", as_version=4)
    home = scratch / "trivial-home"
    home.mkdir()
    source = nbformat.read(root / "source" / "trivial" / "trivial.ipynb", as_version=4)
    nbformat.write(_answered(release, source), home / "trivial.ipynb")
    return root, _submit(root, "trivial", home, copies)


def nbgrader_processes(root: Path, assignment: str, students: list[str], workers: int) -> None:
    """Plain ``nbgrader autograde``, the students split over concurrent processes."""
    from mlsysim_lab.course.kernels import with_scripts_on_path

    groups = [students[i::workers] for i in range(workers)]
    everyone = [p.parent.name for p in root.glob(f"submitted/*/{assignment}")]
    runs = [subprocess.Popen(
        [sys.executable, "-m", "nbgrader", "autograde", assignment, "--create", "--force",
         f"--CourseDirectory.student_id_exclude={','.join(s for s in everyone if s not in g)}"],
        cwd=root, env=with_scripts_on_path(os.environ), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL) for g in groups if g]
    for run in runs:
        run.wait()


def lab_course(scratch: Path, lab: str, copies: int) -> tuple[Path, list[str]]:
    from mlsysim_lab.course import init_course
    from mlsysim_lab.course.kernels import execute_notebook

    root = scratch / "lab-course"
    init_course(root, solutions=ROOT / "solutions", labs=[lab])
    _nbgrader(root, "generate_assignment", lab)
    release = nbformat.read(root / "release" / lab / f"{lab}.ipynb", as_version=4)
    source = nbformat.read(root / "source" / lab / f"{lab}.ipynb", as_version=4)
    home = scratch / "lab-home"
    home.mkdir()
    notebook = _answered(release, source)
    env = {key: value for key, value in os.environ.items()
           if key not in ("MLSYSIM_STUDENT_ID", "JUPYTERHUB_USER")}
    execute_notebook(notebook, home, env={**env, "MLSYSIM_PLAIN": "1", "MPLBACKEND": "Agg"})
    nbformat.write(notebook, home / f"{lab}.ipynb")
    for stray in home.glob("*-report.html"):
        stray.unlink()
    return root, _submit(root, lab, home, copies)


def _mean_score(root: Path, assignment: str, course_id: str) -> float:
    from nbgrader.api import Gradebook

    from mlsysim_lab.course import _scripts_on_path

    with _scripts_on_path(), Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id) as gb:
        scores = [s.score for s in gb.find_assignment(assignment).submissions]
    return sum(scores) / len(scores) if scores else float("nan")


def _timed(run, students: list[str]) -> tuple[float, float]:
    """(fixed seconds, seconds per submission) of ``run``: timed on a quarter of the
    class and on all of it, a line through the two points."""
    few = students[:max(1, len(students) // 4)]
    start = time.perf_counter()
    run(few)
    small = time.perf_counter() - start
    start = time.perf_counter()
    run(students)
    large = time.perf_counter() - start
    per = (large - small) / (len(students) - len(few))
    return max(0.0, large - per * len(students)), per


def main(copies: int, workers: int, lab: str) -> None:
    import nbgrader

    from mlsysim_lab.course import autograde

    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        trivial_root, trivial_students = trivial_course(scratch, copies)
        lab_root, lab_students = lab_course(scratch, lab, copies)
        trivial_fixed, trivial = _timed(
            lambda chosen: nbgrader_processes(trivial_root, "trivial", chosen, workers),
            trivial_students)
        trivial_score = _mean_score(trivial_root, "trivial", "trivial")
        lab_fixed, ours = _timed(
            lambda chosen: failures.update(autograde(lab_root, lab, students=chosen,
                                                     workers=workers)), lab_students)
        lab_score = _mean_score(lab_root, lab, "mlsysim-lab")

    print(f"nbgrader: {nbgrader.__version__}")
    print(f"cpus: {os.cpu_count()}")
    print(f"workers: {workers}")
    print(f"submissions: {copies}")
    print(f"lab: {lab}")
    print(f"trivial_fixed_s: {trivial_fixed:.1f}")
    print(f"trivial_s_per_submission: {trivial:.3f}")
    print(f"trivial_mean_score: {trivial_score:.2f}")
    print(f"lab_fixed_s: {lab_fixed:.1f}")
    print(f"lab_s_per_submission: {ours:.3f}")
    print(f"lab_mean_score: {lab_score:.2f}")
    print(f"lab_failed_submissions: {len(failures)}")
    if failures:
        print(f"lab_first_failure: {next(iter(failures.values()))}")
    print(f"ratio: {ours / trivial:.2f}")
    for count in (300, 10_000):
        print(f"projected_{count}_submissions_min: {(lab_fixed + count * ours) / 60:.1f}")
        print(f"trivial_projected_{count}_submissions_min: "
              f"{(trivial_fixed + count * trivial) / 60:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40,
         int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 1),
         sys.argv[3] if len(sys.argv) > 3 else "lab01")
