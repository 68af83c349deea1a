"""Walls 1 and 3: compute throughput and memory bandwidth (the roofline).

Equation (Williams, Waterman, Patterson, "Roofline: an insightful visual performance
model for multicore architectures", CACM 52(4), 2009):

    t_compute = FLOPs / (peak x compute_efficiency)
    t_memory  = bytes / (bandwidth x bandwidth_efficiency)
    t         = max(t_compute, t_memory) + overheads
    I = FLOPs / bytes,   ridge = peak / bandwidth   (FLOP/byte)

The kernel is compute-bound when I >= ridge (equivalently t_compute >= t_memory at equal
efficiencies). Assumptions: compute and memory traffic overlap perfectly inside the
max(); overheads (communication, launch) do not overlap and are added.
Efficiencies default to 1.0, i.e. the roofline *bound*; pass measured MFU or achieved
bandwidth fractions to model a real kernel.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from mlsysim_lab import _vector as vec
from mlsysim_lab._vector import Number


class Roofline(NamedTuple):
    """The two bounds of one kernel or step and what follows from them."""

    flops: Number
    bytes_moved: Number
    compute_s: Number
    memory_s: Number
    overhead_s: Number
    arithmetic_intensity: Number
    ridge_point: Number
    bottleneck: Any  # "compute" | "memory" (or an array of them)

    @property
    def bound_s(self) -> Number:
        """max(compute time, memory time): the roofline bound without overheads."""
        return vec.maximum(self.compute_s, self.memory_s)

    @property
    def time_s(self) -> Number:
        return self.bound_s + self.overhead_s

    def as_dict(self) -> dict[str, Any]:
        return {name: vec.to_python(value) for name, value in self._asdict().items()}


def roofline(flops: Number, bytes_moved: Number, peak_flops: Number, bandwidth: Number,
             *, overhead_s: Number = 0.0, compute_efficiency: Number = 1.0,
             bandwidth_efficiency: Number = 1.0) -> Roofline:
    """Evaluate the roofline for given work (FLOP), traffic (bytes), peak (FLOP/s) and
    bandwidth (B/s); all arguments are floats or broadcastable arrays in base units."""
    compute_s = flops / (peak_flops * compute_efficiency)
    memory_s = bytes_moved / (bandwidth * bandwidth_efficiency)
    return Roofline(
        flops=flops,
        bytes_moved=bytes_moved,
        compute_s=compute_s,
        memory_s=memory_s,
        overhead_s=overhead_s,
        arithmetic_intensity=flops / bytes_moved,
        ridge_point=(peak_flops * compute_efficiency) / (bandwidth * bandwidth_efficiency),
        bottleneck=vec.where(compute_s >= memory_s, "compute", "memory"),
    )
