"""`mlsysim-lab feedback LAB`: nbgrader's feedback converter in one process for a whole
class; every graded student gets an HTML page with their own score, and a submission
nbgrader cannot convert is reported without stopping the others."""

import pytest

from mlsysim_lab.cli import main
from mlsysim_lab.course import CourseError, grade_report
from mlsysim_lab.course.feedback import generate_feedback
from test_nbgrader_e2e import POINTS, SAMPLE_CLASS, SOLUTIONS, _scores, submitted_class

CLASS = {**SAMPLE_CLASS,
         "broken": dict(SOLUTIONS)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = submitted_class(tmp_path_factory, CLASS)
    assert not grade_report(root, "sample", root / "grades.csv", workers=2).failures
    # The autograded notebook of one student is damaged after grading.
    damaged = root / "autograded" / "broken" / "sample" / "sample.ipynb"
    damaged.write_text(damaged.read_text()[:500])
    return root


@pytest.fixture(scope="module")
def feedback(graded):
    return generate_feedback(graded, "sample")


def test_every_graded_student_gets_feedback_with_their_own_score(graded, feedback):
    scores = _scores(graded)
    assert set(feedback.written) == set(CLASS) - {"broken"}
    assert len({scores[s] for s in feedback.written}) > 2   # the scores differ
    total = float(sum(POINTS.values()))
    for student, path in feedback.written.items():
        html = path.read_text()
        assert f"sample (Score: {round(scores[student], 2)} / {round(total, 2)})" in html
        assert "vnd.mlsysim-lab" not in html
    assert "sample.decode_ms" in feedback.written["bob"].read_text()


def test_a_broken_submission_does_not_stop_the_others(graded, feedback, capsys):
    assert set(feedback.failures) == {"broken"}
    assert "could not convert" in feedback.failures["broken"]
    assert main(["feedback", "sample", "--course", str(graded)]) == 1
    printed = capsys.readouterr().out
    assert f"Feedback for {len(CLASS) - 1} submission(s)" in printed and "broken:" in printed


def test_a_lab_never_graded_is_a_clear_error(graded):
    with pytest.raises(CourseError, match="no autograded submissions of lab99"):
        generate_feedback(graded, "lab99")
