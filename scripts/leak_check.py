"""Execute solution notebooks as a few students and print every key shown before its
question (see mlsysim_lab.course.leaks).

    python scripts/leak_check.py                 # every lab, 3 students each
    python scripts/leak_check.py lab03 lab09 --students 5
"""

import argparse
import tempfile
from pathlib import Path

import nbformat

from mlsysim_lab.course.kernels import execute_notebook
from mlsysim_lab.course.leaks import find_leaks
from mlsysim_lab.grading.scenario import draw
from mlsysim_lab.grading.specs import all_labs, load_lab
from mlsysim_lab.settings import environment

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("labs", nargs="*")
    parser.add_argument("--students", type=int, default=3)
    args = parser.parse_args()
    labs = [load_lab(name) for name in args.labs] or all_labs()
    for lab in labs:
        for number in range(args.students):
            student = f"leak-check-{number}"
            notebook = nbformat.read(ROOT / "solutions" / f"{lab.id}.ipynb", as_version=4)
            with tempfile.TemporaryDirectory() as folder, environment(
                    MLSYSIM_STUDENT_ID=student, MLSYSIM_PLAIN="1"):
                import os
                execute_notebook(notebook, folder, env=dict(os.environ))
            leaks = find_leaks(notebook, lab, draw(lab.scenario, lab.id, student))
            print(f"{lab.id} as {student}: {len(leaks)} leak(s)", flush=True)
            for leak in leaks:
                print("   ", leak, flush=True)
