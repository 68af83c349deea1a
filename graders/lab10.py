"""Lab 10: the spec (title, question, scenario, items). Every key is a call into the solver."""

from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, LabSpec,
                                 NumericItem, Option, Relative)
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node import decode_step
from mlsysim_lab.walls.node.streaming import streaming_crossover_batch, weight_streaming_step

#: The GPU cluster: one DGX-class node, 8 x H100 with 8-way tensor parallelism.
GPU, GPUS = "h100", 8
#: The wafer-scale system: on-wafer SRAM, weights streamed in from MemoryX.
WAFER = "cerebras-cs2"


def crossover_batch(layer_weight_bytes: float, peak_flops: float, injection_bandwidth: float,
                    flops_per_sequence: float) -> float:
    """B* = layer weight bytes x peak / (injection bandwidth x FLOPs per sequence per layer):
    the batch at which computing one layer takes as long as streaming its weights in, from
    :func:`streaming_crossover_batch`."""
    return float(streaming_crossover_batch(layer_weight_bytes, peak_flops, injection_bandwidth,
                                           flops_per_sequence))


def gpu_decode(s):
    """One decode step on the GPU node."""
    return decode_step(s["model"], GPU, batch=s["batch"], context=s["context"], devices=GPUS)


def wafer_decode(s):
    """One decode step on the wafer."""
    return weight_streaming_step(s["model"], WAFER, batch=s["batch"], new_tokens=1,
                                 context=s["context"])


def wafer_prefill(s):
    """One prefill step on the wafer (one prompt; B* and the ceiling do not depend on it)."""
    return weight_streaming_step(s["model"], WAFER, batch=1, new_tokens=s["prompt"], context=0)


def faster(s) -> str:
    """Which system finishes the decode step first."""
    ratio = float(wafer_decode(s).time_s / gpu_decode(s).latency_s)
    return "gpu" if ratio > 1 else "wafer"


def yes_no(flag) -> str:
    return "yes" if bool(flag) else "no"


_WALLS_GPU = (
    Option(names.BANDWIDTH, "memory bandwidth",
           why="each GPU streams its share of the weights from HBM every step, for about 2 FLOPs per weight per sequence"),
    Option(names.COMPUTE, "compute throughput",
           misconception="a 70B-plus model is so big that it must be compute-bound: size is "
                         "not arithmetic intensity"),
    Option(names.COMMUNICATION, "communication (the tensor-parallel all-reduces)",
           misconception="splitting a model over 8 GPUs makes the link the bottleneck: the "
                         "all-reduces add time, but reading the weights from HBM takes longer"),
)

_WALLS_WAFER = (
    Option(names.WEIGHT_STREAMING, "weight streaming",
           why="every step pulls all the weights through the injection link, which is far narrower than the SRAM"),
    Option(names.BANDWIDTH, "memory bandwidth (the on-wafer SRAM)",
           misconception="the weights are read from the 20 PB/s SRAM: in weight-streaming "
                         "mode they live off the wafer and arrive over the injection link"),
    Option(names.COMPUTE, "compute throughput",
           misconception="with SRAM that fast, the wafer's PFLOP/s must be the limit: a decode "
                         "batch brings far too few FLOPs per streamed weight"),
    Option(names.CAPACITY, "memory capacity",
           misconception="a model larger than the 40 GB of SRAM cannot run: the weights "
                         "stream layer by layer, and only two layers need to be on the wafer"),
)

LAB = LabSpec(
    id="lab10", title="GPU vs Wafer-Scale",
    question="Can a different architecture change which wall binds?",
    level="advanced", walls=(6, 3, 1),
    paths={"researcher": 5},
    scenario={"model": Choice(values=("llama-3.1-70b", "gpt3-175b"), default="llama-3.1-70b"),
              "context": Choice(values=(512, 1024), default=1024),
              "batch": Choice(values=(1, 4), default=1),
              "prompt": Choice(values=(256, 512, 1024), default=512)},
    goals=("Name the wall that binds decode on a GPU node (HBM bandwidth) and on a wafer-scale "
           "system in weight-streaming mode (the injection link).",
           "Compute the batch B* at which weight streaming stops binding, for decode and for "
           "prefill.",
           "Check B* against what on-wafer SRAM can hold, and see why decode never reaches it.",
           "Compare the decode step time on both architectures, and see why 20 PB/s of SRAM "
           "bandwidth does not help a model whose weights live off the wafer."),
    minutes=50,
    discussion=("Weight streaming was designed for training. Why does a training step reach B* "
                "easily while decode cannot?",
                "What would it take to put the wafer's SRAM bandwidth to work for inference, "
                "and which wall would bind then?"),
    items=(
        ChoiceItem("gpu_wall",
                   "Which wall binds one decode step of your model on 8 x H100?",
                   options=_WALLS_GPU, key=lambda s: str(gpu_decode(s).binding_wall)),
        NumericItem("gpu_time",
                    "the time of one decode step on 8 x H100", unit="s",
                    key=lambda s: gpu_decode(s).latency_s, tolerance=Banded(),
                    hint="seconds"),
        ChoiceItem("wafer_wall",
                   "Which wall binds the same decode step on the wafer?",
                   options=_WALLS_WAFER, key=lambda s: str(wafer_decode(s).binding_wall)),
        NumericItem("wafer_time",
                    "the time of one decode step on the wafer", unit="s",
                    key=lambda s: wafer_decode(s).time_s, tolerance=Banded(),
                    hint="seconds"),
        ChoiceItem("faster",
                   "Which system decodes faster?", options=(
            Option("gpu", "the GPU node",
                   why="8 HBM stacks feed it far faster than one injection link feeds the wafer"),
            Option("wafer", "the wafer",
                   misconception="20 PB/s of SRAM bandwidth makes the wafer 100x faster at "
                                 "decode: the weights do not live in SRAM, they are streamed "
                                 "in over the injection link every step"),
            Option("same", "about the same",
                   misconception="both are memory-bound, so they run alike: what matters is "
                                 "which memory feeds the weights, and how fast")),
            key=faster),
        FunctionItem("crossover_fn",
                     "`crossover_batch(layer_weight_bytes, peak_flops, "
                     "injection_bandwidth, flops_per_sequence)` returning B* in"
                     " sequences (bytes, FLOP/s, bytes/s and FLOPs per sequence"
                     " per layer)",
                     reference=crossover_batch,
                     arguments={"layer_weight_bytes": FloatRange(1e6, 1e11),
                                "peak_flops": FloatRange(1e12, 1e17),
                                "injection_bandwidth": FloatRange(1e9, 1e13),
                                "flops_per_sequence": FloatRange(1e6, 1e14)},
                     tolerance=Relative(rtol=1e-6),
                     variable="crossover_batch"),
        NumericItem("decode_bstar",
                    "B* for decode on the wafer", unit="",
                    key=lambda s: wafer_decode(s).crossover_batch, tolerance=Banded(),
                    hint="sequences"),
        NumericItem("sram_ceiling",
                    "the largest decode batch that fits in SRAM", unit="",
                    key=lambda s: wafer_decode(s).sram_max_batch, tolerance=Banded(),
                    hint="sequences"),
        ChoiceItem("decode_reachable",
                   "Can a decode batch on the wafer reach B*?", options=(
            Option("no", "no",
                   why="SRAM runs out of room for KV caches long before the batch gets near B*, so weight streaming binds at every batch that fits"),
            Option("yes", "yes",
                   misconception="40 GB of SRAM holds any batch: every sequence keeps its KV "
                                 "cache on the wafer, and B* asks for far more sequences "
                                 "than that room holds")),
            key=lambda s: yes_no(wafer_decode(s).crossover_reachable)),
        NumericItem("prefill_bstar",
                    "B* for the prefill of prompts of your scenario's length "
                    "(in prompts per step)", unit="",
                    key=lambda s: wafer_prefill(s).crossover_batch, tolerance=Banded(),
                    hint="prompts per step"),
        ChoiceItem("prefill_reachable",
                   "Can a prefill batch on the wafer reach B*?", options=(
            Option("yes", "yes",
                   why="each prompt brings its length in tokens of FLOPs per streamed weight, so B* drops by that factor and SRAM holds that many prompts",
                   misconception="B* falls by the prompt length in prefill, so it is always "
                                 "reachable: each prompt also keeps that many tokens of KV in "
                                 "SRAM, so the ceiling falls too, and a big model leaves "
                                 "little room"),
            Option("no", "no",
                   why="B* drops by the prompt length, but each prompt's KV and activations also grow with it, and SRAM cannot hold B* prompts",
                   misconception="prefill is stuck behind the same wall as decode: each "
                                 "prompt brings its length in tokens of FLOPs per streamed "
                                 "weight, so B* falls by that factor")),
            key=lambda s: yes_no(wafer_prefill(s).crossover_reachable)),
    ))
