"""Instructor commands: ``course init`` and ``grade``."""

from __future__ import annotations

import argparse
import json

from mlsysim_lab.cli.common import Parser, table


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register these commands on the top-level parser."""
    course = commands.add_parser("course", help="set up an nbgrader course")
    course_commands = course.add_subparsers(dest="course_command", required=True,
                                            parser_class=Parser)
    init = course_commands.add_parser("init", help="create a ready nbgrader course folder")
    init.add_argument("directory")
    init.add_argument("--solutions", help="the instructor sources (solutions/ of the course "
                      "repository; not shipped in the wheel)")
    init.add_argument("--labs", nargs="+", help="lab ids to include (default: all)")
    init.add_argument("--course-id", default="mlsysim-lab")
    init.add_argument("--timeout", type=int, default=60,
                      help="seconds a cell may run during autograde (default 60)")
    init.set_defaults(handler=_course_init)

    grade = commands.add_parser("grade", help="autograde an assignment and report per-item "
                                "scores")
    grade.add_argument("assignment", help="assignment (lab) id, e.g. lab01")
    grade.add_argument("--course", default=".", help="the course folder (default: here)")
    grade.add_argument("--csv", help="per-item scores file (default: grades-ASSIGNMENT.csv)")
    grade.add_argument("--no-autograde", action="store_true",
                       help="report on notebooks already autograded")
    grade.add_argument("--workers", type=int, help="concurrent autograde processes "
                       "(default: one per CPU)")
    grade.add_argument("--json", action="store_true", help="print the statistics as JSON")
    grade.set_defaults(handler=_grade)


def _course_init(args: argparse.Namespace) -> str:
    from mlsysim_lab.course import init_course

    labs = init_course(args.directory, solutions=args.solutions, labs=args.labs,
                       course_id=args.course_id, timeout=args.timeout)
    return "\n".join([
        f"Course ready in {args.directory} with {len(labs)} lab(s): {', '.join(labs)}",
        "Next, from that folder:",
        "  nbgrader generate_assignment LAB     # release version in release/LAB/",
        "  (students submit; or collect into submitted/STUDENT/LAB/)",
        "  mlsysim-lab grade LAB                # autograde + per-item CSV and statistics",
        "  nbgrader generate_feedback LAB       # HTML feedback in feedback/",
        "  nbgrader export                      # grades.csv for the gradebook"])


def _grade(args: argparse.Namespace) -> str:
    from mlsysim_lab.course import grade_report

    path = args.csv or f"grades-{args.assignment}.csv"
    report = grade_report(args.course, args.assignment, path,
                          autograde_first=not args.no_autograde, workers=args.workers)
    if report.failures:
        args.exit_code = 1   # after the report is written: a failure never loses the class
    if args.json:
        return json.dumps({"items": report.statistics, "failed": report.failures,
                           "flagged": report.flagged}, indent=2)
    students = len({r.student for r in report.records})
    rows = [(item, str(s["submissions"]), f"{s['mean_credit']:.2f}",
             s["most_chosen_wrong_option"] or "-", s["misconception"] or "-", str(s["flagged"]))
            for item, s in report.statistics.items()]
    lines = [f"{students} submission(s): {students - len(report.failures)} graded, "
             f"{len(report.failures)} failed. Per-item scores written to {path}",
             table(("item", "n", "mean credit", "top wrong option", "misconception", "flagged"),
                    rows)]
    if report.failures:
        lines += ["", "Not graded (a row each in the CSV):"]
        lines += [f"  {student}: {reason}" for student, reason in sorted(report.failures.items())]
    if report.flagged:
        lines += ["", "Flagged for you to look at (the CSV has the details):"]
        lines += [f"  {student}: {'; '.join(notes)}"
                  for student, notes in sorted(report.flagged.items())]
    return "\n".join(lines)
