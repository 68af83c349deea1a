"""Lab 00: the spec (title, question, scenario, items). Every key is a call into the solver."""

import numpy as np

from mlsysim_lab import catalog
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, LabSpec,
                                 NumericItem, Option)
from mlsysim_lab.walls.node import decode_step, forward_pass, prefill, roofline

BATCHES = np.arange(1, 4097)


def ridge_point(peak_flops: float, bandwidth: float) -> float:
    """Ridge point (FLOP/byte) = peak FLOP/s / memory bandwidth (B/s), from
    :func:`roofline` (the ridge does not depend on the work: one FLOP, one byte)."""
    return float(roofline(1.0, 1.0, peak_flops, bandwidth).ridge_point)


def resnet_crossover(s) -> float:
    """Smallest ResNet-50 FP16 inference batch whose forward pass is compute-bound."""
    sweep = forward_pass("resnet-50", s["hardware"], batch=BATCHES)
    compute = np.flatnonzero(sweep.bottleneck == "compute")
    return float(BATCHES[compute[0]]) if compute.size else float("nan")


LAB = LabSpec(
    id="lab00", title="Hello, Roofline",
    question="Is my model memory-bound or compute-bound?",
    level="beginner", walls=(1, 3),
    paths={"first-time": 1, "engineer": 1, "researcher": 1, "conference": 1},
    scenario={"hardware": Choice(values=("a100", "v100"), default="a100"),
              "model": Choice(values=("llama-3-8b", "llama-2-7b"), default="llama-3-8b")},
    goals=("Compute a device's ridge point from its datasheet peak and bandwidth.",
           "Compute the arithmetic intensity of a workload and place it on the roofline.",
           "Predict the regime (memory- or compute-bound) of LLM decode and prefill.",
           "See how batching raises the intensity of a CNN until it crosses the ridge."),
    minutes=40,
    discussion=("Why does the same model sit on opposite sides of the ridge in decode and "
                "prefill?", "A newer GPU raises FLOPS faster than bandwidth: what happens to "
                "the ridge point and to workloads that were compute-bound?"),
    items=(
        NumericItem("ridge",
                    "the ridge point of your GPU in FP16", unit="FLOP/B",
                    key=lambda s: catalog.get_hardware(s["hardware"]).ridge_point("fp16"),
                    tolerance=Banded()),
        NumericItem("decode_intensity",
                    "the arithmetic intensity of one decode step of your model "
                    "(batch 1, 1,024 tokens of context)", unit="FLOP/B",
                    key=lambda s: decode_step(s["model"], s["hardware"], batch=1,
                                              context=1024).arithmetic_intensity,
                    tolerance=Banded()),
        ChoiceItem("decode_regime",
                   "Which wall binds that step?", options=(
            Option("memory", "memory bandwidth",
                   why="every step streams all the weights for very few FLOPs per byte"),
            Option("compute", "compute throughput",
                   misconception="a big model must be compute-bound: size is not intensity")),
            key=lambda s: decode_step(s["model"], s["hardware"], batch=1,
                                      context=1024).bottleneck),
        ChoiceItem("prefill_regime",
                   "Which wall binds the prefill of a 2,048-token prompt?",
                   options=(
            Option("compute", "compute throughput",
                   why="2,048 tokens share each weight read"),
            Option("memory", "memory bandwidth",
                   misconception="LLM inference is always memory-bound: true of decode, not "
                                 "of prefill")),
            key=lambda s: prefill(s["model"], s["hardware"], prompt_tokens=2048).bottleneck),
        NumericItem("resnet_crossover",
                    "the smallest ResNet-50 FP16 inference batch that is "
                    "compute-bound on your GPU", unit="", key=resnet_crossover,
                    tolerance=Banded(),
                    hint="a batch size"),
        FunctionItem("ridge_fn",
                     "`ridge_point(peak_flops, bandwidth)` returning FLOP/byte",
                     reference=ridge_point,
                     arguments={"peak_flops": FloatRange(1e9, 1e16),
                                "bandwidth": FloatRange(1e8, 1e13)},
                     variable="ridge_point"),
    ))
