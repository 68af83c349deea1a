"""A full-stack training audit: one run, every domain, one report.

Composition (each number comes from the wall that owns it):

* algorithm: training FLOPs (wall 11), the token budget (default: compute-optimal,
  20 tokens per parameter), tokens per parameter against that rule;
* node and fleet: the fastest configuration that fits, searched over TP from 1 to the
  node's size, every pipeline depth (uneven stages: ceil(L / PP) layers on the busiest),
  ZeRO stages 0-3, recomputation none / selective / full, micro-batches of 1, 2 or 4 and
  interleaved pipelines of 1, 2 or 4 chunks per device (the published parallelism can be
  given instead); its step time, bubble, communication and binding wall (walls 2, 14,
  15). A run that fits nowhere is refused with the constraint that binds;
* batch: the global batch follows DP: each replica runs max(ceil(T / (s x DP x b)), PP)
  micro-batches of b sequences (T: the target batch tokens, 4M by default; at least one
  micro-batch per stage so a 1F1B pipeline fills, Narayanan et al., SC 2021), and layouts
  whose batch passes max(T, 16M tokens) are not searched;
* time, two ways: model FLOPs / (devices x peak x MFU) with a fixed MFU (the cited
  assumption, or ``mfu``), and tokens / the step model's throughput; both divided by the
  reliability goodput (wall 16: checkpoints written to a storage tier that scales with
  the cluster, rework and restarts at the Young-Daly interval). ``days`` is the
  fixed-MFU figure; ``days_step_model`` the other, and the notes say why they differ.
  The ``efficiency`` profile sets both: ``ideal`` (peak kernels, the cited MFU) or
  ``calibrated`` (measured matmul fractions, NCCL's base latency, measured MFUs);
* data: the token read bandwidth the run needs against the node's local storage (4-byte
  token ids; walls 8-10);
* ops: energy and carbon in three scopes (accelerators, IT with hosts and network,
  facility = IT x PUE; the PUE is the region's, with its source, or ``pue``), embodied
  carbon with a utilisation factor, water, cost (walls 17-19);
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
from mlsysim_lab.catalog.zoo import efficiency as efficiency_figures
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
#: The largest global batch the search allows (unless a larger target is given): Llama 3
#: 405B's 16M tokens (Dubey et al. 2024, Table 4), the largest published for a dense LLM;
#: past the critical batch size more tokens per step stop buying progress (McCandlish
#: et al., "An Empirical Model of Large-Batch Training", 2018).
MAX_BATCH_TOKENS = 16 * 2**20
#: The default sequence length (shortened to the model's context when that is shorter).
DEFAULT_SEQ_LEN = 4096
#: Token ids stored as 32-bit integers (vocabularies above 65,536 entries).
BYTES_PER_TOKEN_ID = 4.0
USED_ASSUMPTIONS = ("mfu-training-dense", "failure-rate-per-gpu", "failure-rate-per-node",
                    "failure-rate-spread", "restart-time", "training-power-fraction",
                    "host-power-ratio", "embodied-carbon-per-gpu", "server-amortisation-years",
                    "hardware-utilisation")
#: The storage tier checkpoints are written to.
CHECKPOINT_TIER = "checkpoint-store"
#: The searched axes (recomputation, ZeRO stages and micro-batch sizes).
RECOMPUTE_CHOICES = ("none", "selective", "full")
ZERO_STAGES = (0, 1, 2, 3)
MICRO_BATCHES = (1, 2, 4)
#: Model chunks per device of the interleaved 1F1B schedule (Narayanan et al., SC 2021).
INTERLEAVINGS = (1, 2, 4)


class AuditConfig(BaseModel):
    """What to audit. ``tokens=None`` means the compute-optimal budget. A ``cluster``
    sets the node, the device count and the network oversubscription. ``seq_len``
    defaults to 4,096 tokens or the model's context if shorter, and may not exceed the
    context. ``tp``, ``pp``, ``zero_stage``, ``recompute``, ``micro_batch`` and
    ``virtual_stages`` pin the parallelism (a published run's); the rest is searched.
    ``pue`` replaces the region's. ``async_checkpoint`` snapshots to host memory and
    writes in the background.
    ``efficiency="calibrated"`` runs the step model at the device's achievable matmul
    fraction with NCCL's base latency per all-reduce, and the fixed-MFU days at the
    measured MFU of the device's generation (``ideal``: peak kernels, the cited MFU).
    Values read from a settings file are converted ("1.0e12" is a number) and checked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    hardware: str | None = None
    devices: int | None = Field(None, ge=1)
    cluster: str | None = None
    tokens: float | None = Field(None, gt=0, allow_inf_nan=False)
    region: str = "us-average"
    mfu: float | None = Field(None, gt=0, le=1)
    seq_len: int | None = Field(None, ge=1)
    pricing: Literal["cloud", "owned"] = "cloud"
    node: str | None = None
    pue: float | None = Field(None, ge=1.0, le=3.0, allow_inf_nan=False)
    batch_tokens: float | None = Field(None, gt=0, allow_inf_nan=False)
    tp: int | None = Field(None, ge=1)
    pp: int | None = Field(None, ge=1)
    zero_stage: Literal[0, 1, 2, 3] | None = None
    recompute: Literal["none", "selective", "full"] | None = None
    micro_batch: int | None = Field(None, ge=1)
    virtual_stages: int | None = Field(None, ge=1)
    async_checkpoint: bool = False
    efficiency: Literal["ideal", "calibrated"] = "ideal"

    @model_validator(mode="before")
    @classmethod
    def _seq_len_within_the_context(cls, data: Any) -> Any:
        """Fill ``seq_len`` (4,096 or the model's shorter context) and check a given one
        against the context, so ``config.seq_len`` is always the length audited."""
        if isinstance(data, dict) and isinstance(data.get("model"), str):
            spec = catalog.get_model(data["model"])
            return {**data, "seq_len": _seq_len(spec, data.get("seq_len"))}
        return data

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


def choose_parallelism(model: str, box: Node, devices: int, seq_len: int, *,
                       batch_tokens: float = DEFAULT_BATCH_TOKENS, tp: int | None = None,
                       pp: int | None = None, zero_stage: int | None = None,
                       recompute: str | None = None, micro_batch: int | None = None,
                       virtual_stages: int | None = None, oversubscription: float = 1.0,
                       compute_efficiency: float = 1.0,
                       collective_latency_s: float = 0.0) -> dict[str, Any]:
    """The configuration with the highest MFU that fits, over TP (divisors of the node
    size, of the heads and of the device count), every PP up to the layer count that
    divides the devices left, ZeRO 0-3, each recomputation, micro-batch size and (with a
    pipeline) interleaving depth (each axis pinned where given), each step timed at
    ``compute_efficiency`` with ``collective_latency_s`` per all-reduce. ``fits`` is
    False when nothing fits; ``refusal`` then names the binding constraint (no valid
    layout, the batch cap, or memory with the smallest footprint)."""
    spec = catalog.get_model(model)
    capacity = catalog.get_hardware(box.accelerator).memory_capacity
    tps = [t for t in range(1, box.accelerators + 1) if spec.heads % t == 0
           and box.accelerators % t == 0 and devices % t == 0 and tp in (None, t)]
    layouts = [(t, p, b, v) for t in tps for p in range(1, spec.layers + 1)
               if devices % (t * p) == 0 and pp in (None, p)
               for b in (MICRO_BATCHES if micro_batch is None else (micro_batch,))
               for v in (_interleavings(p) if virtual_stages is None else (virtual_stages,))]
    if not layouts:
        return {"fits": False, "refusal": (
            f"no layout: TP must divide the node's {box.accelerators} accelerators, the "
            f"{spec.heads} heads and the {devices} devices, and TP x PP the devices"
            + (f" (pinned: tp={tp}, pp={pp})" if tp or pp else ""))}
    axes = dict(zip(("tp", "pp", "micro_batch", "virtual_stages"),
                    (np.array(axis, dtype=float) for axis in zip(*layouts))))
    axes["dp"] = devices / (axes["tp"] * axes["pp"])
    per_replica = np.maximum(np.ceil(batch_tokens / (seq_len * axes["dp"] * axes["micro_batch"])),
                             axes["pp"])
    axes["global_batch"] = axes["dp"] * axes["micro_batch"] * per_replica
    cap = max(batch_tokens, MAX_BATCH_TOKENS)
    within = axes["global_batch"] * seq_len <= cap
    if not within.any():
        return {"fits": False, "refusal": (
            f"the batch binds: every layout needs at least "
            f"{axes['global_batch'].min() * seq_len:.3g} tokens per step (DP x micro-batch x "
            f"stages x {seq_len}) against a cap of {cap:.3g}; use fewer devices or a larger "
            "batch_tokens")}
    axes = {name: values[within] for name, values in axes.items()}
    best: dict[str, Any] | None = None
    smallest: tuple[float, dict[str, Any]] | None = None
    for zero in (ZERO_STAGES if zero_stage is None else (zero_stage,)):
        for redo in (RECOMPUTE_CHOICES if recompute is None else (recompute,)):
            step = training_step(spec, box, seq_len=seq_len, zero_stage=zero, recompute=redo,
                                 oversubscription=oversubscription,
                                 compute_efficiency=compute_efficiency,
                                 collective_latency_s=collective_latency_s, **axes)
            plan = {"zero_stage": zero, "recompute": redo}
            memory = np.asarray(step.memory_bytes, dtype=float)
            valid = np.asarray(step.reason) != "invalid"
            i = int(np.argmin(np.where(valid, memory, np.inf)))
            if valid[i] and (smallest is None or memory[i] < smallest[0]):
                smallest = (float(memory[i]), {**plan, **_pick(axes, i)})
            mfu = np.where(np.asarray(step.feasible), np.nan_to_num(step.mfu, nan=-1.0), -1.0)
            j = int(np.argmax(mfu))
            if mfu[j] > 0 and (best is None or mfu[j] > best["step_model_mfu"]):
                best = {**plan, **_pick(axes, j), "step_model_mfu": float(mfu[j])}
    if best is None:
        if smallest is None:
            return {"fits": False, "refusal": "no valid layout (every candidate breaks a rule "
                    "of the step model: stages or interleaving deeper than the layers allow)"}
        footprint, where = smallest
        return {"fits": False, "refusal": (
            f"memory capacity binds, the run does not fit: the smallest footprint searched is "
            f"{footprint / 1e9:.4g} GB per device (TP={where['tp']}, PP={where['pp']}, "
            f"ZeRO-{where['zero_stage']}, {where['recompute']} recomputation, micro-batch "
            f"{where['micro_batch']}) against {capacity / 1e9:.4g} GB")}
    return {**best, "fits": True}


def _interleavings(pp: int) -> tuple[int, ...]:
    """Interleaving depths searched: 1 without a pipeline, else 1, 2 and 4 chunks."""
    return (1,) if pp == 1 else INTERLEAVINGS


def _pick(axes: dict[str, np.ndarray], i: int) -> dict[str, int]:
    return {name: int(values[i]) for name, values in axes.items()}


def audit(config: AuditConfig) -> AuditReport:
    """Run the full-stack audit of one training run."""
    spec = catalog.get_model(config.model)
    region = catalog.get_region(config.region)
    box, devices, oversubscription = _where(config)
    device = catalog.get_hardware(box.accelerator)
    seq_len = int(config.seq_len)   # filled and checked against the context on construction
    tokens = (CHINCHILLA_TOKENS_PER_PARAM * spec.active_params if config.tokens is None
              else float(config.tokens))
    kernels = _kernel_efficiency(config.efficiency, device.id)
    profile_mfu, cited = kernels.pop("mfu"), kernels.pop("sources")
    mfu = profile_mfu if config.mfu is None else config.mfu

    plan = choose_parallelism(
        spec.id, box, devices, seq_len, oversubscription=oversubscription,
        batch_tokens=config.batch_tokens or DEFAULT_BATCH_TOKENS, tp=config.tp, pp=config.pp,
        zero_stage=config.zero_stage, recompute=config.recompute,
        micro_batch=config.micro_batch, virtual_stages=config.virtual_stages, **kernels)
    if not plan["fits"]:
        raise ValueError(f"{spec.name} cannot train on {devices} x {device.name}: "
                         f"{plan['refusal']}; a run that cannot start has no days, energy "
                         "or cost")
    plan.update(oversubscription=oversubscription, **kernels)
    step = plan_step(spec.id, box, plan, seq_len)
    compute = training_flops(spec, tokens, seq_len=seq_len)
    peak = device.peak("bf16")
    reliability = training_reliability(spec, devices, gpus_per_node=box.accelerators,
                                       storage=CHECKPOINT_TIER,
                                       asynchronous=config.async_checkpoint)
    spread = catalog.get_assumption("failure-rate-spread")
    worst = training_reliability(
        spec, devices, gpus_per_node=box.accelerators, storage=CHECKPOINT_TIER,
        asynchronous=config.async_checkpoint,
        gpu_failure_rate=catalog.get_assumption("failure-rate-per-gpu").value * spread.high,
        node_failure_rate=catalog.get_assumption("failure-rate-per-node").value * spread.high)
    goodput = float(reliability.goodput)
    fixed_s = compute.model_flops / (devices * peak * mfu) / goodput if goodput > 0 else math.inf
    step_model_s = tokens / float(step.tokens_per_s) / goodput if goodput > 0 else math.inf
    wall_clock_s = fixed_s
    pue, pue_source = ((config.pue, "given (--pue)") if config.pue is not None
                       else (region.pue, region.citation("pue")))
    energy = run_energy(devices, wall_clock_s, node=box, pue=pue)
    carbon = footprint(energy, region)
    cost = run_cost(energy, box, region, pricing=config.pricing)
    sensitivity = _step_elasticities(spec.id, box, plan, seq_len)
    tokens_per_s = tokens / wall_clock_s
    read_bandwidth = tokens_per_s * BYTES_PER_TOKEN_ID / math.ceil(devices / box.accelerators)
    storage = catalog.get_storage("local-nvme")
    by_scope = {scope: float(mwh) for scope, mwh in energy.mwh_by_scope.items()}
    grid = region.grid_intensity / 1e3   # tCO2e per MWh

    figures = {
        "model": spec.id, "hardware": device.id, "node": box.id, "devices": devices,
        "region": region.id, "tokens": tokens, "tokens_per_param": tokens / spec.active_params,
        "seq_len": seq_len, "training_flops": compute.model_flops, "mfu": mfu,
        "efficiency": config.efficiency,
        "days": wall_clock_s / 86400.0, "gpu_hours": wall_clock_s * devices / 3600.0,
        "days_fixed_mfu": fixed_s / 86400.0, "days_step_model": step_model_s / 86400.0,
        "step_model_mfu": _finite(step.mfu),
        "energy_mwh": by_scope["facility"], "energy_mwh_by_scope": by_scope,
        "pue": pue, "pue_source": pue_source,
        "co2e_t": float(carbon.total_t),
        "co2e_t_by_scope": {scope: mwh * grid for scope, mwh in by_scope.items()},
        "operational_co2e_t": float(carbon.operational_t),
        "embodied_co2e_t": float(carbon.embodied_t), "water_l": _finite(carbon.water_l),
        "cost_usd": _finite(cost.total_usd), "pricing": config.pricing,
        "cloud_price_per_hour": box.cloud_price_per_hour,
        "cloud_price_date": box.cloud_price_date,
        "cluster_mtbf_hours": float(reliability.mtbf_s) / 3600,
        "cluster_mtbf_hours_range": [float(worst.mtbf_s) / 3600, float(reliability.mtbf_s) / 3600],
        "checkpoint_s": float(reliability.checkpoint_s),
        "checkpoint_write_s": float(reliability.write_s),
        "restart_s": float(reliability.restart_s),
        "checkpoint_interval_hours": float(reliability.interval_s) / 3600,
        "lost_fraction": float(reliability.lost_fraction),
        "lost_fraction_range": [float(reliability.lost_fraction), float(worst.lost_fraction)],
        "step_s": _finite(step.step_s), "scaling_efficiency": _finite(step.scaling_efficiency),
        "global_batch_tokens": plan["global_batch"] * seq_len,
    }
    forward = prefill(spec, device, batch=plan["micro_batch"], prompt_tokens=seq_len,
                      precision="bf16", devices=plan["tp"])
    walls, notes = _binding_walls(step, forward, figures, read_bandwidth, storage.read_bandwidth,
                                  carbon, cost)
    notes["time"] = _time_note(figures, step, config.efficiency)
    notes["energy"] = (f"{by_scope['gpu']:.4g} MWh on the accelerators, {by_scope['it']:.4g} "
                       f"with hosts and network, {by_scope['facility']:.4g} at the facility "
                       f"(PUE {pue:.2f}, {pue_source}); carbon by scope at "
                       f"{region.grid_intensity:.4g} gCO2e/kWh; embodied carbon amortised "
                       "over the service life at the hardware-utilisation share")
    upgrade = max(sensitivity, key=lambda k: abs(sensitivity[k]))
    tier = catalog.get_storage(CHECKPOINT_TIER)
    cited.append({"id": tier.id, "value": tier.write_bandwidth, "unit": "B/s",
                  "source": f"per-node checkpoint write share, capped at "
                            f"{tier.aggregate_write_bandwidth:.3g} B/s "
                            f"({tier.citation('write_bandwidth')})"})
    return AuditReport(figures, walls, notes, plan, sensitivity, upgrade,
                       [_assumption(key) for key in USED_ASSUMPTIONS] + cited)


def _kernel_efficiency(profile: str, device: str) -> dict[str, Any]:
    """The step model's compute efficiency and per-collective latency, and the fixed
    MFU, of an efficiency profile: ``ideal`` (peak kernels, no base latency, the cited
    ``mfu-training-dense``) or ``calibrated`` (the device's measured matmul fraction,
    NCCL's base latency, the measured MFU of its generation), with their sources."""
    if profile == "ideal":
        return {"compute_efficiency": 1.0, "collective_latency_s": 0.0,
                "mfu": catalog.get_assumption("mfu-training-dense").value, "sources": []}
    figures = {"compute_efficiency": efficiency_figures.matmul_fraction(device, "bf16"),
               "collective_latency_s": efficiency_figures.COLLECTIVE_BASE_LATENCY_S,
               "mfu": efficiency_figures.training_mfu(device)}
    sources = [{"id": f"calibrated-{name}", "value": figure.value,
                "unit": "s" if name.endswith("_s") else "",
                "source": f"{figure.note} ({figure.citation()})"}
               for name, figure in figures.items()]
    return {**{name: figure.value for name, figure in figures.items()}, "sources": sources}


def _seq_len(spec: Any, seq_len: Any) -> Any:
    """4,096 tokens, or the model's context if that is shorter; a given length is
    checked against the context (other problems are left to the field's validation)."""
    context = getattr(spec, "max_context", None)
    if context is None:
        raise ValueError(f"{spec.name}: the audit covers transformer language models")
    if seq_len is None:
        return min(DEFAULT_SEQ_LEN, context)
    try:
        too_long = int(seq_len) > context
    except (TypeError, ValueError):
        return seq_len
    if too_long:
        raise ValueError(f"seq_len {seq_len} exceeds {spec.name}'s context of {context} tokens")
    return seq_len


def plan_step(model: str, box: str | Node, plan: dict[str, Any], seq_len: int,
              **parts: Any) -> TrainingStep:
    """The training step of a plan from :func:`choose_parallelism` (every field it
    chose: TP, PP, DP, micro-batch, interleaving, ZeRO stage, recomputation, batch and
    the kernel efficiency), as the audit times it; ``parts`` replace the node's
    components."""
    return training_step(model, box, tp=plan["tp"], pp=plan["pp"], dp=plan["dp"],
                         micro_batch=plan["micro_batch"], global_batch=plan["global_batch"],
                         virtual_stages=plan["virtual_stages"],
                         seq_len=seq_len, zero_stage=plan["zero_stage"],
                         recompute=plan["recompute"],
                         oversubscription=plan.get("oversubscription", 1.0),
                         compute_efficiency=plan.get("compute_efficiency", 1.0),
                         collective_latency_s=plan.get("collective_latency_s", 0.0), **parts)


def _time_note(figures: dict[str, Any], step: TrainingStep, profile: str) -> str:
    """Why the fixed-MFU days and the step model's days differ."""
    ratio = figures["days_step_model"] / figures["days_fixed_mfu"]
    kernels = ("its matmuls run at the vendor peak with no kernel, launch or framework "
               "overhead, the efficiency real kernels leave on the table" if profile == "ideal"
               else "its matmuls run at the best measured matmul rate, while a whole run "
               "also loses time to non-matmul kernels, data loading, evaluation and stalls")
    why = kernels if ratio < 1 else (
        "its pipeline bubble and exposed communication cost more than the measured run "
        "lost (communication overlap with compute is not modelled)")
    return (f"days use a fixed MFU of {figures['mfu']:.2f}, a whole-run measurement; the "
            f"step model reaches MFU {figures['step_model_mfu'] or 0:.2f} and "
            f"{figures['days_step_model']:.3g} days ({ratio:.2f}x), losing only the "
            f"pipeline bubble ({float(step.bubble_fraction):.1%} of the pipeline time) and "
            f"exposed communication: {'faster' if ratio < 1 else 'slower'} because {why}")


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


def _step_elasticities(model: str, box: Node, plan: dict[str, Any],
                       seq_len: int) -> dict[str, float]:
    device = catalog.get_hardware(box.accelerator)
    up, out = catalog.get_fabric(box.scale_up_fabric), catalog.get_fabric(box.scale_out_fabric)

    def step_time(x: Any) -> float:
        peaks = {**device.peak_flops, "bf16": x["peak_flops"]}
        return float(plan_step(
            model, box, plan, seq_len,
            accelerator=device.model_copy(update={"peak_flops": peaks}),
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
