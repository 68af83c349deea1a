"""Helpers for code items: run a hypothesis property over a student's object and turn
the outcome into (credit, message) with the smallest failing example.

    def grade_stage(stage):
        return property_credit(lambda args: abs(stage(**args) - reference(**args)) <= tol,
                               {"energy_mwh": FloatRange(1, 1e5)}, "carbon stage")
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping

from hypothesis import HealthCheck, Phase, find, settings, strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from mlsysim_lab.grading.functions import _strategy
from mlsysim_lab.grading.items import FloatRange, IntRange, Values


def property_credit(holds: Callable[[dict[str, Any]], bool],
                    arguments: Mapping[str, FloatRange | IntRange | Values], what: str,
                    examples: int = 60) -> tuple[float, str]:
    """(1, message) if ``holds`` is true on every generated input, else (0, message with
    the smallest input where it fails). An exception inside counts as a failure."""
    strategy = st.fixed_dictionaries({name: _strategy(spec) for name, spec in arguments.items()})

    def fails(args: dict[str, Any]) -> bool:
        try:
            return not holds(args)
        except Exception:
            return True

    config = settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                      phases=[Phase.generate, Phase.shrink],
                      suppress_health_check=list(HealthCheck))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            example = find(strategy, fails, settings=config)
        except (NoSuchExample, Unsatisfiable):
            return 1.0, f"Full credit: {what} holds on {examples} generated inputs."
    shown = ", ".join(f"{name}={value!r}" for name, value in example.items())
    return 0.0, f"No credit: {what} fails for {shown}."
