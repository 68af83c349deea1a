"""Lab 03: the spec (title, question, scenario, items). Every key is a call into the solver."""

from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FunctionItem, IntRange, LabSpec,
                                 NumericItem, Option, Values)
from mlsysim_lab.walls.node.kvcache import (kv_bytes_per_token, kv_bytes_per_token_from_shape,
                                           kv_cache_capacity)

#: The one-GPU model (Llama 3.1: the 128K-token window; Llama 3 8B stops at 8K).
MODEL = "llama-3.1-8b"
#: The multi-GPU model and its tensor-parallel node (8 x H100).
BIG_MODEL, BIG_HARDWARE, BIG_DEVICES = "llama-3.1-70b", "h100", 8
#: The contexts the concurrency items ask about (tokens held per user).
CONTEXT_8K, CONTEXT_32K, CONTEXT_128K = 8 * 1024, 32 * 1024, 128 * 1024
KIB = 2 ** 10


def kv_bytes_per_token_reference(layers: int, kv_heads: int, head_dim: int,
                                 bytes_per_element: float) -> float:
    """KV bytes per token = 2 (K and V) x layers x KV heads x head_dim x bytes/element,
    from :func:`kv_bytes_per_token_from_shape`."""
    return float(kv_bytes_per_token_from_shape(layers, kv_heads, head_dim, bytes_per_element))


def paged_users(s, context: int, **options) -> float:
    """Concurrent sequences of ``context`` tokens that fit with paged allocation."""
    return kv_cache_capacity(MODEL, s["hardware"], context=context, **options).max_sequences_paged


def allocation_winner(s) -> str:
    """Which allocator serves more users of ``s['context']`` tokens (the static one
    reserves the whole window per sequence)."""
    plan = kv_cache_capacity(MODEL, s["hardware"], context=s["context"])
    ratio = plan.max_sequences_paged / plan.max_sequences_static
    if ratio > 2.0:
        return "paged"
    return "static" if ratio < 0.8 else "same"


LAB = LabSpec(
    id="lab03", title="KV-Cache: The Hidden Tax",
    question="What limits how many users I can serve?",
    level="intermediate", walls=(2, 5),
    paths={"first-time": 4, "engineer": 4},
    scenario={"hardware": Choice(values=("h100", "a100", "h200"), default="h100"),
              "context": Choice(values=(3000, 5000, 12000), default=5000)},
    goals=("Compute the KV-cache bytes one token adds, and see what grouped-query attention "
           "saves.",
           "Turn the memory left beside the weights into a number of concurrent users at a "
           "given context length.",
           "Compare static (reserve the whole window) and paged allocation, and name the "
           "fragmentation static allocation causes.",
           "Quantify what an INT8 KV cache and tensor parallelism over 8 GPUs buy."),
    minutes=45,
    discussion=("A provider advertises a 128K context window. What does that promise cost "
                "in concurrency, and who pays for it?",
                "An INT8 KV cache doubles the users who fit. Which other wall does it move "
                "(think of the bytes a decode step reads)?"),
    items=(
        NumericItem("kv_per_token",
                    "the KV-cache bytes one token adds to Llama 3.1 8B (FP16 "
                    "cache)", unit="KiB",
                    key=lambda s: kv_bytes_per_token(MODEL, "fp16") / KIB,
                    tolerance=Banded()),
        FunctionItem("kv_bytes_fn",
                     "`kv_bytes_per_token_fn(layers, kv_heads, head_dim, "
                     "bytes_per_element)` returning bytes per token",
                     reference=kv_bytes_per_token_reference,
                     arguments={"layers": IntRange(1, 128), "kv_heads": IntRange(1, 128),
                                "head_dim": Values((64, 80, 96, 128, 256)),
                                "bytes_per_element": Values((0.5, 1.0, 2.0, 4.0))},
                     variable="kv_bytes_per_token_fn"),
        NumericItem("users_8k",
                    "the most users, each holding 8K (8,192) tokens, that fit "
                    "on your GPU", unit="",
                    key=lambda s: paged_users(s, CONTEXT_8K), tolerance=Banded(),
                    hint="a number of users"),
        NumericItem("users_32k",
                    "the same at 32K (32,768) tokens", unit="",
                    key=lambda s: paged_users(s, CONTEXT_32K), tolerance=Banded(),
                    hint="a number of users"),
        NumericItem("users_128k",
                    "the same at 128K (131,072) tokens, the full window", unit="",
                    key=lambda s: paged_users(s, CONTEXT_128K), tolerance=Banded(),
                    hint="a number of users"),
        NumericItem("static_users",
                    "the most users that fit when each request reserves the "
                    "whole window but holds only your scenario's context", unit="",
                    key=lambda s: kv_cache_capacity(MODEL, s["hardware"], context=s["context"])
                    .max_sequences_static, tolerance=Banded(),
                    hint="a number of users"),
        NumericItem("paged_users",
                    "the most users that fit with paged allocation for requests"
                    " of your scenario's context", unit="",
                    key=lambda s: paged_users(s, s["context"]), tolerance=Banded(),
                    hint="a number of users"),
        ChoiceItem("allocation",
                   "How does paged allocation compare with static allocation "
                   "for these requests: `'paged'` (serves many times more), "
                   "`'same'` (about the same), or `'static'` (static serves "
                   "more, 16-token pages)?", options=(
            Option("paged", "paged serves many times more users",
                   why="a static reservation sits almost empty (fragmentation 1 - context / window), a page wastes less than 16 tokens per sequence"),
            Option("same", "about the same number of users",
                   why="memory is only used when a token is written",
                   misconception="reserving the maximum context costs nothing: a static "
                                 "allocator holds the reserved memory whether or not the "
                                 "tokens ever arrive"),
            Option("static", "static serves more",
                   why="paging wastes memory in page tables and partly filled pages",
                   misconception="paging overhead outweighs reservation waste: a paged "
                                 "sequence wastes under one page, a static one the unused "
                                 "rest of the window")),
            key=allocation_winner),
        NumericItem("int8_users",
                    "the most users at 32K tokens with an INT8 KV cache (paged,"
                    " weights still FP16)", unit="",
                    key=lambda s: paged_users(s, CONTEXT_32K, kv_precision="int8"),
                    tolerance=Banded(),
                    hint="a number of users"),
        NumericItem("tp_users",
                    "the most users of Llama 3.1 70B at 32K tokens on 8 x H100 "
                    "(paged)", unit="",
                    key=lambda s: kv_cache_capacity(BIG_MODEL, BIG_HARDWARE, context=CONTEXT_32K,
                                                    devices=BIG_DEVICES).max_sequences_paged,
                    tolerance=Banded(),
                    hint="a number of users"),
    ))
