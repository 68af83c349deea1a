"""Lab 03: the spec (title, question, scenario, items). Every key is a call into the solver.

Each student serves one model (grouped-query Llama 3.1 8B with a 128K window, or
multi-head Llama 2 7B with a 4K window) with an FP16 or INT8 KV cache on one GPU of 40 to
192 GB, to users whose conversations fill 1/32, 1/4 or all of the window: paged
allocation serves many times more users than static allocation for the short ones, the
same number for the full window. The catalog's claim that "at 128K context the KV cache
alone fills an 80 GB GPU" is confronted: true for multi-head attention, not for Llama 3's
grouped-query attention."""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, Count, LabSpec, NumericItem, Option
from mlsysim_lab.walls.node.kvcache import (KVCachePlan, kv_bytes_per_token,
                                            kv_bytes_per_token_from_shape, kv_cache_capacity)

KIB = 2 ** 10
#: The catalog's claim: one 128K-token conversation of Llama 3 (8B) on one 80 GB GPU.
CLAIM_MODEL, CLAIM_CONTEXT = "llama-3.1-8b", 128 * 1024


def context(s: Mapping[str, Any]) -> int:
    """Tokens each user's conversation holds: the scenario's share of the model's window."""
    share, whole = (int(part) for part in s["fill"].split("/"))
    return catalog.get_model(s["model"]).max_context * share // whole


def plan(s: Mapping[str, Any]) -> KVCachePlan:
    """The KV-cache budget of the scenario (FP16 weights, its KV format, one GPU)."""
    return kv_cache_capacity(s["model"], s["hardware"], context=context(s),
                             kv_precision=s["kv"])


def allocation(s: Mapping[str, Any]) -> str:
    """Which allocator serves more users (static reserves the whole window per user)."""
    p = plan(s)
    ratio = p.max_sequences_paged / p.max_sequences_static
    return "paged" if ratio > 2.0 else "static" if ratio < 0.8 else "same"


def claim_gb(attention: str) -> float:
    """GB of KV cache of one 128K-token Llama 3.1 8B conversation in FP16, with its own
    grouped-query attention ('gqa') or one KV head per query head ('mha')."""
    model = catalog.get_model(CLAIM_MODEL)
    heads = model.kv_heads if attention == "gqa" else model.heads
    head_dim = model.head_dim or model.hidden // model.heads
    return float(kv_bytes_per_token_from_shape(model.layers, heads, head_dim, 2)) * CLAIM_CONTEXT / 1e9


def claim(s: Mapping[str, Any]) -> str:
    """The assumption under which one 128K conversation's cache nears 80 GB: the
    attention layout that multiplies the cache the most (the alternatives double it)."""
    return "mha" if claim_gb("mha") > 2 * claim_gb("gqa") else "fp32"


def kv_working(s: Mapping[str, Any]) -> str:
    model = catalog.get_model(s["model"])
    head_dim = model.head_dim or model.hidden // model.heads
    per_token = kv_bytes_per_token(model, "fp16", s["kv"])
    return (f"2 x {model.layers} layers x {model.kv_heads} KV heads x {head_dim} x "
            f"{per_token / (2 * model.layers * model.kv_heads * head_dim):g} B = "
            f"{per_token / KIB:,.0f} KiB per token; x {context(s):,} tokens = "
            f"{per_token * context(s) / 1e9:,.3g} GB")


def users_working(s: Mapping[str, Any]) -> str:
    p = plan(s)
    gpu = catalog.get_hardware(s["hardware"])
    return (f"({gpu.memory_capacity / 1e9:.0f} GB - {p.weight_bytes_per_device / 1e9:.2f} GB "
            f"weights) / ({context(s):,} tokens x {p.kv_bytes_per_token / KIB:,.0f} KiB) = "
            f"{p.max_sequences_paged:,.0f} users")


def allocation_working(s: Mapping[str, Any]) -> str:
    p = plan(s)
    window = catalog.get_model(s["model"]).max_context
    return (f"static reserves {window:,} tokens per user: {p.max_sequences_static:,.0f} users; "
            f"paged reserves {context(s):,}: {p.max_sequences_paged:,.0f} users")


def claim_working(s: Mapping[str, Any]) -> str:
    return (f"one 128K conversation: {claim_gb('gqa'):.1f} GB with Llama 3's GQA, "
            f"{claim_gb('mha'):.1f} GB with one KV head per query head")


LAB = LabSpec(
    id="lab03", title="KV-Cache: The Hidden Tax",
    question="What limits how many users I can serve?",
    level="intermediate", walls=(2, 5),
    paths={"first-time": 4, "engineer": 4, "half-day": 9},
    scenario={"model": Choice(values=("llama-3.1-8b", "llama-2-7b"), default="llama-3.1-8b"),
              "kv": Choice(values=("fp16", "int8"), default="fp16"),
              "hardware": Choice(values=("a100-40gb-sxm", "a100-80gb-sxm", "h200-sxm",
                                         "mi300x"), default="a100-80gb-sxm"),
              "fill": Choice(values=("1/32", "1/4", "1/1"), default="1/32")},
    goals=("Compute the KV-cache bytes one token adds, and see what grouped-query attention "
           "saves.",
           "Turn the memory left beside the weights into a number of concurrent users.",
           "Compare static (reserve the whole window) and paged allocation.",
           "Check a published claim about the KV cache against the model's architecture."),
    minutes=15,
    discussion=("A provider advertises a 128K context window. What does that promise cost "
                "in concurrency, and who pays for it?",
                "An INT8 KV cache doubles the users who fit. Which other wall does it move "
                "(think of the bytes a decode step reads)?"),
    items=(
        NumericItem("kv_per_user", "the KV cache one of your users' conversations holds",
                    unit="GB", key=lambda s: kv_bytes_per_token(s["model"], "fp16", s["kv"])
                    * context(s) / 1e9, tolerance=Banded(), working=kv_working),
        ChoiceItem("claim",
                   "A public tutorial says one 128K-token Llama 3 8B conversation fills an 80 GB "
                   "GPU. What would make that true?",
                   options=(
            Option("mha", "a KV head per query head",
                   why="multi-head attention caches 4x what Llama 3's grouped-query "
                       "attention does"),
            Option("fp32", "an FP32 cache, not FP16",
                   misconception="the cache is stored in FP32: that doubles it, not enough"),
            Option("weights", "the weights counted in too",
                   misconception="the weights fill the GPU: they are 16 GB of the 80")),
                   key=claim, working=claim_working,
                   invariant="the catalog's claim has one explanation, Llama 3's attention "
                             "layout; every student confronts it"),
        NumericItem("users", "the most users your GPU serves at your context (paged "
                             "allocation, FP16 weights)", unit="",
                    key=lambda s: plan(s).max_sequences_paged, tolerance=Count(),
                    hint="a number of users", working=users_working),
        ChoiceItem("allocation",
                   "Static (the whole window per user) or paged allocation: which serves "
                   "more of your users?",
                   options=(
            Option("paged", "paged serves more",
                   why="a static reservation sits mostly empty; a page wastes under 16 tokens",
                   misconception="paging always wins by a lot: when conversations fill the "
                                 "window, both reserve the same"),
            Option("same", "about the same",
                   why="the conversations fill the window, so nothing reserved is wasted",
                   misconception="reserving the window costs nothing: a static allocator "
                                 "holds the reserved memory whether or not tokens arrive"),
            Option("static", "static serves more",
                   misconception="paging overhead outweighs reservation waste: a paged "
                                 "sequence wastes under one page")),
                   key=allocation, working=allocation_working),
    ))
