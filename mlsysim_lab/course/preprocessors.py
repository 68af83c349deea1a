"""nbgrader preprocessors that make autograding trusted (installed by the course's
``nbgrader_config.py``, see :data:`SANITIZE` and :data:`AUTOGRADE`).

- :class:`CaptureSubmission` (first sanitize step, before nbgrader clears the outputs)
  reads the prediction ledger beside the submitted notebook and the commit records in its
  saved outputs, before any student code runs.
- :class:`IsolatedExecute` (in place of nbgrader's ``Execute``) runs the notebook in a
  throw-away copy of the student's folder, with an environment the grader chooses
  (the scenario the student worked with), and survives a kernel that dies.
- :class:`ScoreRecords` (right after it) scores every test cell in this process: the
  committed prediction, or the answer the cell recorded; function and code items by
  isolated property checks. It replaces each test cell's outputs with the feedback and
  the points (always within [0, the cell's points]), caps every other output, and writes
  the verdict beside the autograded notebook for ``mlsysim-lab grade``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Enum, Float, Integer

from mlsysim_lab.course import submission
from mlsysim_lab.course.kernels import forked, running_zygote, use_ipc, with_scripts_on_path
from mlsysim_lab.grading.isolated import check_in_isolation
from mlsysim_lab.grading.ledger import Ledger, LedgerError, ledger_path, load_events
from mlsysim_lab.grading.specs import load_lab
from mlsysim_lab.grading.verdict import Evidence, PredictionCredit, score_submission

METADATA_KEY = "mlsysim_lab"
VERDICT_SUFFIX = ".verdict.json"
_PREFIX = "mlsysim_lab.course.preprocessors."

#: nbgrader's default lists with ours in place (written into nbgrader_config.py).
SANITIZE = [f"{_PREFIX}CaptureSubmission", "nbgrader.preprocessors.ClearOutput",
            "nbgrader.preprocessors.DeduplicateIds", "nbgrader.preprocessors.OverwriteKernelspec",
            "nbgrader.preprocessors.OverwriteCells", "nbgrader.preprocessors.CheckCellMetadata"]
AUTOGRADE = [f"{_PREFIX}IsolatedExecute", f"{_PREFIX}ScoreRecords",
             "nbgrader.preprocessors.IgnorePattern",
             "nbconvert.preprocessors.ClearMetadataPreprocessor",
             "nbgrader.preprocessors.LimitOutput", "nbgrader.preprocessors.SaveAutoGrades",
             "nbgrader.preprocessors.AssignLatePenalties", "nbgrader.preprocessors.CheckCellMetadata"]

#: Environment variables a grading kernel never inherits from the grader's process.
_WITHHELD = ("PWD", "OLDPWD", "MLSYSIM_STUDENT_ID", "MLSYSIM_GRADING", "JUPYTERHUB_USER",
             "JUPYTERHUB_API_TOKEN")


def kernel_environment(student: str | None) -> dict[str, str]:
    """The environment of a grading kernel: the scenario's student, plain output, the
    instructor's spec folders (MLSYSIM_LAB_GRADERS), no hint of where the course lives."""
    env = {key: value for key, value in os.environ.items() if key not in _WITHHELD}
    env.update({"NBGRADER_EXECUTION": "autograde", "MLSYSIM_PLAIN": "1", "MPLBACKEND": "Agg"})
    if student:
        env["MLSYSIM_STUDENT_ID"] = student
    return with_scripts_on_path(env)


def _state(nb: Any) -> dict[str, Any]:
    return nb.metadata.setdefault(METADATA_KEY, {})


def _ledger(nb: Any) -> Ledger:
    state = nb.metadata.get(METADATA_KEY, {})
    return Ledger.from_events(state.get("lab", ""), state.get("events", []))


def _throwaway_copy(folder: str, exclude: str) -> str:
    """A temporary folder with the student's files (no notebook, nothing of the course)."""
    scratch = tempfile.mkdtemp(prefix="mlsysim-grade-")
    source = Path(folder)
    for path in source.rglob("*"):
        if path.is_file() and path.name != exclude:
            target = Path(scratch) / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return scratch


class CaptureSubmission(NbGraderPreprocessor):
    """Capture the ledger and the notebook's commit records before anything runs."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        lab = submission.lab_of(nb)
        nb.metadata[METADATA_KEY] = {}
        if lab is None:
            return nb, resources
        state = _state(nb)
        state["lab"] = lab
        events: list[dict[str, Any]] = []
        problems: list[str] = []
        path = ledger_path(lab, resources.get("metadata", {}).get("path", "."))
        if path.exists():
            try:
                events = load_events(path)
            except LedgerError as error:
                problems.append(str(error).replace(str(path.parent), "").lstrip("/"))
        shown = [e for e in submission.shown_events(nb) if e not in events]
        if shown and not path.exists():
            problems.append("the prediction ledger file is missing; commits read from the "
                            "notebook's saved outputs")
        state["events"] = events + shown
        state["problems"] = problems
        return nb, resources


class IsolatedExecute(Execute):
    """nbgrader's Execute in a throw-away copy of the student's folder."""

    def preprocess(self, nb: Any, resources: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        metadata = resources.setdefault("metadata", {})
        original = metadata.get("path", ".")
        notebook = f"{resources['nbgrader']['notebook']}.ipynb"
        scratch = _throwaway_copy(original, notebook)
        self._environment = kernel_environment(
            _ledger(nb).graded_as(resources["nbgrader"]["student"]))
        metadata["path"] = scratch
        self._sockets = ""
        try:
            super().preprocess(nb, resources, *args, **kwargs)
        except DeadKernelError:
            _state(nb)["kernel"] = "the kernel died (a crash, os._exit or out of memory)"
            self.log.warning("%s: the kernel died; grading what was recorded",
                             resources["nbgrader"]["student"])
        finally:
            metadata["path"] = original
            shutil.rmtree(scratch, ignore_errors=True)
            if self._sockets:
                shutil.rmtree(self._sockets, ignore_errors=True)
        return nb, resources

    def create_kernel_manager(self) -> Any:
        """IPC sockets in a private folder: no TCP port for two kernels to race for; in a
        grading worker, a fresh kernel forked from the worker's zygote."""
        zygote = running_zygote()
        if zygote is not None:
            self.kernel_manager_class = zygote.kernel_manager_class()
        manager = super().create_kernel_manager()
        self._sockets = use_ipc(manager)
        return manager

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        kwargs["env"] = self._environment
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)


class ScoreRecords(NbGraderPreprocessor):
    """Score every test cell outside the kernel and rewrite its outputs."""

    prediction_credit = Enum(("accuracy", "participation", "mix"), "accuracy",
                             help="What a prediction earns: its accuracy (the item's "
                                  "tolerance), participation (any well-formed committed "
                                  "prediction) or a mix").tag(config=True)
    participation_share = Float(0.5, help="The participation share under 'mix'").tag(config=True)
    check_timeout = Float(120.0, help="Seconds for the isolated checks of one notebook"
                          ).tag(config=True)
    max_output_chars = Integer(20_000, help="Characters kept of any one output").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        state = nb.metadata.get(METADATA_KEY) or {}
        cells = submission.graded_cells(nb)
        _cap_outputs(nb, self.max_output_chars)
        if not state.get("lab") or not cells:
            return nb, resources
        spec = load_lab(state["lab"])
        student = resources["nbgrader"]["student"]
        ledger = _ledger(nb)
        checked = self._checks(nb, resources, spec, cells, ledger)
        died = state.get("kernel")
        evidence = []
        for cell in cells:
            record = submission.answer_record(nb.cells[cell.index], cell.item_id)
            problem = died and f"{died} before this cell ran"
            evidence.append(Evidence(cell.item, cell.points, record, cell.answer_source,
                                     checked.get(cell.item), problem if record is None else None))
        policy = PredictionCredit(self.prediction_credit, self.participation_share)
        verdict = score_submission(spec, student, ledger, evidence, policy)
        verdict.flags += state.get("problems", []) + ([died] if died else [])
        for cell, item in zip(cells, verdict.items):
            nb.cells[cell.index].outputs = _verdict_outputs(cell.item_id, item)
        path = Path(resources["metadata"]["path"]) / f"{resources['nbgrader']['notebook']}{VERDICT_SUFFIX}"
        path.write_text(json.dumps(verdict.as_json(), indent=1, default=str) + "\n")
        return nb, resources

    def _checks(self, nb: Any, resources: dict[str, Any], spec: Any,
                cells: list[submission.GradedCell], ledger: Ledger) -> dict[str, tuple[float, str]]:
        jobs = [{"item": c.item, "variable": c.variable, "source": c.answer_source}
                for c in cells if not spec.item(c.item).predictable]
        if not jobs:
            return {}
        notebook = f"{resources['nbgrader']['notebook']}.ipynb"
        scratch = _throwaway_copy(resources["metadata"]["path"], notebook)
        env = kernel_environment(ledger.graded_as(resources["nbgrader"]["student"]))
        zygote = running_zygote()
        launcher = partial(forked, zygote.socket) if zygote is not None else None
        try:
            return check_in_isolation(spec.id, submission.setup_source(nb), jobs, folder=scratch,
                                      env=env, timeout=self.check_timeout, launcher=launcher)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _verdict_outputs(item_id: str, item: Any) -> list[Any]:
    """The feedback as text, then the points as the cell's value (nbgrader's partial
    credit), never more than the cell is worth."""
    flags = f"\n(Noted for your instructor: {'; '.join(item.flags)}.)" if item.flags else ""
    text = f"{item_id}: {item.message}{flags}\n"
    points = max(0.0, min(item.out_of, item.points))
    return [nbformat.v4.new_output("stream", name="stdout", text=text),
            nbformat.v4.new_output("execute_result", data={"text/plain": repr(points)},
                                   execution_count=None)]


def _cap_outputs(nb: Any, limit: int) -> None:
    """No output longer than ``limit`` characters (a 10 MB print stays in the kernel)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") == "stream" and len(output.get("text", "")) > limit:
                output["text"] = output["text"][:limit] + "\n[... output cut by the grader]\n"
            data = output.get("data") or {}
            for mimetype, value in list(data.items()):
                text = value if isinstance(value, str) else json.dumps(value)
                allowed = 25 * limit if mimetype.startswith("image/") else limit
                if len(text) > allowed:
                    data[mimetype] = "[output cut by the grader]"
            if data.get("text/plain") is None and any(v == "[output cut by the grader]"
                                                      for v in data.values()):
                output["data"] = {"text/plain": "[output cut by the grader]"}
