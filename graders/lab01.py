"""Lab 01: the spec (title, question, scenario, items). Every key is a call into the solver."""

from mlsysim_lab import catalog
from mlsysim_lab.explain import explain
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, LabSpec,
                                 NumericItem, Option, Relative, Values)
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node import decode_step, first_compute_bound_batch, roofline

OLD = "a100"               # the GPU being replaced
CONTEXT = 1024             # tokens of context in the batch-1 comparison
SHORT_CONTEXT = 32         # tokens of context in the batch sweep (KV traffic stays small)
MAX_BATCH = 4096   # the crossover batch is searched in 1 .. MAX_BATCH


def decode_time_lower_bound(params: float, bytes_per_param: float, bandwidth: float) -> float:
    """Batch-1 decode time per token (s) >= weight bytes / memory bandwidth: the memory
    time of :func:`roofline` for a step that reads every weight once (its FLOPs and the
    peak do not enter the memory time)."""
    return float(roofline(0.0, params * bytes_per_param, 1.0, bandwidth).memory_s)


def flops_ratio(s) -> float:
    """Dense FP16 peak of the new GPU over the A100's."""
    return catalog.get_hardware(s["new_gpu"]).peak("fp16") / catalog.get_hardware(OLD).peak("fp16")


def batch1(s, hardware):
    return decode_step(s["model"], hardware, batch=1, context=CONTEXT)


def speedup(s) -> float:
    """Batch-1 decode step time on the A100 over that on the new GPU."""
    return float(batch1(s, OLD).latency_s / batch1(s, s["new_gpu"]).latency_s)


def speedup_follows(s) -> str:
    """The resource whose ratio the speedup tracks, from the differential explainer."""
    e = explain(batch1(s, OLD), batch1(s, s["new_gpu"]))
    if e.wall_a == e.wall_b == names.BANDWIDTH:
        return "bandwidth"
    if e.wall_a == e.wall_b == names.COMPUTE:
        return "flops"
    return "shift"


def crossover(s, hardware) -> float:
    """Smallest batch whose decode step (short context) is compute-bound and fits."""
    return first_compute_bound_batch(s["model"], hardware, context=SHORT_CONTEXT,
                                     max_batch=MAX_BATCH)


def crossover_shift(s) -> str:
    """Which GPU needs the larger batch to turn compute-bound (within 10 %: the same)."""
    old, new = crossover(s, OLD), crossover(s, s["new_gpu"])
    if abs(new / old - 1) <= 0.1:
        return "same"
    return "new" if new > old else "old"


LAB = LabSpec(
    id="lab01", title="The Memory Wall",
    question="Why doesn't 3.2x more FLOPS give 3.2x speedup?",
    level="beginner", walls=(1, 3),
    paths={"first-time": 2, "engineer": 2, "researcher": 2, "conference": 2},
    scenario={"new_gpu": Choice(values=("h100", "h200", "b200"), default="h100"),
              "model": Choice(values=("llama-3-8b", "llama-2-7b"), default="llama-3-8b")},
    goals=("Read a GPU upgrade as two ratios: peak FLOPS and memory bandwidth.",
           "Predict the decode speedup of an upgrade from the resource that binds.",
           "Write the batch-1 decode time as weight bytes over bandwidth.",
           "Find the batch at which decode turns compute-bound, and see why a newer GPU "
           "needs a larger one."),
    minutes=45,
    discussion=("Vendors advertise peak FLOPS first. For which workloads is that the right "
                "figure to compare, and for which is it the wrong one?",
                "FLOPS grew faster than bandwidth from one generation to the next. What does "
                "that do to the batch a serving system must reach to use the new GPU fully?"),
    items=(
        NumericItem("flops_ratio",
                    "the ratio of dense FP16 peak FLOP/s, new GPU over A100",
                    unit="", key=flops_ratio, tolerance=Banded(),
                    hint="a plain ratio"),
        NumericItem("speedup",
                    "the batch-1 decode speedup of the new GPU over the A100 "
                    "(A100 step time / new step time, 1,024 tokens of context)", unit="", key=speedup, tolerance=Banded(),
                    hint="a plain ratio"),
        ChoiceItem("speedup_follows",
                   "Which datasheet ratio does that speedup track?",
                   options=(
            Option("bandwidth", "the memory-bandwidth ratio",
                   why="batch-1 decode streams every weight per token and waits on memory"),
            Option("flops", "the peak-FLOPS ratio",
                   misconception="speedup follows peak FLOPS: only when compute binds"),
            Option("capacity", "the memory-capacity ratio",
                   misconception="more memory makes a model that already fits run faster")),
            key=speedup_follows),
        NumericItem("crossover_old",
                    "the smallest decode batch that is compute-bound on the "
                    "A100 (32 tokens of context)", unit="",
                    key=lambda s: crossover(s, OLD), tolerance=Banded(),
                    hint="a batch size"),
        NumericItem("crossover_new",
                    "the smallest decode batch that is compute-bound on the new"
                    " GPU (32 tokens of context)", unit="",
                    key=lambda s: crossover(s, s["new_gpu"]), tolerance=Banded(),
                    hint="a batch size"),
        ChoiceItem("crossover_shift",
                   "Which GPU needs the larger batch before decode turns "
                   "compute-bound?", options=(
            Option("new", "the new GPU",
                   why="its ridge point (FLOPS / bandwidth) is higher, so it needs more FLOPs per byte to saturate"),
            Option("old", "the A100",
                   misconception="a faster GPU reaches its peak sooner: the ridge point, not "
                                 "speed, sets the crossover"),
            Option("same", "both the same",
                   misconception="the crossover depends only on the model, not on the "
                                 "hardware's balance of FLOPS and bandwidth")),
            key=crossover_shift),
        FunctionItem("decode_bound_fn",
                     "`decode_time_lower_bound(params, bytes_per_param, "
                     "bandwidth)` returning the batch-1 decode time per token "
                     "in seconds (weights read once per token, bandwidth in "
                     "bytes/s)", reference=decode_time_lower_bound,
                     arguments={"params": FloatRange(1e8, 1e12),
                                "bytes_per_param": Values((0.5, 1.0, 2.0, 4.0)),
                                "bandwidth": FloatRange(1e11, 1e13)},
                     tolerance=Relative(rtol=1e-6),
                     variable="decode_time_lower_bound"),
    ))
