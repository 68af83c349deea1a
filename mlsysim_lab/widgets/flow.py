"""The predict-then-reveal steps a lab notebook calls, in one line each."""

from __future__ import annotations

from typing import Any

from mlsysim_lab.grading.predict import Lab
from mlsysim_lab.widgets.cards import PredictionCard, RevealCard
from mlsysim_lab.widgets.mode import show


def describe_scenario(lab: Lab) -> str:
    """Say whose scenario this is and what it contains."""
    who = f"student {lab.student}" if lab.student else "the default scenario (no student id)"
    settings = ", ".join(f"{name} = {value}" for name, value in lab.scenario.items())
    return f"{lab.spec.title}: {who}. Your scenario: {settings}."


def commit(lab: Lab, name: str, value: Any) -> None:
    """Commit the prediction in ``value`` (from the answer cell above) and show the
    locked card; a missing prediction is reported, not raised, so the notebook runs on."""
    card = PredictionCard(lab, name)
    if value is None:
        card.status = "No prediction yet: fill in the answer cell above, then run this cell."
    elif not lab.has_prediction(name):
        card.commit(value)
    show(card)


def reveal(lab: Lab, name: str) -> None:
    """Show the model's answer next to the prediction (refused if none was committed)."""
    card = RevealCard(lab, name)
    card.reveal()
    show(card)
