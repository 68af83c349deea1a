"""Student-facing lab commands: ``labs list | fetch | run | report | notes``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mlsysim_lab.cli.common import CommandError, Parser, table


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register these commands on the top-level parser."""
    labs = commands.add_parser("labs", help="list, fetch or run the student labs")
    labs_commands = labs.add_subparsers(dest="labs_command", required=True, parser_class=Parser)
    listing = labs_commands.add_parser("list", help="the labs (or a learning path)")
    listing.add_argument("--path", help="a learning path (first-time, engineer, researcher, "
                         "conference, half-day)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_labs_list)
    fetch = labs_commands.add_parser("fetch", help="copy a student notebook out of the wheel")
    fetch.add_argument("lab", help="lab id, e.g. lab00 or 0")
    fetch.add_argument("destination", nargs="?", default=".", help="folder or file (default: .)")
    fetch.add_argument("--force", action="store_true", help="overwrite an existing file")
    fetch.add_argument("--student", help="your student id, set once: the notebook shows "
                       "(and is graded on) your own scenario")
    fetch.set_defaults(handler=_labs_fetch)
    run = labs_commands.add_parser("run", help="execute a student notebook headless")
    run.add_argument("lab", help="lab id or a notebook path")
    run.set_defaults(handler=_labs_run)
    report = labs_commands.add_parser("report", help="your own report of a lab notebook: "
                                      "committed predictions against the model, as HTML")
    report.add_argument("notebook", help="the lab notebook, e.g. lab01.ipynb")
    report.add_argument("--out", help="the HTML file (default: LAB-report.html beside it)")
    report.set_defaults(handler=_labs_report)

    notes = labs_commands.add_parser("notes", help="instructor notes from the item specs")
    notes.add_argument("lab")
    notes.add_argument("--solutions", help="the course's solutions/ folder: adds each "
                       "prediction's keys and which option stands for which misconception")
    notes.add_argument("--json", action="store_true", help="print one JSON object")
    notes.set_defaults(handler=_labs_notes)

    keys = labs_commands.add_parser("keys", help="instructor: each item's key for one "
                                    "student's scenario")
    keys.add_argument("lab")
    keys.add_argument("--student", required=True, help="the student id (nbgrader's)")
    keys.add_argument("--solutions", required=True,
                      help="the course's solutions/ folder (proof you are the instructor)")
    keys.add_argument("--json", action="store_true", help="print one JSON object")
    keys.set_defaults(handler=_labs_keys)


def _labs_list(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.lab_files import listing, notebook_path
    from mlsysim_lab.grading.specs import PATH_MINUTES
    from mlsysim_lab.grading.items import LAB_GROUPS
    from mlsysim_lab.walls.names import wall

    labs = listing(args.path)
    rows = [{"id": lab.id, "title": lab.title, "question": lab.question, "level": lab.level,
             "minutes": lab.minutes, "paths": dict(lab.paths),
             "group": lab.group,
             "walls": [f"{n} {wall(n)}" for n in lab.walls],
             "available": notebook_path(lab) is not None} for lab in labs]
    if args.json:
        return json.dumps(rows, indent=2)
    header = ("id", "title", "question", "level", "min", "available")

    def cells(chosen: list[dict]) -> list[tuple[str, ...]]:
        return [(r["id"], r["title"], r["question"], r["level"], str(r["minutes"]),
                 "yes" if r["available"] else "not yet") for r in chosen]

    if args.path:
        total = sum(r["minutes"] for r in rows)
        budget = PATH_MINUTES.get(args.path)
        promise = f" (the path's budget: {budget} minutes with breaks)" if budget else ""
        return (f"Learning path: {args.path}, {total} minutes of lab time in all{promise}\n"
                + table(header, cells(rows)))
    blocks = []
    for group, question in LAB_GROUPS.items():
        chosen = [r for r in rows if r["group"] == group]
        if chosen:
            blocks.append(f"{group.upper()}: {question}\n" + table(header, cells(chosen)))
    paths = ", ".join(f"{name} ({minutes} min)" for name, minutes in PATH_MINUTES.items())
    blocks.append(f"Learning paths: {paths}. Show one with --path NAME.")
    return "\n\n".join(blocks)


def _labs_fetch(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.lab_files import fetch

    try:
        target = fetch(args.lab, args.destination, force=args.force, student=args.student)
    except FileExistsError as error:
        raise CommandError(str(error)) from None
    who = (f" It shows the scenario of student {args.student.strip()}." if args.student else
           " No student id given: it shows your hub user's scenario, or the default one "
           "(pass --student ID to set yours).")
    return f"Copied {target}.{who} Open it with: jupyter lab {target}"


def _labs_run(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.lab_files import run

    seconds, lines = run(args.lab)
    return "\n".join([*lines, f"(ran headless in {seconds:.1f} s)"])


def _labs_report(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.student_report import student_report

    if not Path(args.notebook).is_file():
        raise CommandError(f"no notebook {args.notebook!r}")
    return f"Report written to {student_report(args.notebook, args.out).path}"


def _labs_notes(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.notes import notes, notes_data

    if args.json:
        return json.dumps(notes_data(args.lab, args.solutions), indent=2)
    return notes(args.lab, args.solutions).rstrip("\n")


def _labs_keys(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.answer_keys import answer_keys, require_solutions
    from mlsysim_lab.course.lab_files import get_lab
    from mlsysim_lab.grading.results import number

    lab = get_lab(args.lab)
    require_solutions(lab, args.solutions)
    keys = answer_keys(lab, args.student.strip())
    if args.json:
        return json.dumps(keys, indent=2, default=str)
    scenario = ", ".join(f"{k} = {v}" for k, v in keys["scenario"].items())
    rows = [(item["name"], item["kind"],
             "checked against the reference" if item["key"] is None
             else repr(item["key"]) if item["kind"] == "choice"
             else number(item["key"], item["unit"])) for item in keys["items"]]
    return (f"{lab.id} keys for student {keys['student']} (scenario: {scenario})\n"
            + table(("item", "kind", "key"), rows))
