"""What one step of a model asks of the hardware: FLOPs, bytes moved, bytes resident.

One accounting, used by every node solver (conventions in
:mod:`mlsysim_lab.catalog.models`):

* decode step, ``batch`` sequences with ``context`` cached tokens each, one new token:
  FLOPs  = batch x (2 x matmul params + 4 L H d_head x (context + 1))
  bytes  = weights touched + batch x context x KV/token (read) + batch x KV/token (write)
           + batch x activation traffic per token
* prefill of ``prompt`` tokens per sequence (causal attention, token i attends to i):
  FLOPs  = batch x (prompt x 2 x matmul params + 4 L H d_head x prompt (prompt + 1) / 2)
           minus the LM head for every position but the last (serving engines take
           logits for the last prompt position only)
  bytes  = weights touched + KV written and read once + activation traffic
* an encoder's forward pass (BERT): bidirectional attention (every token attends to
  all prompt x prompt positions), no KV cache, no logits
* a request may not exceed the model's context window (an error, not a number)
* CNN forward: FLOPs = batch x 2 x MACs; bytes = weights + batch x activation traffic.

Weights touched: dense models read every matmul weight once per step, shared by the
batch. MoE layers read the experts the step's tokens are routed to, in expectation
E (1 - (1 - k/E)^tokens) per layer (uniform top-k routing; Fedus, Zoph & Shazeer,
"Switch Transformers", JMLR 2022, for routing).

Resident memory: all stored weights, the KV cache of the tokens actually held, and an
activation working set of (2 d_model + MLP width) elements per token in flight (logits
are taken for the last position only). Attention scores stay on chip (FlashAttention:
Dao et al., NeurIPS 2022).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.models import ConvNetSpec, TransformerSpec
from mlsysim_lab.catalog.zoo.efficiency import KERNELS_PER_LAYER
from mlsysim_lab.precision import Scheme


class Work(NamedTuple):
    """One step's demands on the hardware, for the whole batch, before any sharding."""

    flops: Number
    weight_bytes: Number          # weights read this step
    kv_bytes: Number              # KV cache read + written this step
    activation_bytes: Number      # activation traffic this step
    resident_weight_bytes: float  # all stored weights
    resident_kv_bytes: Number     # KV cache held after the step
    resident_activation_bytes: Number
    tokens: Number                # tokens (or samples) produced by the step
    allreduce_bytes: Number       # one tensor-parallel all-reduce message
    allreduces: int               # tensor-parallel all-reduces per step (forward)
    attention_flops: Number = 0.0  # the part of ``flops`` in attention (QK^T and AV)

    @property
    def bytes_moved(self) -> Number:
        return self.weight_bytes + self.kv_bytes + self.activation_bytes


def weight_bytes_touched(model: TransformerSpec, tokens: Number, weight_bytes: float) -> Number:
    """Matmul weight bytes read by a step that routes ``tokens`` tokens."""
    dense = model.matmul_params_per_token * weight_bytes
    if not model.is_moe:
        return dense
    per_expert = model.layers * model.mlp_params_per_expert * weight_bytes
    extra_experts = model.expected_experts_touched(tokens) - model.experts_per_token
    return dense + extra_experts * per_expert


def transformer_kernels(model: TransformerSpec) -> int:
    """Kernels one step launches in a fused serving engine: a fixed count per layer
    (:data:`mlsysim_lab.catalog.zoo.efficiency.KERNELS_PER_LAYER`) x layers."""
    return KERNELS_PER_LAYER * model.layers


def _within_context(model: TransformerSpec, positions: Number, what: str) -> None:
    longest = positions if type(positions) is float else float(np.max(positions))
    if longest > model.max_context:
        raise ValueError(f"{model.name} has a context window of {model.max_context:,} tokens; "
                         f"{what} needs {longest:,.0f}")


def _transformer_work(model: TransformerSpec, scheme: Scheme, batch: Number,
                      new_tokens: Number, attention_flops: Number, kv_read_tokens: Number,
                      held_tokens: Number) -> Work:
    tokens = batch * new_tokens
    kv_per_token = model.kv_bytes_per_token(scheme.kv_bytes) if model.kind == "decoder" else 0.0
    head_flops = 2.0 * model.lm_head_params
    return Work(
        flops=(tokens * (model.flops_per_token - head_flops) + batch * head_flops
               + batch * attention_flops),
        weight_bytes=weight_bytes_touched(model, tokens, scheme.weight_bytes),
        kv_bytes=batch * (kv_read_tokens + new_tokens) * kv_per_token,
        activation_bytes=(tokens * model.activation_elements_per_token
                          + batch * model.logit_elements) * scheme.activation_bytes,
        resident_weight_bytes=model.total_params * scheme.weight_bytes,
        resident_kv_bytes=batch * held_tokens * kv_per_token,
        resident_activation_bytes=tokens * model.working_set_elements_per_token
        * scheme.activation_bytes,
        tokens=tokens,
        allreduce_bytes=tokens * model.hidden * scheme.activation_bytes,
        allreduces=2 * model.layers,
        attention_flops=batch * attention_flops,
    )


def decode_work(model: TransformerSpec, scheme: Scheme, batch: Number, context: Number) -> Work:
    """One decode step: each of ``batch`` sequences holds ``context`` cached tokens and
    generates one more (which attends to context + 1 positions)."""
    if model.kind != "decoder":
        raise ValueError(f"{model.name} is an encoder: it has a forward pass (prefill), "
                         "not autoregressive decode")
    _within_context(model, context + 1, "a decode step at this context")
    attention = model.attention_flops_per_position * (context + 1)
    return _transformer_work(model, scheme, batch, 1.0, attention, context, context + 1)


def prefill_work(model: TransformerSpec, scheme: Scheme, batch: Number, prompt: Number) -> Work:
    """Prefill of ``prompt`` tokens per sequence (causal: sum of 1..prompt positions;
    an encoder attends bidirectionally: prompt x prompt)."""
    _within_context(model, prompt, "the prompt")
    positions = prompt * prompt if model.kind == "encoder" else prompt * (prompt + 1) / 2.0
    attention = model.attention_flops_per_position * positions
    return _transformer_work(model, scheme, batch, prompt, attention, prompt, prompt)


def forward_work(model: ConvNetSpec, scheme: Scheme, batch: Number) -> Work:
    """One inference forward pass of a CNN over ``batch`` images (no tensor parallelism:
    all-reduces are not modelled for CNNs)."""
    weights = model.total_params * scheme.weight_bytes
    activations = batch * model.activation_elements_per_sample * scheme.activation_bytes
    largest_layer = max(layer.activation_elements for layer in model.conv_layers)
    return Work(
        flops=batch * model.flops_per_sample,
        weight_bytes=weights,
        kv_bytes=0.0 * batch,
        activation_bytes=activations,
        resident_weight_bytes=weights,
        resident_kv_bytes=0.0 * batch,
        resident_activation_bytes=batch * largest_layer * scheme.activation_bytes,
        tokens=batch,
        allreduce_bytes=0.0 * batch,
        allreduces=0,
    )
