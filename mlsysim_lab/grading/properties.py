"""Helpers for code items: run a hypothesis property over a student's object and turn
the outcome into (credit, message) with the smallest failing example.

    def grade_stage(stage):
        return property_credit(lambda args: abs(stage(**args) - reference(**args)) <= tol,
                               {"energy_mwh": FloatRange(1, 1e5)}, "carbon stage")
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from mlsysim_lab.grading.ranges import Range, smallest_failure


def property_credit(holds: Callable[[dict[str, Any]], bool], arguments: Mapping[str, Range],
                    what: str, examples: int = 60) -> tuple[float, str]:
    """(1, message) if ``holds`` is true on every generated input, else (0, message with
    the smallest input where it fails). An exception inside counts as a failure."""
    example = smallest_failure(lambda args: not holds(args), arguments, examples)
    if example is None:
        return 1.0, f"Full credit: {what} holds on {examples} generated inputs."
    shown = ", ".join(f"{name}={value!r}" for name, value in example.items())
    return 0.0, f"No credit: {what} fails for {shown}."
