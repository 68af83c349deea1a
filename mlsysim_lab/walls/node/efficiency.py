"""Efficiency profiles: the ideal roofline bound, and the calibrated achievable figures.

A node solver times a step as (Williams, Waterman & Patterson, CACM 2009)

    t = max(FLOPs / (peak x e_compute), bytes / (bandwidth x e_bandwidth))
        + dequantisation + tensor-parallel communication + fixed overhead

* ``ideal`` (:data:`IDEAL`, the default everywhere): e = 1, no fixed costs, the
  printed capacity. A bound: no real system is faster.
* ``calibrated`` (:data:`CALIBRATED`): per device and precision, the achievable dense
  matmul fraction (MAMF) and memory-stream fraction; a fixed overhead of kernel
  launches (a compiled engine) or operator dispatch (an eager framework, ``runtime=
  "eager"``); a base latency per tensor-parallel all-reduce (NCCL's baseLat); the
  dequantisation cost of weight-only schemes (their weight stream reaches a fraction
  of the ideal byte reduction); and a runtime memory reserve in the feasibility gate.
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
    step may fill."""

    compute_efficiency: float = 1.0
    bandwidth_efficiency: float = 1.0
    overhead_s: float = 0.0
    link_latency_s: float | None = None
    collective_latency_s: float = 0.0
    layer_overhead_s: float = 0.0
    weight_stream_efficiency: float = 1.0
    usable_memory_fraction: float = 1.0

    def __post_init__(self) -> None:
        for name in ("compute_efficiency", "bandwidth_efficiency", "weight_stream_efficiency",
                     "usable_memory_fraction"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise UnitError(f"{name} must be in (0, 1], got {value!r}")
        for name in ("overhead_s", "link_latency_s", "collective_latency_s",
                     "layer_overhead_s"):
            value = getattr(self, name)
            if value is None and name == "link_latency_s":
                continue
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0.0):
                raise UnitError(f"{name} must be a non-negative number of seconds, "
                                f"got {value!r}")

    def resolve(self, device: DeviceFigures, chosen: Scheme, layers: int,
                operators: int, kernels: int) -> Factors:
        """The same factors for every device (``layers`` scales ``layer_overhead_s``)."""
        return Factors(self.compute_efficiency, self.bandwidth_efficiency,
                       self.weight_stream_efficiency,
                       self.overhead_s + self.layer_overhead_s * layers, self.link_latency_s,
                       self.collective_latency_s, self.usable_memory_fraction)


IDEAL = Efficiency()
#: The ideal bound's factors, resolved once.
IDEAL_FACTORS = Factors(1.0, 1.0, 1.0, 0.0, None, 0.0, 1.0)

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
                operators: int, kernels: int) -> Factors:
        """Look every figure up for each device of ``device``; ``kernels`` (fused) or
        ``operators`` (unfused) count the launches of one step."""
        specs = device.specs
        compute = [figures.matmul_fraction(spec.id, chosen.compute).value for spec in specs]
        stream = [figures.memory_stream_fraction(spec.memory_type) for spec in specs]
        bandwidth = [1.0 if figure is None else figure.value for figure in stream]
        weight_only = DTYPE_BYTES[chosen.weights] < DTYPE_BYTES[chosen.compute]
        dequant = (figures.DEQUANTISATION[chosen.weights].value
                   if weight_only and chosen.weights in figures.DEQUANTISATION else 1.0)
        overhead = (kernels * figures.KERNEL_LAUNCH_S.value if self.runtime == "compiled"
                    else operators * figures.EAGER_OPERATOR_S.value)
        return Factors(_one_or_array(compute), _one_or_array(bandwidth), dequant, overhead,
                       None, figures.COLLECTIVE_BASE_LATENCY_S.value,
                       figures.USABLE_MEMORY.value)


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
            layers: int, operators: int, kernels: int) -> Factors:
    """The factors of one step of a model with ``layers`` layers (``operators`` unfused
    operators, ``kernels`` fused kernels) on ``device`` in ``chosen``."""
    return efficiency_profile(efficiency).resolve(device, chosen, layers, operators, kernels)


def _one_or_array(values: list[float]) -> Number:
    return values[0] if len(values) == 1 else np.array(values)
