"""Walls 14-15: a training step under tensor (TP), pipeline (PP) and data (DP)
parallelism with ZeRO sharding: per-device memory, time, bubble, scaling efficiency.

Memory per device, mixed-precision Adam (Rajbhandari et al., "ZeRO", SC 2020):
    params per device    P = N / (TP x PP)
    weights 2P, gradients 2P, optimizer states 12P bytes; ZeRO stage 1 divides the
    optimizer states by DP, stage 2 also the gradients, stage 3 also the weights.
    activations (Korthikanti et al., "Reducing Activation Recomputation in Large
    Transformer Models", MLSys 2023, with sequence parallelism), per layer and
    micro-batch b of s tokens: s b h (34 + 5 a s / h) / TP bytes without recomputation,
    34 s b h / TP with selective and 2 s b h with full recomputation; a 1F1B pipeline
    holds PP micro-batches on its first stage, so a device holds L/PP x PP = L layers'
    worth.

Uneven pipeline stages: PP need not divide the layer count L. The busiest stage holds
l = ceil(L / PP) layers (Megatron-LM lays out uneven stages the same way: the Llama 3
herd paper, Section 3.3.2, runs 126 layers on 16 stages with one layer fewer on the
first and last), so memory and the stage's time scale with the imbalance l x PP / L >= 1:
params per device N / (TP x PP) x imbalance, activations of l x PP layers, and the
pipeline runs at the busiest stage's pace (the extra time is charged to the bubble term,
wall 15, as a synchronisation loss).

Time per step for a global batch of B sequences (m = B / (DP x b) micro-batches):
    compute     = hardware FLOPs / (devices x peak x compute_efficiency)
    bubble      = (PP - 1) / (v m + PP - 1) of the pipeline time (Huang et al., GPipe,
                  NeurIPS 2019; Narayanan et al., SC 2021); v = ``virtual_stages``, the
                  model chunks per device of the interleaved 1F1B schedule (v = 1: plain
                  1F1B; v <= the busiest stage's layers), which divides the bubble by v
                  and multiplies the PP sends by v (Narayanan et al., Section 2.2.2; the
                  interleaved schedule's slightly larger in-flight activation memory is
                  not modelled)
    TP comm     = 4 all-reduces of b s h activations per layer of the busiest stage per
                  micro-batch (2 forward,
                  2 backward; Shoeybi et al., Megatron-LM, 2019), ring over the node's
                  scale-up link, on the critical path
    PP comm     = 2 v (forward, backward) point-to-point sends of b s h / TP per micro-batch
                  (each TP rank sends its slice: the scatter/gather optimisation of
                  Narayanan et al. 2021, section 4.1) over the scale-out fabric, not
                  overlapped (an upper bound)
    DP comm     = all-reduce of the 2-byte gradients of P parameters (ZeRO-3: 1.5x the
                  volume), hierarchical when DP peers share a node; ``dp_overlap`` of it
                  hides behind the backward pass (0 by default: the upper bound; PyTorch
                  DDP overlaps buckets, Li et al., VLDB 2020)
    collective  = ``collective_latency_s`` per TP all-reduce and per step's DP all-reduce
                  (NCCL's base latency per call; 0 by default, the ideal bound)
    step        = compute x imbalance / (1 - bubble) + TP comm + PP comm
                  + (1 - dp_overlap) DP comm
    scaling efficiency = compute / step;   MFU = model FLOPs / (devices x peak x step)

Configurations that break a rule (TP beyond one node, heads not divisible by TP, more
stages than layers, a batch that does not split into micro-batches, memory that does
not fit) are infeasible; their time is NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import Accelerator
from mlsysim_lab.catalog.infrastructure import Fabric, Node
from mlsysim_lab.catalog.models import ModelSpec, TransformerSpec
from mlsysim_lab.precision import scheme
from mlsysim_lab.units import to_count
from mlsysim_lab.walls import names
from mlsysim_lab.walls.algorithm.scaling import Recompute, training_flops
from mlsysim_lab.walls.fleet.collectives import (hierarchical_allreduce_time,
                                                 ring_allreduce_time)

#: Bytes per parameter of mixed-precision Adam: 16-bit weights and gradients, and
#: FP32 master weights, momentum and variance (Rajbhandari et al. 2020).
WEIGHT_BYTES, GRADIENT_BYTES, OPTIMIZER_BYTES = 2.0, 2.0, 12.0

ZeroStage = Literal[0, 1, 2, 3]


@dataclass(frozen=True)
class TrainingStep:
    """Arrays (or scalars) broadcast over the parallel configurations evaluated."""

    devices: Any
    micro_batches: Any
    memory_bytes: Any
    capacity_bytes: float
    compute_s: Any
    bubble_fraction: Any
    bubble_s: Any
    tp_comm_s: Any
    pp_comm_s: Any
    dp_comm_s: Any
    step_s: Any
    model_flops: float
    tokens_per_step: float
    feasible: Any
    reason: Any
    peak_flops: float
    stage_layers: Any = None

    @property
    def communication_s(self) -> Any:
        return self.tp_comm_s + self.pp_comm_s + self.dp_comm_s

    @property
    def scaling_efficiency(self) -> Any:
        """Ideal compute time over the step time, in (0, 1]."""
        return self.compute_s / self.step_s

    @property
    def mfu(self) -> Any:
        return self.model_flops / (self.devices * self.peak_flops * self.step_s)

    @property
    def tokens_per_s(self) -> Any:
        return self.tokens_per_step / self.step_s

    @property
    def binding_wall(self) -> Any:
        """Compute throughput, synchronization (the bubble) or communication, whichever
        costs most; memory capacity where the configuration does not fit."""
        terms = np.stack(np.broadcast_arrays(self.compute_s, self.bubble_s,
                                             self.communication_s))
        labels = np.array([names.COMPUTE, names.wall(15), names.COMMUNICATION])
        wall = labels[np.argmax(np.nan_to_num(terms, nan=-1.0), axis=0)]
        wall = np.where(self.reason == "memory", names.CAPACITY, wall)
        wall = np.where(np.asarray(self.feasible), wall, np.where(
            self.reason == "memory", names.CAPACITY, "invalid configuration"))
        return wall.item() if wall.ndim == 0 else wall


def training_step(model: str | ModelSpec, node: str | Node, *, tp: Any = 1, pp: Any = 1,
                  dp: Any = 1, micro_batch: Any = 1, global_batch: Any = 512,
                  seq_len: Any = 4096, zero_stage: ZeroStage = 1, precision: str = "bf16",
                  recompute: Recompute = "selective", compute_efficiency: float = 1.0,
                  dp_overlap: float = 0.0, accelerator: str | Accelerator | None = None,
                  scale_up: str | Fabric | None = None,
                  scale_out: str | Fabric | None = None,
                  oversubscription: float = 1.0,
                  collective_latency_s: float = 0.0, virtual_stages: Any = 1) -> TrainingStep:
    """One optimizer step of ``global_batch`` sequences on TP x PP x DP devices of
    ``node``'s kind. TP, PP, DP, micro_batch and global_batch may be arrays (broadcast).
    ``accelerator``, ``scale_up`` and ``scale_out`` replace the node's own parts (a
    what-if upgrade, or a perturbed spec for sensitivity analysis). An
    ``oversubscription`` of k leaves each scale-out port 1/k of its bandwidth when all
    ports talk at once (a cluster's network; 1 = non-blocking)."""
    spec = catalog.get_model(model)
    if not isinstance(spec, TransformerSpec):
        raise ValueError(f"{spec.name}: the parallelism model covers transformers")
    box = catalog.get_node(node)
    device = catalog.get_hardware(accelerator if accelerator is not None else box.accelerator)
    intra = catalog.get_fabric(scale_up if scale_up is not None else box.scale_up_fabric)
    inter = catalog.get_fabric(scale_out if scale_out is not None else box.scale_out_fabric)
    peak = device.peak(scheme(precision).compute)
    if not oversubscription >= 1.0:
        raise ValueError(f"oversubscription is at least 1, got {oversubscription!r}")
    inter = inter.model_copy(update={"bandwidth": inter.bandwidth / oversubscription})
    if zero_stage not in (0, 1, 2, 3):
        raise ValueError(f"zero_stage must be 0, 1, 2 or 3, got {zero_stage!r}")
    if not (math.isfinite(collective_latency_s) and collective_latency_s >= 0.0):
        raise ValueError(f"collective_latency_s must be >= 0 s, got {collective_latency_s!r}")
    for name, value in (("compute_efficiency", compute_efficiency), ("dp_overlap", dp_overlap)):
        if not 0.0 <= value <= 1.0 or (name == "compute_efficiency" and value == 0.0):
            raise ValueError(f"{name} must be in {'(0, 1]' if name[0] == 'c' else '[0, 1]'}, "
                             f"got {value!r}")

    t, p, d, b, v = (np.asarray(to_count(x, n), dtype=float) for x, n in (
        (tp, "tp"), (pp, "pp"), (dp, "dp"), (micro_batch, "micro_batch"),
        (virtual_stages, "virtual_stages")))
    batch = to_count(global_batch, "global_batch")
    s = to_count(seq_len, "seq_len", "token")
    devices = t * p * d
    micro_batches = batch / (d * b)
    h, layers, heads = float(spec.hidden), float(spec.layers), float(spec.heads)
    stage_layers = np.ceil(layers / p)
    imbalance = stage_layers * p / layers

    params = spec.total_params / (t * p) * imbalance
    states = {0: (1, 1, 1), 1: (1, 1, d), 2: (1, d, d), 3: (d, d, d)}[zero_stage]
    model_states = params * (WEIGHT_BYTES / states[0] + GRADIENT_BYTES / states[1]
                             + OPTIMIZER_BYTES / states[2])
    per_layer = {"none": s * b * h * (34.0 + 5.0 * heads * s / h) / t,
                 "selective": 34.0 * s * b * h / t,
                 "full": 2.0 * s * b * h}[recompute]
    memory = model_states + stage_layers * p * per_layer

    compute = training_flops(spec, batch * s, seq_len=s, recompute=recompute)
    compute_s = compute.hardware_flops / (devices * peak * compute_efficiency)
    bubble = (p - 1.0) / (v * micro_batches + p - 1.0)
    pipeline_s = compute_s * imbalance / (1.0 - bubble)
    message = b * s * h * WEIGHT_BYTES
    tp_calls = 4.0 + (2.0 if recompute == "full" else 0.0)
    tp_comm = tp_calls * stage_layers * micro_batches * (ring_allreduce_time(
        message, t, intra.bandwidth, intra.latency) + np.where(t > 1, collective_latency_s, 0.0))
    pp_comm = np.where(p > 1, 2.0 * v * micro_batches * (message / t / inter.bandwidth
                                                     + inter.latency), 0.0)
    dp_peers_in_node = np.maximum(box.accelerators / t, 1.0)
    volume = params * GRADIENT_BYTES * (1.5 if zero_stage == 3 else 1.0)
    dp_comm = np.where(d > 1, hierarchical_allreduce_time(
        volume, d, np.minimum(dp_peers_in_node, d), intra.bandwidth, inter.bandwidth,
        intra.latency, inter.latency) + collective_latency_s, 0.0)
    step = pipeline_s + tp_comm + pp_comm + (1.0 - dp_overlap) * dp_comm

    valid = ((t <= box.accelerators) & (heads % t == 0) & (p <= layers) & (v <= stage_layers)
             & (micro_batches >= 1) & (micro_batches == np.floor(micro_batches)))
    fits = memory <= device.memory_capacity
    feasible = valid & fits
    reason = np.where(~valid, "invalid", np.where(~fits, "memory", ""))
    nan = np.nan
    return TrainingStep(
        devices=devices, micro_batches=micro_batches, memory_bytes=memory,
        capacity_bytes=device.memory_capacity, compute_s=compute_s, bubble_fraction=bubble,
        bubble_s=pipeline_s - compute_s, tp_comm_s=tp_comm, pp_comm_s=pp_comm,
        dp_comm_s=dp_comm, step_s=np.where(feasible, step, nan),
        model_flops=compute.model_flops, tokens_per_step=batch * s, feasible=feasible,
        reason=reason, peak_flops=peak, stage_layers=stage_layers)


def training_wall_clock_s(flops: Number, devices: Number, peak_flops: Number, mfu: Number,
                          lost_fraction: Number = 0.0) -> Number:
    """Wall-clock seconds of a run: model FLOPs / (devices x peak x MFU), divided by the
    goodput 1 - lost fraction (the share of wall-clock lost to checkpoints, rework and
    restarts, below 1: :mod:`mlsysim_lab.walls.fleet.reliability`).

    Assumes a constant MFU over the run (Chowdhery et al., "PaLM", 2022, for MFU).
    Floats or broadcastable arrays."""
    return flops / (devices * peak_flops * mfu) / (1.0 - lost_fraction)


def time_to_train_s(model: str | ModelSpec, tokens: Any, devices: Any, hardware: str, *,
                    mfu: float | None = None, precision: str = "bf16",
                    seq_len: Any = 4096) -> Any:
    """Wall-clock of a training run from an MFU: model FLOPs / (devices x peak x MFU).
    The MFU default is the cited ``mfu-training-dense`` assumption."""
    spec = catalog.get_model(model)
    device = catalog.get_hardware(hardware)
    utilisation = catalog.get_assumption("mfu-training-dense").value if mfu is None else mfu
    if not 0.0 < utilisation <= 1.0:
        raise ValueError(f"mfu must be in (0, 1], got {utilisation!r}")
    flops = training_flops(spec, tokens, seq_len=seq_len).model_flops
    return flops / (to_count(devices, "devices") * device.peak(scheme(precision).compute)
                    * utilisation)


__all__ = ["TrainingStep", "time_to_train_s", "training_step", "training_wall_clock_s"]
