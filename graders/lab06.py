"""Lab 06: the spec (title, question, scenario, items). Every key is a call into the solver."""

import math

from mlsysim_lab import catalog
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, LabSpec,
                                 NumericItem, Option)
from mlsysim_lab.walls.fleet.collectives import ring_allreduce_bytes
from mlsysim_lab.walls.fleet.parallelism import GRADIENT_BYTES, training_step
from mlsysim_lab.walls.fleet.reliability import (HOUR, checkpoint_time_s, cluster_mtbf_s,
                                                 training_reliability, young_daly_interval_s)

MODEL, NODE = "llama-3-70b", "dgx-h100"
#: Tensor parallelism fills one node (8 GPUs on NVLink); the configuration, not a key.
TP = catalog.get_node(NODE).accelerators
#: The two cluster sizes the "what grows worse" item compares.
SMALL, LARGE = 256, 1024


def data_parallel(s, gpus=None) -> int:
    """DP replicas: GPUs / (TP x PP)."""
    return (s["gpus"] if gpus is None else gpus) // (TP * s["pp"])


def step(s, gpus=None):
    return training_step(MODEL, NODE, tp=TP, pp=s["pp"], dp=data_parallel(s, gpus),
                         global_batch=s["global_batch"])


def gradient_bytes(s) -> float:
    """The 16-bit gradients one GPU holds: its 1 / (TP x PP) share of the parameters."""
    return catalog.get_model(MODEL).total_params / (TP * s["pp"]) * GRADIENT_BYTES


def ring_bytes(s, gpus=None) -> float:
    return float(ring_allreduce_bytes(gradient_bytes(s), data_parallel(s, gpus)))


def nodes(gpus: int) -> int:
    return math.ceil(gpus / catalog.get_node(NODE).accelerators)


def mtbf_s(gpus: int) -> float:
    return float(cluster_mtbf_s(gpus, nodes(gpus)))


def reliability(s):
    return training_reliability(MODEL, s["gpus"],
                                gpus_per_node=catalog.get_node(NODE).accelerators)


def young_daly_interval(checkpoint_s: float, mtbf_s: float) -> float:
    """Young-Daly optimum checkpoint interval (s): sqrt(2 x checkpoint time x MTBF), from
    :func:`young_daly_interval_s`."""
    return float(young_daly_interval_s(checkpoint_s, mtbf_s))


def grows_worse(s) -> str:
    """Which quantity grows most (by its own ratio) from SMALL to LARGE GPUs; 'none' when
    nothing grows by more than 1.5x."""
    growth = {
        "failure_rate": mtbf_s(SMALL) / mtbf_s(LARGE),
        "ring_volume": ring_bytes(s, LARGE) / ring_bytes(s, SMALL),
        "allreduce_time": float(step(s, LARGE).dp_comm_s / step(s, SMALL).dp_comm_s),
    }
    label = max(growth, key=growth.get)
    return label if growth[label] > 1.5 else "none"


def where_lost(s) -> str:
    """Which loses the larger share of wall-clock at the student's size."""
    communication = 1.0 - float(step(s).scaling_efficiency)
    return "communication" if communication > reliability(s).lost_fraction else "failures"


LAB = LabSpec(
    id="lab06", title="Scaling to 1000 GPUs",
    question="Where does training efficiency disappear at scale?",
    level="advanced", walls=(14, 15, 16),
    paths={"researcher": 6, "conference": 4},
    scenario={"gpus": Choice(values=(256, 512, 1024), default=1024),
              "global_batch": Choice(values=(512, 1024, 2048), default=1024),
              "pp": Choice(values=(2, 4), default=4)},
    goals=("Compute the bytes a ring all-reduce moves per GPU and see that they do not grow "
           "with the number of GPUs.",
           "Estimate the data-parallel gradient all-reduce time over InfiniBand and the "
           "scaling efficiency of a TP x PP x DP training step.",
           "Compute a cluster's MTBF from per-component failure rates and the Young-Daly "
           "checkpoint interval.",
           "Compare the wall-clock lost to failures (checkpoints, rework, restarts) with the "
           "wall-clock lost to communication and the pipeline bubble."),
    minutes=50,
    discussion=("At a fixed global batch, why does adding data-parallel replicas lower the "
                "scaling efficiency even though each GPU's all-reduce bytes stay the same?",
                "The restart term of the lost fraction grows linearly with the cluster while "
                "checkpoint and rework grow as its square root: at what scale, and with what "
                "storage and recovery stack, would failures overtake communication?"),
    items=(
        NumericItem("ring_bytes",
                    "the bytes each GPU sends in the ring all-reduce of its "
                    "gradients across the DP replicas", unit="GB",
                    key=lambda s: ring_bytes(s) / 1e9, tolerance=Banded()),
        NumericItem("dp_allreduce",
                    "the time of that all-reduce over InfiniBand NDR (one port "
                    "per GPU)",
                    unit="s", key=lambda s: float(step(s).dp_comm_s), tolerance=Banded(),
                    hint="seconds"),
        ChoiceItem("grows_worse", f"The cluster grows from {SMALL} to {LARGE} GPUs (same TP, "
                   "PP and global batch). Which of these grows about as fast as the cluster?",
                   options=(
            Option("failure_rate", "the cluster's failure rate",
                   why="it is the sum of every GPU's and node's rate, so the MTBF falls as 1 / GPUs"),
            Option("ring_volume", "the gradient bytes each GPU sends in the ring all-reduce",
                   misconception="communication volume per GPU grows linearly with GPU count: "
                                 "the ring moves 2 (p - 1)/p x the message, about twice the "
                                 "message whatever p is"),
            Option("allreduce_time", "the time of the gradient all-reduce",
                   misconception="more peers make the all-reduce slower in proportion: its "
                                 "bandwidth term is about constant, only the small latency "
                                 "term grows with p"),
            Option("none", "none of them",
                   why="each changes by a few percent at most",
                   misconception="failures are rare enough to ignore at 1,000 GPUs: a "
                                 "cluster fails whenever any one of its parts does")),
            key=grows_worse),
        NumericItem("efficiency",
                    "the scaling efficiency (ideal compute time / step time) of"
                    " one training step on your cluster", unit="",
                    key=lambda s: float(step(s).scaling_efficiency), tolerance=Banded(),
                    hint="a fraction, not a percentage"),
        NumericItem("mtbf",
                    "the mean time between failures of your whole cluster",
                    unit="hour", key=lambda s: mtbf_s(s["gpus"]) / HOUR, tolerance=Banded(),
                    hint="hours"),
        NumericItem("young_daly",
                    "the Young-Daly checkpoint interval on your cluster",
                    unit="minute", key=lambda s: float(young_daly_interval_s(
                        checkpoint_time_s(MODEL), mtbf_s(s["gpus"]))) / 60.0,
                    tolerance=Banded(),
                    hint="minutes"),
        FunctionItem("young_daly_fn",
                     "`young_daly_interval(checkpoint_s, mtbf_s)` returning the"
                     " Young-Daly checkpoint interval in seconds",
                     reference=young_daly_interval,
                     arguments={"checkpoint_s": FloatRange(1e-2, 1e4),
                                "mtbf_s": FloatRange(1e2, 1e9)},
                     variable="young_daly_interval"),
        NumericItem("reliability_loss",
                    "the share of wall-clock lost to checkpoint writes, rework "
                    "after failures and restarts, checkpointing at the Young-"
                    "Daly interval",
                    unit="percent", key=lambda s: float(reliability(s).lost_fraction) * 100.0,
                    tolerance=Banded()),
        ChoiceItem("where_lost",
                   "On your cluster, what loses the larger share of wall-clock:"
                   " `'communication'` (communication and the pipeline bubble) "
                   "or `'failures'` (checkpoints, rework and restarts)?",
                   options=(
            Option("communication", "communication and the pipeline bubble",
                   why="they tax every step, while a failure costs only a checkpoint's worth of rework"),
            Option("failures", "failures",
                   why="checkpoint writes, rework and restarts",
                   misconception="frequent failures must dominate: with checkpoints at the "
                                 "Young-Daly interval each failure costs little, while "
                                 "communication taxes every single step")),
            key=where_lost),
    ))
