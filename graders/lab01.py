"""Lab 01: the spec (title, question, scenario, items). Every key is a call into the solver.

Each student replaces one GPU by another (upgrades whose FLOPS and bandwidth ratios
differ, and whose ridge point rises, falls or stays put) and serves one model at one
decode batch: batch 1 and 8 are memory-bound on every device, batch 1,024 compute-bound,
so the speedup tracks the bandwidth ratio for some students and the FLOPS ratio for
others."""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.explain import explain
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, Count, LabSpec, NumericItem, Option
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node import StepResult, decode_step, first_compute_bound_batch

#: Tokens each sequence holds in its KV cache (short chat turns: the weights dominate).
CONTEXT = 32
#: Crossover batches within this factor of each other count as the same.
SAME_WITHIN = 0.1

UPGRADES = ("a100-80gb-sxm -> h100-sxm", "a100-80gb-sxm -> b200", "a100-80gb-sxm -> mi300x",
            "h100-sxm -> h200-sxm", "a100-40gb-sxm -> a100-80gb-sxm", "h100-sxm -> b200")


def gpus(s: Mapping[str, Any]) -> tuple[str, str]:
    """The (old, new) device ids of the scenario's upgrade."""
    old, new = (part.strip() for part in s["upgrade"].split("->"))
    return old, new


def step(s: Mapping[str, Any], hardware: str) -> StepResult:
    """One FP16 decode step of the scenario's model and batch, CONTEXT cached tokens each."""
    return decode_step(s["model"], hardware, batch=s["batch"], context=CONTEXT)


def speedup(s: Mapping[str, Any]) -> float:
    """Decode step time on the old GPU over that on the new one."""
    old, new = gpus(s)
    return float(step(s, old).latency_s / step(s, new).latency_s)


def speedup_follows(s: Mapping[str, Any]) -> str:
    """The resource whose ratio the speedup tracks, from the differential explainer."""
    old, new = gpus(s)
    e = explain(step(s, old), step(s, new))
    follows = {names.BANDWIDTH: "bandwidth", names.COMPUTE: "flops"}
    return follows.get(e.wall_b, "shift") if e.wall_a == e.wall_b else "shift"


def crossover(s: Mapping[str, Any], hardware: str) -> float:
    """Smallest decode batch (CONTEXT cached tokens each) that is compute-bound and fits."""
    return first_compute_bound_batch(s["model"], hardware, context=CONTEXT)


def crossover_shift(s: Mapping[str, Any]) -> str:
    """Which GPU needs the larger batch to turn compute-bound (within 10 %: the same)."""
    old, new = (crossover(s, gpu) for gpu in gpus(s))
    if abs(new / old - 1) <= SAME_WITHIN:
        return "same"
    return "new" if new > old else "old"


def speedup_working(s: Mapping[str, Any]) -> str:
    lines = []
    for label, gpu in zip(("old", "new"), gpus(s)):
        r = step(s, gpu)
        lines.append(f"{label}: max({r.compute_s * 1e3:.3g} ms compute, {r.memory_s * 1e3:.3g} ms "
                     f"memory) = {r.latency_s * 1e3:.3g} ms")
    return "; ".join(lines) + f"; speedup {speedup(s):.2f}x"


def follows_working(s: Mapping[str, Any]) -> str:
    old, new = (catalog.get_hardware(gpu) for gpu in gpus(s))
    a, b = step(s, old.id), step(s, new.id)
    return (f"{a.bottleneck}-bound on the old GPU, {b.bottleneck}-bound on the new; speedup "
            f"{speedup(s):.2f}x against bandwidth ratio "
            f"{new.memory_bandwidth / old.memory_bandwidth:.2f}x and FLOPS ratio "
            f"{new.peak('fp16') / old.peak('fp16'):.2f}x")


def crossover_working(s: Mapping[str, Any], hardware: str) -> str:
    first = int(crossover(s, hardware))
    below, at = (decode_step(s["model"], hardware, batch=b, context=CONTEXT)
                 for b in (max(first - 1, 1), first))
    return (f"ridge {at.ridge_point:.0f} FLOP/B; intensity {below.arithmetic_intensity:.0f} "
            f"FLOP/B at batch {max(first - 1, 1)}, {at.arithmetic_intensity:.0f} at batch {first}")


def shift_working(s: Mapping[str, Any]) -> str:
    old, new = gpus(s)
    a, b = crossover(s, old), crossover(s, new)
    return f"old GPU from batch {a:.0f}, new GPU from batch {b:.0f}: ratio {b / a:.2f}"


LAB = LabSpec(
    id="lab01", title="The Memory Wall",
    question="When does an upgrade's FLOPS ratio set its speedup, and when its bandwidth ratio?",
    level="beginner", walls=(1, 3),
    paths={"first-time": 2, "engineer": 2, "researcher": 2, "conference": 2, "half-day": 2},
    scenario={"upgrade": Choice(values=UPGRADES, default=UPGRADES[0]),
              "model": Choice(values=("llama-3-8b", "llama-2-7b"), default="llama-3-8b"),
              "batch": Choice(values=(1, 8, 1024), default=1)},
    goals=("Read a GPU upgrade as two ratios: peak FLOPS and memory bandwidth.",
           "Predict the decode speedup of an upgrade from the bound that binds on each GPU.",
           "Find the batch at which decode turns compute-bound on each GPU.",
           "See that the ridge point, not speed, sets which GPU needs the larger batch."),
    minutes=20,
    discussion=("Vendors advertise peak FLOPS first. For which workloads is that the right "
                "figure to compare, and for which is it the wrong one?",
                "FLOPS grew faster than bandwidth from one generation to the next. What does "
                "that do to the batch a serving system must reach to use the new GPU fully?"),
    items=(
        NumericItem("speedup",
                    f"the decode speedup of your upgrade at your batch (old step time / new "
                    f"step time, {CONTEXT} cached tokens per sequence)", unit="",
                    key=speedup, tolerance=Banded(), hint="a plain ratio",
                    working=speedup_working),
        ChoiceItem("speedup_follows", "Which datasheet ratio does that speedup track?",
                   options=(
            Option("bandwidth", "the bandwidth ratio",
                   why="memory binds on both GPUs: the step waits on bytes",
                   misconception="an upgrade speeds decode up by its bandwidth: only while "
                                 "memory binds, and a large batch makes compute bind"),
            Option("flops", "the FLOPS ratio",
                   why="compute binds on both GPUs: the batch shares every weight read",
                   misconception="speedup follows peak FLOPS: only when compute binds"),
            Option("capacity", "the capacity ratio",
                   misconception="more memory makes a model that already fits run faster")),
                   key=speedup_follows, working=follows_working),
        NumericItem("crossover_old",
                    f"the smallest decode batch that is compute-bound on the old GPU "
                    f"({CONTEXT} cached tokens per sequence)", unit="",
                    key=lambda s: crossover(s, gpus(s)[0]), tolerance=Count(),
                    hint="a batch size", working=lambda s: crossover_working(s, gpus(s)[0])),
        NumericItem("crossover_new",
                    f"the smallest decode batch that is compute-bound on the new GPU "
                    f"({CONTEXT} cached tokens per sequence)", unit="",
                    key=lambda s: crossover(s, gpus(s)[1]), tolerance=Count(),
                    hint="a batch size", working=lambda s: crossover_working(s, gpus(s)[1])),
        ChoiceItem("crossover_shift",
                   "Which GPU needs the larger batch before decode turns compute-bound?",
                   options=(
            Option("new", "the newer GPU",
                   why="its ridge point (FLOPS / bandwidth) is higher",
                   misconception="a newer GPU always needs a larger batch: only if its FLOPS "
                                 "grew more than its bandwidth"),
            Option("old", "the older GPU",
                   why="its ridge point (FLOPS / bandwidth) is higher",
                   misconception="a faster GPU reaches its peak sooner: the ridge point, not "
                                 "speed, sets the crossover"),
            Option("same", "about the same",
                   why="the two ridge points are within about 10 % of each other",
                   misconception="the crossover depends only on the model, not on the "
                                 "hardware's balance of FLOPS and bandwidth")),
                   key=crossover_shift, working=shift_working),
    ))
