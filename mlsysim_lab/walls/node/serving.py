"""Wall 4: serving. Prefill (time to first token), decode (time per output token) and a
whole request, for transformers; the forward pass for CNNs.

A request of ``input`` prompt tokens and ``output`` generated tokens (Pope et al.,
"Efficiently Scaling Transformer Inference", MLSys 2023; Agrawal et al., "Sarathi-Serve",
OSDI 2024, for the two phases):

    TTFT  = prefill(input)                  (produces the first output token)
    decode = sum_{j=1}^{output-1} step(context = input + j - 1)
    E2E   = TTFT + decode,   TPOT = decode / (output - 1)

Each decode step's compute and memory times are linear in the context, so the sum of
their maximum is evaluated exactly in closed form (split at the crossover), not by a
loop; with operator classes timed separately (the calibrated profile) each class's sum
is taken the same way and the sums add. Inputs broadcast: batch, context and devices may be arrays; a list of hardware
gives a trailing device axis (use :func:`grid` to build the other axes).

``efficiency`` selects the profile (:mod:`mlsysim_lab.walls.node.efficiency`): the
ideal bound by default, ``"calibrated"`` for achievable figures. A wafer-scale system
is evaluated in the regime its SRAM allows (:mod:`mlsysim_lab.walls.node.wafer`), with
``devices`` counting wafers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import WaferScaleSystem
from mlsysim_lab.catalog.models import ConvNetSpec, ModelSpec, TransformerSpec
from mlsysim_lab.precision import Scheme, scheme
from mlsysim_lab.units import to_count
from mlsysim_lab.walls.node.device import DeviceFigures, HardwareLike, device_figures
from mlsysim_lab.walls.node.efficiency import (IDEAL, Efficiency, EfficiencyLike,
                                               efficiency_profile, resolve)
from mlsysim_lab.walls.node.step import StepResult, solve_step
from mlsysim_lab.walls.node.wafer import wafer_step
from mlsysim_lab.walls.node.workload import (Work, decode_work, forward_work, prefill_work,
                                             transformer_kernels)


__all__ = ["Efficiency", "IDEAL", "RequestResult", "decode_step", "first_compute_bound_batch",
           "forward_pass", "grid", "prefill", "request_latency"]


def grid(*, device_axis: bool = True, **axes: Sequence[float] | np.ndarray) -> dict[str, np.ndarray]:
    """An open mesh for sweeps: ``grid(batch=[1, 8], context=[512, 4096])`` returns
    arrays of shapes (2, 1, 1) and (1, 2, 1); the trailing axis is left for a list of
    hardware (drop it with ``device_axis=False``)."""
    count = len(axes) + (1 if device_axis else 0)
    shaped = {}
    for position, (name, values) in enumerate(axes.items()):
        shape = [1] * count
        array = np.asarray(values, dtype=float)
        shape[position] = array.size
        shaped[name] = array.reshape(shape)
    return shaped


def _transformer(model: str | ModelSpec) -> TransformerSpec:
    spec = catalog.get_model(model)
    if not isinstance(spec, TransformerSpec):
        raise ValueError(f"{spec.name} is a CNN: use forward_pass(), not an LLM phase")
    return spec


def _setup(hardware: HardwareLike, precision: str | Scheme, kv_precision: str | None,
           devices: Any) -> tuple[Scheme, DeviceFigures, Number]:
    chosen = scheme(precision, kv_precision)
    return chosen, device_figures(hardware, chosen.compute), to_count(devices, "devices")


def decode_step(model: str | ModelSpec, hardware: HardwareLike, *, batch: Any = 1,
                context: Any = 1024, precision: str | Scheme = "fp16",
                kv_precision: str | None = None, devices: Any = 1,
                efficiency: EfficiencyLike = IDEAL) -> StepResult:
    """One decode step: ``batch`` sequences with ``context`` cached tokens each generate
    one token, on ``devices`` tensor-parallel devices."""
    spec = _transformer(model)
    chosen, device, n = _setup(hardware, precision, kv_precision, devices)
    sequences = to_count(batch, "batch")
    held = to_count(context, "context", "token", allow_zero=True)
    work = decode_work(spec, chosen, sequences, held)
    return _transformer_step("decode", work, spec, device, chosen, n, efficiency,
                             batch=sequences, new_tokens=1.0, context=held)


def first_compute_bound_batch(model: str | ModelSpec, hardware: HardwareLike, *,
                              context: Any = 1024, precision: str | Scheme = "fp16",
                              max_batch: int = 4096) -> float:
    """The smallest decode batch whose step is compute-bound and fits in memory,

        B* = min { B in 1 .. max_batch : intensity(B) >= ridge and the batch fits },

    found on the decode step model of :func:`decode_step` (ideal roofline, Williams,
    Waterman & Patterson, CACM 2009); NaN when no batch up to ``max_batch`` qualifies
    (never a silent batch 1)."""
    batches = np.arange(1, int(max_batch) + 1)
    sweep = decode_step(model, hardware, batch=batches, context=context, precision=precision)
    hits = np.flatnonzero((np.asarray(sweep.bottleneck) == "compute") & np.asarray(sweep.feasible))
    return float(batches[hits[0]]) if hits.size else float("nan")


def prefill(model: str | ModelSpec, hardware: HardwareLike, *, batch: Any = 1,
            prompt_tokens: Any = 1024, precision: str | Scheme = "fp16",
            kv_precision: str | None = None, devices: Any = 1,
            efficiency: EfficiencyLike = IDEAL) -> StepResult:
    """The prefill of ``batch`` prompts of ``prompt_tokens`` tokens (time to first token)."""
    spec = _transformer(model)
    chosen, device, n = _setup(hardware, precision, kv_precision, devices)
    sequences = to_count(batch, "batch")
    prompt = to_count(prompt_tokens, "prompt_tokens", "token")
    work = prefill_work(spec, chosen, sequences, prompt)
    return _transformer_step("prefill", work, spec, device, chosen, n, efficiency,
                             batch=sequences, new_tokens=prompt, context=0.0)


def _transformer_step(phase: str, work: Work, spec: TransformerSpec, device: DeviceFigures,
                      chosen: Scheme, n: Any, efficiency: EfficiencyLike, *, batch: Any,
                      new_tokens: Any, context: Any) -> StepResult:
    wafer = device.specs[0]
    if isinstance(wafer, WaferScaleSystem):
        if len(device.specs) > 1:
            raise ValueError("evaluate a wafer-scale system on its own, not in a device list")
        efficiency_profile(efficiency)  # validated; wafers are evaluated at the bound
        return wafer_step(phase, work, spec, wafer, chosen, n, batch=batch,
                          new_tokens=new_tokens, context=context)
    kernels = transformer_kernels(spec)
    factors = resolve(efficiency, device, chosen, layers=spec.layers, operators=kernels,
                      kernels=kernels, llm=True)
    return solve_step(phase, work, device, n, spec.kv_heads, spec.heads, factors)


def forward_pass(model: str | ModelSpec, hardware: HardwareLike, *, batch: Any = 1,
                 precision: str | Scheme = "fp16",
                 efficiency: EfficiencyLike = IDEAL) -> StepResult:
    """One inference forward pass of a CNN over ``batch`` images on one device (one
    fused kernel per convolution in a compiled runtime; convolution, normalisation and
    activation as three operators in an eager one)."""
    spec = catalog.get_model(model)
    if not isinstance(spec, ConvNetSpec):
        raise ValueError(f"{spec.name} is a transformer: use prefill() or decode_step()")
    chosen, device, n = _setup(hardware, precision, None, 1)
    work = forward_work(spec, chosen, to_count(batch, "batch"))
    convolutions = len(spec.conv_layers)
    factors = resolve(efficiency, device, chosen, layers=convolutions,
                      operators=3 * convolutions, kernels=convolutions)
    return solve_step("forward", work, device, n, 1, 1, factors)


@dataclass(frozen=True, slots=True)
class RequestResult:
    """A whole request: time to first token, decode time, end-to-end latency."""

    prefill: StepResult
    last_decode_step: StepResult
    ttft_s: Number
    decode_s: Number
    e2e_s: Number
    tpot_s: Number
    feasible: Any

    def as_dict(self) -> dict[str, Any]:
        return {"ttft_s": vec.to_python(self.ttft_s), "decode_s": vec.to_python(self.decode_s),
                "e2e_s": vec.to_python(self.e2e_s), "tpot_s": vec.to_python(self.tpot_s),
                "feasible": vec.to_python(self.feasible),
                "prefill_bottleneck": vec.to_python(self.prefill.bottleneck),
                "decode_bottleneck": vec.to_python(self.last_decode_step.bottleneck)}


def request_latency(model: str | ModelSpec, hardware: HardwareLike, *, input_tokens: Any,
                    output_tokens: Any, batch: Any = 1, precision: str | Scheme = "fp16",
                    kv_precision: str | None = None, devices: Any = 1,
                    efficiency: EfficiencyLike = IDEAL) -> RequestResult:
    """TTFT, decode time, end-to-end latency and mean TPOT of one request (or a batch of
    identical requests decoded together). Feasible if the prefill and the last decode
    step fit in memory."""
    common = dict(batch=batch, precision=precision, kv_precision=kv_precision,
                  devices=devices, efficiency=efficiency)
    prompt = to_count(input_tokens, "input_tokens", "token")
    steps = to_count(output_tokens, "output_tokens", "token") - 1.0
    first = prefill(model, hardware, prompt_tokens=prompt, **common)
    at_start = decode_step(model, hardware, context=prompt, **common)
    next_step = decode_step(model, hardware, context=prompt + 1, **common)
    last = decode_step(model, hardware, context=prompt + vec.maximum(steps - 1.0, 0.0), **common)
    if at_start.operators:  # operator classes timed as separate kernels: their sums add
        compute = sum(_sum_of_max_linear(c0, c1 - c0, m0, m1 - m0, steps)
                      for (c0, m0), (c1, m1) in zip(at_start.operators, next_step.operators))
    else:
        compute = _sum_of_max_linear(at_start.compute_s, next_step.compute_s
                                     - at_start.compute_s, at_start.memory_s,
                                     next_step.memory_s - at_start.memory_s, steps)
    decode_s = compute + steps * (at_start.communication_s + at_start.overhead_s)
    feasible = (first.feasible and last.feasible
                if type(first.feasible) is bool and type(last.feasible) is bool
                else np.logical_and(first.feasible, last.feasible))
    decode_s = vec.where(feasible, decode_s, math.nan)
    ttft = first.latency_s
    tpot = vec.where(steps > 0, decode_s / vec.maximum(steps, 1.0), math.nan)
    return RequestResult(first, last, ttft, decode_s, ttft + decode_s, tpot, feasible)


def _sum_of_max_linear(c0: Number, dc: Number, m0: Number, dm: Number, n: Number) -> Number:
    """sum_{i=0}^{n-1} max(c0 + dc i, m0 + dm i), exactly: the sum of the memory line
    plus the sum of the positive part of the (linear) difference alpha + beta i, which
    is positive for i >= ceil(-alpha/beta) when beta > 0 and for i <= floor(-alpha/beta)
    when beta < 0."""
    scalar = vec.is_scalar(c0, dc, m0, dm, n)
    alpha, beta, n_arr = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                               for x in (c0 - m0, dc - dm, n)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        root = -alpha / beta
        k_up = np.clip(np.ceil(root), 0, n_arr)
        k_down = np.clip(np.floor(root) + 1, 0, n_arr)
    up = (n_arr - k_up) * alpha + beta * ((n_arr - 1) * n_arr - (k_up - 1) * k_up) / 2.0
    down = k_down * alpha + beta * (k_down - 1) * k_down / 2.0
    level = n_arr * np.maximum(alpha, 0.0)
    positive = np.where(beta > 0, up, np.where(beta < 0, down, level))
    total = n * m0 + dm * n * (n - 1) / 2.0 + positive
    return float(total) if scalar else total
