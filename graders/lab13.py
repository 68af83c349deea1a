"""Lab 13: the spec (title, question, scenario, items). Every key is a call into the solver."""

import numpy as np

from mlsysim_lab.explain import explain
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, LabSpec,
                                 NumericItem, Option, Relative)
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node import decode_step, first_compute_bound_batch, roofline

OLD, NEW = "a100", "h100"        # the upgrade under study
MAX_BATCH = 4096     # where the crossover batches are searched: 1 .. MAX_BATCH


def roofline_speedup(flops: float, bytes_moved: float, peak_a: float, bandwidth_a: float,
                     peak_b: float, bandwidth_b: float) -> float:
    """Speedup of device B over device A on the same work:
    max(F / peak_a, bytes / bw_a) / max(F / peak_b, bytes / bw_b), the ratio of the two
    :func:`roofline` bounds."""
    return float(roofline(flops, bytes_moved, peak_a, bandwidth_a).bound_s
                 / roofline(flops, bytes_moved, peak_b, bandwidth_b).bound_s)


def pair(s, batch, context):
    """The decode step on the old and the new GPU."""
    return (decode_step(s["model"], OLD, batch=batch, context=context),
            decode_step(s["model"], NEW, batch=batch, context=context))


def explained(s, batch, context):
    a, b = pair(s, batch, context)
    return explain(a, b, label_a="A100", label_b="H100")


def crossover(s, hardware) -> int:
    """Smallest decode batch (short context) that is compute-bound and fits."""
    return int(first_compute_bound_batch(s["model"], hardware, context=s["short_context"],
                                         max_batch=MAX_BATCH))


def shift_batch(s) -> int:
    """A batch between the two crossovers (their geometric mean), so that the A100 is
    clearly compute-bound and the H100 clearly memory-bound."""
    return int(round(np.sqrt(crossover(s, OLD) * crossover(s, NEW))))


def case_batch1(s):
    return explained(s, 1, s["context"])


def case_big(s):
    return explained(s, s["big_batch"], s["short_context"])


def case_shift(s):
    return explained(s, shift_batch(s), s["short_context"])


def regime(e) -> str:
    """'memory' or 'compute' when the same wall binds both GPUs, else 'shift'."""
    if e.wall_a == e.wall_b == names.BANDWIDTH:
        return "memory"
    if e.wall_a == e.wall_b == names.COMPUTE:
        return "compute"
    return "shift"


def shift_reason(s) -> str:
    """The explanation that matches the shift case."""
    e = case_shift(s)
    low, high = sorted((e.compute_ratio, e.memory_ratio))
    if e.speedup < 1:
        return "slower"
    if e.regime_shift and low < e.speedup < high:
        return "between"
    return "flops" if regime(e) == "compute" else "bandwidth"


LAB = LabSpec(
    id="lab13", title="The Differential Explainer",
    question="Why didn't the hardware upgrade help?",
    level="intermediate", walls=(1, 3, 21),
    scenario={"model": Choice(values=("llama-3-8b", "llama-3.1-8b"), default="llama-3-8b"),
              "context": Choice(values=(512, 2048), default=2048),
              "short_context": Choice(values=(64, 128), default=128),
              "big_batch": Choice(values=(1024, 2048), default=1024)},
    goals=("Split an upgrade's speedup into its two resource ratios: peak FLOPS and memory "
           "bandwidth.",
           "Predict the speedup from the wall that binds on each GPU.",
           "Recognise a regime shift, where the speedup follows neither ratio.",
           "Read and check a generated explanation against the numbers it quotes."),
    minutes=40,
    discussion=("A benchmark reports a speedup between the FLOPS and bandwidth ratios. What "
                "does that tell you before you look at any profile?",
                "Why must an explainer refuse to compare two configurations when one of them "
                "does not fit in memory?"),
    items=(
        NumericItem("speedup_b1",
                    "the decode speedup of the H100 over the A100 in case A "
                    "(your scenario's context)", unit="",
                    key=lambda s: case_batch1(s).speedup, tolerance=Banded(),
                    hint="a plain ratio"),
        ChoiceItem("regime_b1",
                   "Which wall binds on each GPU in case A: `'memory'` (both), "
                   "`'compute'` (both) or `'shift'` (a different wall on each)?", options=(
            Option("memory", "memory bandwidth on both",
                   why="at batch 1 every weight read feeds only 2 FLOPs, so the speedup follows the bandwidth ratio"),
            Option("compute", "compute throughput on both",
                   misconception="a newer GPU is sold on its FLOPS, so that is what decode "
                                 "uses: at batch 1 both GPUs wait on HBM"),
            Option("shift", "the wall shifts between the two GPUs",
                   misconception="the faster GPU leaves the memory wall: its higher ridge "
                                 "point keeps it there even more firmly")),
            key=lambda s: regime(case_batch1(s))),
        NumericItem("speedup_big",
                    "the decode speedup of the H100 over the A100 in case B", unit="", key=lambda s: case_big(s).speedup,
                    tolerance=Banded(),
                    hint="a plain ratio"),
        ChoiceItem("regime_big",
                   "Which wall binds on each GPU in case B?", options=(
            Option("compute", "compute throughput on both",
                   why="each weight read is shared by the whole batch, which lifts the intensity above both ridge points"),
            Option("memory", "memory bandwidth on both",
                   misconception="decode is always memory-bound: not when a large batch with "
                                 "short contexts shares each weight read"),
            Option("shift", "the wall shifts between the two GPUs",
                   misconception="the H100's higher ridge point always puts it back on the "
                                 "memory wall: at this batch the intensity clears both ridges")),
            key=lambda s: regime(case_big(s))),
        NumericItem("speedup_shift",
                    "the decode speedup of the H100 over the A100 in case C "
                    "(short context)", unit="",
                    key=lambda s: case_shift(s).speedup, tolerance=Banded(),
                    hint="a plain ratio"),
        ChoiceItem("shift_explanation",
                   "Which explanation fits the case C speedup? `'between'`: the"
                   " wall shifts from compute (A100) to memory (H100), so the "
                   "speedup lies between the two ratios; `'flops'`: it equals "
                   "the FLOPS ratio; `'bandwidth'`: it equals the bandwidth "
                   "ratio; `'slower'`: the H100 is slower because it is memory-"
                   "bound", options=(
            Option("between", "between the bandwidth ratio and the FLOPS ratio",
                   why="the binding wall shifts from compute (A100) to memory (H100)"),
            Option("flops", "the FLOPS ratio",
                   misconception="the speedup equals the FLOPS ratio: only if the H100 stayed "
                                 "compute-bound too; it runs into its memory wall first"),
            Option("bandwidth", "the bandwidth ratio",
                   misconception="the speedup equals the bandwidth ratio: only if the A100 "
                                 "were memory-bound too; it is slower than its memory bound"),
            Option("slower", "below 1 (the H100 is slower)",
                   misconception="the H100 is slower because it is memory-bound: the name of "
                                 "the binding wall says which bound is larger, not that the "
                                 "step got slower")),
            key=shift_reason),
        FunctionItem("speedup_fn",
                     "`roofline_speedup(flops, bytes_moved, peak_a, "
                     "bandwidth_a, peak_b, bandwidth_b)` returning $t_A / t_B$ "
                     "(FLOPs, bytes, FLOP/s and bytes/s)",
                     reference=roofline_speedup,
                     arguments={"flops": FloatRange(1e6, 1e16),
                                "bytes_moved": FloatRange(1e6, 1e14),
                                "peak_a": FloatRange(1e12, 1e16),
                                "bandwidth_a": FloatRange(1e11, 1e13),
                                "peak_b": FloatRange(1e12, 1e16),
                                "bandwidth_b": FloatRange(1e11, 1e13)},
                     tolerance=Relative(rtol=1e-6),
                     variable="roofline_speedup"),
    ))
