"""Lab 11: the spec (title, question, scenario, items). Every key is a call into the solver."""

import functools
from typing import Sequence

import numpy as np

from mlsysim_lab import catalog
from mlsysim_lab.explore import Constraint, explore, training_evaluator
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FunctionItem, IntRange, LabSpec,
                                 NumericItem, Option, Values)
from mlsysim_lab.walls.fleet.parallelism import training_step

MODEL, NODE = "llama-3-70b", "dgx-h100"
#: The design space: every TP that stays inside one 8-GPU node, pipelines up to 16
#: stages, 1 to 128 data-parallel replicas and micro-batches of 1 to 16 sequences.
SPACE = {"tp": (1, 2, 4, 8), "pp": (1, 2, 4, 8, 16), "dp": tuple(range(1, 129)),
         "micro_batch": tuple(range(1, 17))}
MAX_DEVICES = 1024
OBJECTIVES = {"step_s": "min", "cost_per_step_usd": "min"}


def constraints() -> list[Constraint]:
    """Memory fit (the GPU's HBM) and the cluster's size."""
    capacity = catalog.get_hardware(catalog.get_node(NODE).accelerator).memory_capacity
    return [Constraint("memory_bytes", "<=", capacity),
            Constraint("devices", "<=", MAX_DEVICES)]


@functools.lru_cache(maxsize=None)
def _result(seq_len: int, global_batch: int):
    evaluator = training_evaluator(MODEL, NODE, global_batch=global_batch, seq_len=seq_len)
    return explore(evaluator, SPACE, objectives=OBJECTIVES, constraints=constraints())


def result(s):
    """The exploration of the student's scenario (sequence length, global batch)."""
    return _result(s["seq_len"], s["global_batch"])


def memory_removed(s) -> int:
    """Configurations that obey every other rule (TP inside a node, layers and heads
    divisible, the batch splitting into micro-batches, at most MAX_DEVICES GPUs) but do
    not fit in the GPU's memory."""
    points = result(s).points
    step = training_step(MODEL, NODE, tp=points["tp"], pp=points["pp"], dp=points["dp"],
                         micro_batch=points["micro_batch"], global_batch=s["global_batch"],
                         seq_len=s["seq_len"])
    return int(np.sum((step.reason == "memory") & (step.devices <= MAX_DEVICES)))


def family(tp: int, pp: int) -> str:
    """The family of a configuration: a pipeline, tensor + data parallelism, or data
    parallelism alone."""
    if pp > 1:
        return "pipeline"
    return "dp_only" if tp == 1 else "tp_dp"


def winning_family(s) -> str:
    best = result(s).best
    return family(best["tp"], best["pp"])


def front_trade(s) -> str:
    """What the fastest Pareto point buys its speed with, compared with the cheapest."""
    front = result(s).pareto_front
    fastest, cheapest = front[0], front[-1]
    if fastest["devices"] > cheapest["devices"]:
        return "more_gpus"
    return "fewer_gpus"


def on_pareto_front(i: int, times: Sequence[float], costs: Sequence[float]) -> float:
    """1 if point ``i`` is on the Pareto front of (time, cost), both minimised, else 0,
    from :func:`explore`. Exact duplicates do not dominate each other, and the front of
    :func:`explore` keeps one of them: a point is on the front when a front point has its
    time and cost."""
    t, c = np.asarray(times, dtype=float), np.asarray(costs, dtype=float)
    result = explore(lambda p: {"time": t[p["i"]], "cost": c[p["i"]]}, {"i": range(t.size)},
                     objectives={"time": "min", "cost": "min"})
    front = {(point["time"], point["cost"]) for point in result.pareto_front}
    return float((times[i], costs[i]) in front)


#: Small lists for the Pareto filter: six points each, with ties on one objective and
#: repeated values so that the "no worse on both, better on one" rule matters.
TIMES = ((1.0, 2.0, 3.0, 4.0, 5.0, 6.0), (3.0, 1.0, 2.0, 1.0, 5.0, 3.0),
         (2.0, 2.0, 2.0, 1.0, 1.0, 3.0), (5.0, 4.0, 3.0, 2.0, 1.0, 0.5),
         (1.5, 1.5, 2.5, 0.5, 4.0, 2.5), (2.0, 2.0, 2.0, 2.0, 2.0, 2.0))
COSTS = ((6.0, 5.0, 4.0, 3.0, 2.0, 1.0), (1.0, 2.0, 2.0, 3.0, 1.0, 0.5),
         (3.0, 3.0, 1.0, 4.0, 2.0, 1.0), (1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
         (2.0, 1.0, 1.0, 5.0, 0.5, 1.0), (4.0, 1.0, 3.0, 1.0, 2.0, 6.0))


LAB = LabSpec(
    id="lab11", title="Design Space Exploration",
    question="How do I search for the best configuration without nested loops?",
    level="advanced", walls=(14, 15, 2),
    paths={"researcher": 7},
    scenario={"seq_len": Choice(values=(2048, 4096), default=4096),
              "global_batch": Choice(values=(512, 1024), default=1024)},
    goals=("Declare a design space, constraints and objectives, and evaluate tens of "
           "thousands of configurations in one vectorised call instead of nested loops.",
           "Count what a memory-fit constraint removes from a training design space.",
           "Predict which family of TP x PP x DP configurations trains a 70B model fastest "
           "on up to 1,024 H100 GPUs, and why.",
           "Read a Pareto front between step time and cost, and implement the Pareto "
           "filter."),
    minutes=50,
    discussion=("The fastest configuration pays a pipeline bubble that the TP = 8, PP = 1 "
                "configuration does not. What does it save in exchange, and which modelling "
                "assumption (no overlap of the gradient all-reduce with the backward pass) "
                "would narrow the gap?",
                "Every point on the Pareto front is 'optimal'. How would you choose one for "
                "a run with a deadline, and for one with a fixed budget?"),
    items=(
        NumericItem("memory_removed",
                    "among the configurations that need at most 1,024 GPUs and "
                    "break no rule, how many does the memory-fit constraint "
                    "remove (TP inside a node, divisibility, at most 1,024 "
                    "GPUs)?", unit="", key=memory_removed, tolerance=Banded(),
                    hint="a count of configurations"),
        ChoiceItem("family",
                   "Which family has the shortest step: `'pipeline'` (TP inside"
                   " a node, PP > 1, DP for the rest), `'tp_dp'` (TP = 8 "
                   "filling the node, PP = 1, DP across nodes), `'dp_only'` (TP"
                   " = 1, PP = 1) or `'tp_across_nodes'` (TP wider than a "
                   "node)?",
                   options=(
            Option("pipeline", "TP within a node, PP > 1, DP for the rest",
                   why="tensor parallelism inside a node (TP <= 8), a pipeline (PP > 1) and data "
                       "parallelism for the rest: each GPU holds a small shard, so its gradient "
                       "all-reduce is short and its memory light"),
            Option("tp_dp", "TP = 8 within a node, PP = 1, DP across nodes",
                   misconception="PP is always worse: the bubble costs a share of the "
                                 "step, but without a pipeline every GPU all-reduces an "
                                 "eighth of all the gradients over InfiniBand on every step"),
            Option("dp_only", "no model parallelism (TP = 1, PP = 1)",
                   why="data parallelism with ZeRO-1 alone",
                   misconception="data parallelism alone scales a 70B model: ZeRO-1 shards "
                                 "only the optimizer state, while the 16-bit weights and "
                                 "gradients of all 70 B parameters, plus the activations, "
                                 "stay on each GPU and do not fit 80 GB"),
            Option("tp_across_nodes", "TP = 16 across two nodes, DP for the rest",
                   misconception="TP = 8 across nodes is as good as inside one: its "
                                 "all-reduces run on every layer and need NVLink; over "
                                 "InfiniBand they would dominate the step (the solver "
                                 "rejects TP wider than a node)")),
            key=winning_family),
        NumericItem("best_step",
                    "the step time of the fastest feasible configuration",
                    unit="s", key=lambda s: result(s).best["step_s"], tolerance=Banded(),
                    hint="seconds"),
        NumericItem("best_tokens_per_s",
                    "the training throughput of that configuration",
                    unit="token/s", key=lambda s: result(s).best["tokens_per_s"],
                    tolerance=Banded(),
                    hint="tokens per second"),
        FunctionItem("pareto_fn",
                     "`on_front(i, times, costs)` returning 1 if point `i` is "
                     "on the Pareto front of the lists `times` and `costs` "
                     "(both minimised), else 0 (time, cost)",
                     reference=on_pareto_front,
                     arguments={"i": IntRange(0, 5), "times": Values(TIMES),
                                "costs": Values(COSTS)}, examples=200,
                     variable="on_front"),
        NumericItem("pareto_points",
                    "how many configurations lie on the Pareto front between "
                    "step time and cost per step?", unit="",
                    key=lambda s: len(result(s).pareto_front), tolerance=Banded(),
                    hint="a count"),
        ChoiceItem("front_trade",
                   "Compared with the cheapest point of the front, what does "
                   "the fastest point buy its speed with?", options=(
            Option("more_gpus", "more GPUs",
                   why="the step gets shorter, but each step costs more GPU-hours because efficiency falls as the cluster grows"),
            Option("fewer_gpus", "fewer GPUs, used more efficiently",
                   misconception="the fastest configuration is also the cheapest: more GPUs "
                                 "finish sooner, so they must cost less per step; in fact "
                                 "communication and the bubble grow, and so do GPU-hours")),
            key=front_trade),
    ))
