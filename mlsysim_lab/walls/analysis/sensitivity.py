"""Wall 21: sensitivity. Which input the result is most sensitive to, as elasticities.

    e_x = d ln T / d ln x ~ [ln T(x e^h) - ln T(x e^-h)] / 2h      (central difference
                                                                    in log space)

An elasticity of -1 means "1 % more x, 1 % less time": memory bandwidth when
memory-bound, peak FLOPS when compute-bound; 0 means the input does not bind.
For a roofline T = max(F/P, B/BW) the elasticities with respect to P and BW sum to -1
(time is homogeneous of degree -1 in the hardware rates). At a kink (exactly on the
ridge) the central difference averages the two one-sided slopes. Whole-number inputs
(batch, tokens) use their integer neighbours: [ln T(n+1) - ln T(n-1)] / [ln(n+1) -
ln(n-1)] (forward difference at n = 1).
Only a feasible configuration is differentiated: an infeasible one raises.
(Saltelli et al., "Global Sensitivity Analysis: The Primer", Wiley 2008, for local
elasticities.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import Accelerator
from mlsysim_lab.catalog.models import ModelSpec
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.node.roofline import roofline
from mlsysim_lab.walls.node.serving import decode_step, prefill

#: Relative step in log space for the central difference.
LOG_STEP = 1e-4


@dataclass(frozen=True)
class Sensitivity:
    """Elasticities of one output with respect to named inputs."""

    output: float
    elasticities: dict[str, float]

    @property
    def dominant(self) -> str:
        """The input with the largest absolute elasticity."""
        return max(self.elasticities, key=lambda name: abs(self.elasticities[name]))

    def as_dict(self) -> dict[str, Any]:
        return {"output": self.output, "elasticities": dict(self.elasticities),
                "dominant": self.dominant}


def elasticities(evaluate: Callable[[Mapping[str, float]], float],
                 inputs: Mapping[str, float], *, whole: frozenset[str] = frozenset(),
                 step: float = LOG_STEP) -> Sensitivity:
    """d ln f / d ln x for each positive input of ``evaluate`` (a function of a mapping
    of inputs returning a positive, finite number); inputs named in ``whole`` are
    counts and move to their integer neighbours."""
    base = evaluate(inputs)
    if not (math.isfinite(base) and base > 0):
        raise ValueError(f"the output at the base point is {base!r}: only a feasible "
                         "configuration with a finite, positive result can be differentiated")
    result = {}
    for name, value in inputs.items():
        if not value > 0:
            raise ValueError(f"input {name} must be positive to take its elasticity")
        if name in whole:
            high, low = value + 1.0, (value - 1.0 if value > 1.0 else value)
        else:
            high, low = value * math.exp(step), value * math.exp(-step)
        up = evaluate({**inputs, name: high})
        down = base if low == value else evaluate({**inputs, name: low})
        if not (math.isfinite(up) and math.isfinite(down) and up > 0 and down > 0):
            raise ValueError(f"the configuration leaves its feasible region when {name} "
                             "moves; its elasticity is not defined here")
        result[name] = (math.log(up) - math.log(down)) / (math.log(high) - math.log(low))
    return Sensitivity(base, result)


def roofline_bandwidth_elasticity(flops: Number, bytes_moved: Number, peak_flops: Number,
                                  bandwidth: Number) -> Number:
    """d ln T / d ln BW of the roofline bound T = max(F / P, B / BW), exactly: -1 when
    memory-bound, 0 when compute-bound, and -1/2 on the ridge (the average of the two
    one-sided slopes, which the central difference of :func:`elasticities` gives).

    The bound alone, no overheads (Williams et al., CACM 52(4), 2009). Floats or
    broadcastable arrays."""
    bounds = roofline(flops, bytes_moved, peak_flops, bandwidth)
    return vec.where(bounds.memory_s > bounds.compute_s, -1.0,
                     vec.where(bounds.memory_s < bounds.compute_s, 0.0, -0.5))


def _scaled(device: Accelerator, precision: str, peak: float, bandwidth: float) -> Accelerator:
    peaks = dict(device.peak_flops)
    peaks[scheme(precision).compute] = peak
    return device.model_copy(update={"peak_flops": peaks, "memory_bandwidth": bandwidth})


def step_sensitivity(model: str | ModelSpec, hardware: str | Accelerator, *,
                     phase: str = "decode", batch: int = 1, tokens: int = 1024,
                     precision: str = "fp16", devices: int = 1) -> Sensitivity:
    """Elasticities of a decode or prefill step's latency with respect to the device's
    peak FLOPS and memory bandwidth and the workload's batch and token count."""
    device = catalog.get_hardware(hardware)
    solver = {"decode": lambda hw, b, n: decode_step(model, hw, batch=b, context=n,
                                                     precision=precision, devices=devices),
              "prefill": lambda hw, b, n: prefill(model, hw, batch=b, prompt_tokens=n,
                                                  precision=precision, devices=devices)}
    if phase not in solver:
        raise ValueError(f"phase must be 'decode' or 'prefill', got {phase!r}")

    def latency(x: Mapping[str, float]) -> float:
        hw = _scaled(device, precision, x["peak_flops"], x["memory_bandwidth"])
        return float(solver[phase](hw, int(x["batch"]), int(x["tokens"])).latency_s)

    return elasticities(latency, {"peak_flops": device.peak(scheme(precision).compute),
                                  "memory_bandwidth": device.memory_bandwidth,
                                  "batch": float(batch), "tokens": float(tokens)},
                       whole=frozenset({"batch", "tokens"}))
