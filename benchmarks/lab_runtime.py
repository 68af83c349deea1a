"""How long Run All takes a student: each lab's student notebook (answers blank) and its
solution (every prediction committed and revealed, every plot drawn), each in a fresh
kernel in a fresh folder, as on a student's laptop (the kernel's start and imports
included, no network, no GPU).

Prints ``name: value`` lines: ``LAB_blank_s`` and ``LAB_solution_s`` per lab, then the
slowest and the total.

    python benchmarks/lab_runtime.py [LAB ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import nbformat

from mlsysim_lab.course.kernels import execute_notebook
from mlsysim_lab.grading.specs import all_labs
from mlsysim_lab.resources import labs_dir

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def run_all_seconds(notebook_path: Path) -> float:
    """Wall-clock seconds to execute the notebook top to bottom in a fresh kernel."""
    notebook = nbformat.read(notebook_path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="lab-runtime-") as folder:
        start = time.perf_counter()
        execute_notebook(notebook, folder)
        seconds = time.perf_counter() - start
    errors = [output.get("ename") for cell in notebook.cells
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    if errors:
        raise SystemExit(f"{notebook_path.name}: error output {errors}")
    return seconds


def main(labs: list[str]) -> None:
    figures: dict[str, float] = {}
    for lab in labs:
        figures[f"{lab}_blank_s"] = run_all_seconds(labs_dir() / f"{lab}.ipynb")
        figures[f"{lab}_solution_s"] = run_all_seconds(SOLUTIONS / f"{lab}.ipynb")
        for name in (f"{lab}_blank_s", f"{lab}_solution_s"):
            print(f"{name}: {figures[name]:.2f}", flush=True)
    slowest = max(figures, key=figures.get)
    print(f"slowest: {slowest} {figures[slowest]:.2f}")
    print(f"total_s: {sum(figures.values()):.1f}")


if __name__ == "__main__":
    main(sys.argv[1:] or [lab.id for lab in all_labs() if lab.id.startswith("lab")])
