"""Every lab: its notebooks are built from the source (no drift), the solution runs
headless, the solution earns every automatic point and the untouched student version
none under nbgrader autograde, and every key is feasible for every scenario."""

import functools
import math
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from mlsysim_lab.course import _scripts_on_path, autograde, init_course, nbgrader
from mlsysim_lab.grading.grade import key_for
from mlsysim_lab.grading.specs import load_lab
from mlsysim_lab.grading.scenario import all_scenarios
from mlsysim_lab.course.build import source_notebook, student_notebooks, text

ROOT = Path(__file__).resolve().parent.parent
LABS = sorted(p.stem for p in (ROOT / "solutions").glob("lab*.py"))


@functools.lru_cache(maxsize=None)
def released(lab: str) -> str:
    """The student version nbgrader generates for one lab (each lab on its own, so a
    run of one lab's tests builds only that lab)."""
    return student_notebooks(ROOT / "solutions", [lab])[lab]


@pytest.mark.parametrize("lab", LABS)
def test_solution_notebook_is_built_from_its_source(lab):
    committed = (ROOT / "solutions" / f"{lab}.ipynb").read_text()
    assert committed == text(source_notebook(ROOT / "solutions", lab)), \
        f"solutions/{lab}.ipynb drifted from solutions/{lab}.py: run scripts/build_labs.py {lab}"


@pytest.mark.parametrize("lab", LABS)
def test_student_version_is_what_nbgrader_releases(lab):
    committed = (ROOT / "labs" / f"{lab}.ipynb").read_text()
    assert committed == released(lab), \
        f"labs/{lab}.ipynb drifted from the source: run scripts/build_labs.py {lab}"
    assert "BEGIN SOLUTION" not in committed and '"outputs": [\n' not in committed.replace(
        '"outputs": []', "")


@pytest.mark.parametrize("lab", LABS)
def test_every_key_is_feasible_for_every_scenario(lab):
    spec = load_lab(lab)
    for scenario in all_scenarios(spec.scenario):
        for item in spec.items:
            if item.predictable:
                key = key_for(item, scenario)   # raises on a non-finite or unknown key
                assert isinstance(key, str) or math.isfinite(key), (item.name, scenario)


_SCRATCH = tempfile.TemporaryDirectory(prefix="labs-course-")


@functools.lru_cache(maxsize=None)
def graded(lab: str) -> Path:
    """A course with this lab's solution and blank student version, autograded."""
    root = Path(_SCRATCH.name) / lab / "course"
    staged = Path(_SCRATCH.name) / lab / "staged"
    staged.mkdir(parents=True)
    (staged / f"{lab}.ipynb").write_text((ROOT / "solutions" / f"{lab}.ipynb").read_text())
    init_course(root, solutions=staged, labs=[lab])
    assert nbgrader(root, "generate_assignment", lab, "--force").returncode == 0
    for student, content in (("solution-ada", (ROOT / "solutions" / f"{lab}.ipynb").read_text()),
                             ("blank-bob", released(lab))):
        folder = root / "submitted" / student / lab
        folder.mkdir(parents=True)
        (folder / f"{lab}.ipynb").write_text(content)
    start = time.perf_counter()
    autograde(root, lab, workers=2)
    print(f"{lab}: solution and blank autograded in {time.perf_counter() - start:.1f} s")
    return root


@pytest.mark.parametrize("lab", LABS)
def test_solution_runs_headless_without_errors(lab):
    """The autograded solution ran top to bottom with no error in any cell."""
    notebook = nbformat.read(graded(lab) / "autograded" / "solution-ada" / lab / f"{lab}.ipynb",
                             as_version=4)
    errors = [(cell.source[:60], output.get("ename")) for cell in notebook.cells
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert not errors, errors


@pytest.mark.parametrize("lab", LABS)
def test_a_blank_student_notebook_runs_to_the_end_without_errors(lab):
    """Run All on a lab whose answers are all still empty: every cell runs, none errs."""
    notebook = nbformat.read(graded(lab) / "autograded" / "blank-bob" / lab / f"{lab}.ipynb",
                             as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.get("execution_count") for cell in code), "Run All stopped early"
    errors = [(cell.source[:60], output.get("ename")) for cell in code
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert not errors, errors


@pytest.mark.parametrize("lab", LABS)
def test_solution_scores_full_and_blank_scores_zero(lab):
    from nbgrader.api import Gradebook

    course = graded(lab)
    with _scripts_on_path(), Gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsysim-lab") as gb:
        for student, full in (("solution-ada", True), ("blank-bob", False)):
            notebook = gb.find_submission_notebook(lab, lab, student)
            automatic = [g for g in notebook.grades if g.auto_score is not None
                         and g.cell.cell_type == "code"]
            assert automatic, "the lab has no autograded test cells"
            for grade in automatic:
                expected = grade.max_score if full else 0
                assert grade.auto_score == expected, (student, grade.name)




@pytest.mark.parametrize("lab", LABS)
def test_no_key_is_shown_before_its_question(lab):
    """In the autograded solution (run as its student, plain output), no markdown or output
    above a prediction's answer cell shows that prediction's key."""
    from mlsysim_lab.course.leaks import find_leaks
    from mlsysim_lab.grading.scenario import draw

    spec = load_lab(lab)
    notebook = nbformat.read(graded(lab) / "autograded" / "solution-ada" / lab / f"{lab}.ipynb",
                             as_version=4)
    leaks = find_leaks(notebook, spec, draw(spec.scenario, lab, "solution-ada"))
    assert not leaks, leaks


@pytest.mark.parametrize("lab", LABS)
def test_a_blank_lab_run_to_the_end_shows_no_key(lab):
    """Run All with nothing committed: no verify, explore or summary cell shows a key."""
    from mlsysim_lab.course.leaks import keys_shown_before_any_commit
    from mlsysim_lab.grading.scenario import draw

    spec = load_lab(lab)
    notebook = nbformat.read(graded(lab) / "autograded" / "blank-bob" / lab / f"{lab}.ipynb",
                             as_version=4)
    leaks = keys_shown_before_any_commit(notebook, spec, draw(spec.scenario, lab, "blank-bob"))
    assert not leaks, leaks
