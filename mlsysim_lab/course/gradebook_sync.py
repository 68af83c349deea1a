"""The coordinator's side of distributed autograding: it alone reads and writes the
course's gradebook, through the database URL of the course's configuration
(``c.CourseDirectory.db_url``: the course's SQLite file by default, PostgreSQL for a
large course).

- :func:`make_template` copies one assignment's cells (what nbgrader's ``OverwriteCells``
  restores and its ``SaveAutoGrades`` scores) into a small SQLite gradebook that travels
  with every job (:mod:`.jobs`).
- :func:`save_outcome` writes a job's autograded folder into ``autograded/`` and records it
  in the gradebook as ``nbgrader autograde`` does: the student, the submission with its
  timestamp, then nbgrader's own ``SaveAutoGrades`` and ``AssignLatePenalties`` on the
  autograded notebook.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import nbformat

from mlsysim_lab.course.jobs import CONFIG, Outcome, Template, load_config, read_folder


def course_directory(root: Path) -> Any:
    """nbgrader's CourseDirectory of the course in ``root`` (its config applied)."""
    from nbgrader.coursedir import CourseDirectory

    config = load_config(root)
    config.CourseDirectory.root = str(root)
    return CourseDirectory(config=config)


def _copy_assignment(found: Any, path: Path, version: str) -> None:
    """A new SQLite gradebook at ``path`` holding the assignment ``found`` (an nbgrader
    ``Assignment`` row) and its cells, written in one transaction."""
    from nbgrader import api
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{path}", future=True)
    api.Base.metadata.create_all(bind=engine)
    with Session(engine) as db:
        db.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        db.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})
        db.add(api.Course(id=found.course_id))
        assignment = api.Assignment(name=found.name, duedate=found.duedate,
                                    course_id=found.course_id)
        for source in found.notebooks:
            notebook = api.Notebook(name=source.name, assignment=assignment)
            for cell in source.grade_cells:
                api.GradeCell(name=cell.name, notebook=notebook, max_score=cell.max_score,
                              cell_type=cell.cell_type)
            for cell in source.solution_cells:
                api.SolutionCell(name=cell.name, notebook=notebook)
            for cell in source.task_cells:
                api.TaskCell(name=cell.name, notebook=notebook, max_score=cell.max_score,
                             cell_type=cell.cell_type)
            for cell in source.source_cells:
                api.SourceCell(name=cell.name, notebook=notebook, cell_type=cell.cell_type,
                               locked=cell.locked, source=cell.source, checksum=cell.checksum)
        db.add(assignment)
        db.commit()
    engine.dispose()


def make_template(root: Path, assignment: str) -> Template:
    """The assignment's share of every job (see :class:`.jobs.Template`)."""
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    coursedir = course_directory(root)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "gradebook.db"
        with Gradebook(coursedir.db_url, coursedir.course_id) as course:
            version = course.db.execute(text("SELECT version_num FROM alembic_version")).scalar()
            _copy_assignment(course.find_assignment(assignment), path, version)
        gradebook = path.read_bytes()
    source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    files = {name: data for name, data in read_folder(source).items()
             if not name.endswith(".ipynb")} if source.is_dir() else {}
    return Template(assignment, coursedir.course_id, (root / CONFIG).read_text(), gradebook,
                    files)


def save_outcome(root: Path, assignment: str, outcome: Outcome,
                 coursedir: Any = None) -> None:
    """Write a graded job's folder to ``autograded/`` and its scores to the gradebook
    (a failed job's stale folder is removed)."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
    from sqlalchemy.exc import SAWarning

    coursedir = coursedir or course_directory(root)
    dest = Path(coursedir.format_path(coursedir.autograded_directory, outcome.student,
                                      assignment))
    shutil.rmtree(dest, ignore_errors=True)
    submitted = coursedir.format_path(coursedir.submitted_directory, outcome.student,
                                      assignment)
    timestamp = coursedir.get_existing_timestamp(submitted)
    with warnings.catch_warnings(), Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        warnings.simplefilter("ignore", SAWarning)   # nbgrader's add_submission, as in autograde
        gradebook.update_or_create_student(outcome.student)
        gradebook.update_or_create_submission(
            assignment, outcome.student, **({"timestamp": timestamp} if timestamp else {}))
    if outcome.error is not None:
        return
    for name, (data, mode) in outcome.files.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        target.chmod(mode)
    for name in outcome.files:
        if "/" in name or not name.endswith(".ipynb"):
            continue
        notebook = nbformat.read(dest / name, as_version=nbformat.NO_CONVERT)
        resources = {"nbgrader": {"student": outcome.student, "assignment": assignment,
                                  "notebook": name[:-len(".ipynb")], "db_url": coursedir.db_url}}
        for step in (SaveAutoGrades, AssignLatePenalties):
            notebook, resources = step(config=coursedir.config).preprocess(notebook, resources)
