"""Walls 2, 3 and 6 on a wafer-scale system: one model, two regimes, said in words.

A wafer-scale engine has no HBM: its fast memory is on-wafer SRAM, its weight store an
external box reached over an injection link (Cerebras, "Weight Streaming Execution
Mode", white paper, 2021; Lie, "Cerebras Architecture Deep Dive", Hot Chips 34, 2022).
Where the weights live decides the regime:

* **weights resident in SRAM** across N wafers, when W <= N x SRAM: the L layers are
  laid out side by side, each on its own region of 1/L of the N wafers' cores and SRAM
  (layer-pipelined execution, the way wafer-scale systems serve). A sequence's tokens
  pass the regions in turn, and B sequences follow each other through the pipeline:
      stage  t_1 = max(F_seq / (N x peak), bytes_seq / (N x SRAM bandwidth))
      step   t   = (B + L - 1) x t_1 + (N - 1) x activation / B_inject
  where F_seq and bytes_seq are one sequence's FLOPs and bytes for the whole model
  (its weights are read again for every sequence: each region holds one layer). One
  sequence therefore sees only 1/L of the wafer at a time, and a large batch reaches
  the wafer's full rate;
* **weights streamed from external memory**, when they do not fit: the step of
  :func:`mlsysim_lab.walls.node.streaming.weight_streaming_step` (layer by layer over
  the injection link), on one wafer.

Capacity gates the resident regime: weights + KV + activations <= N x SRAM (reported
per wafer, as for any device). No
calibrated figure exists for wafer-scale systems in the zoo, so every efficiency
profile evaluates them at this bound.
"""

from __future__ import annotations

import math

from mlsysim_lab import _vector as vec
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import WaferScaleSystem
from mlsysim_lab.catalog.models import TransformerSpec
from mlsysim_lab.precision import Scheme
from mlsysim_lab.walls.node.roofline import Roofline
from mlsysim_lab.walls.node.step import StepResult, binding_wall
from mlsysim_lab.walls.node.streaming import weight_streaming_step
from mlsysim_lab.walls.node.workload import Work


def wafer_regime(model: TransformerSpec, wafer: WaferScaleSystem, chosen: Scheme,
                 wafers: int) -> str:
    """``"resident"`` if the weights fit in the SRAM of ``wafers`` wafers, else
    ``"streaming"``."""
    weights = model.total_params * chosen.weight_bytes
    return "resident" if weights <= wafers * wafer.memory_capacity else "streaming"


def wafer_step(phase: str, work: Work, model: TransformerSpec, wafer: WaferScaleSystem,
               chosen: Scheme, wafers: Number, *, batch: Number, new_tokens: Number,
               context: Number) -> StepResult:
    """One decode or prefill step of ``work`` on ``wafers`` wafers, in the regime their
    SRAM allows."""
    if not vec.is_scalar(wafers) or wafers != int(wafers):
        raise ValueError(f"the number of wafers must be one whole number, got {wafers!r}")
    count = int(wafers)
    if wafer_regime(model, wafer, chosen, count) == "resident":
        return _resident(phase, work, wafer, wafer.peak(chosen.compute), count,
                         model.layers, batch)
    if count > 1:
        raise ValueError(f"{model.name}'s weights do not fit in the SRAM of {count} "
                         f"{wafer.name} wafers: add wafers until they do, or use one wafer "
                         "in weight-streaming mode (devices=1)")
    return _streaming(phase, work, model, wafer, chosen, batch, new_tokens, context)


def _resident(phase: str, work: Work, wafer: WaferScaleSystem, peak: float,
              count: int, layers: int, batch: Number) -> StepResult:
    per_sequence_flops = work.flops / batch
    per_sequence_bytes = (work.weight_bytes + (work.kv_bytes + work.activation_bytes) / batch)
    stages = batch + layers - 1.0
    compute_s = stages * per_sequence_flops / (count * peak)
    memory_s = stages * per_sequence_bytes / (count * wafer.memory_bandwidth)
    hops = (count - 1) * work.allreduce_bytes / wafer.injection_bandwidth
    bounds = Roofline(flops=work.flops, bytes_moved=batch * per_sequence_bytes,
                      compute_s=compute_s, memory_s=memory_s, overhead_s=hops,
                      arithmetic_intensity=per_sequence_flops / per_sequence_bytes,
                      ridge_point=peak / wafer.memory_bandwidth,
                      bottleneck=vec.where(compute_s >= memory_s, "compute", "memory"))
    resident = (work.resident_weight_bytes + work.resident_kv_bytes
                + work.resident_activation_bytes)
    feasible = resident <= count * wafer.memory_capacity
    where = "1 wafer" if count == 1 else f"{count} wafers"
    return StepResult(
        phase=phase, roofline=bounds, communication_s=hops, overhead_s=0.0,
        latency_s=vec.where(feasible, bounds.time_s, math.nan), memory_bytes=resident / count,
        capacity_bytes=wafer.memory_capacity, feasible=vec.as_bool(feasible),
        binding_wall=binding_wall(bounds, hops, feasible), tokens=work.tokens,
        devices=float(count),
        regime=f"weights resident in on-wafer SRAM across {where} (a layer pipeline: "
               "each layer on its own region, sequences following each other)")


def _streaming(phase: str, work: Work, model: TransformerSpec, wafer: WaferScaleSystem,
               chosen: Scheme, batch: Number, new_tokens: Number,
               context: Number) -> StepResult:
    streamed = weight_streaming_step(model, wafer, batch=batch, new_tokens=new_tokens,
                                     context=context, precision=chosen)
    peak = wafer.peak(chosen.compute)
    weights = work.resident_weight_bytes
    compute_s = work.flops / peak
    memory_s = weights / wafer.injection_bandwidth + 0.0 * compute_s
    bounds = Roofline(flops=work.flops, bytes_moved=weights + 0.0 * compute_s,
                      compute_s=compute_s, memory_s=memory_s, overhead_s=0.0,
                      arithmetic_intensity=work.flops / weights,
                      ridge_point=peak / wafer.injection_bandwidth,
                      bottleneck=vec.where(compute_s >= memory_s, "compute", "memory"))
    return StepResult(
        phase=phase, roofline=bounds, communication_s=0.0, overhead_s=0.0,
        latency_s=streamed.time_s, memory_bytes=streamed.sram_bytes,
        capacity_bytes=wafer.memory_capacity, feasible=streamed.feasible,
        binding_wall=streamed.binding_wall, tokens=work.tokens, devices=1.0,
        regime="weights streamed from external memory over the injection link, layer by "
               "layer (they do not fit in one wafer's SRAM)")


__all__ = ["wafer_regime", "wafer_step"]
