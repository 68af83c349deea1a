"""The differential explainer: why configuration B is (or is not) faster than A.

Given two evaluated steps, it computes the speedup and the ratios of each bound, finds
the wall that binds each, and writes an explanation that quotes the computed numbers:

* same wall both times: the speedup follows that wall's resource ratio (bandwidth when
  memory-bound, peak FLOPS when compute-bound), and the other resource's ratio is
  irrelevant;
* a regime shift: the wall changes, and the speedup lies between the two resources'
  ratios;
* infeasible on either side: there is no speed comparison, only the capacity shortfall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlsysim_lab.formatting import duration, si
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node.step import StepResult


@dataclass(frozen=True)
class Explanation:
    """Speedup of B over A, the binding walls, and the reason in words."""

    speedup: float
    wall_a: str
    wall_b: str
    compute_ratio: float
    memory_ratio: float
    regime_shift: bool
    comparable: bool
    text: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _scalar(step: StepResult, label: str) -> None:
    if hasattr(step.latency_s, "shape") and getattr(step.latency_s, "ndim", 0):
        raise ValueError(f"{label} is a sweep; explain one configuration at a time")


def explain(a: StepResult, b: StepResult, *, label_a: str = "A",
            label_b: str = "B") -> Explanation:
    """Explain the step-time difference between two evaluated configurations."""
    _scalar(a, label_a)
    _scalar(b, label_b)
    compute_ratio = float(a.compute_s / b.compute_s)
    memory_ratio = float(a.memory_s / b.memory_s)
    if not (a.feasible and b.feasible):
        lines = [f"{label}: needs {si(step.memory_bytes, 'B')} per device but has "
                 f"{si(step.capacity_bytes, 'B')}, so it does not fit and has no latency."
                 for label, step in ((label_a, a), (label_b, b)) if not step.feasible]
        lines.append("No speed comparison is meaningful until both configurations fit "
                     "(the memory-capacity wall binds).")
        return Explanation(float("nan"), str(a.binding_wall), str(b.binding_wall),
                           compute_ratio, memory_ratio, a.binding_wall != b.binding_wall,
                           False, " ".join(lines))
    speedup = float(a.latency_s / b.latency_s)
    wall_a, wall_b = str(a.binding_wall), str(b.binding_wall)
    verdict = (f"{label_b} is {speedup:.2f}x faster than {label_a}" if speedup > 1.005 else
               f"{label_b} is {1 / speedup:.2f}x slower than {label_a}" if speedup < 0.995 else
               f"{label_b} is no faster than {label_a} ({speedup:.3f}x)")
    described = (f"{label_a}: {duration(float(a.latency_s))} per step (compute "
                 f"{duration(float(a.compute_s))}, memory {duration(float(a.memory_s))}); "
                 f"{label_b}: {duration(float(b.latency_s))} (compute "
                 f"{duration(float(b.compute_s))}, memory {duration(float(b.memory_s))}).")
    ratios = (f"Compute time shrinks {compute_ratio:.2f}x and memory time "
              f"{memory_ratio:.2f}x from {label_a} to {label_b}.")
    if wall_a == wall_b:
        follows = {names.BANDWIDTH: ("memory time", memory_ratio, "compute", compute_ratio),
                   names.COMPUTE: ("compute time", compute_ratio, "memory", memory_ratio)}
        if wall_a in follows:
            bound, ratio, other, other_ratio = follows[wall_a]
            reason = (f"Both are bound by {wall_a}, so the speedup tracks the {bound} "
                      f"ratio ({ratio:.2f}x); the {other_ratio:.2f}x change in {other} time "
                      f"does not matter while {other} is not the binding wall.")
        else:
            reason = f"Both are bound by {wall_a}; the speedup follows that term."
        shift = False
    else:
        low, high = sorted((compute_ratio, memory_ratio))
        reason = (f"The binding wall shifts from {wall_a} ({label_a}) to {wall_b} "
                  f"({label_b}): a regime change, so the speedup ({speedup:.2f}x) lies "
                  f"between the two resource ratios ({low:.2f}x and {high:.2f}x) instead "
                  "of following either one.")
        shift = True
    return Explanation(speedup, wall_a, wall_b, compute_ratio, memory_ratio, shift, True,
                       f"{verdict}. {described} {ratios} {reason}")
