"""Lab 00: the spec (title, question, scenario, items). Every key is a call into the solver.

The scenario crosses the ridge on purpose: the decode batch and the prompt length land on
either side of it for different students (at least 1.17x away from it, so a careful
estimate decides the regime), on seven devices whose ridges span 139-295 FLOP/B."""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.walls.node import StepResult, decode_step, prefill

LLM = "llama-3-8b"
#: Tokens each sequence of the decode batch holds in its KV cache (the first turns of a chat).
CONTEXT = 64


def ridge(s: Mapping[str, Any]) -> float:
    """Ridge point (FLOP/B) = peak FP16 FLOP/s / memory bandwidth (B/s), from the datasheet."""
    return catalog.get_hardware(s["hardware"]).ridge_point("fp16")


def decode(s: Mapping[str, Any]) -> StepResult:
    """One FP16 decode step of Llama 3 8B: the scenario's batch, CONTEXT cached tokens each."""
    return decode_step(LLM, s["hardware"], batch=s["batch"], context=CONTEXT)


def prefill_of(s: Mapping[str, Any]) -> StepResult:
    """The FP16 prefill of one prompt of the scenario's length."""
    return prefill(LLM, s["hardware"], prompt_tokens=s["prompt"])


def ridge_working(s: Mapping[str, Any]) -> str:
    gpu = catalog.get_hardware(s["hardware"])
    return (f"{gpu.peak('fp16') / 1e12:.0f} TFLOP/s / {gpu.memory_bandwidth / 1e12:.2f} TB/s "
            f"= {ridge(s):.0f} FLOP/B")


def intensity_working(step: StepResult) -> str:
    return (f"{step.roofline.flops / 1e9:,.1f} GFLOP / {step.roofline.bytes_moved / 1e9:,.2f} GB "
            f"moved = {step.arithmetic_intensity:,.1f} FLOP/B")


def regime_working(step: StepResult) -> str:
    side = ">=" if step.bottleneck == "compute" else "<"
    return (f"{intensity_working(step)} {side} ridge {step.ridge_point:.0f} FLOP/B: "
            f"{step.bottleneck}-bound")


def regime_options(*, memory_why: str, memory_mistake: str, compute_why: str,
                   compute_mistake: str) -> tuple[Option, Option]:
    """The two walls of the roofline as options (their reasons depend on the workload)."""
    return (Option("memory", "memory bandwidth", why=memory_why, misconception=memory_mistake),
            Option("compute", "compute throughput", why=compute_why,
                   misconception=compute_mistake))


LAB = LabSpec(
    id="lab00", title="Hello, Roofline",
    question="Is my model memory-bound or compute-bound?",
    level="beginner", walls=(1, 3),
    paths={"first-time": 1, "engineer": 1, "researcher": 1, "conference": 1, "half-day": 1},
    scenario={"hardware": Choice(values=("v100-sxm2-32gb", "a100-40gb-sxm", "a100-80gb-sxm",
                                         "h100-sxm", "h200-sxm", "b200", "mi300x"),
                                 default="a100-80gb-sxm"),
              "batch": Choice(values=(1, 8, 64, 512, 1024), default=1),
              "prompt": Choice(values=(16, 64, 1024, 4096), default=1024)},
    goals=("Compute a device's ridge point from its datasheet peak and bandwidth.",
           "Estimate the arithmetic intensity of a decode step from the bytes it moves.",
           "Place decode and prefill on either side of the ridge.",
           "See that per-sequence traffic caps what batching can do."),
    minutes=15,
    discussion=("Why can the same model sit on opposite sides of the ridge in decode and "
                "prefill?", "A newer GPU raises FLOPS faster than bandwidth: what happens to "
                "the ridge point and to workloads that were compute-bound?"),
    items=(
        NumericItem("ridge", "the ridge point of your GPU in FP16", unit="FLOP/B",
                    key=ridge, tolerance=Banded(), working=ridge_working),
        NumericItem("decode_intensity",
                    f"the arithmetic intensity of one decode step of your batch "
                    f"({CONTEXT} cached tokens per sequence)", unit="FLOP/B",
                    key=lambda s: decode(s).arithmetic_intensity, tolerance=Banded(),
                    working=lambda s: intensity_working(decode(s))),
        ChoiceItem("decode_regime", "Which wall binds that decode step?",
                   options=regime_options(
                       memory_why="each weight read serves too few tokens to pass the ridge",
                       memory_mistake="decode is always memory-bound: a large batch shares "
                                      "each weight read among enough tokens to pass the ridge",
                       compute_why="the batch shares each weight read among enough tokens "
                                   "to pass the ridge",
                       compute_mistake="a batch always makes decode compute-bound: each "
                                       "sequence's KV and activation bytes grow with it"),
                   key=lambda s: decode(s).bottleneck,
                   working=lambda s: regime_working(decode(s))),
        ChoiceItem("prefill_regime", "Which wall binds the prefill of your prompt?",
                   options=regime_options(
                       memory_why="a short prompt shares each weight read among few tokens",
                       memory_mistake="prefill is memory-bound like decode: a long prompt "
                                      "shares each weight read among all its tokens",
                       compute_why="the prompt's tokens share each weight read, far above "
                                   "the ridge",
                       compute_mistake="prefill is always compute-bound: a short prompt is "
                                       "a handful of tokens per weight read"),
                   key=lambda s: prefill_of(s).bottleneck,
                   working=lambda s: regime_working(prefill_of(s))),
    ))
