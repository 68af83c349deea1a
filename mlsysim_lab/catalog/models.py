"""Model (workload) specs, described by their architecture; counts are derived from it.

Conventions (one set, used by every solver):

* Forward FLOPs per token = 2 x (matmul parameters touched) + attention FLOPs, with
  1 multiply-accumulate = 2 FLOPs. The input embedding is a gather (no FLOPs); the LM
  head is a matmul whether or not it shares weights with the embedding.
* Attention FLOPs: each new token does a QK^T and an AV product over every attended
  position, 2 matmuls x 2 FLOPs x heads x head_dim per layer and position, i.e.
  ``4 x layers x heads x head_dim`` FLOPs per token per attended position (the same
  accounting as PaLM's 6N + 12LHQT training FLOPs: Chowdhery et al. 2022, App. B).
* KV cache per token = 2 (K and V) x layers x KV heads x head_dim elements (GQA:
  Ainslie et al. 2023).
* MoE: capacity uses total parameters, FLOPs use the active ones (top-k experts).
"""

from __future__ import annotations

import functools
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlsysim_lab.catalog.spec import CitedSpec

MILLION, BILLION = 1e6, 1e9


class ModelSpec(CitedSpec):
    """Common fields of every workload in the zoo."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ("architecture", "published_params")

    family: str
    year: int = Field(ge=1990, le=2100)
    published_params: float = Field(gt=0, description="parameter count as published")

    @property
    def total_params(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def architecture(self) -> str:
        return type(self).__name__


class TransformerSpec(ModelSpec):
    """A decoder-only or encoder-only transformer, dense or mixture-of-experts."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ModelSpec.CITED_FIELDS + (
        "published_active_params",)

    kind: Literal["decoder", "encoder"] = "decoder"
    layers: int = Field(gt=0)
    hidden: int = Field(gt=0, description="model width d_model")
    heads: int = Field(gt=0)
    kv_heads: int = Field(gt=0, description="KV heads (= heads without GQA/MQA)")
    head_dim: int | None = Field(None, gt=0, description="defaults to hidden / heads")
    ffn: int = Field(gt=0, description="MLP inner width (per expert for MoE)")
    vocab: int = Field(gt=0)
    gated_mlp: bool = Field(description="SwiGLU-style MLP with three matrices")
    tied_embeddings: bool = False
    learned_positions: int = Field(0, ge=0, description="rows of a learned position table")
    token_types: int = Field(0, ge=0, description="rows of a segment embedding (BERT)")
    bias: bool = Field(False, description="linear layers carry biases")
    pooler: bool = Field(False, description="BERT-style pooler dense layer")
    experts: int = Field(1, gt=0)
    experts_per_token: int = Field(1, gt=0)
    max_context: int = Field(gt=0)
    published_active_params: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _shapes_are_consistent(self) -> "TransformerSpec":
        if self.heads % self.kv_heads:
            raise ValueError(f"{self.id}: heads ({self.heads}) must be a multiple of "
                             f"kv_heads ({self.kv_heads})")
        if self.head_dim is None and self.hidden % self.heads:
            raise ValueError(f"{self.id}: hidden not divisible by heads; give head_dim")
        if self.experts_per_token > self.experts:
            raise ValueError(f"{self.id}: experts_per_token exceeds experts")
        return self

    # --- shapes -------------------------------------------------------------------
    @functools.cached_property
    def attention_dim(self) -> int:
        """heads x head_dim (the width of Q and of the attention output)."""
        return self.heads * (self.head_dim or self.hidden // self.heads)

    @functools.cached_property
    def kv_dim(self) -> int:
        """kv_heads x head_dim (the width of K and of V)."""
        return self.kv_heads * (self.head_dim or self.hidden // self.heads)

    @property
    def is_moe(self) -> bool:
        return self.experts > 1

    # --- parameter counts ---------------------------------------------------------
    @functools.cached_property
    def attention_params_per_layer(self) -> float:
        d, q, kv = self.hidden, self.attention_dim, self.kv_dim
        weights = d * q + 2 * d * kv + q * d
        biases = (q + 2 * kv + d) if self.bias else 0
        return float(weights + biases)

    @functools.cached_property
    def mlp_params_per_expert(self) -> float:
        d, f = self.hidden, self.ffn
        matrices = 3 if self.gated_mlp else 2
        biases = ((2 * f if self.gated_mlp else f) + d) if self.bias else 0
        return float(matrices * d * f + biases)

    @functools.cached_property
    def norm_params_per_layer(self) -> float:
        """Two norms per block; LayerNorm has scale and shift, RMSNorm scale only."""
        return float(2 * self.hidden * (2 if self.bias else 1))

    @functools.cached_property
    def router_params_per_layer(self) -> float:
        return float(self.hidden * self.experts) if self.is_moe else 0.0

    @functools.cached_property
    def embedding_params(self) -> float:
        """Token, position and segment tables (looked up, not multiplied)."""
        return float((self.vocab + self.learned_positions + self.token_types) * self.hidden)

    @functools.cached_property
    def lm_head_params(self) -> float:
        """Weights of the output projection to the vocabulary, a matmul whether or not
        they are tied to the embedding (0 for an encoder)."""
        return float(self.vocab * self.hidden) if self.kind == "decoder" else 0.0

    @functools.cached_property
    def head_params(self) -> float:
        """Output projection to the vocabulary (0 if tied or encoder-only), + pooler."""
        lm_head = 0.0 if self.tied_embeddings else self.lm_head_params
        pooler = self.hidden * self.hidden + self.hidden if self.pooler else 0
        final_norm = self.hidden * (2 if self.bias else 1)
        return float(lm_head + pooler + final_norm)

    def _layer_params(self, experts: float) -> float:
        return (self.attention_params_per_layer + experts * self.mlp_params_per_expert
                + self.norm_params_per_layer + self.router_params_per_layer)

    @functools.cached_property
    def total_params(self) -> float:
        """Every stored parameter (what must fit in memory)."""
        return (self.layers * self._layer_params(self.experts) + self.embedding_params
                + self.head_params)

    @functools.cached_property
    def active_params(self) -> float:
        """Parameters one token touches (top-k experts for MoE)."""
        return (self.layers * self._layer_params(self.experts_per_token)
                + self.embedding_params + self.head_params)

    @functools.cached_property
    def layer_params(self) -> float:
        """Stored parameters of one transformer block (all experts)."""
        return self._layer_params(self.experts)

    # --- per-token work -----------------------------------------------------------
    @functools.cached_property
    def matmul_params_per_token(self) -> float:
        """Active parameters that take part in a matmul: active minus the lookup tables
        and norms, plus the LM head when it is tied to the embedding."""
        tied_head = self.lm_head_params if self.tied_embeddings else 0.0
        norms = self.layers * self.norm_params_per_layer + self.hidden * (2 if self.bias else 1)
        return self.active_params - self.embedding_params - norms + tied_head

    @functools.cached_property
    def flops_per_token(self) -> float:
        """Forward FLOPs per token excluding attention over the context: 2 x matmul params."""
        return 2.0 * self.matmul_params_per_token

    @functools.cached_property
    def attention_flops_per_position(self) -> float:
        """Forward attention FLOPs per token per attended position: 4 x L x H x d_head."""
        return 4.0 * self.layers * self.attention_dim

    @functools.cached_property
    def kv_elements_per_token(self) -> float:
        """K and V elements cached per token: 2 x layers x kv_heads x head_dim."""
        return 2.0 * self.layers * self.kv_dim

    def kv_bytes_per_token(self, bytes_per_element: float = 2.0) -> float:
        """KV-cache bytes per token at a given element size (FP16: 2 bytes)."""
        return self.kv_elements_per_token * bytes_per_element

    @functools.cached_property
    def activation_elements_per_token(self) -> float:
        """Activation elements read and written per token per forward pass, logits
        excluded: the inputs and outputs of every linear layer, unfused (an upper bound
        on activation traffic; the attention score matrix is assumed to stay on chip,
        FlashAttention-style)."""
        d, q, kv, f = self.hidden, self.attention_dim, self.kv_dim, self.ffn
        attention = (d + q) + (d + kv) * 2 + (q + d)
        mlp_inputs = 2 if self.gated_mlp else 1
        mlp = self.experts_per_token * (mlp_inputs * (d + f) + (f + d))
        return float(self.layers * (attention + mlp) + d)

    @property
    def logit_elements(self) -> float:
        """Vocabulary logits written per position that produces a token (decoders)."""
        return float(self.vocab) if self.kind == "decoder" else 0.0

    @functools.cached_property
    def working_set_elements_per_token(self) -> float:
        """Activation elements live at once per token in flight: the residual stream in
        and out plus the widest MLP intermediate (gate and up for a gated MLP)."""
        mlp_inputs = 2 if self.gated_mlp else 1
        return float(2 * self.hidden + mlp_inputs * self.ffn * self.experts_per_token)

    # --- MoE routing --------------------------------------------------------------
    def expected_experts_touched(self, tokens: float) -> float:
        """Expected distinct experts per layer used by ``tokens`` independently routed
        tokens with top-k routing: E x (1 - (1 - k/E)^tokens) (uniform routing)."""
        if not self.is_moe:
            return 1.0
        e, k = self.experts, self.experts_per_token
        return e * (1.0 - (1.0 - k / e) ** tokens)


class ConvLayer(BaseModel):
    """One convolution or fully connected layer, with its output resolution."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    in_channels: int = Field(gt=0)
    out_channels: int = Field(gt=0)
    kernel: int = Field(gt=0)
    stride: int = Field(1, gt=0)
    groups: int = Field(1, gt=0)
    in_size: int = Field(gt=0, description="input height = width")
    out_size: int = Field(gt=0, description="output height = width")
    bias: bool = False
    batch_norm: bool = True

    @property
    def params(self) -> float:
        weights = self.kernel**2 * self.in_channels // self.groups * self.out_channels
        extras = self.out_channels * (int(self.bias) + 2 * int(self.batch_norm))
        return float(weights + extras)

    @property
    def macs(self) -> float:
        weights = self.kernel**2 * self.in_channels // self.groups * self.out_channels
        return float(weights * self.out_size**2)

    @property
    def activation_elements(self) -> float:
        """Input read plus output written for one sample."""
        return float(self.in_channels * self.in_size**2 + self.out_channels * self.out_size**2)


class ConvNetSpec(ModelSpec):
    """A convolutional network given layer by layer; counts are sums over layers."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ModelSpec.CITED_FIELDS + ("published_macs",)

    kind: Literal["cnn"] = "cnn"
    input_size: int = Field(gt=0, description="input image height = width")
    conv_layers: tuple[ConvLayer, ...] = Field(min_length=1)
    published_macs: float = Field(gt=0, description="MACs per sample as published")

    @functools.cached_property
    def total_params(self) -> float:
        return float(sum(layer.params for layer in self.conv_layers))

    @property
    def active_params(self) -> float:
        return self.total_params

    @functools.cached_property
    def macs_per_sample(self) -> float:
        return float(sum(layer.macs for layer in self.conv_layers))

    @functools.cached_property
    def flops_per_sample(self) -> float:
        """Forward FLOPs per sample, 2 per MAC."""
        return 2.0 * self.macs_per_sample

    @functools.cached_property
    def activation_elements_per_sample(self) -> float:
        return float(sum(layer.activation_elements for layer in self.conv_layers))
