"""The predict-then-reveal steps a lab notebook calls, in one line each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlsysim_lab.grading.nbcheck import NotReady, record_answer
from mlsysim_lab.grading.predict import Lab
from mlsysim_lab.grading.records import EVENT_MIMETYPE
from mlsysim_lab.settings import nbgrader_mode
from mlsysim_lab.widgets.cards import PredictionCard, RevealCard
from mlsysim_lab.widgets.mode import show


def describe_scenario(lab: Lab) -> str:
    """Say whose scenario this is and what it contains."""
    who = f"student {lab.student}" if lab.student else "the default scenario (no student id)"
    settings = ", ".join(f"{name} = {value}" for name, value in lab.scenario.items())
    return f"{lab.spec.title}: {who}. Your scenario: {settings}."


def _show_event(lab: Lab, event: str, name: str) -> None:
    """The ledger's last event of this kind for the item, as data in the cell's output
    (the grader reads it if the ledger file goes missing)."""
    found = [e for e in lab.ledger.events if e.get("event") == event and e.get("item") == name]
    if not found:
        return
    try:
        from IPython.display import display
    except ImportError:
        return
    display({EVENT_MIMETYPE: found[0]}, raw=True)


def commit(lab: Lab, name: str, value: Any) -> None:
    """The test cell of a prediction: record the answer cell's ``value`` for the grader,
    commit it (once: a prediction already committed, before a restart too, stays as it
    was) and show the card. A missing or malformed prediction is reported, not raised, so
    Run All goes on; under nbgrader's Validate it is raised, so Validate lists it."""
    item = lab.spec.item(name)
    record_answer(f"{lab.spec.id}.{name}", value)
    card = PredictionCard(lab, name)
    if lab.has_prediction(name):
        if value not in (None, Ellipsis) and not item.same(value, lab.predictions[name]):
            card.status += (f" Your answer cell now holds {item.shown(value)}; the committed "
                            "prediction is the one graded.")
    elif value is None or value is Ellipsis:   # the answer cell's stub: `x = ...`
        card.status = ("No prediction yet: write it in the answer cell above, then run "
                       "this cell again.")
    else:
        card.commit(value)
    _show_event(lab, "commit", name)
    show(card)
    if nbgrader_mode() == "validate" and not lab.has_prediction(name):
        raise NotReady(f"{lab.spec.id}.{name}: {card.status}")


def reveal(lab: Lab, name: str) -> None:
    """Show the model's answer next to the prediction (refused if none was committed)."""
    card = RevealCard(lab, name)
    card.reveal()
    _show_event(lab, "reveal", name)
    show(card)


def wait_for_commits(lab: Lab) -> None:
    """Register the ``%%after_commit NAME ...`` cell magic: the cell runs only once those
    predictions are committed (a verify or explore cell shows the model's numbers, so it
    must not answer a question still open). Outside IPython there is nothing to register."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def after_commit(line: str, cell: str) -> None:
        missing = [name for name in line.split() if not lab.has_prediction(name)]
        if missing:
            print(f"Not yet: this cell shows the model's numbers, so it runs once you have "
                  f"committed {', '.join(missing)} (run it again then).")
            return
        shell.run_cell(cell)

    shell.register_magic_function(after_commit, magic_kind="cell", magic_name="after_commit")


def summary(lab: Lab, markdown: str) -> None:
    """The lab's closing summary, which names what binds and why: shown once every
    prediction is committed (a summary read first would answer the questions)."""
    open_items = [item.name for item in lab.spec.items
                  if item.predictable and not lab.has_prediction(item.name)]
    if open_items:
        print(f"The summary opens once every prediction is committed ({len(open_items)} "
              f"still open: {', '.join(open_items)}). Run this cell again then.")
        return
    if nbgrader_mode():
        return
    try:
        from IPython.display import display
    except ImportError:
        print(markdown)
        return
    display({"text/markdown": markdown, "text/plain": markdown}, raw=True)


def save_report(lab: Lab) -> None:
    """Write the student's report of this lab beside the saved notebook (not while the
    lab is being autograded: the grader keeps its own record)."""
    if nbgrader_mode() == "autograde":
        return
    from mlsysim_lab.course.student_report import student_report

    notebook = (lab.ledger.path.parent if lab.ledger.path else Path.cwd()) / f"{lab.spec.id}.ipynb"
    if not notebook.is_file():
        print(f"Save this notebook as {notebook.name} first (the report reads the saved file).")
        return
    report = student_report(notebook)
    print(f"Your report: {report.path}")
    if report.unanswered:
        print(f"{report.unanswered} reflection(s) are unanswered in the saved notebook: the report reads "
              "the saved file, so write them, save (Ctrl+S), then run this cell again.")
