"""Per-student scenarios: each student draws their own parameters from a seed derived
from their id, so neighbours get different numbers; the grader redraws the same ones.

Who the student is, when a notebook is first opened (afterwards its prediction ledger
remembers, see :mod:`.ledger`), in order:
1. ``MLSYSIM_STUDENT_ID`` if set (an instructor previewing a student's scenario);
2. ``JUPYTERHUB_USER`` on a JupyterHub;
3. otherwise nobody: the lab's documented default scenario.

This is what the *notebook* shows. The grader never asks the environment: it grades
the scenario the ledger recorded and compares it with nbgrader's student id.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlsysim_lab.settings import student_from_environment


class Choice(BaseModel):
    """A parameter drawn uniformly from listed values; ``default`` is the shared
    scenario's value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    values: tuple[Any, ...] = Field(min_length=1)
    default: Any

    @model_validator(mode="after")
    def _default_is_a_value(self) -> "Choice":
        if self.default not in self.values:
            raise ValueError(f"default {self.default!r} is not among {self.values!r}")
        return self


def student_id() -> str | None:
    """The current student's id from the environment, or None (see the module doc)."""
    return student_from_environment()


def seed_for(lab_id: str, student: str) -> int:
    """A stable 64-bit seed from the lab and the student (same on every machine)."""
    digest = hashlib.sha256(f"mlsysim-lab:{lab_id}:{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def draw(parameters: Mapping[str, Choice], lab_id: str, student: str | None) -> dict[str, Any]:
    """The scenario for a student (None: the defaults). Each parameter is drawn from its
    own stream, so adding a parameter does not reshuffle the others."""
    if student is None:
        return {name: choice.default for name, choice in parameters.items()}
    scenario = {}
    for name, choice in parameters.items():
        index = seed_for(f"{lab_id}:{name}", student) % len(choice.values)
        scenario[name] = choice.values[index]
    return scenario


def all_scenarios(parameters: Mapping[str, Choice]) -> list[dict[str, Any]]:
    """Every combination of the declared values (for feasibility tests)."""
    combos: list[dict[str, Any]] = [{}]
    for name, choice in parameters.items():
        combos = [{**combo, name: value} for combo in combos for value in choice.values]
    return combos


__all__: Sequence[str] = ("Choice", "all_scenarios", "draw", "seed_for", "student_id")
