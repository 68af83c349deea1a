"""The 22 Systems Walls: for each, its domain, the governing equation, the solver that
resolves it and the literature it rests on. ``mlsysim-lab walls`` prints this table.

A course developer adding a solver registers it with :func:`register_solver`, which
checks that the wall exists and that the solver is callable and documented.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from mlsysim_lab.walls.names import WALL_NAMES

DOMAINS = ("node", "data", "algorithm", "fleet", "ops", "analysis")


@dataclass(frozen=True)
class Wall:
    """One wall of the taxonomy."""

    number: int
    name: str
    domain: str
    equation: str
    solvers: tuple[str, ...]
    references: tuple[str, ...]
    extra_solvers: list[Callable[..., Any]] = field(default_factory=list, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "domain": self.domain,
                "equation": self.equation,
                "solvers": list(self.solvers) + [_dotted(f) for f in self.extra_solvers],
                "references": list(self.references)}


def _dotted(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


_SPECS: dict[int, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    1: ("t_compute = FLOPs / (peak x efficiency)",
        ("walls.node.roofline.roofline", "walls.node.serving.decode_step"),
        ("Williams, Waterman & Patterson, CACM 2009",)),
    2: ("fits <=> weights/N + KV/min(N, kv_heads) + activations/N <= capacity",
        ("walls.node.step.solve_step",), ("Shoeybi et al., Megatron-LM, 2019",)),
    3: ("t_memory = bytes / (bandwidth x efficiency); ridge = peak / bandwidth",
        ("walls.node.roofline.roofline",), ("Williams, Waterman & Patterson, CACM 2009",)),
    4: ("TTFT = prefill(prompt); TPOT = decode step; E2E = TTFT + sum of decode steps",
        ("walls.node.serving.prefill", "walls.node.serving.request_latency"),
        ("Pope et al., MLSys 2023", "Agrawal et al., Sarathi-Serve, OSDI 2024")),
    5: ("KV/token = 2 L kv_heads d_head bytes; sequences = budget / (tokens x KV/token)",
        ("walls.node.kvcache.kv_cache_capacity",),
        ("Kwon et al., PagedAttention, SOSP 2023", "Ainslie et al., GQA, EMNLP 2023")),
    6: ("t_layer = max(W_layer / B_inject, F_layer / peak); B* = W peak / (B_inject F/seq)",
        ("walls.node.streaming.weight_streaming_step",),
        ("Cerebras weight streaming white paper, 2021", "Lie, Hot Chips 34, 2022")),
    7: ("M/M/c: rho = lambda S / c; Erlang C; P(T > t) from the waiting-time law",
        ("walls.node.queueing.mmc_queue", "walls.node.queueing.max_arrival_rate"),
        ("Kleinrock, Queueing Systems Vol. 1, 1975", "Harchol-Balter, 2013")),
    8: ("t_step = max(t_accelerator, t_cpu, t_storage); utilisation = t_acc / t_step",
        ("walls.data.ingestion.input_pipeline",), ("Mohan et al., VLDB 2021",)),
    9: ("t_cpu = batch / (workers x per-core rate)",
        ("walls.data.ingestion.input_pipeline",), ("Mohan et al., VLDB 2021",)),
    10: ("t_storage = batch x bytes/sample / min(tier bandwidth, network share)",
         ("walls.data.ingestion.input_pipeline",), ("Mohan et al., VLDB 2021",)),
    11: ("C = 6 N D; N* = sqrt(C / 120), D* = 20 N*",
         ("walls.algorithm.scaling.training_flops", "walls.algorithm.scaling.compute_optimal"),
         ("Kaplan et al., 2020", "Hoffmann et al., NeurIPS 2022")),
    12: ("speedup ~ byte ratio when memory-bound; peak ratio (W8A8) or 1 (weight-only) "
         "when compute-bound",
         ("walls.algorithm.quantization.compare_precisions",),
         ("Dettmers et al., NeurIPS 2022", "Frantar et al., ICLR 2023")),
    13: ("latency(K) = TTFT + decode(K M tokens); multiplier(K) < K",
         ("walls.algorithm.reasoning.reasoning_cost",
          "walls.algorithm.reasoning.architecture_efficiency"),
         ("Wei et al., NeurIPS 2022", "Snell et al., 2024", "Fedus et al., JMLR 2022")),
    14: ("ring all-reduce = 2(p-1) alpha + 2(p-1)/p n / B; hierarchical inside/across nodes",
         ("walls.fleet.collectives.ring_allreduce_time",
          "walls.fleet.collectives.hierarchical_allreduce_time"),
         ("Thakur et al., IJHPCA 2005", "Patarasuk & Yuan, JPDC 2009")),
    15: ("bubble = (p-1)/(m+p-1); efficiency = compute / step",
         ("walls.fleet.parallelism.training_step",),
         ("Huang et al., GPipe, NeurIPS 2019", "Narayanan et al., SC 2021",
          "Rajbhandari et al., ZeRO, SC 2020")),
    16: ("MTBF = 1 / sum lambda_i; tau* = sqrt(2 delta M); lost = delta/tau + tau/2M + R/M",
         ("walls.fleet.reliability.training_reliability",),
         ("Young, CACM 1974", "Daly, FGCS 2006", "Llama 3 paper, 2024")),
    17: ("E = (devices x TDP x f + hosts) x t x PUE",
         ("walls.ops.energy.run_energy",), ("Barroso et al., The Datacenter as a Computer, 2018",)),
    18: ("CO2e = E x grid intensity (+ embodied); water = E_IT x WUE + E x grid water",
         ("walls.ops.sustainability.footprint",),
         ("Patterson et al., 2021", "Luccioni et al., JMLR 2023", "Li et al., 2023")),
    19: ("cost = node-hours x price (cloud) or capex / life + kWh x price (owned)",
         ("walls.ops.cost.run_cost", "walls.ops.cost.usd_per_million_tokens"),
         ("Barroso et al., 2018",)),
    20: ("t_private = t x DP-SGD slowdown; shared cluster wait from M/M/c",
         ("walls.ops.tenancy.dp_sgd_step_s", "walls.ops.tenancy.shared_cluster_wait"),
         ("Abadi et al., CCS 2016",)),
    21: ("e_x = d ln T / d ln x (central difference in log space)",
         ("walls.analysis.sensitivity.elasticities", "walls.analysis.sensitivity.step_sensitivity"),
         ("Saltelli et al., 2008",)),
    22: ("P >= F / (T* - C - O); BW >= B / (T* - C - O); capacity >= footprint",
         ("walls.analysis.synthesis.required_hardware",), ("Williams et al., CACM 2009",)),
}

WALLS: tuple[Wall, ...] = tuple(
    Wall(w.number, w.name, w.domain, *_SPECS[w.number]) for w in WALL_NAMES)


def get_wall(number: int) -> Wall:
    if not 1 <= number <= len(WALLS):
        raise ValueError(f"walls are numbered 1 to {len(WALLS)}, got {number!r}")
    return WALLS[number - 1]


def wall_of(solver: Callable[..., Any]) -> Wall:
    """The wall a solver belongs to (the first that lists it)."""
    dotted = _dotted(solver).removeprefix("mlsysim_lab.")
    for wall in WALLS:
        if dotted in wall.solvers or solver in wall.extra_solvers:
            return wall
    raise LookupError(f"{dotted} is not the solver of any wall")


def resolve_solver(dotted: str) -> Callable[..., Any]:
    """Import a solver named relative to the package (``walls.node.roofline.roofline``)."""
    module, _, name = f"mlsysim_lab.{dotted}".rpartition(".")
    return getattr(importlib.import_module(module), name)


def register_solver(number: int, solver: Callable[..., Any]) -> Wall:
    """Attach a custom solver to a wall. It must be callable and carry a docstring that
    states its equation (the project's rule for every solver)."""
    wall = get_wall(number)
    if not callable(solver):
        raise TypeError(f"a solver must be callable, got {solver!r}")
    if not (solver.__doc__ or "").strip():
        raise ValueError(f"{_dotted(solver)} has no docstring: document its equation, "
                         "assumptions and a reference")
    if solver not in wall.extra_solvers:
        wall.extra_solvers.append(solver)
    return wall
