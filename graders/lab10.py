"""Lab 10: the spec (title, question, scenario, items). Every key is a call into the solver.

One wafer-scale model (:mod:`mlsysim_lab.walls.node.wafer`): the weights live in the SRAM
of N wafers when they fit (a layer pipeline), else they stream in from external memory
over the injection link, on one wafer."""

from mlsysim_lab import catalog
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, Count, LabSpec, NumericItem, Option
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node import decode_step
from mlsysim_lab.walls.node.wafer import wafer_regime

#: The GPU node: 8 x H100 with 8-way tensor parallelism.
GPU, GPUS = "h100", 8
#: The wafer-scale system.
WAFER = "cerebras-cs2"
PRECISION = "fp16"
#: The most wafers the search for a resident layout tries.
MAX_WAFERS = 16


def gpu_decode(s):
    """One decode step on the GPU node."""
    return decode_step(s["model"], GPU, batch=s["batch"], context=s["context"], devices=GPUS)


def wafer_decode(s, wafers=None):
    """One decode step on the scenario's wafers (or ``wafers``)."""
    return decode_step(s["model"], WAFER, batch=s["batch"], context=s["context"],
                       devices=wafers or s["wafers"])


def wafers_needed(s) -> int:
    """The fewest wafers whose SRAM holds the weights (the resident regime) with the
    scenario's KV cache and activations too."""
    model, wafer = catalog.get_model(s["model"]), catalog.get_hardware(WAFER)
    for count in range(1, MAX_WAFERS + 1):
        if (wafer_regime(model, wafer, scheme(PRECISION), count) == "resident"
                and bool(wafer_decode(s, count).feasible)):
            return count
    raise ValueError(f"{model.name} needs more than {MAX_WAFERS} wafers")


def faster(s) -> str:
    """Which system finishes the decode step first."""
    return "wafer" if float(wafer_decode(s).latency_s) < float(gpu_decode(s).latency_s) else "gpu"


def _ms(seconds) -> str:
    return f"{float(seconds) * 1e3:.3g} ms"


def _working_needed(s) -> str:
    m = catalog.get_model(s["model"])
    sram = catalog.get_hardware(WAFER).memory_capacity
    return (f"weights {m.total_params * 2 / 1e9:.3g} GB (+ KV and activations) / "
            f"{sram / 1e9:.0f} GB of SRAM per wafer -> {wafers_needed(s)} wafer(s)")


def _working_wall(s) -> str:
    r = wafer_decode(s)
    return (f"{r.regime}; compute time / memory time (SRAM or injection) = "
            f"{float(r.compute_s / r.memory_s):.3g} -> {r.binding_wall}")


def _working_time(s) -> str:
    r = wafer_decode(s)
    return (f"max(compute {_ms(r.compute_s)}, memory {_ms(r.memory_s)}) + links "
            f"{_ms(r.communication_s)} = {_ms(r.latency_s)}")


def _working_faster(s) -> str:
    return (f"wafer {_ms(wafer_decode(s).latency_s)} vs 8 x H100 "
            f"{_ms(gpu_decode(s).latency_s)}")


WALLS = (
    Option(names.WEIGHT_STREAMING, "weight streaming",
           why="the weights do not fit this many wafers' SRAM, so every step pulls them "
               "all through the injection link",
           misconception="weights always stream into a wafer: once they fit the wafers' "
                         "SRAM they stay there, and the link carries only activations"),
    Option(names.COMPUTE, "compute throughput",
           why="with the weights resident, each layer's region works through the sequences "
               "one after another, and its share of the PFLOP/s is the limit",
           misconception="a wafer's PFLOP/s always bind: a model that does not fit the SRAM "
                         "waits on the injection link, far slower than the compute"),
    Option(names.BANDWIDTH, "SRAM bandwidth",
           why="a mixture of experts at this batch touches nearly every expert, so each "
               "sequence passes more weight bytes than its active FLOPs can hide",
           misconception="decode is memory-bound on every device: at 20 PB/s each layer's "
                         "region reads its weights faster than it computes"),
    Option(names.COMMUNICATION, "links between wafers",
           why="the activations crossing the wafer boundaries take longer than the layers",
           misconception="splitting across wafers makes the links bind: only one token's "
                         "activations per sequence cross each boundary"),
)

LAB = LabSpec(
    id="lab10", title="GPU vs Wafer-Scale",
    question="Can a different architecture change which wall binds?",
    level="advanced", walls=(6, 3, 1, 2),
    paths={"researcher": 5, "half-day": 10},
    scenario={"model": Choice(values=("llama-3.1-8b", "mixtral-8x7b", "llama-3.1-70b"),
                             default="llama-3.1-70b"),
              "wafers": Choice(values=(1, 4, 8), default=1),
              "batch": Choice(values=(1, 16), default=1),
              "context": Choice(values=(512, 2048), default=512)},
    goals=("Size a wafer-scale deployment by its SRAM: how many wafers hold the weights.",
           "Name the wall that binds decode on the wafers, streamed or resident, and compare "
           "with 8 x H100.",
           "Time a decode step on the wafers from the regime's equation."),
    minutes=15,
    discussion=("Why does the wafer win by a wide margin once the weights fit, and lose by a "
                "wider one when they do not?",),
    items=(
        NumericItem("wafers_needed",
                    "the fewest wafers whose SRAM holds your model's weights (with your "
                    "batch's KV cache)", unit="", key=wafers_needed, tolerance=Count(),
                    hint="a whole number", working=_working_needed),
        ChoiceItem("wafer_wall", "Which wall binds a decode step on your wafers?",
                   options=WALLS, key=lambda s: str(wafer_decode(s).binding_wall),
                   working=_working_wall),
        NumericItem("wafer_time", "the time of one decode step on your wafers", unit="ms",
                    key=lambda s: float(wafer_decode(s).latency_s) * 1e3, tolerance=Banded(),
                    working=_working_time),
        ChoiceItem("faster", "Which decodes your batch faster: your wafers or 8 x H100?",
                   options=(
            Option("wafer", "the wafers",
                   why="with the weights resident, SRAM and compute feed each layer far "
                       "faster than 8 HBM stacks",
                   misconception="the wafer is always faster: streamed over the injection "
                                 "link, the weights arrive a hundred times slower than from "
                                 "HBM"),
            Option("gpu", "the GPU node",
                   why="the weights stream over one injection link, far narrower than 8 HBM "
                       "stacks",
                   misconception="GPUs always win at decode: once the weights sit in SRAM "
                                 "the wafers are far faster")),
            key=faster, working=_working_faster),
    ))
