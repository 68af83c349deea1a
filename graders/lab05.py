"""Lab 05: the spec (title, question, scenario, items). Every key is a call into the solver."""

import numpy as np

from mlsysim_lab.grading import Banded, Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.algorithm.quantization import (baseline_precision,
                                                      batch_where_speedup_falls_below,
                                                      compare_precisions)
from mlsysim_lab.walls.node import decode_step

#: The LLM decode case: memory-bound, on an H100.
LLM, LLM_HARDWARE = "llama-3-8b", "h100"
#: The compute-bound case: ResNet-50 inference at a large batch on an A100.
CNN, CNN_HARDWARE = "resnet-50", "a100"
#: The model that newly fits on one 80 GB GPU once quantized.
BIG = "llama-3-70b"
#: The speedup threshold of the "when does INT4 stop paying" item.
THRESHOLD = 1.5
#: Decode batches swept for the "does INT4 give 4x" item (NaN where memory runs out).
BATCHES = np.arange(1, 1025, dtype=float)


def llm_speedup(s, precision: str) -> float:
    """Batch-1 decode speedup of ``precision`` over FP16 at the scenario's context."""
    row, = compare_precisions(LLM, LLM_HARDWARE, schemes=(precision,), batch=1,
                              tokens=s["context"])
    return row.speedup


def cnn_speedup(s, precision: str) -> float:
    """ResNet-50 forward-pass speedup of ``precision`` over FP16 at the scenario's batch."""
    row, = compare_precisions(CNN, CNN_HARDWARE, schemes=(precision,), batch=s["resnet_batch"])
    return row.speedup


def int4_falls_below(s) -> float:
    batch = batch_where_speedup_falls_below(LLM, LLM_HARDWARE, "w4a16", THRESHOLD,
                                            context=s["context"])
    return float("nan") if batch is None else float(batch)


def int4_verdict(s) -> str:
    """Compare the W4A16 decode speedup over the whole feasible batch range with the
    weight byte ratio (4 for INT4 vs FP16)."""
    base = decode_step(LLM, LLM_HARDWARE, batch=BATCHES, context=s["context"],
                       precision=baseline_precision(LLM_HARDWARE))
    fast = decode_step(LLM, LLM_HARDWARE, batch=BATCHES, context=s["context"],
                       precision="w4a16")
    speedup = base.latency_s / fast.latency_s
    best, worst = np.nanmax(speedup), np.nanmin(speedup)
    ratio = scheme(baseline_precision(LLM_HARDWARE)).weight_bytes / scheme("w4a16").weight_bytes
    if best > 1.01 * ratio:
        return "more"
    if worst > 0.97 * ratio:
        return "exactly"
    return "none" if best < 1.1 else "below"


LAB = LabSpec(
    id="lab05", title="Quantization: Not a Free Lunch",
    question="Does INT4 always give 4x speedup?",
    level="intermediate", walls=(12, 2, 3),
    paths={"first-time": 6, "researcher": 3},
    scenario={"context": Choice(values=(512, 1024, 2048, 4096), default=1024),
              "resnet_batch": Choice(values=(64, 128, 256), default=256)},
    goals=("Predict the decode speedup of W8A16, W4A16 and FP8 (W8A8) from the bytes each "
           "step moves.",
           "Explain why the speedup stays below the weight byte ratio, and find the batch "
           "where the INT4 gain falls below 1.5x.",
           "See why weight-only quantization gains nothing on compute-bound work while "
           "W8A8 gains the peak ratio.",
           "Decide which models newly fit in memory once quantized."),
    minutes=45,
    discussion=("A vendor quotes '4x faster with INT4'. Under which batch, context and "
                "hardware conditions is that claim closest to true, and when is it false?",
                "Quantization can be worth it even where it buys no speed. What else does "
                "it buy, and what does it cost (the accuracy notes are empirical rules)?"),
    items=(
        NumericItem("speedup_w8a16",
                    "the batch-1 decode speedup of W8A16 over FP16", unit="",
                    key=lambda s: llm_speedup(s, "w8a16"), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("speedup_w4a16",
                    "the same for W4A16", unit="",
                    key=lambda s: llm_speedup(s, "w4a16"), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("speedup_fp8",
                    "the same for FP8 (W8A8: weights and math in FP8)",
                    unit="", key=lambda s: llm_speedup(s, "fp8"), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("int4_batch",
                    "the smallest decode batch at which W4A16 is less than 1.5x"
                    " faster than FP16, at your context", unit="",
                    key=int4_falls_below, tolerance=Banded(),
                    hint="a batch size"),
        ChoiceItem("int4_4x",
                   "Does W4A16 make decode 4x faster than FP16: `'below'` (no: "
                   "a little under 4x at batch 1, shrinking with batch), "
                   "`'exactly'` (yes, at any batch), `'more'` (more than 4x) or"
                   " `'none'` (no gain at all, INT4 weights)?", options=(
            Option("below", "no",
                   why="a little under 4x at batch 1, because the KV cache and the activations stay 16-bit, and the gain shrinks as the batch grows"),
            Option("exactly", "yes",
                   why="the weights are 4x smaller, so every step is 4x faster at any batch",
                   misconception="the speedup equals the weight byte ratio: it forgets the "
                                 "16-bit KV-cache and activation traffic, which grows with "
                                 "the batch and the context"),
            Option("more", "more than 4x",
                   why="4-bit arithmetic is also faster than FP16",
                   misconception="weight-only INT4 computes in 4 bits: W4A16 dequantizes "
                                 "to FP16 and runs at the FP16 peak (the H100 has no INT4 "
                                 "peak at all)"),
            Option("none", "no gain",
                   why="quantization saves memory, not time",
                   misconception="quantization only saves capacity: memory-bound decode "
                                 "time is bytes moved / bandwidth, so fewer bytes means "
                                 "less time")),
            key=int4_verdict),
        NumericItem("resnet_w4a16",
                    "the speedup of W4A16 over FP16 for ResNet-50 inference at "
                    "your batch", unit="",
                    key=lambda s: cnn_speedup(s, "w4a16"), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("resnet_int8",
                    "the same for INT8 (W8A8, W8A8: weights and math in INT8)",
                    unit="", key=lambda s: cnn_speedup(s, "int8"), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("weights_70b",
                    "the weight memory of Llama 3 70B at W4A16", unit="GB",
                    key=lambda s: compare_precisions(BIG, LLM_HARDWARE, schemes=("w4a16",),
                                                     tokens=s["context"])[0].weight_bytes / 1e9,
                    tolerance=Banded()),
    ))
