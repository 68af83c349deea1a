"""Walls 1-3 together: one step on N devices, with the memory-capacity gate.

    per-device FLOPs = FLOPs / N,   per-device bytes = (weights + activations) / N
                                                       + KV / min(N, KV heads)
    t = max(t_compute, t_memory) + t_dequant + t_tensor_parallel + overhead  (if it fits)
    per operator (calibrated): t = max(t_compute, t_memory)[matmuls: weights, activations]
                                 + max(t_compute, t_memory)[attention: KV cache]
                                 + t_dequant + t_tensor_parallel + overhead
    t_dequant = weight bytes / N / (bandwidth x e_bw) x (1 / e_weight_stream - 1)
    fits  <=>  weights/N + KV/min(N, KV heads) + activations/N
               <= usable fraction x capacity per device

Tensor parallelism (Shoeybi et al., "Megatron-LM", arXiv:1909.08053, 2019) splits the
weights and heads N ways and adds two all-reduces of the activations per layer in the
forward pass, on the critical path (no overlap assumed), timed by the ring all-reduce
over the device's scale-up link, each all-reduce paying a base latency besides its
per-step alpha. KV heads are replicated when N exceeds them. The efficiency factors
(:mod:`mlsysim_lab.walls.node.efficiency`) are 1 and the overheads 0 in the ideal
profile; ``t_dequant`` is the extra time of a weight-only scheme whose weight stream
reaches only a fraction of its ideal byte reduction. With ``per_operator`` (the
calibrated profile) the matmuls and attention are separate kernels run one after the
other (Agrawal et al., "Vidur", MLSys 2024, compose an iteration from its operators),
so the KV stream no longer hides under the matmuls' math, and attention FLOPs run at
their own efficiency; a prefill adds the per-request fixed cost.

An infeasible step has ``feasible = False``, ``binding_wall = "memory capacity"`` and a
NaN latency, so that no number can be mistaken for a real time. Capacity is the printed
datasheet figure (see :mod:`mlsysim_lab.catalog.hardware`).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from mlsysim_lab import _vector as vec
from mlsysim_lab._vector import Number
from mlsysim_lab.walls import names
from mlsysim_lab.walls.fleet.collectives import ring_allreduce_time
from mlsysim_lab.walls.node.device import DeviceFigures
from mlsysim_lab.walls.node.efficiency import IDEAL_FACTORS, Factors
from mlsysim_lab.walls.node.roofline import Roofline, roofline
from mlsysim_lab.walls.node.workload import Work


class StepResult(NamedTuple):
    """One step's time, regime, memory and feasibility (scalars or broadcast arrays)."""

    phase: str
    roofline: Roofline
    communication_s: Number
    overhead_s: Number
    latency_s: Number
    memory_bytes: Number
    capacity_bytes: Number
    feasible: Any
    binding_wall: Any
    tokens: Number
    devices: Number
    regime: str = ""   # where the weights live, said in words (wafer-scale systems)
    #: (compute_s, memory_s) of each operator class timed as its own kernel; empty when
    #: the step is one roofline (the ideal profile).
    operators: tuple = ()

    @property
    def bottleneck(self) -> Any:
        """Roofline regime: ``"compute"`` or ``"memory"``."""
        return self.roofline.bottleneck

    @property
    def arithmetic_intensity(self) -> Number:
        return self.roofline.arithmetic_intensity

    @property
    def ridge_point(self) -> Number:
        return self.roofline.ridge_point

    @property
    def compute_s(self) -> Number:
        return self.roofline.compute_s

    @property
    def memory_s(self) -> Number:
        return self.roofline.memory_s

    @property
    def tokens_per_s(self) -> Number:
        """Tokens (samples for a CNN) produced per second by the whole group."""
        return self.tokens / self.latency_s

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (NaN latencies become ``None``)."""
        data = {
            "phase": self.phase,
            "latency_s": self.latency_s,
            "compute_s": self.compute_s,
            "memory_s": self.memory_s,
            "communication_s": self.communication_s,
            "overhead_s": self.overhead_s,
            "flops": self.roofline.flops,
            "bytes_moved": self.roofline.bytes_moved,
            "arithmetic_intensity": self.arithmetic_intensity,
            "ridge_point": self.ridge_point,
            "bottleneck": self.bottleneck,
            "binding_wall": self.binding_wall,
            "feasible": self.feasible,
            "memory_bytes": self.memory_bytes,
            "capacity_bytes": self.capacity_bytes,
            "tokens": self.tokens,
            "tokens_per_s": self.tokens_per_s,
            "devices": self.devices,
        }
        if self.regime:
            data["regime"] = self.regime
        return {key: _json_safe(vec.to_python(value)) for key, value in data.items()}


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def solve_step(phase: str, work: Work, device: DeviceFigures, devices: Number,
               kv_heads: int, heads: int, factors: Factors | None = None) -> StepResult:
    """Time one step of ``work`` split over ``devices`` tensor-parallel devices with the
    resolved efficiency ``factors`` (default: the ideal bound)."""
    factors = IDEAL_FACTORS if factors is None else factors
    uneven = heads % devices != 0 if type(devices) is float else bool(
        np.any(heads % np.asarray(devices) != 0))
    if uneven:
        raise ValueError(f"tensor parallelism splits the {heads} attention heads evenly: "
                         f"devices must divide {heads}, got {devices!r}")
    kv_split = vec.minimum(devices, float(kv_heads))
    per_device_bytes = ((work.weight_bytes + work.activation_bytes) / devices
                        + work.kv_bytes / kv_split)
    resident = ((work.resident_weight_bytes + work.resident_activation_bytes) / devices
                + work.resident_kv_bytes / kv_split)
    alpha = device.link_latency if factors.link_latency_s is None else factors.link_latency_s
    communication_s = _tensor_parallel_time(work, device, devices, alpha,
                                            factors.collective_latency_s)
    dequant_s = (work.weight_bytes / devices / (device.memory_bandwidth * factors.bandwidth)
                 * (1.0 / factors.weight_stream - 1.0))
    overhead_s = factors.overhead_s + dequant_s
    if phase == "prefill":
        overhead_s = overhead_s + factors.request_overhead_s
    operators: tuple = ()
    compute_efficiency = factors.compute
    if factors.per_operator:
        operators = _operator_times(work, device, devices, kv_split, factors)
        compute_efficiency = work.flops / devices / (device.peak_flops
                                                     * (operators[0][0] + operators[1][0]))
    bounds = roofline(work.flops / devices, per_device_bytes, device.peak_flops,
                      device.memory_bandwidth, overhead_s=overhead_s + communication_s,
                      compute_efficiency=compute_efficiency,
                      bandwidth_efficiency=factors.bandwidth)
    time_s = bounds.time_s
    if operators:
        time_s = sum(vec.maximum(c, m) for c, m in operators) + overhead_s + communication_s
    feasible = resident <= device.memory_capacity * factors.usable_memory
    return StepResult(
        phase=phase,
        roofline=bounds,
        communication_s=communication_s,
        overhead_s=overhead_s,
        latency_s=vec.where(feasible, time_s, math.nan),
        memory_bytes=resident,
        capacity_bytes=device.memory_capacity,
        feasible=vec.as_bool(feasible),
        binding_wall=binding_wall(bounds, communication_s, feasible),
        tokens=work.tokens,
        devices=devices,
        operators=operators,
    )


def _operator_times(work: Work, device: DeviceFigures, devices: Number, kv_split: Number,
                    factors: Factors) -> tuple:
    """(compute_s, memory_s) per device of the matmul kernels (weights and activations)
    and of the attention kernels (the KV cache), each at its own efficiency."""
    bandwidth = device.memory_bandwidth * factors.bandwidth
    matmul_flops = work.flops - work.attention_flops
    matmul = (matmul_flops / devices / (device.peak_flops * factors.compute),
              (work.weight_bytes + work.activation_bytes) / devices / bandwidth)
    attention = (work.attention_flops / devices / (device.peak_flops * factors.attention),
                 work.kv_bytes / kv_split / bandwidth)
    return matmul, attention


def _tensor_parallel_time(work: Work, device: DeviceFigures, devices: Number,
                          link_latency_s: Number, collective_latency_s: Number) -> Number:
    if work.allreduces == 0 or (vec.is_scalar(devices) and devices == 1):
        return 0.0 * devices
    if device.link_bandwidth is None:
        raise ValueError(f"{device.names} has no scale-up link in the zoo; tensor "
                         "parallelism over devices > 1 needs one")
    per_allreduce = ring_allreduce_time(work.allreduce_bytes, devices, device.link_bandwidth,
                                        link_latency_s, collective_latency_s)
    return work.allreduces * per_allreduce


def binding_wall(bounds: Roofline, communication_s: Number, feasible: Any) -> Any:
    if vec.is_scalar(bounds.compute_s, bounds.memory_s, communication_s) and type(feasible) is bool:
        if not feasible:
            return names.CAPACITY
        largest = max(bounds.compute_s, bounds.memory_s, communication_s)
        if largest == bounds.compute_s:
            return names.COMPUTE
        return names.BANDWIDTH if largest == bounds.memory_s else names.COMMUNICATION
    compute, memory, comm = np.broadcast_arrays(bounds.compute_s, bounds.memory_s,
                                                communication_s)
    largest = np.maximum(np.maximum(compute, memory), comm)
    wall = np.select([compute == largest, memory == largest],
                     [names.COMPUTE, names.BANDWIDTH], names.COMMUNICATION)
    return np.where(np.broadcast_to(feasible, wall.shape), wall, names.CAPACITY)
