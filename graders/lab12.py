"""Lab 12: the spec (title, question, scenario, items). Every key is a call into
the solver (the full-stack audit and the walls it composes)."""

import functools

from mlsysim_lab.audit import AuditConfig, audit
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, IntRange,
                                 LabSpec, NumericItem, OrderOfMagnitude, Option)
from mlsysim_lab.walls import names
from mlsysim_lab.walls.fleet.parallelism import training_wall_clock_s

MODEL, HARDWARE = "llama-3-70b", "h100"

#: The audit's binding-wall names, as the short option labels students type.
WALL_LABELS = {
    names.wall(1): "compute", names.wall(2): "capacity", names.wall(3): "bandwidth",
    names.wall(8): "ingestion", names.wall(9): "transformation", names.wall(10): "storage",
    "none (data keeps up)": "none",
    names.wall(11): "scaling_laws", names.wall(12): "quantization", names.wall(13): "reasoning",
    names.wall(14): "communication", names.wall(15): "synchronization",
    names.wall(16): "reliability",
    names.wall(17): "energy", names.wall(18): "carbon", names.wall(19): "cost",
    names.wall(21): "sensitivity",
}


def config(s) -> AuditConfig:
    """The audited run: Llama-3-70B on the student's H100 count in their region, with the
    compute-optimal (Chinchilla) token budget."""
    return AuditConfig(model=MODEL, hardware=HARDWARE, devices=s["devices"], region=s["region"])


@functools.lru_cache(maxsize=None)
def _report(devices: int, region: str):
    return audit(AuditConfig(model=MODEL, hardware=HARDWARE, devices=devices, region=region))


def report(s):
    return _report(s["devices"], s["region"])


def wall(s, domain: str) -> str:
    """The binding wall of one domain, as an option label."""
    return WALL_LABELS[report(s).binding_walls[domain]]


def training_days(flops: float, devices: int, peak_flops: float, mfu: float,
                  lost_fraction: float) -> float:
    """Wall-clock days of :func:`training_wall_clock_s`: model FLOPs / (devices x peak x
    MFU), divided by the goodput (1 - the share lost to checkpoints, rework and restarts),
    / 86,400 s per day."""
    return float(training_wall_clock_s(flops, devices, peak_flops, mfu, lost_fraction)) / 86400.0


def figure(name: str):
    return lambda s: report(s).figures[name]


LAB = LabSpec(
    id="lab12", title="Full-Stack Audit: LLaMA-70B Training",
    question="What does a complete systems analysis look like?",
    level="advanced", walls=(1, 2, 11, 14, 15, 16, 17, 18, 19, 21),
    paths={"first-time": 8, "engineer": 7, "researcher": 8, "conference": 5},
    scenario={"devices": Choice(values=(512, 1024, 4096), default=1024),
              "region": Choice(values=("quebec", "norway", "iowa", "us-average", "poland",
                                       "india"), default="us-average")},
    goals=("Compose every domain of the stack (algorithm, node, fleet, data, ops, analysis) "
           "into one audit of a training run.",
           "Estimate the days, GPU-hours, energy, carbon and cost of training Llama-3-70B on "
           "its compute-optimal token budget, before the model says.",
           "Name the binding wall at each layer and tell the walls that bind from those "
           "that only sound plausible.",
           "Use elasticities to find the most valuable single upgrade."),
    minutes=75,
    discussion=("The number of GPUs barely changes the GPU-hours, energy, carbon or cost of "
                "the run, only its days. What would make a larger cluster cost more in "
                "total, and which of the audit's assumptions hides it?",
                "Moving the same run from one region to another changes its carbon by more "
                "than an order of magnitude and its cloud bill not at all. Who should pay "
                "for that difference, and how would a carbon price change the audit table?"),
    items=(
        ChoiceItem("algorithm_wall",
                   "Which algorithm-layer wall sets how much work the run is?", options=(
            Option("scaling_laws", "scaling laws",
                   why="the compute-optimal budget of about 20 tokens per parameter and C = 6 N D set the FLOPs"),
            Option("quantization", "compression and quantization",
                   misconception="precision sets the work: BF16 mixed precision is the "
                                 "baseline of training, and weight quantization changes bytes "
                                 "moved, not the FLOPs of 6 N D"),
            Option("reasoning", "architecture efficiency and reasoning",
                   misconception="test-time reasoning drives training cost: it multiplies "
                                 "serving tokens, not the pre-training budget")),
            key=lambda s: wall(s, "algorithm")),
        ChoiceItem("node_wall",
                   "Which node-layer wall binds a training step on one GPU?",
                   options=(
            Option("compute", "compute throughput",
                   why="each step multiplies millions of tokens by every weight, far above the ridge point"),
            Option("capacity", "memory capacity",
                   misconception="a 70B model does not fit one GPU, so memory binds: it sets "
                                 "how the model is split (a feasibility gate), not how long a "
                                 "step takes once it fits"),
            Option("bandwidth", "memory bandwidth",
                   misconception="LLMs are memory-bound: decode at small batch is, but a "
                                 "training step shares each weight read among millions of "
                                 "tokens")),
            key=lambda s: wall(s, "node")),
        ChoiceItem("fleet_wall",
                   "Which term is the largest part of a training step on your "
                   "cluster?", options=(
            Option("compute", "compute",
                   why="the step's matrix multiplies take longer than its all-reduces"),
            Option("communication", "communication",
                   why="the TP all-reduces over NVLink and the gradient all-reduce over InfiniBand take longer than the compute"),
            Option("synchronization", "synchronization",
                   why="the pipeline bubble",
                   misconception="the pipeline bubble is always the big loss: the audit's "
                                 "plan fits the model with TP inside a node and no pipeline, "
                                 "so there is no bubble"),
            Option("reliability", "reliability",
                   why="failures, checkpoints and restarts",
                   misconception="at thousands of GPUs failures dominate: with checkpoints at "
                                 "the Young-Daly interval they cost about a percent of "
                                 "wall-clock or less, while communication taxes every step")),
            key=lambda s: wall(s, "fleet")),
        FunctionItem("days_fn",
                     "`training_days(flops, devices, peak_flops, mfu, "
                     "lost_fraction)` returning the wall-clock days of a run",
                     reference=training_days,
                     arguments={"flops": FloatRange(1e20, 1e26),
                                "devices": IntRange(1, 65536),
                                "peak_flops": FloatRange(1e13, 1e16),
                                "mfu": FloatRange(0.05, 0.9, log=False),
                                "lost_fraction": FloatRange(0.0, 0.5, log=False)},
                     variable="training_days"),
        NumericItem("days",
                    "the wall-clock time of the run", unit="day",
                    key=figure("days"), tolerance=Banded(),
                    hint="days"),
        NumericItem("gpu_hours",
                    "the GPU-hours of the run", unit="hour",
                    key=figure("gpu_hours"), tolerance=Banded(),
                    hint="hours"),
        ChoiceItem("data_wall",
                   "Which data-layer wall binds the run?", options=(
            Option("none", "none",
                   why="token ids are a few bytes each, and the cluster needs a tiny fraction of its local storage bandwidth"),
            Option("storage", "storage and locality bandwidth",
                   misconception="at a thousand GPUs data loading is the bottleneck: true "
                                 "of images and video, but text training reads a few MB/s "
                                 "of token ids per node"),
            Option("transformation", "data transformation (CPU preprocessing)",
                   misconception="tokenisation on the CPUs starves the GPUs: corpora are "
                                 "tokenised once, ahead of training")),
            key=lambda s: wall(s, "data")),
        NumericItem("energy_mwh",
                    "the facility energy of the run, with your region's PUE",
                    unit="MWh", key=figure("energy_mwh"), tolerance=Banded()),
        NumericItem("co2e_t",
                    "the carbon footprint of the run, operational + embodied",
                    unit="tCO2e", key=figure("co2e_t"),
                    tolerance=OrderOfMagnitude(decades=0.3)),
        NumericItem("cost_usd",
                    "the cost of the run at on-demand cloud prices",
                    unit="USD", key=figure("cost_usd"), tolerance=Banded()),
        ChoiceItem("ops_wall",
                   "Which ops-layer wall dominates the bill: `'cost'` (renting "
                   "the GPUs), `'energy'` (electricity) or `'carbon'`?", options=(
            Option("cost", "economic cost",
                   why="renting the GPUs; electricity is a small part of an on-demand price"),
            Option("energy", "energy",
                   why="the electricity bill",
                   misconception="electricity dominates the cost of training: the facility "
                                 "energy at industrial prices is on the order of a percent of "
                                 "the GPU rental"),
            Option("carbon", "sustainability",
                   why="the carbon footprint",
                   misconception="carbon is what a run costs: without a carbon price it is a "
                                 "footprint, not a line of the bill")),
            key=lambda s: wall(s, "ops")),
        ChoiceItem("upgrade",
                   "Which single upgrade shortens a step the most (the largest "
                   "elasticity of the step time)?", options=(
            Option("peak_flops", "the GPU's peak FLOP/s"),
            Option("scale_up_bandwidth", "the NVLink (scale-up) bandwidth",
                   misconception="NVLink is the bottleneck of tensor parallelism: its "
                                 "all-reduces are a minor share of the step"),
            Option("scale_out_bandwidth", "the InfiniBand (scale-out) bandwidth"),
            Option("hbm_capacity", "more HBM per GPU",
                   misconception="more memory makes training faster: once the model fits, "
                                 "capacity does not enter the step time")),
            key=lambda s: report(s).most_valuable_upgrade),
    ))
