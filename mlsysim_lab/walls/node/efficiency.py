"""Efficiency profiles: the ideal roofline bound, and the calibrated achievable figures.

A node solver times a step as (Williams, Waterman & Patterson, CACM 2009)

    t = max(FLOPs / (peak x e_compute), bytes / (bandwidth x e_bandwidth))
        + dequantisation + tensor-parallel communication + fixed overhead

* ``ideal`` (:data:`IDEAL`, the default everywhere): e = 1, no fixed costs, the
  printed capacity, one roofline for the whole step. A bound: no real system is faster.
* ``calibrated`` (:data:`CALIBRATED`): per device and precision, the achievable dense
  matmul fraction (MAMF; for a transformer's layer GEMMs in a serving engine, times
  the fraction of MAMF those shapes reach) and the memory-stream fraction; a fixed
  overhead of kernel launches (a compiled engine) or operator dispatch (an eager
  framework, ``runtime="eager"``); a base latency per tensor-parallel all-reduce (NCCL's baseLat); the
  dequantisation cost of weight-only schemes (their weight stream reaches a fraction
  of the ideal byte reduction); and a runtime memory reserve in the feasibility gate.
  A transformer step is composed of two operator classes run one after the other
  (Agrawal et al., "Vidur", MLSys 2024: token-level linear operators and
  sequence-level attention, predicted separately):

      t = max(C_matmul / (P e_mm), B_weights+act / (W e_bw))
        + max(C_attention / (P16 e_attn), B_kv / (W e_bw)) + fixed costs

  with attention at the FlashAttention-2 fraction of the 16-bit peak P16 (8-bit
  engines keep attention in 16 bits: FlashAttention-2 has no 8-bit path), and the
  first token of a request paying a per-request fixed cost.
  Every figure and its source is in :mod:`mlsysim_lab.catalog.zoo.efficiency`.

Select a profile by name (``efficiency="calibrated"``), pass a :class:`Profile`
(``Profile(runtime="eager")``) or fix every factor yourself with an
:class:`Efficiency`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, NamedTuple, Union

import numpy as np

from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import Accelerator
from mlsysim_lab.catalog.zoo import efficiency as figures
from mlsysim_lab.precision import DTYPE_BYTES, Scheme
from mlsysim_lab.units import UnitError
from mlsysim_lab.walls.node.device import DeviceFigures


class Factors(NamedTuple):
    """The resolved factors of one step (floats, or arrays over a device axis)."""

    compute: Number
    bandwidth: Number
    weight_stream: Number          # fraction of the ideal weight-byte reduction reached
    overhead_s: Number             # fixed per-step cost
    link_latency_s: Number | None  # alpha per all-reduce step (None: the fabric's)
    collective_latency_s: Number   # base latency per all-reduce
    usable_memory: Number          # fraction of capacity a step may fill
    attention: Number = 1.0        # attention FLOPs: fraction of the step precision's peak
    request_overhead_s: Number = 0.0  # fixed cost of a request's first token (prefill)
    per_operator: bool = False     # matmul and attention timed as separate kernels


@dataclass(frozen=True, slots=True)
class Efficiency:
    """Named efficiency factors and overheads, fixed by hand (defaults: the ideal bound).

    ``compute_efficiency`` and ``bandwidth_efficiency`` are achieved fractions of the
    dense peak and the memory bandwidth; ``overhead_s`` a fixed cost per step and
    ``layer_overhead_s`` one per layer (kernel launches); ``link_latency_s`` the alpha
    of each all-reduce step (None: the cited latency of the device's scale-up fabric)
    and ``collective_latency_s`` a base latency per all-reduce;
    ``weight_stream_efficiency`` the fraction of the ideal byte reduction a weight-only
    scheme reaches (dequantisation); ``usable_memory_fraction`` the share of capacity a
    step may fill; ``attention_efficiency`` the achieved fraction of the peak for
    attention FLOPs (None: ``compute_efficiency``); ``request_overhead_s`` a fixed cost
    added once to a prefill (a request's first token); ``per_operator`` times matmuls
    and attention as separate kernels whose roofline times add."""

    compute_efficiency: float = 1.0
    bandwidth_efficiency: float = 1.0
    overhead_s: float = 0.0
    link_latency_s: float | None = None
    collective_latency_s: float = 0.0
    layer_overhead_s: float = 0.0
    weight_stream_efficiency: float = 1.0
    usable_memory_fraction: float = 1.0
    attention_efficiency: float | None = None
    request_overhead_s: float = 0.0
    per_operator: bool = False

    def __post_init__(self) -> None:
        for name in ("compute_efficiency", "bandwidth_efficiency", "weight_stream_efficiency",
                     "usable_memory_fraction", "attention_efficiency"):
            value = getattr(self, name)
            if value is None and name == "attention_efficiency":
                continue
            if not (isinstance(value, (int, float)) and 0.0 < value <= 1.0):
                raise UnitError(f"{name} must be in (0, 1], got {value!r}")
        if not isinstance(self.per_operator, bool):
            raise UnitError(f"per_operator must be True or False, got {self.per_operator!r}")
        for name in ("overhead_s", "link_latency_s", "collective_latency_s",
                     "layer_overhead_s", "request_overhead_s"):
            value = getattr(self, name)
            if value is None and name == "link_latency_s":
                continue
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0.0):
                raise UnitError(f"{name} must be a non-negative number of seconds, "
                                f"got {value!r}")

    def resolve(self, device: DeviceFigures, chosen: Scheme, layers: int,
                operators: int, kernels: int, llm: bool = False) -> Factors:
        """The same factors for every device (``layers`` scales ``layer_overhead_s``)."""
        attention = (self.compute_efficiency if self.attention_efficiency is None
                     else self.attention_efficiency)
        return Factors(self.compute_efficiency, self.bandwidth_efficiency,
                       self.weight_stream_efficiency,
                       self.overhead_s + self.layer_overhead_s * layers, self.link_latency_s,
                       self.collective_latency_s, self.usable_memory_fraction, attention,
                       self.request_overhead_s, self.per_operator)


IDEAL = Efficiency()
#: The ideal bound's factors, resolved once.
IDEAL_FACTORS = Factors(1.0, 1.0, 1.0, 0.0, None, 0.0, 1.0, 1.0, 0.0, False)

Runtime = Literal["compiled", "eager"]


@dataclass(frozen=True, slots=True)
class Profile:
    """The calibrated profile: factors looked up per device and precision.

    ``runtime="compiled"`` (a serving engine: TensorRT, TensorRT-LLM, vLLM) pays one
    kernel launch per fused kernel; ``runtime="eager"`` (PyTorch eager) pays one
    dispatch per operator."""

    name: str = "calibrated"
    runtime: Runtime = "compiled"

    def __post_init__(self) -> None:
        if self.runtime not in ("compiled", "eager"):
            raise ValueError(f"runtime must be 'compiled' or 'eager', got {self.runtime!r}")

    def resolve(self, device: DeviceFigures, chosen: Scheme, layers: int,
                operators: int, kernels: int, llm: bool = False) -> Factors:
        """Look every figure up for each device of ``device``; ``kernels`` (fused) or
        ``operators`` (unfused) count the launches of one step; ``llm`` marks a
        transformer's layer GEMMs in a serving engine (MAMF x the engine's shape
        fraction; other models' matmuls at MAMF)."""
        specs = device.specs
        shape = figures.ENGINE_GEMM_SHAPE.value if llm else 1.0
        compute = [figures.matmul_fraction(spec.id, chosen.compute).value * shape
                   for spec in specs]
        stream = [figures.memory_stream_fraction(spec.memory_type) for spec in specs]
        bandwidth = [1.0 if figure is None else figure.value for figure in stream]
        weight_only = DTYPE_BYTES[chosen.weights] < DTYPE_BYTES[chosen.compute]
        dequant = (figures.DEQUANTISATION[chosen.weights].value
                   if weight_only and chosen.weights in figures.DEQUANTISATION else 1.0)
        overhead = (kernels * figures.KERNEL_LAUNCH_S.value if self.runtime == "compiled"
                    else operators * figures.EAGER_OPERATOR_S.value)
        attention = [_attention_fraction(spec, chosen.compute) for spec in specs]
        return Factors(_one_or_array(compute), _one_or_array(bandwidth), dequant, overhead,
                       None, figures.COLLECTIVE_BASE_LATENCY_S.value,
                       figures.USABLE_MEMORY.value, _one_or_array(attention),
                       figures.REQUEST_OVERHEAD_S.value, True)


CALIBRATED = Profile()

#: The named profiles, as ``efficiency=`` and ``--efficiency`` accept them.
PROFILES: dict[str, Efficiency | Profile] = {"ideal": IDEAL, "calibrated": CALIBRATED}

EfficiencyLike = Union[str, Efficiency, Profile]


def efficiency_profile(efficiency: EfficiencyLike) -> Efficiency | Profile:
    """A profile by name (``"ideal"``, ``"calibrated"``), or the object itself."""
    if isinstance(efficiency, (Efficiency, Profile)):
        return efficiency
    if isinstance(efficiency, str) and efficiency.strip().lower() in PROFILES:
        return PROFILES[efficiency.strip().lower()]
    raise ValueError(f"unknown efficiency profile {efficiency!r}; choose one of "
                     f"{', '.join(PROFILES)}, or pass an Efficiency or a Profile")


def resolve(efficiency: EfficiencyLike, device: DeviceFigures, chosen: Scheme, *,
            layers: int, operators: int, kernels: int, llm: bool = False) -> Factors:
    """The factors of one step of a model with ``layers`` layers (``operators`` unfused
    operators, ``kernels`` fused kernels) on ``device`` in ``chosen`` (``llm``: a
    transformer's step in a serving engine)."""
    return efficiency_profile(efficiency).resolve(device, chosen, layers, operators,
                                                  kernels, llm)


def _attention_fraction(spec: Accelerator, precision: str) -> float:
    """The fused-attention fraction of ``precision``'s peak: attention math runs in
    16 bits (at the FlashAttention-2 fraction of the 16-bit peak) when the step's math
    is 8-bit or narrower, else in the step's own precision."""
    fraction = figures.attention_fraction(spec.id).value
    sixteen = spec.peak_flops.get("bf16", spec.peak_flops.get("fp16"))
    if DTYPE_BYTES[precision] >= 2 or sixteen is None:
        return fraction
    return fraction * sixteen / spec.peak_flops[precision]


def _one_or_array(values: list[float]) -> Number:
    return values[0] if len(values) == 1 else np.array(values)
