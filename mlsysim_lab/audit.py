"""A full-stack training audit: one run, every domain, one report.

Composition (each number comes from the wall that owns it):

* algorithm: training FLOPs (wall 11), the token budget (default: compute-optimal,
  20 tokens per parameter), tokens per parameter against that rule;
* node and fleet: a TP x PP x DP configuration chosen to fit (TP inside a node, the
  fewest pipeline stages that fit with ZeRO-1), its step time, bubble, communication
  and binding wall (walls 2, 14, 15);
* time: model FLOPs / (devices x peak x MFU), then divided by the reliability goodput
  (wall 16: checkpoints, rework and restarts at the Young-Daly interval);
* data: the token read bandwidth the run needs against the node's local storage (4-byte
  token ids; walls 8-10);
* ops: energy with the region's PUE, carbon and water, cost (walls 17-19);
* analysis: elasticities of the step time with respect to the accelerator's peak, the
  scale-up and the scale-out bandwidth; the largest is the most valuable single
  upgrade (wall 21).
Defaults (MFU, failure rates, restart time, storage bandwidth, power fraction, PUE where
the region has none) are the cited assumptions of the zoo, listed in the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlsysim_lab import catalog
from mlsysim_lab.catalog.infrastructure import Node
from mlsysim_lab.taxonomy import wall_of
from mlsysim_lab.walls import names
from mlsysim_lab.walls.algorithm.scaling import CHINCHILLA_TOKENS_PER_PARAM, training_flops
from mlsysim_lab.walls.analysis.sensitivity import elasticities
from mlsysim_lab.walls.fleet.parallelism import TrainingStep, training_step
from mlsysim_lab.walls.fleet.reliability import training_reliability
from mlsysim_lab.walls.node.serving import prefill
from mlsysim_lab.walls.ops.cost import run_cost
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.walls.ops.sustainability import footprint

#: Tokens of a global batch, as in Llama 2 (Touvron et al. 2023: 4M-token batches).
DEFAULT_BATCH_TOKENS = 4 * 2**20
#: Token ids stored as 32-bit integers (vocabularies above 65,536 entries).
BYTES_PER_TOKEN_ID = 4.0
USED_ASSUMPTIONS = ("mfu-training-dense", "failure-rate-per-gpu", "failure-rate-per-node",
                    "restart-time", "checkpoint-storage-bandwidth", "training-power-fraction",
                    "embodied-carbon-per-gpu", "server-amortisation-years")


class AuditConfig(BaseModel):
    """What to audit. ``tokens=None`` means the compute-optimal budget. A ``cluster``
    sets the node, the device count and the network oversubscription. Values read from
    a settings file are converted ("1.0e12" is a number) and checked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    hardware: str | None = None
    devices: int | None = Field(None, ge=1)
    cluster: str | None = None
    tokens: float | None = Field(None, gt=0, allow_inf_nan=False)
    region: str = "us-average"
    mfu: float | None = Field(None, gt=0, le=1)
    seq_len: int = Field(4096, ge=1)
    pricing: Literal["cloud", "owned"] = "cloud"
    node: str | None = None

    @model_validator(mode="after")
    def _cluster_or_devices(self) -> "AuditConfig":
        if self.cluster is None and (self.hardware is None or self.devices is None):
            raise ValueError("give hardware and devices, or a cluster")
        return self


@dataclass
class AuditReport:
    """The audit's figures, the binding wall per domain, and the assumptions used."""

    figures: dict[str, Any]
    binding_walls: dict[str, str]
    notes: dict[str, str]
    parallelism: dict[str, Any]
    elasticities: dict[str, float]
    most_valuable_upgrade: str
    assumptions: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.figures, "binding_wall": self.binding_walls, "notes": self.notes,
                "parallelism": self.parallelism, "elasticities": self.elasticities,
                "most_valuable_upgrade": self.most_valuable_upgrade,
                "assumptions": self.assumptions}


def node_for(hardware: str, node: str | None = None) -> Node:
    """The zoo node of the given accelerator (or the named node, checked to match)."""
    device = catalog.get_hardware(hardware)
    if node is not None:
        box = catalog.get_node(node)
        if box.accelerator != device.id:
            raise ValueError(f"{box.name} holds {box.accelerator}, not {device.id}")
        return box
    for box in catalog.nodes:
        if box.accelerator == device.id:
            return box
    raise ValueError(f"no node in the zoo holds {device.name}; the audit needs one (its "
                     "fabrics, power and price)")


def choose_parallelism(model: str, box: Node, devices: int, seq_len: int) -> dict[str, Any]:
    """TP = the node's accelerators (or the largest divisor of the heads that fits in
    it); the fewest pipeline stages that fit with ZeRO-1 and micro-batch 1; DP for the
    rest; a global batch near 4M tokens divisible by DP."""
    spec = catalog.get_model(model)
    tp = max(t for t in range(1, box.accelerators + 1)
             if spec.heads % t == 0 and box.accelerators % t == 0 and devices % t == 0)
    stages = [p for p in range(1, spec.layers + 1)
              if spec.layers % p == 0 and devices % (tp * p) == 0]
    dp_of = {p: devices // (tp * p) for p in stages}
    batch_of = {p: max(1, round(DEFAULT_BATCH_TOKENS / seq_len / dp_of[p])) * dp_of[p]
                for p in stages}
    steps = training_step(spec, box, tp=tp, pp=np.array(stages), dp=np.array(
        [dp_of[p] for p in stages]), micro_batch=1, global_batch=1, seq_len=seq_len)
    fitting = [p for p, fits in zip(stages, np.atleast_1d(steps.memory_bytes <= steps.capacity_bytes))
               if fits]
    pp = fitting[0] if fitting else stages[-1]
    return {"tp": tp, "pp": pp, "dp": dp_of[pp], "micro_batch": 1,
            "global_batch": batch_of[pp], "fits": bool(fitting)}


def audit(config: AuditConfig) -> AuditReport:
    """Run the full-stack audit of one training run."""
    spec = catalog.get_model(config.model)
    region = catalog.get_region(config.region)
    box, devices, oversubscription = _where(config)
    device = catalog.get_hardware(box.accelerator)
    tokens = (CHINCHILLA_TOKENS_PER_PARAM * spec.active_params if config.tokens is None
              else float(config.tokens))
    mfu = catalog.get_assumption("mfu-training-dense").value if config.mfu is None else config.mfu

    plan = choose_parallelism(spec.id, box, devices, config.seq_len)
    if not plan["fits"]:
        raise ValueError(f"{spec.name} does not fit on {devices} x {device.name} even with "
                         f"TP={plan['tp']} and the deepest pipeline (PP={plan['pp']}): add "
                         "devices; a run that cannot start has no days, energy or cost")
    plan["oversubscription"] = oversubscription
    step = training_step(spec, box, tp=plan["tp"], pp=plan["pp"], dp=plan["dp"],
                         micro_batch=1, global_batch=plan["global_batch"],
                         seq_len=config.seq_len, oversubscription=oversubscription)
    compute = training_flops(spec, tokens, seq_len=config.seq_len)
    peak = device.peak("bf16")
    compute_s = compute.model_flops / (devices * peak * mfu)
    reliability = training_reliability(spec, devices, gpus_per_node=box.accelerators)
    goodput = float(reliability.goodput)
    wall_clock_s = compute_s / goodput if goodput > 0 else math.inf
    energy = run_energy(devices, wall_clock_s, node=box, pue=region.pue)
    carbon = footprint(energy, region)
    cost = run_cost(energy, box, region, pricing=config.pricing)
    sensitivity = _step_elasticities(spec.id, box, plan, config.seq_len)
    tokens_per_s = tokens / wall_clock_s
    read_bandwidth = tokens_per_s * BYTES_PER_TOKEN_ID / math.ceil(devices / box.accelerators)
    storage = catalog.get_storage("local-nvme")

    figures = {
        "model": spec.id, "hardware": device.id, "node": box.id, "devices": devices,
        "region": region.id, "tokens": tokens, "tokens_per_param": tokens / spec.active_params,
        "training_flops": compute.model_flops, "mfu": mfu,
        "days": wall_clock_s / 86400.0, "gpu_hours": wall_clock_s * devices / 3600.0,
        "energy_mwh": float(energy.facility_energy_mwh), "co2e_t": float(carbon.total_t),
        "operational_co2e_t": float(carbon.operational_t),
        "embodied_co2e_t": float(carbon.embodied_t), "water_l": _finite(carbon.water_l),
        "cost_usd": _finite(cost.total_usd), "cluster_mtbf_hours": float(reliability.mtbf_s) / 3600,
        "checkpoint_interval_hours": float(reliability.interval_s) / 3600,
        "lost_fraction": float(reliability.lost_fraction),
        "step_s": _finite(step.step_s), "scaling_efficiency": _finite(step.scaling_efficiency),
    }
    forward = prefill(spec, device, batch=plan["micro_batch"], prompt_tokens=config.seq_len,
                      precision="bf16", devices=plan["tp"])
    walls, notes = _binding_walls(step, forward, figures, read_bandwidth, storage.read_bandwidth,
                                  carbon, cost)
    upgrade = max(sensitivity, key=lambda k: abs(sensitivity[k]))
    return AuditReport(figures, walls, notes, plan, sensitivity, upgrade,
                       [_assumption(key) for key in USED_ASSUMPTIONS])


def _where(config: AuditConfig) -> tuple[Node, int, float]:
    """The node kind, the device count and the network oversubscription."""
    if config.cluster is None:
        return node_for(config.hardware, config.node), int(config.devices), 1.0
    cluster = catalog.get_cluster(config.cluster)
    box = catalog.get_node(cluster.node)
    devices = cluster.nodes * box.accelerators
    if config.devices is not None and config.devices != devices:
        raise ValueError(f"{cluster.name} has {devices} accelerators, not {config.devices}")
    if config.hardware is not None and catalog.get_hardware(config.hardware).id != box.accelerator:
        raise ValueError(f"{cluster.name} is built of {box.accelerator}, not {config.hardware}")
    return box, devices, cluster.oversubscription


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _assumption(key: str) -> dict[str, Any]:
    item = catalog.get_assumption(key)
    return {"id": item.id, "value": item.value, "unit": item.unit,
            "source": item.citation("value")}


def _step_elasticities(model: str, box: Node, plan: dict[str, Any], seq_len: int) -> dict[str, float]:
    device = catalog.get_hardware(box.accelerator)
    up, out = catalog.get_fabric(box.scale_up_fabric), catalog.get_fabric(box.scale_out_fabric)

    def step_time(x: Any) -> float:
        peaks = {**device.peak_flops, "bf16": x["peak_flops"]}
        return float(training_step(
            model, box, tp=plan["tp"], pp=plan["pp"], dp=plan["dp"], micro_batch=1,
            global_batch=plan["global_batch"], seq_len=seq_len,
            oversubscription=plan["oversubscription"], accelerator=device.model_copy(update={"peak_flops": peaks}),
            scale_up=up.model_copy(update={"bandwidth": x["scale_up_bandwidth"]}),
            scale_out=out.model_copy(update={"bandwidth": x["scale_out_bandwidth"]})).step_s)

    return elasticities(step_time, {"peak_flops": device.peak("bf16"),
                                    "scale_up_bandwidth": up.bandwidth,
                                    "scale_out_bandwidth": out.bandwidth}).elasticities


def _binding_walls(step: TrainingStep, forward: Any, figures: dict[str, Any],
                   read_bandwidth: float, storage_bandwidth: float, carbon: Any,
                   cost: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The binding wall of each domain, each from the solver that owns it: the node's
    from the roofline regime of one micro-batch's forward pass on a tensor-parallel group,
    the fleet's from the step model's largest term, the data's from the storage share,
    the ops' from the cost split, and the algorithm's and analysis' as the walls whose
    solvers produced the work (C = 6 N D) and the upgrade ranking (elasticities)."""
    fleet = str(step.binding_wall)
    node = names.COMPUTE if str(forward.bottleneck) == "compute" else names.BANDWIDTH
    ratio = figures["tokens_per_param"] / CHINCHILLA_TOKENS_PER_PARAM
    data_share = read_bandwidth / storage_bandwidth
    energy_dominates = (cost.pricing == "owned" and math.isfinite(cost.energy_usd)
                        and cost.energy_usd > cost.compute_usd)
    ops = names.wall(17) if energy_dominates else names.wall(19)
    walls = {"node": node, "data": names.wall(10) if data_share >= 1 else "none (data keeps up)",
             "algorithm": wall_of(training_flops).name, "fleet": fleet, "ops": ops,
             "analysis": wall_of(elasticities).name}
    notes = {
        "node": f"a micro-batch's forward pass runs at {float(forward.arithmetic_intensity):.4g} "
                f"FLOP/byte per device: {forward.bottleneck}-bound",
        "data": f"needs {read_bandwidth / 1e6:.3g} MB/s of token ids per node, "
                f"{data_share:.2%} of local NVMe bandwidth",
        "algorithm": f"{figures['tokens_per_param']:.3g} tokens per parameter: "
                     f"{ratio:.2f}x the compute-optimal 20",
        "fleet": f"scaling efficiency {figures['scaling_efficiency'] or 0:.2f}; "
                 f"{figures['lost_fraction']:.2%} of wall-clock lost to failures",
        "ops": f"{'electricity' if energy_dominates else 'compute rental or capex'} "
               f"dominates the cost; {figures['co2e_t']:.4g} tCO2e "
               f"({carbon.operational_t:.4g} operational, {carbon.embodied_t:.4g} embodied)"
               + (f"; unknown: {', '.join(cost.unknown)}" if cost.unknown else ""),
        "analysis": "the step-time input with the largest elasticity is the most valuable upgrade",
    }
    return walls, notes
