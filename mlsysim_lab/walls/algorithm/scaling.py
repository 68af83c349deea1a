"""Wall 11: scaling laws. Training compute and the compute-optimal model size.

Training compute (Kaplan et al., "Scaling Laws for Neural Language Models",
arXiv:2001.08361, 2020; Hoffmann et al., "Training Compute-Optimal Large Language
Models", NeurIPS 2022):

    C = 6 N D                            (forward 2ND + backward 4ND, dense matmuls)
    per token, with attention:  3 x (2 x matmul params + 4 L H d_head x positions)

where positions is (s + 1)/2 for causal attention over sequences of s tokens (what a
causal kernel computes) or s when counting the full score matrix, as PaLM's
6N + 12 L H Q T does (Chowdhery et al. 2022, App. B). These are *model* FLOPs, the ones
MFU counts. Activation recomputation adds *hardware* FLOPs: a full recompute repeats
the forward pass (4 passes instead of 3: Narayanan et al., SC 2021); selective
recomputation repeats only the attention core (Korthikanti et al., MLSys 2023).

Compute-optimal allocation: about 20 training tokens per parameter (Hoffmann et al.
2022, Table 3), so for a budget C:  N* = sqrt(C / (6 x 20)),  D* = 20 N*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.models import ConvNetSpec, ModelSpec
from mlsysim_lab.units import to_base, to_count

#: Hoffmann et al. (2022): compute-optimal training uses about 20 tokens per parameter.
CHINCHILLA_TOKENS_PER_PARAM = 20.0

Recompute = Literal["none", "selective", "full"]


@dataclass(frozen=True, slots=True)
class TrainingCompute:
    """FLOPs of a training run: what the model needs and what the hardware executes."""

    tokens: Number
    model_flops: Number
    hardware_flops: Number
    model_flops_per_token: float

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self)


def six_nd(params: Any, tokens: Any) -> Number:
    """The 6 N D rule: training FLOPs for N parameters and D tokens."""
    return 6.0 * to_base(params, "param", "params") * to_base(tokens, "token", "tokens")


def training_flops(model: str | ModelSpec, tokens: Any, *, seq_len: Any = 4096,
                   recompute: Recompute = "none", causal_attention: bool = True) -> TrainingCompute:
    """Model and hardware FLOPs to train ``model`` on ``tokens`` tokens (samples for a
    CNN) in sequences of ``seq_len`` tokens."""
    spec = catalog.get_model(model)
    count = to_base(tokens, "token", "tokens")
    if isinstance(spec, ConvNetSpec):
        forward = spec.flops_per_sample
        attention_forward = 0.0
    else:
        length = to_count(seq_len, "seq_len", "token")
        positions = (length + 1.0) / 2.0 if causal_attention else length
        attention_forward = spec.attention_flops_per_position * positions
        forward = spec.flops_per_token + attention_forward
    # Recomputation repeats the transformer blocks, not the output projection.
    blocks = forward - 2.0 * getattr(spec, "lm_head_params", 0.0)
    extra = {"none": 0.0, "selective": attention_forward, "full": blocks}
    if recompute not in extra:
        raise ValueError(f"recompute must be one of {', '.join(extra)}, got {recompute!r}")
    per_token = 3.0 * forward
    return TrainingCompute(tokens=count, model_flops=per_token * count,
                           hardware_flops=(per_token + extra[recompute]) * count,
                           model_flops_per_token=per_token)


@dataclass(frozen=True, slots=True)
class ComputeOptimal:
    """The compute-optimal parameter count and token budget for a FLOP budget."""

    budget_flops: Number
    params: Number
    tokens: Number
    tokens_per_param: float


def compute_optimal(budget_flops: Any, *,
                    tokens_per_param: float = CHINCHILLA_TOKENS_PER_PARAM) -> ComputeOptimal:
    """Solve C = 6 N D with D = r N: N = sqrt(C / 6r), D = r N."""
    budget = to_base(budget_flops, "FLOP", "budget_flops")
    ratio = to_base(tokens_per_param, "", "tokens_per_param")
    params = (budget / (6.0 * ratio)) ** 0.5
    return ComputeOptimal(budget, params, ratio * params, ratio)


def chinchilla_tokens(model: str | ModelSpec, *,
                      tokens_per_param: float = CHINCHILLA_TOKENS_PER_PARAM) -> float:
    """The compute-optimal token budget for a model: r x its (active) parameters."""
    return tokens_per_param * catalog.get_model(model).active_params
