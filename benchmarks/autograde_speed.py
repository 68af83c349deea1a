"""Autograde speed: N copies of a correct submission of the sample lab, through
``nbgrader autograde``; prints one ``name: value`` line per figure.

    python benchmarks/autograde_speed.py [N [WORKERS]]   (default N = 20, one worker per CPU)

``mlsysim-lab grade`` autogrades the same way (students split over concurrent nbgrader
processes).

Needs the package installed (nbgrader starts a kernel that imports it).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
os.environ["MLSYSIM_LAB_GRADERS"] = str(ROOT / "tests" / "fixtures" / "graders")


def main(copies: int, workers: int | None) -> None:
    import nbgrader

    from mlsysim_lab.course import autograde, init_course, nbgrader as run_nbgrader
    from test_nbgrader_e2e import SOLUTIONS, source_notebook, with_answers

    with tempfile.TemporaryDirectory() as scratch:
        root, solutions = Path(scratch) / "course", Path(scratch) / "solutions"
        solutions.mkdir()
        nbformat.write(source_notebook(), solutions / "sample.ipynb")
        init_course(root, solutions=solutions)
        assert run_nbgrader(root, "generate_assignment", "sample").returncode == 0
        release = nbformat.read(root / "release" / "sample" / "sample.ipynb", as_version=4)
        for index in range(copies):
            folder = root / "submitted" / f"student{index:03d}" / "sample"
            folder.mkdir(parents=True)
            nbformat.write(with_answers(release, SOLUTIONS), folder / "sample.ipynb")
        start = time.perf_counter()
        autograde(root, "sample", workers=workers)
        elapsed = time.perf_counter() - start
    per = elapsed / copies
    print(f"nbgrader: {nbgrader.__version__}")
    print(f"submissions: {copies}")
    print(f"workers: {workers or os.cpu_count()}")
    print(f"autograde_s: {elapsed:.2f}")
    print(f"seconds_per_submission: {per:.3f}")
    print(f"submissions_per_minute: {60 / per:.1f}")
    print(f"projected_300_submissions_min: {300 * per / 60:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20,
         int(sys.argv[2]) if len(sys.argv) > 2 else None)
