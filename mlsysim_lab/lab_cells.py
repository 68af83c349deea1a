"""The standard blocks every lab is built from, so all labs share one style:
recap, scenario, predict (answer cell -> commit -> graded test), reveal, plots,
reflection and summary. Lab sources in ``solutions/<lab>.py`` call these."""

from __future__ import annotations

from typing import Any

from mlsysim_lab import notebook_cells as cells


def intro(lab_id: str, title: str, question: str, recap: str) -> list[Any]:
    return [cells.markdown(f"# {title}\n\n**The question:** {question}\n\n"
                           "**How this lab works.** For each question you first *predict*: "
                           "write your estimate in the answer cell and run the cell below it, "
                           "which commits the prediction and locks it. Only then does the "
                           "reveal cell show what the reference model computes, and how far "
                           "off you were. Your predictions are graded when the lab is "
                           "autograded; running a test cell yourself only confirms that your "
                           "answer is recorded.\n\n"
                           f"## Recap\n\n{recap.strip()}")]


def setup(lab_id: str, extra: str = "") -> list[Any]:
    """Imports, this student's lab handle and scenario, then the lab's own set-up code
    (which may use ``lab.scenario``)."""
    code = ("import matplotlib.pyplot as plt\n"
            "from mlsysim_lab.grading import open_lab\n"
            "from mlsysim_lab.widgets import commit, describe_scenario, reveal, show, "
            "FailureBanner, ParameterPanel\n"
            f"lab = open_lab({lab_id!r})\n"
            "print(describe_scenario(lab))"
            + ("\n" + extra.strip() if extra.strip() else ""))
    return [cells.setup(code, f"{lab_id}-setup")]


def predict(lab_id: str, item: str, variable: str, prompt: str, solution: str,
            points: float, unit_hint: str = "") -> list[Any]:
    """Prompt, answer cell, commit cell and graded test cell for one prediction."""
    hint = f" ({unit_hint})" if unit_hint else ""
    return [
        cells.markdown(f"### Predict: {prompt.strip()}{hint}"),
        cells.answer(solution, f"{lab_id}-answer-{item}",
                     before=f"# Your prediction for '{item}'{hint}"),
        cells.setup(f"commit(lab, {item!r}, globals().get({variable!r}))",
                    f"{lab_id}-commit-{item}"),
        cells.check_cell(f"{lab_id}.{item}", variable, f"{lab_id}-test-{item}", points),
    ]


def reveal_cell(lab_id: str, item: str) -> list[Any]:
    return [cells.setup(f"reveal(lab, {item!r})", f"{lab_id}-reveal-{item}")]


def implement(lab_id: str, item: str, function: str, prompt: str, solution: str,
              points: float) -> list[Any]:
    """An "implement the formula" item: the student writes a function; hypothesis
    compares it with the solver."""
    return [
        cells.markdown(f"### Implement: {prompt.strip()}"),
        cells.answer(solution, f"{lab_id}-answer-{item}"),
        cells.check_cell(f"{lab_id}.{item}", function, f"{lab_id}-test-{item}", points,
                         function=True),
    ]


def code(lab_id: str, name: str, source: str) -> list[Any]:
    """A read-only code cell (plots, tables, failure states)."""
    return [cells.setup(source, f"{lab_id}-{name}")]


def text(markdown: str) -> list[Any]:
    return [cells.markdown(markdown)]


def reflect(lab_id: str, name: str, prompt: str, model_answer: str, points: float) -> list[Any]:
    return cells.reflection(f"### Reflect\n\n{prompt.strip()}", model_answer,
                            f"{lab_id}-reflect-{name}", points)


def summary(markdown: str) -> list[Any]:
    return [cells.markdown(f"## Summary: which wall binds, and why\n\n{markdown.strip()}")]
