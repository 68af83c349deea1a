"""Feedback for a whole class in one call (``mlsysim-lab feedback LAB``): nbgrader's
``GenerateFeedback`` converter run in this process for every autograded submission of a
lab, instead of an ``nbgrader generate_feedback`` process.

It writes what ``nbgrader generate_feedback LAB --force`` writes,
``feedback/STUDENT/LAB/LAB.html`` with the student's score and each test cell's feedback
(the trusted verdict, see :mod:`.preprocessors`). A submission nbgrader cannot convert is
reported with the reason and the others still get their feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mlsysim_lab.course.jobs import capturing_log, load_config
from mlsysim_lab.course.report import last_error
from mlsysim_lab.course.scaffold import CourseError, _scripts_on_path, check_course

#: How nbgrader's converter starts the log of a submission it could not convert.
_FAILED = re.compile(r"^\[ERROR\] There was an error processing assignment: (.*)$", re.MULTILINE)


@dataclass
class Feedback:
    """The feedback files written (student -> HTML path) and the students without one
    (student -> why)."""

    written: dict[str, Path] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def generate_feedback(course: str | Path, assignment: str) -> Feedback:
    """HTML feedback for every autograded submission of ``assignment`` in ``course``
    (written again if it exists); never raises for a submission."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory

    root = check_course(course).resolve()
    log, text = capturing_log()
    config = load_config(root)
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = "*"
    config.BaseConverter.force = True
    coursedir = CourseDirectory(config=config, log=log)
    students = sorted(path.parent.name for path in
                      root.glob(f"{coursedir.autograded_directory}/*/{assignment}")
                      if path.is_dir())
    if not students:
        raise CourseError(f"no autograded submissions of {assignment} in {root}: run "
                          f"`mlsysim-lab grade {assignment}` first")
    with _scripts_on_path():
        try:
            GenerateFeedback(coursedir=coursedir, config=config, log=log).start()
        except NbGraderException:
            pass   # raised after every submission was tried; the log says which failed
    reasons = _reasons(text.getvalue(), students)
    result = Feedback()
    for student in students:
        html = Path(coursedir.format_path(coursedir.feedback_directory, student, assignment),
                    f"{assignment}.html")
        if student not in reasons and html.is_file():
            result.written[student] = html
        else:
            result.failures[student] = reasons.get(student, "nbgrader wrote no feedback file")
    return result


def _reasons(log: str, students: list[str]) -> dict[str, str]:
    """Student -> the last error nbgrader logged while converting their submission."""
    reasons = {}
    marks = list(_FAILED.finditer(log))
    for index, mark in enumerate(marks):
        student = Path(mark.group(1).strip()).parent.name   # .../STUDENT/LAB
        end = marks[index + 1].start() if index + 1 < len(marks) else len(log)
        if student in students:
            cause = last_error(log[mark.end():end])
            reasons[student] = f"nbgrader could not convert it: {cause or 'see its log'}"
    return reasons
