"""nbgrader end to end on the sample lab: course init -> generate_assignment ->
correct, partly right, wrong, blank, malformed and hostile submissions -> autograde ->
the exact score of every submission in the gradebook."""

import json

import nbformat
import pytest

from mlsysim_lab import notebook_cells as cells
from mlsysim_lab.course import autograde, grade_report, init_course, nbgrader, read_records

POINTS = {"decode_ms": 2, "intensity": 2, "regime": 1, "ridge_fn": 2}
SETUP = ("from mlsysim_lab.grading import open_lab\n"
         "from mlsysim_lab.walls.node import decode_step\n"
         "lab = open_lab('sample')\n"
         "step = decode_step('llama-3-8b', lab.scenario['hardware'], "
         "batch=lab.scenario['batch'], context=1024)")
SOLUTIONS = {
    "decode_ms": "decode_ms = step.latency_s * 1e3",
    "intensity": "intensity = step.arithmetic_intensity",
    "regime": "regime = step.bottleneck",
    "ridge_fn": "def ridge_fn(peak_flops, bandwidth):\n    return peak_flops / bandwidth",
}


def source_notebook():
    items = []
    for name, solution in SOLUTIONS.items():
        items += [cells.answer(solution, f"answer_{name}"),
                  cells.check_cell(f"sample.{name}", name, f"test_{name}", POINTS[name],
                                   function=name == "ridge_fn")]
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


SUBMISSIONS = {
    "correct": (dict(SOLUTIONS), 7),
    "partly": ({**SOLUTIONS, "decode_ms": "decode_ms = 1.5 * step.latency_s * 1e3",
                "regime": "regime = 'compute' if step.bottleneck == 'memory' else 'memory'"}, 5),
    "wrong": ({"decode_ms": "decode_ms = 1e6", "intensity": "intensity = 1e9",
               "regime": "regime = 'compute' if step.bottleneck == 'memory' else 'memory'",
               "ridge_fn": "def ridge_fn(peak_flops, bandwidth):\n    return bandwidth / peak_flops"}, 0),
    "blank": ({}, 0),
    "malformed": ({"decode_ms": "decode_ms = float('nan')", "intensity": "intensity = '4.8 GB'",
                   "regime": "regime = 42", "ridge_fn": "ridge_fn = 'a function'"}, 0),
    "redefines": ({"decode_ms": "import mlsysim_lab.grading.nbcheck as g\n"
                                "g.check = lambda *a, **k: 2\ng.check_function = lambda *a, **k: 2\n"
                                "def check(*a, **k):\n    return 2\ndecode_ms = 1e6",
                   "intensity": "intensity = -1", "regime": "regime = 'nope'",
                   "ridge_fn": "def ridge_fn(**kw):\n    raise ValueError('no')"}, 0),
    "exits": ({name: "import sys\nsys.exit(0)" for name in SOLUTIONS}, 0),
    "loops": ({**{name: "while True:\n    pass" for name in ("decode_ms", "intensity")},
               "regime": "regime = 'compute' if step.bottleneck == 'memory' else 'memory'",
               "ridge_fn": "ridge_fn = None"}, 0),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    solutions = tmp_path_factory.mktemp("solutions")
    nbformat.write(source_notebook(), solutions / "sample.ipynb")
    assert init_course(root, solutions=solutions, timeout=5) == ["sample"]
    run = nbgrader(root, "generate_assignment", "sample", "--force")
    assert run.returncode == 0, run.stderr
    release = nbformat.read(root / "release" / "sample" / "sample.ipynb", as_version=4)
    for student, (answers, _) in SUBMISSIONS.items():
        folder = root / "submitted" / student / "sample"
        folder.mkdir(parents=True)
        nbformat.write(with_answers(release, answers), folder / "sample.ipynb")
    hostile = nbformat.read(root / "submitted" / "redefines" / "sample" / "sample.ipynb", as_version=4)
    for cell in hostile.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "print('all good')"   # edit the locked test cells
    nbformat.write(hostile, root / "submitted" / "redefines" / "sample" / "sample.ipynb")
    autograde(root, "sample", workers=2)   # two concurrent nbgrader processes
    return root


def test_release_has_no_solutions_and_keeps_the_tests(course):
    text = (course / "release" / "sample" / "sample.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "step.latency_s * 1e3" not in text
    assert "grader.check('sample.decode_ms'" in text


def test_every_submission_gets_its_exact_score(course):
    from nbgrader.api import Gradebook

    from mlsysim_lab.course import _scripts_on_path

    with _scripts_on_path(), Gradebook(f"sqlite:///{course / 'gradebook.db'}", "mlsysim-lab") as gradebook:
        scores = {s.student.id: s.score for s in gradebook.find_assignment("sample").submissions}
        assert set(scores) == set(SUBMISSIONS)   # nothing lost or skipped
        assert scores == {student: float(expected) for student, (_, expected) in SUBMISSIONS.items()}


def test_every_submission_was_autograded(course):
    for student in SUBMISSIONS:
        assert (course / "autograded" / student / "sample" / "sample.ipynb").is_file()


def test_the_infinite_loop_was_stopped_by_the_timeout(course):
    notebook = nbformat.read(course / "autograded" / "loops" / "sample" / "sample.ipynb", as_version=4)
    errors = [o.get("ename") for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert any(name in ("CellTimeoutError", "KeyboardInterrupt") for name in errors)


def test_the_report_has_per_item_scores_and_the_dominant_misconception(course, tmp_path):
    stats = grade_report(course, "sample", tmp_path / "scores.csv", autograde_first=False)
    rows = (tmp_path / "scores.csv").read_text().splitlines()
    assert rows[0].startswith("student,item,points")
    assert stats["sample.regime"]["misconception"] == "decode is compute-bound like training"
    assert stats["sample.decode_ms"]["submissions"] >= 5
    correct = {r.item: r.points for r in read_records(course, "sample") if r.student == "correct"}
    assert correct == {f"sample.{k}": float(v) for k, v in POINTS.items()}


def test_feedback_is_generated_for_every_student(course):
    run = nbgrader(course, "generate_feedback", "sample", "--force")
    assert run.returncode == 0, run.stderr
    html = (course / "feedback" / "partly" / "sample" / "sample.html").read_text()
    assert "Partial credit" in html and "vnd.mlsysim-lab" not in html
