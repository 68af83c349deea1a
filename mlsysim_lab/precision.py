"""Number formats and quantization schemes.

A *dtype* is a storage format (bytes per element). A *scheme* names what each tensor
class uses: weights, the math (which selects the device's peak), and the KV cache.
Weight-only schemes (``w8a16``, ``w4a16``) shrink the bytes moved but compute at the
16-bit peak; ``int8`` and ``fp8`` are W8A8 and use the 8-bit peaks; ``int4`` is W4A4
and needs an INT4 peak (Ampere and Turing have one; Hopper does not). Asking a device
for a peak it does not have is an error, never a silent fallback.

The KV cache is a choice of its own. ``fp8`` keeps a 16-bit KV cache, as vLLM does for
FP8 weights unless told otherwise (``--kv-cache-dtype auto``: the model's dtype);
``fp8-kv8`` stores the KV cache in FP8 too, as TensorRT-LLM's FP8 recipes
(``--fp8_kv_cache``) and vLLM's ``--kv-cache-dtype fp8`` do. Any scheme takes a KV
override (``kv_cache="fp8"``).

References: Micikevicius et al., "FP8 Formats for Deep Learning", arXiv:2209.05433
(2022); Frantar et al., "GPTQ", ICLR 2023 (weight-only W4A16); Dettmers et al.,
"LLM.int8()", NeurIPS 2022; Lin et al., "AWQ", MLSys 2024.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

#: Bytes per element of each storage format. TF32 is a math mode over FP32 storage.
DTYPE_BYTES: dict[str, float] = {
    "fp64": 8.0,
    "fp32": 4.0,
    "tf32": 4.0,
    "fp16": 2.0,
    "bf16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "fp4": 0.5,
    "int4": 0.5,
}

#: Peak keys a device may publish (dense figures, one per math precision).
PEAK_PRECISIONS: tuple[str, ...] = tuple(DTYPE_BYTES)


@dataclass(frozen=True, slots=True)
class Scheme:
    """Which format the weights, the math and the KV cache use."""

    name: str
    weights: str
    compute: str
    kv_cache: str
    weight_bytes: float = field(init=False)
    kv_bytes: float = field(init=False)
    #: Activations are stored in the compute format, never below one byte.
    activation_bytes: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight_bytes", DTYPE_BYTES[self.weights])
        object.__setattr__(self, "kv_bytes", DTYPE_BYTES[self.kv_cache])
        object.__setattr__(self, "activation_bytes", max(DTYPE_BYTES[self.compute], 1.0))


SCHEMES: dict[str, Scheme] = {s.name: s for s in (
    Scheme("fp32", "fp32", "fp32", "fp32"),
    Scheme("tf32", "fp32", "tf32", "fp32"),
    Scheme("fp16", "fp16", "fp16", "fp16"),
    Scheme("bf16", "bf16", "bf16", "bf16"),
    Scheme("fp8", "fp8", "fp8", "fp16"),
    Scheme("fp8-kv8", "fp8", "fp8", "fp8"),
    Scheme("int8", "int8", "int8", "fp16"),
    Scheme("int4", "int4", "int4", "fp16"),
    Scheme("w8a16", "int8", "fp16", "fp16"),
    Scheme("w4a16", "int4", "fp16", "fp16"),
)}

_BY_KEY: dict[str, Scheme] = {name.replace("-", ""): s for name, s in SCHEMES.items()}


@functools.lru_cache(maxsize=256)
def scheme(name: str | Scheme, kv_cache: str | None = None) -> Scheme:
    """Look up a scheme by name (``fp16``, ``int8``, ``w4a16`` ...); optionally
    override the KV-cache format (``kv_cache="fp8"`` for an FP8 KV cache)."""
    if isinstance(name, Scheme):
        chosen = name
    else:
        key = name.strip().lower().replace("-", "").replace("_", "")
        if key not in _BY_KEY:
            raise ValueError(f"unknown precision {name!r}; choose one of {', '.join(SCHEMES)}")
        chosen = _BY_KEY[key]
    if kv_cache is None:
        return chosen
    if kv_cache not in DTYPE_BYTES:
        raise ValueError(f"unknown KV-cache format {kv_cache!r}; choose one of "
                         f"{', '.join(DTYPE_BYTES)}")
    return Scheme(f"{chosen.name}+kv{kv_cache}", chosen.weights, chosen.compute, kv_cache)
