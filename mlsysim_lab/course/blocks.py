"""The standard blocks every lab is built from, so all labs share one style:
recap, scenario, predict (answer cell -> commit -> graded test), reveal, plots,
reflection and summary. Lab sources in ``solutions/<lab>.py`` call these."""

from __future__ import annotations

from typing import Any

from mlsysim_lab.course import cells
from mlsysim_lab.grading.specs import load_lab


def heading(lab_id: str) -> str:
    """``Lab 03: KV-Cache: The Hidden Tax``, from the spec."""
    spec = load_lab(lab_id)
    number = spec.id.removeprefix("lab")
    return f"Lab {number}: {spec.title}" if number.isdigit() else spec.title


def notebook(lab_id: str, blocks: list[Any]) -> Any:
    """The lab's nbgrader source notebook from its blocks. Every verify or explore cell
    (:func:`code`) after a prediction waits for the predictions above it: its first line
    ``%%after_commit a b`` runs it only once those are committed, since it shows the
    model's numbers."""
    predictable = {item.name for item in load_lab(lab_id).items if item.predictable}
    asked: list[str] = []
    for cell in blocks:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        role, _, name = grade_id.removeprefix(f"{lab_id}-").partition("-")
        if role == "answer" and name in predictable:
            asked.append(name)
        elif cell.metadata.get("mlsysim", {}).get("role") == "explore" and asked:
            cell.source = f"%%after_commit {' '.join(asked)}\n{cell.source}"
    return cells.notebook(blocks, heading(lab_id))


def intro(lab_id: str, recap: str) -> list[Any]:
    """Title and question (from the lab's spec), how the lab works, the recap."""
    spec = load_lab(lab_id)
    return [cells.markdown(f"# {heading(lab_id)}\n\n**The question:** {spec.question}\n\n"
                           f"*{spec.level.capitalize()}, about {spec.minutes} minutes.*\n\n"
                           "**How this lab works.** Predict first: type your estimate in the "
                           "answer cell and run the cell below it, which commits and locks it "
                           f"(saved in `{spec.id}.predictions.json` beside this notebook: keep "
                           "the two together). Then the reveal shows what the model computes "
                           "and how far off you were. The committed prediction is the one "
                           "graded.\n\n"
                           f"## Recap\n\n{recap.strip()}")]


def setup(lab_id: str, extra: str = "") -> list[Any]:
    """Imports, this student's lab handle and scenario, then the lab's own set-up code
    (which may use ``lab.scenario``)."""
    code = ("import matplotlib.pyplot as plt\n"
            "from mlsysim_lab.grading import open_lab\n"
            "from mlsysim_lab.grading.nbcheck import check_function\n"
            "from mlsysim_lab.widgets import commit, describe_scenario, reveal, save_report, show, "
            "summary, wait_for_commits, FailureBanner, ParameterPanel\n"
            f"lab = open_lab({lab_id!r})\n"
            "wait_for_commits(lab)\n"
            "print(describe_scenario(lab))"
            + ("\n" + extra.strip() if extra.strip() else ""))
    return [cells.setup(code, f"{lab_id}-setup")]


def predict(lab_id: str, item: str, solution: str, points: float, *,
            reveal: bool = True) -> list[Any]:
    """Prompt, answer cell, the graded commit cell and (unless ``reveal=False``, for a
    reveal placed later) the reveal cell of one prediction. The prompt and the expected
    form come from the item in the lab's spec; the answer variable is the item's name."""
    spec_item = load_lab(lab_id).item(item)
    form = spec_item.answer_form()
    blocks = [
        cells.markdown(f"### Predict: {spec_item.prompt.strip()} ({form})"),
        cells.answer(solution, f"{lab_id}-answer-{item}",
                     before=f"{item} = ...  # your prediction, {form}"),
        cells.commit_cell(item, f"{lab_id}-test-{item}", points),
    ]
    return blocks + (reveal_cell(lab_id, item) if reveal else [])


def reveal_cell(lab_id: str, item: str) -> list[Any]:
    return [cells.setup(f"reveal(lab, {item!r})", f"{lab_id}-reveal-{item}")]


def implement(lab_id: str, item: str, solution: str, points: float) -> list[Any]:
    """An "implement the formula" or code item: the student writes a function (or an
    object); hypothesis compares it with the solver. Prompt and name from the spec."""
    spec_item = load_lab(lab_id).item(item)
    return [
        cells.markdown(f"### Implement: {spec_item.prompt.strip()}"),
        cells.answer(solution, f"{lab_id}-answer-{item}"),
        cells.check_cell(f"{lab_id}.{item}", spec_item.answer_name, f"{lab_id}-test-{item}",
                         points, function=True),
    ]


def code(lab_id: str, name: str, source: str) -> list[Any]:
    """A read-only code cell (plots, tables, failure states, verify and explore), which
    waits for the predictions above it (see :func:`notebook`)."""
    cell = cells.setup(source, f"{lab_id}-{name}")
    cell.metadata["mlsysim"] = {"role": "explore"}
    return [cell]


def text(markdown: str) -> list[Any]:
    return [cells.markdown(markdown)]


def reflect(lab_id: str, name: str, prompt: str, model_answer: str, points: float) -> list[Any]:
    return cells.reflection(f"### Reflect\n\n{prompt.strip()}", model_answer,
                            f"{lab_id}-reflect-{name}", points)


def summary(lab_id: str, markdown: str) -> list[Any]:
    """The closing summary (shown only once every prediction is committed: its text sits
    in a collapsed locked cell), then the cell that writes the student's own report."""
    hidden = cells.setup(f"summary(lab, {markdown.strip()!r})", f"{lab_id}-summary")
    hidden.metadata["jupyter"] = {"source_hidden": True}
    return [cells.markdown("## Summary: which wall binds, and why"), hidden,
            cells.markdown("## Your report\n\nSave the notebook, then run the cell below: it "
                           f"writes `{lab_id}-report.html` beside it, with every prediction you "
                           "committed against the model, a calibration picture and your "
                           "reflections, to keep or hand in."),
            cells.setup("save_report(lab)", f"{lab_id}-report")]
