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
- **feedback**: every lab submission's HTML feedback, by ``mlsysim-lab feedback``'s
  converter in this process and by one ``nbgrader generate_feedback`` process; printed
  as seconds per submission (total over N).

Each side is timed on a quarter of the submissions and on all of them: the seconds per
submission are the slope between the two (what one more submission costs), the fixed
seconds the rest (starting processes, kernels' warm-up); the projections use both. The
four runs alternate between the sides (trivial quarter, lab quarter, lab class, trivial
class), so that other jobs' load on a shared machine weighs on both alike.
``*_cpu_s_per_submission`` is the same slope in CPU seconds of every process a side runs
(nbgrader, kernels, workers, the kernel zygote): it hardly moves with the machine's load.

Needs the package installed (the grading kernels import it) and solutions/ of this
repository.
"""

from __future__ import annotations

import os
import re
import resource
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


#: Runs a notebook as a student would (a kernel in its folder), in a process of its own:
#: the kernel client's threads would otherwise outlive it here, and ``mlsysim-lab grade``
#: forks its workers only from a process without threads (as the command is).
_WORK = """
import sys, nbformat
from mlsysim_lab.course.kernels import execute_notebook
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
execute_notebook(notebook, path.rsplit("/", 1)[0])
nbformat.write(notebook, path)
"""


def lab_course(scratch: Path, lab: str, copies: int) -> tuple[Path, list[str]]:
    from mlsysim_lab.course import init_course

    root = scratch / "lab-course"
    init_course(root, solutions=ROOT / "solutions", labs=[lab])
    _nbgrader(root, "generate_assignment", lab)
    release = nbformat.read(root / "release" / lab / f"{lab}.ipynb", as_version=4)
    source = nbformat.read(root / "source" / lab / f"{lab}.ipynb", as_version=4)
    home = scratch / "lab-home"
    home.mkdir()
    nbformat.write(_answered(release, source), home / f"{lab}.ipynb")
    env = {key: value for key, value in os.environ.items()
           if key not in ("MLSYSIM_STUDENT_ID", "JUPYTERHUB_USER")}
    subprocess.run([sys.executable, "-c", _WORK, str(home / f"{lab}.ipynb")], check=True,
                   cwd=home, env={**env, "MLSYSIM_PLAIN": "1", "MPLBACKEND": "Agg"})
    for stray in home.glob("*-report.html"):
        stray.unlink()
    return root, _submit(root, lab, home, copies)


def _mean_score(root: Path, assignment: str, course_id: str) -> float:
    from nbgrader.api import Gradebook

    from mlsysim_lab.course import _scripts_on_path

    with _scripts_on_path(), Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id) as gb:
        scores = [s.score for s in gb.find_assignment(assignment).submissions]
    return sum(scores) / len(scores) if scores else float("nan")


def _feedback_times(root: Path, assignment: str) -> tuple[float, float]:
    """Seconds to write every student's feedback: ``mlsysim-lab feedback``'s converter in
    this process, then one ``nbgrader generate_feedback --force`` process."""
    from mlsysim_lab.course.feedback import generate_feedback

    start = time.perf_counter()
    result = generate_feedback(root, assignment)
    ours = time.perf_counter() - start
    if result.failures:
        raise RuntimeError(f"feedback failed: {next(iter(result.failures.values()))}")
    start = time.perf_counter()
    _nbgrader(root, "generate_feedback", assignment, "--force")
    return ours, time.perf_counter() - start


def _cpu_s() -> float:
    """CPU seconds of this process and of every child it has waited for (theirs too)."""
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def _timed_side_by_side(first, second, students: int) -> list[tuple[float, float, float]]:
    """(fixed seconds, seconds per submission, CPU seconds per submission) of two
    graders, each timed on a quarter of its class and on all of it (a line through the
    two points). The runs alternate (first's quarter, second's quarter, second's class,
    first's class) so that a change in the machine's load from other jobs weighs on both
    sides alike; CPU time (every process a side starts, kernels included) hardly
    depends on that load."""
    few = max(1, students // 4)
    seconds, cpu = {}, {}
    for run, count in ((first, few), (second, few), (second, students), (first, students)):
        start, start_cpu = time.perf_counter(), _cpu_s()
        run(count)
        seconds[run, count] = time.perf_counter() - start
        cpu[run, count] = _cpu_s() - start_cpu
    lines = []
    for run in (first, second):
        per = (seconds[run, students] - seconds[run, few]) / (students - few)
        per_cpu = (cpu[run, students] - cpu[run, few]) / (students - few)
        lines.append((max(0.0, seconds[run, students] - per * students), per, per_cpu))
    return lines


def main(copies: int, workers: int, lab: str) -> None:
    import nbgrader

    from mlsysim_lab.course import autograde

    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        trivial_root, trivial_students = trivial_course(scratch, copies)
        lab_root, lab_students = lab_course(scratch, lab, copies)
        (trivial_fixed, trivial, trivial_cpu), (lab_fixed, ours, ours_cpu) = _timed_side_by_side(
            lambda count: nbgrader_processes(trivial_root, "trivial", trivial_students[:count],
                                             workers),
            lambda count: failures.update(autograde(lab_root, lab, students=lab_students[:count],
                                                    workers=workers)), copies)
        trivial_score = _mean_score(trivial_root, "trivial", "trivial")
        lab_score = _mean_score(lab_root, lab, "mlsysim-lab")
        ours_feedback, nbgrader_feedback = _feedback_times(lab_root, lab)

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
    print(f"trivial_cpu_s_per_submission: {trivial_cpu:.3f}")
    print(f"lab_cpu_s_per_submission: {ours_cpu:.3f}")
    print(f"cpu_ratio: {ours_cpu / trivial_cpu:.2f}")
    print(f"feedback_s_per_submission: {ours_feedback / copies:.3f}")
    print(f"nbgrader_feedback_s_per_submission: {nbgrader_feedback / copies:.3f}")
    for count in (300, 10_000):
        print(f"projected_{count}_submissions_min: {(lab_fixed + count * ours) / 60:.1f}")
        print(f"trivial_projected_{count}_submissions_min: "
              f"{(trivial_fixed + count * trivial) / 60:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40,
         int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 1),
         sys.argv[3] if len(sys.argv) > 3 else "lab01")
