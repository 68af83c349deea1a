"""A student's own report of a lab: every committed prediction against the model, the
gap, a calibration picture across the lab, and the reflections, as one self-contained
HTML page to keep or hand in (``mlsysim-lab labs report LAB.ipynb``).

Only committed predictions show the model's answer: an item not yet committed stays a
question, so the report never tells an answer before its prediction.
"""

from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import nbformat

from mlsysim_lab.course import submission
from mlsysim_lab.course.scaffold import TEXT_STUB
from mlsysim_lab.grading.answers import AnswerProblem
from mlsysim_lab.grading.ledger import Ledger
from mlsysim_lab.grading.records import decode
from mlsysim_lab.grading.scenario import draw
from mlsysim_lab.grading.specs import load_lab


@dataclass(frozen=True)
class Row:
    """One prediction: what was committed, what the model says, how far apart."""

    item: str
    prompt: str
    predicted: str
    model: str
    gap: str
    log_ratio: float | None      # log10(predicted / key) for positive numbers


def _rows(spec: Any, ledger: Ledger, scenario: dict[str, Any]) -> list[Row]:
    rows = []
    commits = ledger.commits()
    for item in spec.items:
        if not item.predictable:
            continue
        commit = commits.get(item.name)
        if commit is None:
            rows.append(Row(item.name, item.prompt, "not committed", "(hidden until you commit)",
                            "", None))
            continue
        predicted = item.parse(decode(commit.get("answer")))
        if isinstance(predicted, AnswerProblem):
            rows.append(Row(item.name, item.prompt, "unreadable", "", predicted.message, None))
            continue
        revealed = item.reveal(predicted, scenario)
        log_ratio = (math.log10(predicted / revealed.key) if isinstance(predicted, float)
                     and predicted > 0 and revealed.key > 0 else None)
        gap = (("right" if revealed.correct else "not what the model says")
               if revealed.correct is not None else
               f"off by {revealed.factor:.3g}x" if revealed.factor else "")
        rows.append(Row(item.name, item.prompt, item.shown(predicted), item.shown(revealed.key),
                        gap, log_ratio))
    return rows


def _calibration_png(rows: list[Row]) -> str:
    """log10(prediction / model) per numeric prediction, as a base64 PNG ('' if none)."""
    numeric = [row for row in rows if row.log_ratio is not None]
    if not numeric:
        return ""
    from matplotlib.figure import Figure   # no pyplot: the student's backend stays as it is

    fig = Figure(figsize=(6.4, 0.45 * len(numeric) + 1.2), layout="constrained")
    ax = fig.subplots()
    values = [row.log_ratio for row in numeric]
    ax.barh([row.item for row in numeric], values,
            color=["#c62828" if v > 0 else "#1565c0" for v in values])
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlabel("log10(your prediction / the model): 0 is exact, 1 is 10x too high")
    ax.invert_yaxis()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode()


def _reflections(notebook: Any) -> list[tuple[str, str]]:
    """(prompt, answer) of each reflection: a graded markdown answer after its prompt;
    the answer is '' while the cell still holds the stub."""
    found, prompt = [], ""
    for cell in notebook.cells:
        if submission.is_written_answer(cell):
            answer = cell.source.strip()
            found.append((prompt, "" if answer in ("", TEXT_STUB) else answer))
        elif cell.cell_type == "markdown":
            prompt = cell.source.replace("### Reflect", "").strip()
    return found


class StudentReport(NamedTuple):
    """Where the report was written, and how many reflections the saved notebook leaves
    unanswered."""

    path: Path
    unanswered: int


def student_report(notebook_path: str | Path, out: str | Path | None = None) -> StudentReport:
    """Write the report of the lab notebook at ``notebook_path`` (default: beside it,
    ``LAB-report.html``)."""
    path = Path(notebook_path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # any way a file can fail to be a notebook
        raise ValueError(f"{path} is not a readable notebook ({type(error).__name__})") from None
    lab_id = submission.opened_lab(notebook) or path.stem
    spec = load_lab(lab_id)
    ledger = Ledger.read(spec.id, path.parent)
    student = ledger.student if ledger.opened else None
    rows = _rows(spec, ledger, draw(spec.scenario, spec.id, student))
    picture = _calibration_png(rows)
    table = "".join(
        f"<tr><td>{html.escape(r.prompt)}</td><td>{html.escape(r.predicted)}</td>"
        f"<td>{html.escape(r.model)}</td><td>{html.escape(r.gap)}</td></tr>" for r in rows)
    written = _reflections(notebook)
    reflections = "".join(
        f"<h3>{html.escape(prompt)}</h3><p>"
        + (html.escape(answer) if answer else "<em>not answered in the saved notebook</em>")
        + "</p>" for prompt, answer in written)
    who = f"student {student}" if student else "the default scenario (no student id)"
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(spec.title)}"
            f"</title></head><body style='font-family:sans-serif;max-width:60em'>"
            f"<h1>{html.escape(spec.title)}</h1><p>{html.escape(spec.question)} "
            f"Worked as {html.escape(who)}.</p>"
            f"<h2>Predictions</h2><table border='1' cellpadding='4' style='border-collapse:"
            f"collapse'><tr><th>question</th><th>you committed</th><th>the model</th>"
            f"<th>gap</th></tr>{table}</table>"
            + (f"<h2>Calibration</h2><img alt='how far each committed prediction was from the "
               f"model, on a log scale' src='data:image/png;base64,{picture}'>" if picture else "")
            + (f"<h2>Reflections</h2>{reflections}" if reflections else "") + "</body></html>")
    target = Path(out) if out is not None else path.with_name(f"{spec.id}-report.html")
    target.write_text(page, encoding="utf-8")
    return StudentReport(target, sum(not answer for _, answer in written))
