"""Lab 13: the spec (title, question, scenario, items). Every key is a call into the solver.

Each student compares two serving configurations of Llama 3.1 8B decode, A and B, that
differ in device, precision (FP16, FP8, INT8 or weight-only INT4) or both, at one batch
(128 cached tokens per sequence). The sixteen cases cover the four regimes the
differential explainer distinguishes: memory-bound on both, compute-bound on both, and a
shift either way (including downgrades and a weight-only scheme that runs into the
compute wall), each at least 1.1x away from a ridge point, so a careful estimate of the
two bounds decides the explanation."""

from typing import Any, Mapping

from mlsysim_lab.explain import Explanation, explain
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node import StepResult, decode_step

MODEL = "llama-3.1-8b"
CONTEXT = 128   # tokens cached per sequence

#: "device precision -> device precision @ batch"
CASES = (
    "h100-sxm fp16 -> h100-sxm w4a16 @ 1",
    "mi300x fp16 -> h200-sxm fp16 @ 128",
    "h100-sxm fp16 -> h100-sxm fp8 @ 256",
    "l4 w4a16 -> a100-40gb-sxm fp16 @ 128",
    "h100-sxm fp16 -> h100-sxm w4a16 @ 1024",
    "a100-80gb-sxm fp16 -> h200-sxm fp16 @ 384",
    "mi300x fp16 -> h200-sxm fp16 @ 768",
    "h200-sxm fp16 -> b200 fp16 @ 768",
    "l4 w4a16 -> a100-40gb-sxm fp16 @ 1024",
    "h100-sxm fp16 -> h100-sxm fp8 @ 768",
    "h200-sxm fp16 -> b200 fp16 @ 384",
    "a100-80gb-sxm int8 -> h100-sxm fp8 @ 512",
    "a100-80gb-sxm fp16 -> h200-sxm fp16 @ 256",
    "h100-sxm fp16 -> h100-sxm w4a16 @ 256",
    "a100-80gb-sxm fp16 -> a100-80gb-sxm w4a16 @ 128",
    "b200 fp16 -> a100-80gb-sxm fp16 @ 256",
)


def parse(case: str) -> tuple[tuple[str, str], tuple[str, str], int]:
    """((device A, precision A), (device B, precision B), batch) of a case."""
    pair, batch = case.split("@")
    a, b = (tuple(side.split()) for side in pair.split("->"))
    return (a[0], a[1]), (b[0], b[1]), int(batch)


def steps(s: Mapping[str, Any]) -> tuple[StepResult, StepResult]:
    """The decode step of configuration A and of configuration B."""
    a, b, batch = parse(s["case"])
    return tuple(decode_step(MODEL, device, precision=precision, batch=batch, context=CONTEXT)
                 for device, precision in (a, b))  # type: ignore[return-value]


def explained(s: Mapping[str, Any]) -> Explanation:
    return explain(*steps(s), label_a="A", label_b="B")


def explanation(s: Mapping[str, Any]) -> str:
    """What the explainer says the speedup follows: one bound's ratio, or between them."""
    e = explained(s)
    if e.regime_shift:
        return "between"
    return {names.BANDWIDTH: "memory", names.COMPUTE: "compute"}[e.wall_a]


def lever(s: Mapping[str, Any]) -> str:
    """The figure of B whose increase would speed B up: the resource of its binding wall."""
    return {"memory": "bandwidth", "compute": "flops"}[str(steps(s)[1].bottleneck)]


def speedup_working(s: Mapping[str, Any]) -> str:
    lines = []
    for label, r in zip("AB", steps(s)):
        lines.append(f"{label}: max({r.compute_s * 1e3:.3g} ms compute, {r.memory_s * 1e3:.3g} ms "
                     f"memory) = {r.latency_s * 1e3:.3g} ms")
    return "; ".join(lines) + f"; speedup {explained(s).speedup:.2f}x"


def explanation_working(s: Mapping[str, Any]) -> str:
    e = explained(s)
    return (f"A {e.wall_a}, B {e.wall_b}; compute time shrinks {e.compute_ratio:.2f}x, memory "
            f"time {e.memory_ratio:.2f}x, the step {e.speedup:.2f}x")


def lever_working(s: Mapping[str, Any]) -> str:
    b = steps(s)[1]
    return (f"B: compute {b.compute_s * 1e3:.3g} ms, memory {b.memory_s * 1e3:.3g} ms: "
            f"{b.bottleneck}-bound, so only its "
            f"{'peak FLOP/s' if lever(s) == 'flops' else 'memory bandwidth'} shortens the step")


LAB = LabSpec(
    id="lab13", title="The Differential Explainer",
    question="Why didn't the hardware upgrade help?",
    level="intermediate", walls=(1, 3, 21),
    scenario={"case": Choice(values=CASES, default=CASES[13])},
    goals=("Split a change of configuration into its two resource ratios: compute time and "
           "memory time.",
           "Predict the speedup from the wall that binds on each side.",
           "Recognise a regime shift, where the speedup follows neither ratio.",
           "Read a generated explanation and say which figure would help next."),
    minutes=15,
    discussion=("A benchmark reports a speedup between the FLOPS and bandwidth ratios. What "
                "does that tell you before you look at any profile?",
                "Why must an explainer refuse to compare two configurations when one of them "
                "does not fit in memory?"),
    items=(
        NumericItem("speedup", "the speedup of configuration B over A (A's step time / B's)",
                    unit="", key=lambda s: explained(s).speedup, tolerance=Banded(),
                    hint="a plain ratio", working=speedup_working),
        ChoiceItem("explanation", "What will the explainer say the speedup follows?",
                   options=(
            Option("memory", "the memory-time ratio",
                   why="memory binds on both sides: the step waits on bytes",
                   misconception="the bytes always set the speedup: not once compute binds "
                                 "on either side"),
            Option("compute", "the compute-time ratio",
                   why="compute binds on both sides: the step waits on FLOPs",
                   misconception="the FLOPs always set the speedup: only when compute binds "
                                 "on both sides"),
            Option("between", "between the two ratios",
                   why="the wall shifts between A and B, so A's time and B's come from "
                       "different bounds",
                   misconception="a shift of wall is rare: it happens whenever A and B sit on "
                                 "opposite sides of their ridge points")),
                   key=explanation, working=explanation_working),
        ChoiceItem("lever", "Which figure of B would you raise to make B faster still?",
                   options=(
            Option("bandwidth", "its memory bandwidth",
                   why="B is memory-bound",
                   misconception="more bandwidth always helps: not a compute-bound step"),
            Option("flops", "its peak FLOP/s",
                   why="B is compute-bound",
                   misconception="more FLOPS always help: not a memory-bound step"),
            Option("capacity", "its memory capacity",
                   misconception="more memory makes a step that already fits run faster")),
                   key=lever, working=lever_working),
    ))
