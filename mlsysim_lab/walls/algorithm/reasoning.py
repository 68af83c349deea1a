"""Wall 13: architecture efficiency and reasoning (test-time compute).

A request that reasons in K steps of M tokens before answering (Wei et al.,
"Chain-of-Thought Prompting", NeurIPS 2022; Snell et al., "Scaling LLM Test-Time
Compute Optimally", arXiv:2408.03314, 2024) pays the prompt's prefill once and decodes
K x M + answer tokens with a growing context:

    latency(K) = TTFT(prompt) + sum of decode steps over K M + answer tokens
    cost multiplier(K) = latency(K) / latency(1)  <  K   (the prefill is shared, and
                                                          so is the answer)

The deployment must be feasible first (the KV cache of the longest context must fit).
Architecture efficiency for mixture-of-experts: FLOPs per token follow the active
parameters while memory follows the total (Fedus et al., JMLR 2022).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.models import ModelSpec
from mlsysim_lab.units import to_count
from mlsysim_lab.walls.node.device import HardwareLike
from mlsysim_lab.walls.node.serving import request_latency


@dataclass(frozen=True, slots=True)
class ReasoningCost:
    """One reasoning request against the single-step baseline."""

    steps: Number
    generated_tokens: Number
    latency_s: Number
    baseline_latency_s: float
    multiplier: Number
    feasible: Any

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self)


def reasoning_cost(model: str | ModelSpec, hardware: HardwareLike, *, steps: Any,
                   tokens_per_step: Any, prompt_tokens: Any = 1024, answer_tokens: Any = 0,
                   batch: Any = 1, devices: Any = 1, precision: str = "fp16") -> ReasoningCost:
    """Latency and cost multiplier of K reasoning steps (K may be an array)."""
    k = to_count(steps, "steps")
    m = to_count(tokens_per_step, "tokens_per_step", "token")
    answer = to_count(answer_tokens, "answer_tokens", "token", allow_zero=True)
    common = dict(input_tokens=prompt_tokens, batch=batch, devices=devices, precision=precision)
    request = request_latency(model, hardware, output_tokens=k * m + answer, **common)
    single = request_latency(model, hardware, output_tokens=m + answer, **common)
    if not single.feasible:
        raise ValueError("the single-step request does not fit in memory; choose a "
                         "feasible deployment first")
    return ReasoningCost(steps=k, generated_tokens=k * m + answer, latency_s=request.e2e_s,
                         baseline_latency_s=single.e2e_s,
                         multiplier=request.e2e_s / single.e2e_s, feasible=request.feasible)


@dataclass(frozen=True, slots=True)
class ArchitectureEfficiency:
    """How much of the stored model one token uses."""

    total_params: float
    active_params: float
    active_fraction: float
    flops_per_token: float
    dense_equivalent_flops_per_token: float


def architecture_efficiency(model: str | ModelSpec) -> ArchitectureEfficiency:
    """Active vs total parameters and FLOPs per token vs a dense model of the same size."""
    spec = catalog.get_model(model)
    active = spec.active_params
    total = spec.total_params
    per_token = getattr(spec, "flops_per_token", 2.0 * active)
    return ArchitectureEfficiency(total, active, active / total, per_token,
                                  per_token * total / active)
