"""Wall 5: batching and the KV cache. How many sequences fit once the weights are in.

    KV/token   = 2 x layers x kv_heads x head_dim x bytes/element     (GQA-aware)
    budget     = capacity - weights / N - reserve                      (per device)
    static     : each sequence reserves max_context tokens
                 sequences = floor(budget / (max_context x KV/token'))
    paged      : each sequence holds ceil(context / page) pages of `page` tokens
                 sequences = floor(budget / (ceil(context / page) x page x KV/token'))
    KV/token'  = KV/token / min(N, kv_heads)                           (per device)
    fragmentation = 1 - context / tokens reserved       (static: up to 1 - context/max;
                                                          paged: under one page per sequence)

Paged allocation and the 16-token default block: Kwon et al., "Efficient Memory
Management for Large Language Model Serving with PagedAttention", SOSP 2023 (vLLM).
``reserve_bytes`` holds room for activations and the framework (vLLM leaves 10 % of the
GPU by default, gpu_memory_utilization = 0.9); its default here is 0, the datasheet
bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.models import ModelSpec, TransformerSpec
from mlsysim_lab.precision import Scheme, scheme
from mlsysim_lab.units import to_base, to_count
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node.device import HardwareLike, device_figures

#: vLLM's default KV block size in tokens (Kwon et al. 2023).
DEFAULT_PAGE_TOKENS = 16


@dataclass(frozen=True, slots=True)
class KVCachePlan:
    """KV-cache budget and concurrency per device, static vs paged allocation."""

    kv_bytes_per_token: float          # whole model, before sharding
    weight_bytes_per_device: float
    budget_bytes: Number               # per device, after weights and reserve
    max_sequences_static: Number
    max_sequences_paged: Number
    fragmentation_static: Number       # share of reserved KV memory holding no token
    fragmentation_paged: Number
    feasible: Any                      # the weights fit and at least one sequence does
    binding_wall: Any

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self)


def kv_bytes_per_token_from_shape(layers: Number, kv_heads: Number, head_dim: Number,
                                  bytes_per_element: Number) -> Number:
    """KV-cache bytes one token adds, from the attention shapes:
    2 (K and V) x layers x KV heads x head_dim x bytes/element.

    Grouped-query attention caches ``kv_heads`` heads, not all query heads (Ainslie et
    al., "GQA", EMNLP 2023); no cache compression or sharing across layers is assumed.
    Floats or broadcastable arrays."""
    return 2.0 * layers * kv_heads * head_dim * bytes_per_element


def kv_bytes_per_token(model: str | ModelSpec, precision: str | Scheme = "fp16",
                       kv_precision: str | None = None) -> float:
    """KV-cache bytes one token adds, for the whole model."""
    spec = catalog.get_model(model)
    if not isinstance(spec, TransformerSpec):
        raise ValueError(f"{spec.name} has no KV cache (it is not a transformer)")
    return spec.kv_bytes_per_token(scheme(precision, kv_precision).kv_bytes)


def kv_cache_capacity(model: str | ModelSpec, hardware: HardwareLike, *, context: Any,
                      max_context: Any | None = None, page_tokens: Any = DEFAULT_PAGE_TOKENS,
                      precision: str | Scheme = "fp16", kv_precision: str | None = None,
                      devices: Any = 1, reserve_bytes: Any = 0.0) -> KVCachePlan:
    """Concurrent sequences of ``context`` tokens that fit beside the weights.

    ``max_context`` is what a static allocator reserves per sequence (default: the
    model's maximum context); ``page_tokens`` is the paged allocator's block size."""
    spec = catalog.get_model(model)
    if not isinstance(spec, TransformerSpec):
        raise ValueError(f"{spec.name} has no KV cache (it is not a transformer)")
    chosen = scheme(precision, kv_precision)
    device = device_figures(hardware, chosen.compute)
    n = to_count(devices, "devices")
    held = to_count(context, "context", "token")
    reserved = to_count(spec.max_context if max_context is None else max_context,
                        "max_context", "token")
    page = to_count(page_tokens, "page_tokens", "token")
    longest = max(float(np.max(held)), float(np.max(reserved)))
    if longest > spec.max_context:
        raise ValueError(f"{spec.name} has a context window of {spec.max_context:,} tokens; "
                         f"{longest:,.0f} exceeds it")
    reserve = to_base(reserve_bytes, "B", "reserve_bytes", allow_zero=True)

    per_token = spec.kv_bytes_per_token(chosen.kv_bytes) / vec.minimum(n, float(spec.kv_heads))
    weights = spec.total_params * chosen.weight_bytes / n
    budget = device.memory_capacity - weights - reserve
    usable = vec.maximum(budget, 0.0)
    paged_tokens = vec.ceil(held / page) * page
    static = vec.where(held <= reserved, vec.floor(usable / (reserved * per_token)), 0.0)
    paged = vec.floor(usable / (paged_tokens * per_token))
    feasible = (budget > 0) & (paged >= 1) if not vec.is_scalar(budget, paged) else (
        budget > 0 and paged >= 1)
    return KVCachePlan(
        kv_bytes_per_token=spec.kv_bytes_per_token(chosen.kv_bytes),
        weight_bytes_per_device=weights,
        budget_bytes=budget,
        max_sequences_static=static,
        max_sequences_paged=paged,
        fragmentation_static=vec.maximum(1.0 - held / reserved, 0.0),
        fragmentation_paged=1.0 - held / paged_tokens,
        feasible=vec.as_bool(feasible),
        binding_wall=vec.where(feasible, names.wall(5), names.CAPACITY),
    )
