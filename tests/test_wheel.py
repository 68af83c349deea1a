"""The built wheel, installed in a fresh virtual environment, carries every lab: every
lab's notebook executes against the installed package without error (the instructor
solution, which exercises every cell), and the student notebooks are found inside the
wheel; `mlsysim-lab labs run` executes one from there."""

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RUNNER = r'''
import json, sys, nbformat
from pathlib import Path
import mlsysim_lab
from mlsysim_lab.course.lab_files import listing, notebook_path, run
from mlsysim_lab.course.kernels import execute_notebook
assert "site-packages" in mlsysim_lab.__file__, mlsysim_lab.__file__
import time
report = {}
for lab in listing():
    path = notebook_path(lab)
    if path is None:
        continue
    assert "site-packages" in str(path), path
    solution = nbformat.read(Path(sys.argv[1]) / f"{lab.id}.ipynb", as_version=4)
    start = time.perf_counter()
    execute_notebook(solution, Path.cwd(), timeout=180, allow_errors=False)
    report[lab.id] = round(time.perf_counter() - start, 2)
seconds, lines = run("lab00")
assert any("Your scenario" in line for line in lines), lines
print(json.dumps(report))
'''


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("wheel-env")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(scratch), str(ROOT)], check=True, capture_output=True)
    (wheel,) = scratch.glob("mlsysim_lab-*.whl")
    env_dir = scratch / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    return python


def test_installed_cli_runs(fresh_env):
    result = subprocess.run([str(fresh_env.parent / "mlsysim-lab"), "labs", "list", "--json"],
                            capture_output=True, text=True, check=True)
    assert any(lab["available"] for lab in json.loads(result.stdout))


def test_every_lab_runs_from_the_installed_wheel(fresh_env, tmp_path):
    script = tmp_path / "run_labs.py"
    script.write_text(RUNNER)
    result = subprocess.run([str(fresh_env), str(script), str(ROOT / "solutions")],
                            capture_output=True, text=True, cwd=tmp_path, timeout=1800,
                            env={"PATH": str(fresh_env.parent), "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-3000:]
    timings = json.loads(result.stdout.strip().splitlines()[-1])
    available = sorted(p.stem for p in (ROOT / "labs").glob("lab*.ipynb"))
    assert sorted(timings) == available
    print("lab run times from the installed wheel (s):", timings)


def test_the_instructor_path_grades_from_the_installed_wheel(fresh_env, tmp_path):
    """course init -> generate_assignment -> a solution and a blank submission ->
    `mlsysim-lab grade`, every command from the wheel's venv: the trusted preprocessors
    load from the installed package and the report has a row per item."""
    import csv

    bin_dir = fresh_env.parent
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    course = tmp_path / "course"

    def run(*args, cwd=tmp_path):
        return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600)

    init = run(bin_dir / "mlsysim-lab", "course", "init", course, "--solutions",
               ROOT / "solutions", "--labs", "lab00")
    assert init.returncode == 0, init.stderr
    release = run(bin_dir / "python", "-m", "nbgrader", "generate_assignment", "lab00", cwd=course)
    assert release.returncode == 0, release.stderr
    for student, source in (("sol", ROOT / "solutions" / "lab00.ipynb"),
                            ("blank", course / "release" / "lab00" / "lab00.ipynb")):
        folder = course / "submitted" / student / "lab00"
        folder.mkdir(parents=True)
        (folder / "lab00.ipynb").write_text(source.read_text())
    graded = run(bin_dir / "mlsysim-lab", "grade", "lab00", cwd=course)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    rows = list(csv.DictReader((course / "grades-lab00.csv").open()))
    by_student = {s: [r for r in rows if r["student"] == s] for s in ("sol", "blank")}
    assert all(float(r["points"]) == float(r["out_of"]) for r in by_student["sol"])
    assert all(float(r["points"]) == 0 for r in by_student["blank"]) and by_student["blank"]
