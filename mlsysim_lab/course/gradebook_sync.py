"""The coordinator's side of distributed autograding: it alone reads and writes the
course's gradebook, through the database URL of the course's configuration
(``c.CourseDirectory.db_url``: the course's SQLite file by default, PostgreSQL for a
large course).

- :func:`make_template` copies one assignment's cells (what nbgrader's ``OverwriteCells``
  restores and its ``SaveAutoGrades`` scores) into a small SQLite gradebook that travels
  with every job (:mod:`.jobs`).
- :class:`GradebookWriter` writes jobs' autograded folders into ``autograded/`` and records
  them in the gradebook as ``nbgrader autograde`` does, many submissions per transaction.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import nbformat
from sqlalchemy.orm import Session

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


class _CommitAtTheEnd(Session):
    """A session whose ``commit`` (nbgrader calls it after every cell it scores) only
    flushes: the batch commits once, in :meth:`GradebookWriter.flush`."""

    def commit(self) -> None:
        self.flush()

    def commit_batch(self) -> None:
        super().commit()


class _Lent:
    """Stands in for nbgrader's ``Gradebook`` class inside its gradebook-writing
    preprocessors during a batch: ``Gradebook(url)`` gives the batch's open gradebook,
    which ``with`` leaves open."""

    def __init__(self, gradebook: Any) -> None:
        self._gradebook = gradebook

    def __call__(self, *_args: Any, **_kwargs: Any) -> "_Lent":
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gradebook, name)

    def __enter__(self) -> "_Lent":
        return self

    def __exit__(self, *_exc: Any) -> None:
        return None


class GradebookWriter:
    """Writes graded jobs into ``autograded/`` and the gradebook as ``nbgrader autograde``
    does (the student, the submission with its timestamp, then nbgrader's own
    ``SaveAutoGrades`` and ``AssignLatePenalties`` on the autograded notebook), ``batch``
    submissions per gradebook transaction: a SQLite commit is a disk sync, and nbgrader
    commits after every cell it scores.

    If saving one submission of a batch fails, the batch is rolled back and its
    submissions are saved one transaction each, so the others keep their rows; the one
    that failed is in :attr:`failures` (with the reason) and has no autograded folder.
    Call :meth:`flush` (or use ``with``) once the last outcome is in.
    """

    def __init__(self, root: Path, assignment: str, coursedir: Any = None, *,
                 batch: int = 25) -> None:
        self.assignment = assignment
        self.coursedir = coursedir or course_directory(root)
        self.batch = batch
        self.pending: list[Outcome] = []
        self.failures: dict[str, str] = {}

    def __enter__(self) -> "GradebookWriter":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.flush()

    def save(self, outcome: Outcome) -> None:
        """Queue ``outcome``; the batch is written when it is full."""
        self.pending.append(outcome)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write every queued outcome."""
        outcomes, self.pending = self.pending, []
        if not outcomes:
            return
        try:
            self._write(outcomes)
        except Exception as error:   # the gradebook refused one of them: one at a time
            if len(outcomes) == 1:
                self._failed(outcomes[0], error)
                return
            for outcome in outcomes:
                try:
                    self._write([outcome])
                except Exception as alone:
                    self._failed(outcome, alone)

    def _write(self, outcomes: list[Outcome]) -> None:
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import latesubmissions, saveautogrades
        from sqlalchemy.exc import SAWarning
        from sqlalchemy.orm import scoped_session, sessionmaker

        coursedir = self.coursedir
        with warnings.catch_warnings(), Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
            warnings.simplefilter("ignore", SAWarning)   # nbgrader's add_submission, as in autograde
            gradebook.db.remove()
            gradebook.db = scoped_session(sessionmaker(bind=gradebook.engine, future=True,
                                                       class_=_CommitAtTheEnd))
            lent = _Lent(gradebook)
            steps = [(module, step(config=coursedir.config)) for module, step in
                     ((saveautogrades, saveautogrades.SaveAutoGrades),
                      (latesubmissions, latesubmissions.AssignLatePenalties))]
            try:
                for module, _ in steps:
                    module.Gradebook = lent
                for outcome in outcomes:
                    self._record(gradebook, outcome, [step for _, step in steps])
                gradebook.db().commit_batch()
            except Exception:
                gradebook.db.rollback()
                raise
            finally:
                for module, _ in steps:
                    module.Gradebook = Gradebook

    def _record(self, gradebook: Any, outcome: Outcome, steps: list[Any]) -> None:
        coursedir = self.coursedir
        dest = self._folder(outcome)
        shutil.rmtree(dest, ignore_errors=True)
        submitted = coursedir.format_path(coursedir.submitted_directory, outcome.student,
                                          self.assignment)
        timestamp = coursedir.get_existing_timestamp(submitted)
        gradebook.update_or_create_student(outcome.student)
        gradebook.update_or_create_submission(
            self.assignment, outcome.student, **({"timestamp": timestamp} if timestamp else {}))
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
            resources = {"nbgrader": {"student": outcome.student, "assignment": self.assignment,
                                      "notebook": name[:-len(".ipynb")],
                                      "db_url": coursedir.db_url}}
            for step in steps:
                notebook, resources = step.preprocess(notebook, resources)

    def _folder(self, outcome: Outcome) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.autograded_directory,
                                               outcome.student, self.assignment))

    def _failed(self, outcome: Outcome, error: Exception) -> None:
        shutil.rmtree(self._folder(outcome), ignore_errors=True)
        self.failures[outcome.student] = (f"its scores could not be saved "
                                          f"({type(error).__name__}: {error})")[:300]
