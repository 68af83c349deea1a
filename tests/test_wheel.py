"""The built wheel, installed in a fresh virtual environment, carries every lab: every
lab's notebook executes against the installed package without error (the instructor
solution, which exercises every cell), and the student notebooks are found inside the
wheel; `mlsysim-lab labs run` executes one from there; an instructor grades a class from
it on this machine and, with the ``cluster`` extra, on a Dask cluster."""

import csv
import json
import shutil
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
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                              f"{wheel}[cluster]"], capture_output=True, text=True)
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


CLUSTER_GRADE = r'''
import sys
from distributed import LocalCluster
from mlsysim_lab.cli import main
if __name__ == "__main__":   # the cluster's worker processes import this file too
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      scheduler_port=0, dashboard_address=None) as cluster:
        sys.exit(main(["grade", "lab00", "--cluster", cluster.scheduler_address]))
'''


@pytest.fixture(scope="module")
def wheel_course(fresh_env, tmp_path_factory):
    """course init -> generate_assignment -> a solution and a blank submission, every
    command from the wheel's venv; graded by `mlsysim-lab grade` on this machine in
    ``local`` and on a Dask LocalCluster of the venv's processes in ``cluster``."""
    tmp_path = tmp_path_factory.mktemp("wheel-course")
    bin_dir = fresh_env.parent
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    course = tmp_path / "local"

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
    shutil.copytree(course, tmp_path / "cluster")
    graded = run(bin_dir / "mlsysim-lab", "grade", "lab00", cwd=course)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    feedback = run(bin_dir / "mlsysim-lab", "feedback", "lab00", "--course", course)
    assert feedback.returncode == 0, feedback.stdout + feedback.stderr
    insight = run(bin_dir / "mlsysim-lab", "report", course)
    assert insight.returncode == 0, insight.stdout + insight.stderr
    (tmp_path / "grade.py").write_text(CLUSTER_GRADE)
    graded = run(bin_dir / "python", tmp_path / "grade.py", cwd=tmp_path / "cluster")
    assert graded.returncode == 0, graded.stdout + graded.stderr[-3000:]
    pages = {name: (course / name).read_text() for name in
             ("dashboard-lab00.html", "class-insight.html",
              "feedback/sol/lab00/lab00.html", "feedback/blank/lab00/lab00.html")}
    return {**{where: list(csv.DictReader((tmp_path / where / "grades-lab00.csv").open()))
               for where in ("local", "cluster")}, "pages": pages}


def test_the_instructor_path_grades_from_the_installed_wheel(wheel_course):
    """The trusted preprocessors load from the installed package and the report has a
    row per item: full marks for the solution, none for the blank notebook."""
    rows = wheel_course["local"]
    by_student = {s: [r for r in rows if r["student"] == s] for s in ("sol", "blank")}
    assert all(float(r["points"]) == float(r["out_of"]) for r in by_student["sol"])
    assert all(float(r["points"]) == 0 for r in by_student["blank"]) and by_student["blank"]


def test_a_dask_cluster_grades_from_the_installed_wheel(wheel_course):
    """The cluster extra installs with the wheel, and a LocalCluster of the venv's
    processes grades the class exactly as this machine does."""
    assert wheel_course["cluster"] == wheel_course["local"]


def test_the_dashboard_and_feedback_come_from_the_installed_wheel(wheel_course):
    """`grade` writes the class dashboard, `report` the cross-lab page and `feedback` a
    page per student, all from the wheel's venv."""
    pages = wheel_course["pages"]
    for name in ("dashboard-lab00.html", "class-insight.html"):
        assert pages[name].startswith("<!doctype html>") and "<svg" in pages[name]
    # the solution earns every item and the blank notebook none: a mean credit of 0.5 each
    assert "ridge" in pages["dashboard-lab00.html"] and "0.5000" in pages["dashboard-lab00.html"]
    earned = round(sum(float(r["points"]) for r in wheel_course["local"] if r["student"] == "sol"), 2)
    assert earned > 0   # the page's total adds the reflections, graded by hand later
    assert f"lab00 (Score: {earned} / " in pages["feedback/sol/lab00/lab00.html"]
    assert "lab00 (Score: 0.0 / " in pages["feedback/blank/lab00/lab00.html"]
