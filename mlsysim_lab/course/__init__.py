"""The course tooling: the nbgrader course folder (:mod:`.scaffold`), the trusted
autograde preprocessors (:mod:`.preprocessors`) and what they read from a submission
(:mod:`.submission`), and the class report (:mod:`.report`)."""

from mlsysim_lab.course.report import (ItemRecord, Report, autograde, grade_report,
                                       item_statistics, read_records)
from mlsysim_lab.course.scaffold import (CourseError, _scripts_on_path, check_course,
                                         init_course, nbgrader, solutions_dir, source_labs)

__all__ = ["CourseError", "ItemRecord", "Report", "autograde", "check_course", "grade_report",
           "init_course", "item_statistics", "nbgrader", "read_records", "solutions_dir",
           "source_labs", "_scripts_on_path"]
