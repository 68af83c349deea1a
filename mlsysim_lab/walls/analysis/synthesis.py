"""Wall 22: synthesis, the inverse roofline. The least hardware a target requires.

For a step with per-device FLOPs F, bytes B, fixed communication C and overhead O,
the forward model is T = max(F / P, B / BW) + C + O. Meeting a latency target T* needs
both

    P  >= F  / (T* - C - O)        BW >= B / (T* - C - O)        capacity >= footprint

and no amount of P or BW helps when T* <= C + O (the target is below the fixed
costs). A throughput target R tokens/s becomes T* = tokens per step / R. The answer,
fed back into the forward model, meets the target (tests check this).
(Williams et al. 2009 read backwards; the "hardware an SLA requires" of LABS.md.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mlsysim_lab import catalog
from mlsysim_lab.catalog.hardware import Accelerator
from mlsysim_lab.catalog.models import ModelSpec
from mlsysim_lab.precision import scheme
from mlsysim_lab.units import to_base
from mlsysim_lab.walls.node.serving import decode_step, prefill


@dataclass(frozen=True)
class Requirement:
    """The least peak FLOPS, bandwidth and capacity per device for a target."""

    target_s: float
    min_peak_flops: float
    min_bandwidth: float
    min_capacity: float
    achievable: bool
    reference: str
    reference_meets_target: bool
    upgrade_needed: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {name: (list(value) if isinstance(value, tuple) else value)
                for name, value in self.__dict__.items()}


def required_hardware(model: str | ModelSpec, reference: str | Accelerator, *,
                      latency_target_s: Any = None, tokens_per_s: Any = None,
                      phase: str = "decode", batch: int = 1, tokens: int = 1024,
                      precision: str = "fp16", devices: int = 1) -> Requirement:
    """Invert the roofline for a per-step latency target (or a throughput target) of a
    decode or prefill step. ``reference`` supplies the link for tensor parallelism and
    says which of its figures fall short."""
    if (latency_target_s is None) == (tokens_per_s is None):
        raise ValueError("give exactly one of latency_target_s or tokens_per_s")
    device = catalog.get_hardware(reference)
    if phase == "decode":
        step = decode_step(model, device, batch=batch, context=tokens, precision=precision,
                           devices=devices)
    elif phase == "prefill":
        step = prefill(model, device, batch=batch, prompt_tokens=tokens, precision=precision,
                       devices=devices)
    else:
        raise ValueError(f"phase must be 'decode' or 'prefill', got {phase!r}")
    target = (to_base(latency_target_s, "s", "latency_target_s") if tokens_per_s is None
              else step.tokens / to_base(tokens_per_s, "1/s", "tokens_per_s"))
    budget = target - step.communication_s - step.overhead_s
    achievable = budget > 0
    peak = step.roofline.flops / budget if achievable else math.inf
    bandwidth = step.roofline.bytes_moved / budget if achievable else math.inf
    short = tuple(name for name, have, need in (
        ("peak_flops", device.peak(scheme(precision).compute), peak),
        ("memory_bandwidth", device.memory_bandwidth, bandwidth),
        ("memory_capacity", device.memory_capacity, step.memory_bytes)) if have < need)
    return Requirement(target_s=target, min_peak_flops=peak, min_bandwidth=bandwidth,
                       min_capacity=float(step.memory_bytes), achievable=achievable,
                       reference=device.id, reference_meets_target=not short, upgrade_needed=short)
