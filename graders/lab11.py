"""Lab 11: the spec (title, question, scenario, items). Every key is a call into the solver.

The predictions are what reasoning about the space can tell: the memory of the simplest
configuration (states and activations), whether the cheapest configuration needs model
parallelism at all, and, once the search has run, how many points the time-cost front
holds."""

import functools

from mlsysim_lab import catalog
from mlsysim_lab.explore import Constraint, explore, training_evaluator
from mlsysim_lab.grading import (Absolute, Banded, Choice, ChoiceItem, LabSpec, NumericItem,
                                 Option)
from mlsysim_lab.walls.fleet.parallelism import training_step

NODE = "dgx-h100"
#: The design space: every TP that stays inside one 8-GPU node, pipelines up to 16
#: stages, 1 to 128 data-parallel replicas and micro-batches of 1 to 16 sequences.
SPACE = {"tp": (1, 2, 4, 8), "pp": (1, 2, 4, 8, 16), "dp": tuple(range(1, 129)),
         "micro_batch": (1, 2, 4, 8, 16)}
OBJECTIVES = {"step_s": "min", "cost_per_step_usd": "min"}
#: The front's size follows by deduction once its cheapest point and the cap are known
#: (one point per GPU count between them), so it is graded exactly.
EXACT = Absolute(atol=0.5)
#: The data-parallel configuration whose memory the lab asks for (every cap allows it).
DP_GPUS = 32


def constraints(max_gpus: int) -> list[Constraint]:
    """Memory fit (the GPU's HBM) and the cluster's size."""
    capacity = catalog.get_hardware(catalog.get_node(NODE).accelerator).memory_capacity
    return [Constraint("memory_bytes", "<=", capacity),
            Constraint("devices", "<=", max_gpus)]


@functools.lru_cache(maxsize=None)
def _result(model: str, seq_len: int, global_batch: int, zero_stage: int, max_gpus: int):
    evaluator = training_evaluator(model, NODE, global_batch=global_batch, seq_len=seq_len,
                                   zero_stage=zero_stage)
    return explore(evaluator, SPACE, objectives=OBJECTIVES, constraints=constraints(max_gpus))


def result(s):
    """The exploration of the student's scenario."""
    return _result(s["model"], s["seq_len"], s["global_batch"], s["zero_stage"], s["max_gpus"])


def cheapest_family(s) -> str:
    """'data' if the cheapest point of the front uses data parallelism alone (TP = PP = 1),
    else 'model'."""
    cheapest = result(s).pareto_front[-1]
    return "data" if cheapest["tp"] == 1 and cheapest["pp"] == 1 else "model"


def _working_family(s) -> str:
    c = result(s).pareto_front[-1]
    return (f"cheapest point: TP {c['tp']} x PP {c['pp']} x DP {c['dp']}, "
            f"{c['devices']:.0f} GPUs, ${c['cost_per_step_usd']:.2f} per step")


def data_parallel_step(s):
    """One training step with data parallelism alone on DP_GPUS GPUs, micro-batch 1."""
    return training_step(s["model"], NODE, tp=1, pp=1, dp=DP_GPUS, micro_batch=1,
                         global_batch=s["global_batch"], seq_len=s["seq_len"],
                         zero_stage=s["zero_stage"])


def _working_memory(s) -> str:
    m = catalog.get_model(s["model"])
    states = (16 * m.total_params / DP_GPUS if s["zero_stage"] == 3
              else 4 * m.total_params + 12 * m.total_params / DP_GPUS)
    total = float(data_parallel_step(s).memory_bytes)
    return (f"weights, gradients and Adam state {states / 1e9:.3g} GB (ZeRO {s['zero_stage']}) "
            f"+ activations {(total - states) / 1e9:.3g} GB = {total / 1e9:.3g} GB per GPU")


def _working_front(s) -> str:
    front = result(s).pareto_front
    return ("front, fastest to cheapest: "
            + ", ".join(f"{p['devices']:.0f} GPUs {p['step_s']:.3g} s" for p in front))


LAB = LabSpec(
    id="lab11", title="Design Space Exploration",
    question="How do I search for the best configuration without nested loops?",
    level="advanced", walls=(14, 15, 2),
    paths={"researcher": 7},
    scenario={"model": Choice(values=("llama-3-8b", "llama-3-70b"), default="llama-3-70b"),
              "seq_len": Choice(values=(2048, 4096, 8192), default=8192),
              "global_batch": Choice(values=(256, 1024), default=1024),
              "zero_stage": Choice(values=(1, 3), default=1),
              "max_gpus": Choice(values=(64, 128, 256, 512, 1024), default=1024)},
    goals=("Declare a design space, constraints and objectives, and evaluate tens of "
           "thousands of configurations in one vectorised call instead of nested loops.",
           "Predict from memory alone what data parallelism needs per GPU and whether the "
           "cheapest configuration needs model parallelism.",
           "Read a Pareto front between step time and cost."),
    minutes=15,
    discussion=("Every point on the Pareto front is 'optimal'. How would you choose one for "
                "a run with a deadline, and for one with a fixed budget?",),
    items=(
        ChoiceItem("cheapest_family",
                   "Which parallelism does the cheapest feasible configuration of your "
                   "model use?", options=(
            Option("data", "data parallelism alone",
                   why="the 16-bit weights and gradients fit one GPU, so every GPU can hold "
                       "a whole replica, and the fewest GPUs waste the least",
                   misconception="replicas are always cheapest: a 70B model's weights and "
                                 "gradients alone (4 bytes per parameter) exceed one GPU"),
            Option("model", "tensor or pipeline parallelism",
                   why="the weights and gradients (4 bytes per parameter) exceed one GPU, so "
                       "they must be split across GPUs",
                   misconception="a large run always splits the model: an 8B model's weights "
                                 "and gradients fit one GPU, and splitting them only adds "
                                 "communication")),
            key=cheapest_family, working=_working_family),
        NumericItem("dp_memory",
                    f"the memory per GPU of {DP_GPUS} full replicas (TP = PP = 1, DP = {DP_GPUS}, "
                    "micro-batch 1) at your sequence length and ZeRO stage",
                    unit="GB", key=lambda s: float(data_parallel_step(s).memory_bytes) / 1e9,
                    tolerance=Banded(), working=_working_memory),
        NumericItem("front_points",
                    "how many configurations lie on the Pareto front of step time and cost "
                    "per step (the cheapest point and your GPU cap are known by now)", unit="",
                    key=lambda s: len(result(s).pareto_front), tolerance=EXACT,
                    hint="a whole number", working=_working_front),
    ))
