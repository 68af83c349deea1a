"""Wall 6: weight streaming on a wafer-scale system.

Weights live off the wafer and stream in layer by layer over the injection link while
activations and the KV cache stay in on-chip SRAM (Cerebras, "Weight Streaming Execution
Mode", white paper, 2021; Lie, "Cerebras Architecture Deep Dive", Hot Chips 34, 2022).
Per block, with the LM head treated as one more streamed layer:

    t_block  = max(W_block / B_inject, F_block(batch) / peak)
    t_step   = layers x t_block + max(W_head / B_inject, F_head / peak)
    B*       = W_block x peak / (B_inject x F_block_per_sequence)

B* is the batch at which streaming stops binding. It is only reachable if SRAM holds
what the batch keeps on chip: two blocks of weights (double buffering), the KV cache of
every sequence and the activation working set. ``sram_max_batch`` is that ceiling; a
batch above it, or a model larger than the external store, is infeasible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import WaferScaleSystem
from mlsysim_lab.catalog.models import ModelSpec, TransformerSpec
from mlsysim_lab.precision import Scheme, scheme
from mlsysim_lab.units import to_count
from mlsysim_lab.walls import names


@dataclass(frozen=True, slots=True)
class StreamingResult:
    """One decode or prefill step under weight streaming."""

    block_injection_s: float
    block_compute_s: Number
    time_s: Number                 # NaN where infeasible
    crossover_batch: float         # B*: streaming binds below it, compute above
    sram_bytes: Number             # on-chip bytes the batch needs
    sram_capacity: float
    sram_max_batch: float
    feasible: Any
    binding_wall: Any

    @property
    def crossover_reachable(self) -> Any:
        """Whether SRAM can hold the batch B* at which streaming stops binding."""
        return self.crossover_batch <= self.sram_max_batch

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self, crossover_reachable=self.crossover_reachable)


def streaming_crossover_batch(block_weight_bytes: Number, peak_flops: Number,
                              injection_bandwidth: Number,
                              flops_per_sequence: Number) -> Number:
    """B* = W_block x peak / (B_inject x F_block_per_sequence): the batch at which
    computing one block takes as long as streaming its weights in (bytes, FLOP/s, B/s,
    FLOPs per sequence per block).

    Assumes streaming and compute overlap (double buffering), so a block costs the
    larger of the two times (Cerebras, "Weight Streaming Execution Mode", 2021).
    Floats or broadcastable arrays."""
    return block_weight_bytes * peak_flops / (injection_bandwidth * flops_per_sequence)


def weight_streaming_step(model: str | ModelSpec, system: str | WaferScaleSystem, *,
                          batch: Any = 1, new_tokens: Any = 1, context: Any = 1024,
                          precision: str | Scheme = "fp16") -> StreamingResult:
    """Time one step that processes ``new_tokens`` per sequence (1 for decode, the
    prompt for prefill) for ``batch`` sequences holding ``context`` tokens of KV."""
    spec = catalog.get_model(model)
    wafer = catalog.get_hardware(system)
    if not isinstance(spec, TransformerSpec):
        raise ValueError(f"{spec.name}: weight streaming is modelled for transformers")
    if not isinstance(wafer, WaferScaleSystem):
        raise ValueError(f"{wafer.name} is not a wafer-scale system (no injection link)")
    chosen = scheme(precision)
    peak = wafer.peak(chosen.compute)
    inject = wafer.injection_bandwidth
    sequences = to_count(batch, "batch")
    tokens = to_count(new_tokens, "new_tokens", "token")
    held = to_count(context, "context", "token", allow_zero=True)

    block_matmul = spec.matmul_params_per_token - spec.lm_head_params
    block_weights = spec.layer_params * chosen.weight_bytes
    block_flops_per_sequence = tokens * (
        2.0 * block_matmul / spec.layers
        + spec.attention_flops_per_position / spec.layers * (held + (tokens + 1) / 2.0))
    head_weights = spec.lm_head_params * chosen.weight_bytes
    head_flops = sequences * 2.0 * spec.lm_head_params  # last position only

    block_injection = block_weights / inject
    block_compute = sequences * block_flops_per_sequence / peak
    step = (spec.layers * vec.maximum(block_injection, block_compute)
            + vec.maximum(head_weights / inject, head_flops / peak))

    per_sequence = ((held + tokens) * spec.kv_bytes_per_token(chosen.kv_bytes)
                    + tokens * spec.working_set_elements_per_token * chosen.activation_bytes)
    on_chip = 2.0 * block_weights + sequences * per_sequence
    room = wafer.memory_capacity - 2.0 * block_weights
    fits_external = spec.total_params * chosen.weight_bytes <= wafer.external_memory_capacity
    feasible = (on_chip <= wafer.memory_capacity) & fits_external
    if vec.is_scalar(on_chip):
        feasible = bool(feasible)
    crossover = block_weights * peak / (inject * block_flops_per_sequence)
    wall = vec.where(block_injection >= block_compute, names.WEIGHT_STREAMING, names.COMPUTE)
    return StreamingResult(
        block_injection_s=block_injection,
        block_compute_s=block_compute,
        time_s=vec.where(feasible, step, math.nan),
        crossover_batch=crossover,
        sram_bytes=on_chip,
        sram_capacity=wafer.memory_capacity,
        sram_max_batch=vec.maximum(vec.floor(room / per_sequence), 0.0),
        feasible=vec.as_bool(feasible),
        binding_wall=vec.where(feasible, wall, names.CAPACITY),
    )

