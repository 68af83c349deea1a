"""Lab 06: the spec (title, question, scenario, items). Every key is a call into the solver.

The catalog this course follows quotes a cluster MTBF of "~20 h at 1,024 GPUs". Published
interruption rates give longer: the Llama 3 405B run saw 419 unexpected interruptions in
54 days on 16,384 H100 GPUs (Dubey et al. 2024, Table 5; the ``failure-rate-per-gpu`` and
``failure-rate-per-node`` assumptions), and 16 times fewer GPUs fail 16 times less often.
A fleet with OPT-175B's rate (the high end of the ``failure-rate-spread`` assumption)
fails more often than the rule says. The ``fleet`` knob draws one of the two, and the
lab asks whether the rule is optimistic or pessimistic for the student's fleet.
"""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.grading import Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.walls.fleet.collectives import ring_allreduce_bytes
from mlsysim_lab.walls.fleet.parallelism import GRADIENT_BYTES, training_step
from mlsysim_lab.walls.fleet.reliability import HOUR, cluster_mtbf_s

MODEL, NODE = "llama-3-70b", "dgx-h100"
#: Tensor parallelism fills one node (8 GPUs on NVLink); the configuration, not a key.
TP = catalog.get_node(NODE).accelerators
#: The growth the "efficiency at scale" item asks about (same global batch).
GROWTH = 4
#: The catalog's headline: a cluster MTBF of about 20 hours at 1,024 GPUs.
CATALOG_MTBF_H, CATALOG_GPUS = 20.0, 1024
#: How far published fleets' failure rates spread (Llama 3 = 1, OPT-175B = the high end).
SPREAD = catalog.get_assumption("failure-rate-spread")

Scenario = Mapping[str, Any]


def fleet_factor(s: Scenario) -> float:
    """The fleet's failure rates as a multiple of Llama 3's: the low (Llama 3) or high
    (OPT-175B) end of the ``failure-rate-spread`` assumption."""
    return SPREAD.low if s["fleet"] == "llama-3" else SPREAD.high


def step(s: Scenario, growth: int = 1) -> Any:
    """The student's training step (TP fills a node, their PP, DP = GPUs / (TP x PP))."""
    return training_step(MODEL, NODE, tp=TP, pp=s["pp"], dp=growth * s["gpus"] // (TP * s["pp"]),
                         global_batch=s["global_batch"])


def failure_rates(s: Scenario) -> tuple[float, float]:
    """The fleet's failures per GPU-hour and per node-hour."""
    f = fleet_factor(s)
    return (f * catalog.get_assumption("failure-rate-per-gpu").value,
            f * catalog.get_assumption("failure-rate-per-node").value)


def mtbf_h(s: Scenario, n: int) -> float:
    """The MTBF in hours of an ``n``-GPU cluster with the fleet's failure rates."""
    gpu_rate, node_rate = failure_rates(s)
    return float(cluster_mtbf_s(n, n // TP, gpu_failure_rate=gpu_rate,
                                node_failure_rate=node_rate)) / HOUR


def rule(s: Scenario) -> str:
    """Whether the catalog's 20 h at 1,024 GPUs is optimistic (the fleet's own 1,024-GPU
    cluster fails more often) or pessimistic (it fails less often)."""
    return "pessimistic" if mtbf_h(s, CATALOG_GPUS) > CATALOG_MTBF_H else "optimistic"


def _allreduce_working(s: Scenario) -> str:
    ib = catalog.get_fabric(catalog.get_node(NODE).scale_out_fabric)
    p = s["gpus"] // (TP * s["pp"])
    n = catalog.get_model(MODEL).total_params / (TP * s["pp"]) * GRADIENT_BYTES
    return (f"2 ({p} - 1) / {p} x {n / 1e9:.2f} GB / {ib.bandwidth / 1e9:.0f} GB/s + 2 ({p} - 1) x "
            f"{ib.latency * 1e6:.1f} us = {float(step(s).dp_comm_s):.3f} s "
            f"({ring_allreduce_bytes(n, p) / 1e9:.2f} GB sent per GPU)")


def _efficiency_working(s: Scenario) -> str:
    big = step(s, GROWTH)
    return (f"{GROWTH} x the GPUs: compute {float(big.compute_s):.3f} s, bubble "
            f"{float(big.bubble_s):.3f} s, TP {float(big.tp_comm_s):.3f} s, PP "
            f"{float(big.pp_comm_s):.3f} s, DP {float(big.dp_comm_s):.3f} s: "
            f"{100 * float(big.scaling_efficiency):.1f} % of the step computes")


def _rule_working(s: Scenario) -> str:
    n, (g, d) = CATALOG_GPUS, failure_rates(s)
    return (f"your fleet at {n:,} GPUs: 1 / ({n} x {g:.3g} + {n // TP} x {d:.3g}) per hour = "
            f"{mtbf_h(s, n):.1f} h, against the rule's {CATALOG_MTBF_H:.0f} h")


LAB = LabSpec(
    id="lab06", title="Scaling to 1000 GPUs",
    question="Where does training efficiency disappear at scale?",
    level="advanced", walls=(14, 15, 16),
    paths={"researcher": 6, "conference": 4, "half-day": 4},
    scenario={"gpus": Choice(values=(256, 512, 1024), default=1024),
              "global_batch": Choice(values=(512, 1024, 2048), default=1024),
              "pp": Choice(values=(2, 4, 8), default=4),
              "fleet": Choice(values=("llama-3", "opt-175b"), default="llama-3")},
    goals=("Compute a ring all-reduce of the gradients over InfiniBand and see that it does "
           "not shrink as GPUs are added.",
           "Predict where the efficiency of a TP x PP x DP step goes when the cluster grows "
           "at a fixed global batch.",
           "Compute a cluster's MTBF from per-component failure rates, and confront a "
           "published rule of thumb with them.",
           "Weigh what failures cost against what communication costs."),
    minutes=15,
    discussion=("At a fixed global batch, why does adding data-parallel replicas lower the "
                "scaling efficiency even though each GPU's all-reduce bytes stay the same?",
                f"Two fleets' failure rates differ by {SPREAD.high:.1f}x. What would you "
                "measure before quoting an MTBF for a new cluster?"),
    items=(
        NumericItem("dp_allreduce", "the time of the ring all-reduce of your GPU's gradient "
                    "shard across the DP replicas, over InfiniBand (one port per GPU)",
                    unit="s", key=lambda s: float(step(s).dp_comm_s), hint="seconds",
                    working=_allreduce_working),
        NumericItem("efficiency_4x", f"the scaling efficiency (compute time / step time) when "
                    f"your cluster grows {GROWTH}x at the same global batch, TP and PP",
                    unit="%", key=lambda s: 100 * float(step(s, GROWTH).scaling_efficiency),
                    working=_efficiency_working),
        ChoiceItem("rule", f"'A {CATALOG_GPUS:,}-GPU cluster fails every "
                   f"{CATALOG_MTBF_H:.0f} h.' With your fleet's failure rates, is that rule "
                   f"optimistic (your {CATALOG_GPUS:,}-GPU cluster would fail more often) or "
                   "pessimistic (less often)?",
                   options=(
            Option("optimistic", "your fleet fails more often than that",
                   why="your fleet's 1,024-GPU cluster fails more often than every 20 h",
                   misconception="every large fleet fails as often as the worst published "
                                 "one: Llama 3's failed less often than the rule says"),
            Option("pessimistic", "your fleet fails less often than that",
                   why="your fleet's 1,024-GPU cluster fails less often than every 20 h",
                   misconception="failure rates are the same in every fleet: OPT-175B's "
                                 f"failed {SPREAD.high:.1f}x as often per node as Llama 3's")),
            key=rule, working=_rule_working),
    ))
