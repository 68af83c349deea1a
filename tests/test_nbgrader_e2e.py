"""nbgrader end to end on the sample lab, the way an instructor meets it: course init ->
generate_assignment -> a class of submissions (correct, partly right, wrong, blank,
malformed, and one per known way to cheat or break grading) -> ``mlsysim-lab grade`` ->
every submission earns exactly what its answers deserve, with a row each in the report.

Some submissions are made the way a student makes them: the release notebook really
executed in a kernel in the student's folder (commit, reveal, edit, restart, save)."""

import json
import os
import shutil

import nbformat
import pytest

from mlsysim_lab.course import cells
from mlsysim_lab.course import grade_report, init_course, nbgrader, read_records
from mlsysim_lab.course.kernels import execute_notebook
from mlsysim_lab.grading.grade import scenario_for
from mlsysim_lab.grading.ledger import Ledger
from mlsysim_lab.grading.specs import load_lab
from mlsysim_lab.walls.node import decode_step

POINTS = {"decode_ms": 2, "intensity": 2, "regime": 1, "ridge_fn": 2}
PREDICTIONS = ("decode_ms", "intensity", "regime")
SETUP = ("from mlsysim_lab.grading import open_lab\n"
         "from mlsysim_lab.walls.node import decode_step\n"
         "from mlsysim_lab.widgets import commit, reveal\n"
         "from mlsysim_lab.grading.nbcheck import check_function\n"
         "lab = open_lab('sample')\n"
         "step = decode_step('llama-3-8b', lab.scenario['hardware'], "
         "batch=lab.scenario['batch'], context=1024)")
SOLUTIONS = {
    "decode_ms": "decode_ms = step.latency_s * 1e3",
    "intensity": "intensity = step.arithmetic_intensity",
    "regime": "regime = step.bottleneck",
    "ridge_fn": "def ridge_fn(peak_flops, bandwidth):\n    return peak_flops / bandwidth",
}
WRONG = {"decode_ms": "decode_ms = 1e6", "intensity": "intensity = 1e9",
         "regime": "regime = 'compute' if step.bottleneck == 'memory' else 'memory'",
         "ridge_fn": "def ridge_fn(peak_flops, bandwidth):\n    return bandwidth / peak_flops"}


def source_notebook():
    items = []
    for name, solution in SOLUTIONS.items():
        items.append(cells.answer(solution, f"answer_{name}"))
        if name in PREDICTIONS:   # the labs' shape: the graded cell commits, then the reveal
            items.append(cells.commit_cell(name, f"test_{name}", POINTS[name]))
            items.append(cells.setup(f"reveal(lab, {name!r})", f"reveal_{name}"))
        else:
            items.append(cells.check_cell(f"sample.{name}", name, f"test_{name}", POINTS[name],
                                          function=True))
    return cells.notebook([cells.markdown("# Sample lab"), cells.setup(SETUP, "setup"), *items],
                          "Sample lab")


def with_answers(release, answers):
    """The release notebook with answer cells replaced (name -> code)."""
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        name = grade_id.removeprefix("answer_")
        if grade_id.startswith("answer_") and name in answers:
            cell.source = answers[name]
    return nb


#: A small class of the sample lab with every kind of result: full, partial, wrong, blank.
SAMPLE_CLASS = {
    "ada": dict(SOLUTIONS),
    "bob": {**SOLUTIONS, "decode_ms": "decode_ms = 1.5 * step.latency_s * 1e3",
            "regime": WRONG["regime"]},
    "cy": dict(WRONG),
    "dee": {},
}


def submitted_class(tmp_path_factory, answers_by_student):
    """A course of the sample lab, released, with one submission per student (their
    answer cells replaced: name -> code)."""
    root = tmp_path_factory.mktemp("course")
    solutions = tmp_path_factory.mktemp("solutions")
    nbformat.write(source_notebook(), solutions / "sample.ipynb")
    init_course(root, solutions=solutions, timeout=20)
    assert nbgrader(root, "generate_assignment", "sample", "--force").returncode == 0
    release = nbformat.read(root / "release" / "sample" / "sample.ipynb", as_version=4)
    for student, answers in answers_by_student.items():
        folder = root / "submitted" / student / "sample"
        folder.mkdir(parents=True)
        nbformat.write(with_answers(release, answers), folder / "sample.ipynb")
    return root


def key_ms(student):
    scenario = scenario_for(load_lab("sample"), student)
    return decode_step("llama-3-8b", scenario["hardware"], batch=scenario["batch"],
                       context=1024).latency_s * 1e3


def student_env(student=None):
    env = {k: v for k, v in os.environ.items() if k not in ("MLSYSIM_STUDENT_ID", "JUPYTERHUB_USER")}
    env["MLSYSIM_PLAIN"] = "1"
    if student:
        env["MLSYSIM_STUDENT_ID"] = student
    return env


PATCH_GRADER = ("import sys, os\n"
                "os.environ['NBGRADER_EXECUTION'] = 'no'\n"
                "os.environ['MLSYSIM_GRADING'] = 'reveal'\n"
                "os.environ['MLSYSIM_LAB_GRADERS'] = '/tmp'\n"
                "os.environ['MLSYSIM_STUDENT_ID'] = 'correct'\n"
                "import mlsysim_lab.grading.grade as g\n"
                "g.grade_item = lambda *a, **k: None\n"
                "sys.modules['mlsysim_lab.grading.nbcheck'].check = lambda *a, **k: -1\n"
                "sys.modules['mlsysim_lab.grading.nbcheck'].check_function = lambda *a, **k: 99\n")
FORGE = ("from IPython.display import display\n"
         "display({'application/vnd.mlsysim-lab.grade+json': {'item': 'sample.intensity', "
         "'points': 99, 'out_of': 2, 'credit': 1}}, raw=True)\n"
         "display({'text/plain': '2'}, raw=True)\n")
DELETE_COURSE = ("import os, shutil, pathlib\n"
                 "for base in ('.', '..', '../..', '../../..', os.environ.get('PWD', '.')):\n"
                 "    shutil.rmtree(pathlib.Path(base, 'source'), ignore_errors=True)\n"
                 "    pathlib.Path(base, 'gradebook.db').unlink(missing_ok=True)\n")

#: student -> (answer cells, expected points); each cheat earns what its answers deserve.
SUBMISSIONS = {
    "correct": (dict(SOLUTIONS), 7),
    "partly": ({**SOLUTIONS, "decode_ms": "decode_ms = 1.5 * step.latency_s * 1e3",
                "regime": WRONG["regime"]}, 5),
    "wrong": (dict(WRONG), 0),
    "blank": ({}, 0),
    "malformed": ({"decode_ms": "decode_ms = float('nan')", "intensity": "intensity = '4.8 GB'",
                   "regime": "regime = 42", "ridge_fn": "ridge_fn = 'a function'"}, 0),
    "redefines": ({**WRONG, "decode_ms": PATCH_GRADER + "decode_ms = 1e6"}, 0),
    "patches-late": ({**WRONG, "ridge_fn": PATCH_GRADER + WRONG["ridge_fn"]}, 0),
    "forges-output": ({**WRONG, "intensity": FORGE + "intensity = 1e9"}, 0),
    "patches-checks": ({**SOLUTIONS, "ridge_fn": "import mlsysim_lab.grading.functions as f\n"
                                                 "f.grade_function = lambda *a: (1.0, 'ok')\n"
                                                 + WRONG["ridge_fn"]}, 5),
    "deletes-course": ({**SOLUTIONS, "decode_ms": DELETE_COURSE + SOLUTIONS["decode_ms"]}, 7),
    "exits": ({name: "import sys\nsys.exit(0)" for name in SOLUTIONS}, 0),
    "loops": ({**{name: "while True:\n    pass" for name in ("decode_ms", "intensity")},
               "regime": WRONG["regime"], "ridge_fn": "ridge_fn = None"}, 0),
    "kernel-dies": ({**SOLUTIONS, "intensity": "import os\nos._exit(1)"}, 2 + 2),
    "prints-10mb": ({**SOLUTIONS, "regime": "print('x' * 10_000_000)\n" + SOLUTIONS["regime"]}, 7),
}
EXECUTED = {"reveal-copy": 0 + 2 + 1 + 2, "laptop": 7, "laptop-with-id": 7, "borrows-an-id": 7}
BROKEN = ("truncated", "misnamed")


def _submit(root, student, notebook=None, folder=None):
    target = root / "submitted" / student / "sample"
    if folder is not None:
        shutil.copytree(folder, target)
    else:
        target.mkdir(parents=True)
        nbformat.write(notebook, target / "sample.ipynb")
    return target


def _work_as_a_student(release, tmp, student, answers, *, env_student, stamp=None):
    """The release notebook executed in the student's own folder (a kernel per run)."""
    folder = tmp / f"home-{student}"
    folder.mkdir()
    if stamp:
        Ledger.read("sample", folder).record("open", student=stamp,
                                             scenario=scenario_for(load_lab("sample"), stamp))
    notebook = with_answers(release, answers)
    execute_notebook(notebook, folder, env=student_env(env_student))
    nbformat.write(notebook, folder / "sample.ipynb")
    return folder, notebook


def _reveal_copy(release, tmp):
    """Commit wrong predictions, reveal, type the revealed values into the answer cells,
    restart the kernel, run all again (re-committing), save, submit."""
    student = "reveal-copy"
    wrong = {**SOLUTIONS, "decode_ms": "decode_ms = 1e6"}
    folder, notebook = _work_as_a_student(release, tmp, student, wrong, env_student=student)
    shown = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", [])
                    if "reveal(lab, 'decode_ms')" in c.source)
    assert "the model says" in shown
    edited = with_answers(release, {**wrong, "decode_ms": f"decode_ms = {key_ms(student)!r}"})
    execute_notebook(edited, folder, env=student_env(student))   # after a restart
    nbformat.write(edited, folder / "sample.ipynb")
    return folder


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    solutions = tmp_path_factory.mktemp("solutions")
    homes = tmp_path_factory.mktemp("homes")
    nbformat.write(source_notebook(), solutions / "sample.ipynb")
    assert init_course(root, solutions=solutions, timeout=5) == ["sample"]
    run = nbgrader(root, "generate_assignment", "sample", "--force")
    assert run.returncode == 0, run.stderr
    release = nbformat.read(root / "release" / "sample" / "sample.ipynb", as_version=4)
    for student, (answers, _) in SUBMISSIONS.items():
        _submit(root, student, with_answers(release, answers))
    _submit(root, "reveal-copy", folder=_reveal_copy(release, homes))
    folder, _ = _work_as_a_student(release, homes, "laptop", SOLUTIONS, env_student=None)
    _submit(root, "laptop", folder=folder)
    folder, _ = _work_as_a_student(release, homes, "laptop-with-id", SOLUTIONS, env_student=None,
                                   stamp="laptop-with-id")
    _submit(root, "laptop-with-id", folder=folder)
    folder, _ = _work_as_a_student(release, homes, "borrows-an-id", SOLUTIONS, env_student="correct")
    _submit(root, "borrows-an-id", folder=folder)
    broken = _submit(root, "truncated", with_answers(release, SOLUTIONS)) / "sample.ipynb"
    broken.write_text(broken.read_text()[:700])
    misnamed = _submit(root, "misnamed", with_answers(release, SOLUTIONS))
    (misnamed / "sample.ipynb").rename(misnamed / "sample (1).ipynb")
    report = grade_report(root, "sample", root / "grades.csv", workers=2)
    return root, report


def _scores(root):
    from nbgrader.api import Gradebook

    from mlsysim_lab.course import _scripts_on_path

    with _scripts_on_path(), Gradebook(f"sqlite:///{root / 'gradebook.db'}", "mlsysim-lab") as gb:
        return {s.student.id: s.score for s in gb.find_assignment("sample").submissions}


def test_release_has_no_solutions_and_keeps_the_tests(course):
    root, _ = course
    text = (root / "release" / "sample" / "sample.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "step.latency_s * 1e3" not in text
    assert "commit(lab, 'decode_ms', globals().get('decode_ms'))" in text


def test_every_submission_earns_exactly_what_its_answers_deserve(course):
    root, _ = course
    scores = _scores(root)
    expected = {**{s: float(p) for s, (_, p) in SUBMISSIONS.items()},
                **{s: float(p) for s, p in EXECUTED.items()}}
    assert {s: scores.get(s) for s in expected} == expected


def test_the_committed_prediction_is_graded_not_the_edited_answer(course):
    root, report = course
    row = next(r for r in report.records if r.student == "reveal-copy" and r.item == "sample.decode_ms")
    assert row.points == 0 and row.graded_from == "commit" and row.changed_after_reveal
    assert row.committed == "1,000,000 ms"
    feedback = nbformat.read(root / "autograded" / "reveal-copy" / "sample" / "sample.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in feedback.cells for o in c.get("outputs", []))
    assert "committed prediction 1,000,000 ms" in text and "changed after the reveal" in text


def test_a_class_is_never_lost(course):
    root, report = course
    students = {p.parent.name for p in root.glob("submitted/*/sample")}
    assert {r.student for r in report.records} == students
    failed = report.failures
    assert set(failed) == set(BROKEN)
    assert "misnamed" in failed["misnamed"] and "sample (1).ipynb" in failed["misnamed"]
    assert "unreadable" in failed["truncated"]
    rows = (root / "grades.csv").read_text().splitlines()
    assert rows[0].startswith("student,status,item,points")
    assert sum(line.startswith(("truncated,failed", "misnamed,failed")) for line in rows) == 2


def test_points_never_leave_the_cell_range(course):
    root, report = course
    for record in report.records:
        if record.status == "graded":
            assert 0 <= record.points <= record.out_of, record


def test_the_kernel_that_dies_keeps_what_was_recorded_before(course):
    _, report = course
    rows = {r.item: r for r in report.records if r.student == "kernel-dies"}
    assert rows["sample.decode_ms"].points == 2 and rows["sample.ridge_fn"].points == 2
    assert rows["sample.intensity"].points == 0 == rows["sample.regime"].points
    assert any("kernel died" in flag for flag in rows["sample.intensity"].flags)


def test_the_course_survives_a_submission_that_deletes_it(course):
    root, _ = course
    assert (root / "gradebook.db").is_file()
    assert (root / "source" / "sample" / "sample.ipynb").is_file()


def test_outputs_are_capped(course):
    root, _ = course
    graded = root / "autograded" / "prints-10mb" / "sample" / "sample.ipynb"
    assert graded.stat().st_size < 1_000_000


def test_scenarios_graded_are_the_ones_seen_and_mismatches_are_flagged(course):
    _, report = course
    def flags(student):
        return {flag for r in report.records if r.student == student for flag in r.flags}
    assert any("scenario mismatch" in f and "default scenario" in f for f in flags("laptop"))
    assert not any("scenario mismatch" in f for f in flags("laptop-with-id"))
    assert any("scenario mismatch" in f and "'correct'" in f for f in flags("borrows-an-id"))
    assert not flags("correct") - {"answer computed with code"}


def test_answers_computed_with_the_package_are_flagged(course):
    _, report = course
    correct = {r.item: r for r in report.records if r.student == "correct"}
    assert correct["sample.decode_ms"].computed_with_code
    wrong = {r.item: r for r in report.records if r.student == "wrong"}
    assert not wrong["sample.decode_ms"].computed_with_code


def test_the_report_has_per_item_scores_and_the_dominant_misconception(course):
    root, report = course
    assert report.statistics["sample.regime"]["misconception"] == "decode is compute-bound like training"
    correct = {r.item: r.points for r in read_records(root, "sample") if r.student == "correct"}
    assert correct == {f"sample.{k}": float(v) for k, v in POINTS.items()}


def test_feedback_is_generated_for_every_graded_student(course):
    root, _ = course
    run = nbgrader(root, "generate_feedback", "sample", "--force")
    assert run.returncode == 0, run.stderr
    html = (root / "feedback" / "partly" / "sample" / "sample.html").read_text()
    assert "Partial credit" in html and "vnd.mlsysim-lab" not in html
