"""Instructor commands: ``course init``, ``grade``, ``feedback`` and ``report``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from mlsysim_lab.cli.common import CommandError, Parser, table

if TYPE_CHECKING:
    from mlsysim_lab.course.pseudonyms import Pseudonyms


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
    grade.add_argument("--cluster", metavar="ADDRESS", help="autograde on a Dask distributed "
                       "cluster (its scheduler's address) instead of this machine")
    grade.add_argument("--dashboard", metavar="PATH", help="the class dashboard (HTML; default: "
                       "dashboard-ASSIGNMENT.html beside the CSV)")
    grade.add_argument("--anonymise", action="store_true", help="stable pseudonyms instead of "
                       "student ids in the dashboard, for sharing")
    grade.add_argument("--json", action="store_true", help="print the statistics as JSON")
    grade.set_defaults(handler=_grade)

    feedback = commands.add_parser("feedback", help="HTML feedback for every autograded "
                                   "submission of a lab, in one process")
    feedback.add_argument("assignment", help="assignment (lab) id, e.g. lab01")
    feedback.add_argument("--course", default=".", help="the course folder (default: here)")
    feedback.set_defaults(handler=_feedback)

    report = commands.add_parser("report", help="which items and misconceptions most students "
                                 "miss, across every autograded lab of a course")
    report.add_argument("course_dir", metavar="COURSE_DIR", help="the course folder")
    report.add_argument("--out", metavar="PATH", help="the dashboard (HTML; default: "
                        "COURSE_DIR/class-insight.html)")
    report.add_argument("--anonymise", action="store_true", help="stable pseudonyms instead of "
                        "student ids in the dashboard, for sharing")
    report.add_argument("--top", type=int, default=10, help="items and misconceptions printed "
                        "(default 10; the dashboard has them all)")
    report.add_argument("--json", action="store_true", help="print the rankings as JSON")
    report.set_defaults(handler=_report)


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
        "  mlsysim-lab feedback LAB             # HTML feedback in feedback/",
        "  nbgrader export                      # grades.csv for the gradebook"])


def _grade(args: argparse.Namespace) -> str:
    from mlsysim_lab.course import grade_report

    from mlsysim_lab.course.class_insight import lab_insight
    from mlsysim_lab.course.dashboard import lab_dashboard

    path = args.csv or f"grades-{args.assignment}.csv"
    cluster = {"cluster": args.cluster} if args.cluster else {}
    report = grade_report(args.course, args.assignment, path,
                          autograde_first=not args.no_autograde, workers=args.workers, **cluster)
    if report.failures:
        args.exit_code = 1   # after the report is written: a failure never loses the class
    target = args.dashboard or Path(path).with_name(f"dashboard-{args.assignment}.html")
    dashboard = lab_dashboard(lab_insight(args.assignment, report.records), target,
                              _pseudonyms(args, args.course))
    if args.json:
        return json.dumps({"items": report.statistics, "failed": report.failures,
                           "flagged": report.flagged, "dashboard": str(dashboard)}, indent=2)
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
    lines += ["", f"Class dashboard written to {dashboard}"]
    return "\n".join(lines)


def _feedback(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.feedback import generate_feedback

    result = generate_feedback(args.course, args.assignment)
    folder = Path(args.course) / "feedback"
    lines = [f"Feedback for {len(result.written)} submission(s) of {args.assignment} written "
             f"to {folder}/STUDENT/{args.assignment}/{args.assignment}.html"]
    if result.failures:
        args.exit_code = 1   # after every other student's feedback is written
        lines += ["", "No feedback (fix and run again):"]
        lines += [f"  {student}: {reason}" for student, reason in sorted(result.failures.items())]
    return "\n".join(lines)


def _pseudonyms(args: argparse.Namespace, course: str) -> Pseudonyms | None:
    from mlsysim_lab.course.pseudonyms import Pseudonyms

    return Pseudonyms.for_course(course) if args.anonymise else None


def _report(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.course_insight import course_insight
    from mlsysim_lab.course.dashboard import course_dashboard

    if args.top < 1:
        raise CommandError(f"--top {args.top}: give a number of at least 1")
    insight = course_insight(args.course_dir)
    out = course_dashboard(insight, args.out or Path(args.course_dir) / "class-insight.html",
                           _pseudonyms(args, args.course_dir))
    items = insight.items_missed()[:args.top]
    misconceptions = insight.misconceptions()[:args.top]
    if args.json:
        return json.dumps({
            "labs": [lab.lab_id for lab in insight.labs], "skipped": insight.skipped,
            "items": [{"item": i.item_id, "missed": i.missed, "graded": i.submissions,
                       "mean_credit": round(i.mean_credit, 4)} for i in items],
            "misconceptions": [{"misconception": m.text, "students": len(m.students),
                                "items": list(m.items)} for m in misconceptions],
            "dashboard": str(out)}, indent=2)
    lines = [f"{len(insight.labs)} autograded lab(s): {', '.join(l.lab_id for l in insight.labs)}"]
    lines += [f"  left out {lab}: {why}" for lab, why in insight.skipped.items()]
    lines += ["", "Items most students missed (less than full credit):",
              table(("item", "missed", "graded", "mean credit"),
                    [(i.item_id, str(i.missed), str(i.submissions), f"{i.mean_credit:.2f}")
                     for i in items])]
    if misconceptions:
        lines += ["", "Misconceptions most students chose:",
                  table(("students", "misconception", "items"),
                        [(str(len(m.students)), m.text, ", ".join(m.items))
                         for m in misconceptions])]
    lines += ["", f"Course dashboard written to {out}"]
    return "\n".join(lines)
