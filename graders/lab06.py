"""Lab 06: the spec (title, question, scenario, items). Every key is a call into the solver.

The catalog this course follows quotes a cluster MTBF of "~20 h at 1,024 GPUs". Published
interruption rates give longer: the Llama 3 405B run saw 419 unexpected interruptions in
54 days on 16,384 H100 GPUs (Dubey et al. 2024, Table 5; the ``failure-rate-per-gpu`` and
``failure-rate-per-node`` assumptions), and 16 times fewer GPUs fail 16 times less often.
A fleet with OPT-175B's rate (the high end of the ``failure-rate-spread`` assumption)
fails more often than the rule says. The ``fleet`` knob draws one of the two.
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
#: Within this factor of the catalog's figure counts as "similar".
SIMILAR = 1.25

Scenario = Mapping[str, Any]


def fleet_factor(s: Scenario) -> float:
    """The fleet's failure rates as a multiple of Llama 3's: the low (Llama 3) or high
    (OPT-175B) end of the ``failure-rate-spread`` assumption."""
    spread = catalog.get_assumption("failure-rate-spread")
    return spread.low if s["fleet"] == "llama-3" else spread.high


def step(s: Scenario, growth: int = 1) -> Any:
    """The student's training step (TP fills a node, their PP, DP = GPUs / (TP x PP))."""
    return training_step(MODEL, NODE, tp=TP, pp=s["pp"], dp=growth * s["gpus"] // (TP * s["pp"]),
                         global_batch=s["global_batch"])


def mtbf_h(s: Scenario, gpus: int | None = None) -> float:
    """Cluster MTBF in hours with the fleet's failure rates."""
    n = s["gpus"] if gpus is None else gpus
    node = catalog.get_node(NODE).accelerators
    f = fleet_factor(s)
    return float(cluster_mtbf_s(
        n, n // node,
        gpu_failure_rate=f * catalog.get_assumption("failure-rate-per-gpu").value,
        node_failure_rate=f * catalog.get_assumption("failure-rate-per-node").value)) / HOUR


def catalog_verdict(s: Scenario) -> str:
    """The model's MTBF at the catalog's size with the fleet's rates, against 20 h."""
    ratio = mtbf_h(s, CATALOG_GPUS) / CATALOG_MTBF_H
    return "longer" if ratio > SIMILAR else "shorter" if ratio < 1 / SIMILAR else "similar"


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


def _mtbf_working(s: Scenario) -> str:
    f, n = fleet_factor(s), s["gpus"]
    g = f * catalog.get_assumption("failure-rate-per-gpu").value
    d = f * catalog.get_assumption("failure-rate-per-node").value
    return (f"1 / ({n} x {g:.3g} + {n // TP} x {d:.3g}) per hour = {mtbf_h(s):.1f} h")


def _catalog_working(s: Scenario) -> str:
    return (f"with your fleet's rates a {CATALOG_GPUS:,}-GPU cluster fails every "
            f"{mtbf_h(s, CATALOG_GPUS):.1f} h, against the rule's {CATALOG_MTBF_H:.0f} h")


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
           "published rule of thumb with them."),
    minutes=15,
    discussion=("At a fixed global batch, why does adding data-parallel replicas lower the "
                "scaling efficiency even though each GPU's all-reduce bytes stay the same?",
                "Two fleets' failure rates differ by 3.5x. What would you measure before "
                "quoting an MTBF for a new cluster?"),
    items=(
        NumericItem("dp_allreduce", "the time of the ring all-reduce of your GPU's gradient "
                    "shard across the DP replicas, over InfiniBand (one port per GPU)",
                    unit="s", key=lambda s: float(step(s).dp_comm_s), hint="seconds",
                    working=_allreduce_working),
        NumericItem("efficiency_4x", f"the scaling efficiency (compute time / step time) when "
                    f"your cluster grows {GROWTH}x at the same global batch, TP and PP",
                    unit="%", key=lambda s: 100 * float(step(s, GROWTH).scaling_efficiency),
                    working=_efficiency_working),
        NumericItem("mtbf", "the mean time between failures of your whole cluster, with your "
                    "fleet's failure rates", unit="hour", key=mtbf_h, hint="hours",
                    working=_mtbf_working),
        ChoiceItem("catalog_mtbf", f"A rule of thumb says a {CATALOG_GPUS:,}-GPU cluster "
                   f"fails about every {CATALOG_MTBF_H:.0f} h. With your fleet's rates, the "
                   f"model's MTBF at {CATALOG_GPUS:,} GPUs is:", options=(
            Option("longer", "longer", misconception="one rule of thumb fits every fleet: "
                   "failure rates differ by 3.5x between published fleets",
                   why="your fleet's measured rates fail less often than the rule assumes"),
            Option("similar", "about the same", misconception="the rule is a measured "
                   "constant: it implies rates about 2.5x Llama 3's, and neither published "
                   "fleet sits there",
                   why="your fleet's rates match the rule's"),
            Option("shorter", "shorter", misconception="a rule of thumb is a worst case: "
                   "a fleet like OPT-175B's fails more often than it says",
                   why="your fleet fails more often than the rule assumes")),
            key=catalog_verdict, working=_catalog_working),
    ))
