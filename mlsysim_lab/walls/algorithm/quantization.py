"""Wall 12: compression and quantization. What fewer bits buy, by regime.

Speedup of a scheme over the 16-bit baseline (FP16, or BF16 where the device has no
FP16 peak) is computed by the node solver, not assumed:

* memory-bound decode: close to the ratio of bytes moved (weights and, if quantized,
  the KV cache); the activation and KV traffic that stays 16-bit caps it below the
  weight byte ratio;
* compute-bound work: weight-only schemes (W8A16, W4A16) compute at the 16-bit peak and
  gain nothing; W8A8 (INT8, FP8) gains the peak ratio.

Memory: weights shrink by the byte ratio, so a model may newly fit.

Dequantisation is not free. Under the ideal profile (the default) a weight-only scheme
is a pure byte reduction, the bound; under ``efficiency="calibrated"`` its weight
stream reaches only the cited fraction of that reduction (about 2x for 4-bit weights
at batch 1 rather than ~4x: Frantar et al., "MARLIN", arXiv:2408.11743, 2024; see
:mod:`mlsysim_lab.walls.node.efficiency`).

Accuracy is not physics. The notes below are *empirical rules* from the cited papers,
labelled as such: they vary by model and method and are never graded as solver output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Sequence

import numpy as np

from mlsysim_lab import catalog
from mlsysim_lab.catalog.models import ConvNetSpec, ModelSpec
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.node.device import HardwareLike
from mlsysim_lab.walls.node.efficiency import IDEAL, EfficiencyLike
from mlsysim_lab.walls.node.serving import decode_step, forward_pass, prefill
from mlsysim_lab.walls.node.step import StepResult

#: Empirical accuracy rules (not physics), by weight format.
ACCURACY_NOTES: dict[str, str] = {
    "fp16": "baseline",
    "bf16": "baseline",
    "fp8": "Empirical rule: FP8 (E4M3) training and inference match 16-bit quality on "
           "most LLMs with per-tensor scaling (Micikevicius et al. 2022).",
    "int8": "Empirical rule: INT8 weights with outlier handling keep perplexity within "
            "~1% at 6.7B-175B (Dettmers et al., LLM.int8(), NeurIPS 2022).",
    "int4": "Empirical rule: 4-bit weight-only (GPTQ, AWQ) costs a small, model-dependent "
            "perplexity increase, larger for small models (Frantar et al. 2023; Lin et "
            "al. 2024).",
}

Phase = Literal["decode", "prefill"]


@dataclass(frozen=True, slots=True)
class PrecisionComparison:
    """One scheme against the 16-bit baseline for the same workload."""

    scheme: str
    supported: bool
    reason: str
    step: StepResult | None
    weight_bytes: float
    speedup: float
    accuracy_note: str

    @property
    def feasible(self) -> bool:
        return bool(self.supported and self.step is not None and self.step.feasible)


def baseline_precision(hardware: HardwareLike) -> str:
    """FP16 where the device has it, else BF16."""
    spec = catalog.get_hardware(hardware)  # type: ignore[arg-type]
    return "fp16" if "fp16" in spec.peak_flops else "bf16"


def _evaluate(model: ModelSpec, hardware: HardwareLike, precision: str, phase: Phase,
              batch: Any, tokens: Any, devices: Any, efficiency: EfficiencyLike) -> StepResult:
    if isinstance(model, ConvNetSpec):
        return forward_pass(model, hardware, batch=batch, precision=precision,
                            efficiency=efficiency)
    if phase == "decode":
        return decode_step(model, hardware, batch=batch, context=tokens, precision=precision,
                           devices=devices, efficiency=efficiency)
    return prefill(model, hardware, batch=batch, prompt_tokens=tokens, precision=precision,
                   devices=devices, efficiency=efficiency)


def compare_precisions(model: str | ModelSpec, hardware: HardwareLike, *,
                       schemes: Sequence[str] = ("fp16", "fp8", "int8", "w8a16", "w4a16"),
                       phase: Phase = "decode", batch: Any = 1, tokens: Any = 1024,
                       devices: Any = 1,
                       efficiency: EfficiencyLike = IDEAL) -> list[PrecisionComparison]:
    """Latency, memory and speedup of each scheme vs the 16-bit baseline. A scheme the
    device has no peak for is reported as unsupported (with the reason), not dropped.
    A CNN is evaluated by its forward pass (``phase`` and ``tokens`` do not apply)."""
    spec = catalog.get_model(model)
    base = _evaluate(spec, hardware, baseline_precision(hardware), phase, batch, tokens, devices,
                     efficiency)
    rows = []
    for name in schemes:
        chosen = scheme(name)
        weights = spec.total_params * chosen.weight_bytes
        note = ACCURACY_NOTES.get(chosen.weights, ACCURACY_NOTES["int4"])
        try:
            step = _evaluate(spec, hardware, name, phase, batch, tokens, devices, efficiency)
        except ValueError as error:
            rows.append(PrecisionComparison(name, False, str(error), None, weights, np.nan, note))
            continue
        speedup = base.latency_s / step.latency_s
        rows.append(PrecisionComparison(name, True, "", step, weights, speedup, note))
    return rows


def batch_where_speedup_falls_below(model: str | ModelSpec, hardware: HardwareLike,
                                    precision: str, threshold: float, *, context: int = 1024,
                                    max_batch: int = 4096,
                                    efficiency: EfficiencyLike = IDEAL) -> int | None:
    """The smallest decode batch at which ``precision`` is less than ``threshold`` x
    faster than the 16-bit baseline (None if it never falls below within max_batch,
    or if memory runs out first). One vectorised sweep."""
    batches = np.arange(1, max_batch + 1, dtype=float)
    base = decode_step(model, hardware, batch=batches, context=context,
                       precision=baseline_precision(hardware), efficiency=efficiency)
    fast = decode_step(model, hardware, batch=batches, context=context, precision=precision,
                       efficiency=efficiency)
    both = base.feasible & fast.feasible
    below = both & (base.latency_s / fast.latency_s < threshold)
    return int(batches[np.argmax(below)]) if below.any() else None
