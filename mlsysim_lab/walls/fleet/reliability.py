"""Wall 16: reliability. Failures, checkpoints and the wall-clock they cost.

    cluster failure rate  Lambda = sum_i n_i lambda_i,   MTBF = 1 / Lambda
    Young-Daly interval   tau* = sqrt(2 delta M)       (delta: checkpoint write time)
    lost fraction         delta / tau + tau / (2 M) + R / M
                          (writing checkpoints, rework since the last checkpoint on
                           average half an interval per failure, restart time R)

Young, "A first order approximation to the optimum checkpoint interval", CACM 17(9),
1974; Daly, "A higher order estimate of the optimum checkpoint interval for restart
dumps", FGCS 22(3), 2006. Failure rates default to the Llama 3 training run's observed
interruption rates (assumptions ``failure-rate-per-gpu`` and ``failure-rate-per-node``).
Checkpoint size: FP32 master weights plus Adam's two moments, 12 bytes per parameter
(the "K = 12" optimizer state of Rajbhandari et al., "ZeRO", SC 2020) plus the 2-byte
16-bit weights.

Checkpoint write time from a storage tier that scales with the cluster:
    W = checkpoint bytes / min(nodes x per-node write bandwidth, the tier's aggregate)
Asynchronous checkpoints (CheckFreq, Mohan et al., FAST 2021: snapshot to host memory,
persist in the background) stall training only for the snapshot,
    delta = checkpoint bytes / devices / host-link bandwidth (each rank copies its shard),
and the interval cannot be shorter than the background write: tau = max(sqrt(2 delta M),
W). The rework term keeps tau / (2 M) (a failure during a write falls back one more
interval; ignored, so the async loss is a lower bound).

Restart times (assumption ``restart-time``): 150 s for an optimised recovery stack
(FlashRecovery), 20 s with hot spares (TrainMover), at most ~1,000 s per interruption
in the Llama 3 run. Failure rates differ between fleets by up to ~3.5x (assumption
``failure-rate-spread``: OPT-175B's against Llama 3's); scale both rates to explore it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.infrastructure import StorageTier
from mlsysim_lab.catalog.models import ModelSpec
from mlsysim_lab.units import to_base, to_count

#: Bytes per parameter in a training checkpoint: FP32 weights + Adam m, v (12) + BF16 (2).
CHECKPOINT_BYTES_PER_PARAM = 14.0
HOUR = 3600.0


def cluster_mtbf_s(gpus: Any, nodes: Any, *, gpu_failure_rate: Any = None,
                   node_failure_rate: Any = None) -> Number:
    """Mean time between failures of the whole cluster, seconds. Rates are per hour per
    component (defaults: the cited assumptions)."""
    per_gpu = _rate(gpu_failure_rate, "failure-rate-per-gpu", "gpu_failure_rate")
    per_node = _rate(node_failure_rate, "failure-rate-per-node", "node_failure_rate")
    total = to_count(gpus, "gpus") * per_gpu + to_count(nodes, "nodes") * per_node
    return HOUR / total


def _rate(value: Any, default_id: str, name: str) -> Number:
    if value is None:
        return catalog.get_assumption(default_id).value
    return to_base(value, "1/hour", name, allow_zero=True)


def young_daly_interval_s(checkpoint_s: Any, mtbf_s: Any) -> Number:
    """The checkpoint interval that minimises lost time: sqrt(2 delta M)."""
    delta = to_base(checkpoint_s, "s", "checkpoint_s")
    mtbf = to_base(mtbf_s, "s", "mtbf_s")
    return (2.0 * delta * mtbf) ** 0.5


@dataclass(frozen=True, slots=True)
class ReliabilityResult:
    """Where wall-clock goes when a long run fails and restarts."""

    mtbf_s: Number
    checkpoint_s: Number
    interval_s: Number
    restart_s: Number
    checkpoint_fraction: Number
    rework_fraction: Number
    restart_fraction: Number
    write_s: Number = math.nan

    @property
    def lost_fraction(self) -> Number:
        return self.checkpoint_fraction + self.rework_fraction + self.restart_fraction

    @property
    def goodput(self) -> Number:
        """Share of wall-clock that advances training (0 if the losses exceed it)."""
        return vec.maximum(1.0 - self.lost_fraction, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self, lost_fraction=self.lost_fraction, goodput=self.goodput)


def checkpoint_losses(checkpoint_s: Any, mtbf_s: Any, *, restart_s: Any = None,
                      interval_s: Any = None) -> ReliabilityResult:
    """Lost fractions at a checkpoint interval (default: Young-Daly)."""
    delta = to_base(checkpoint_s, "s", "checkpoint_s")
    mtbf = to_base(mtbf_s, "s", "mtbf_s")
    restart = (catalog.get_assumption("restart-time").value if restart_s is None
               else to_base(restart_s, "s", "restart_s", allow_zero=True))
    tau = young_daly_interval_s(delta, mtbf) if interval_s is None else to_base(
        interval_s, "s", "interval_s")
    return ReliabilityResult(mtbf_s=mtbf, checkpoint_s=delta, interval_s=tau, restart_s=restart,
                             checkpoint_fraction=delta / tau, rework_fraction=tau / (2.0 * mtbf),
                             restart_fraction=restart / mtbf)


def checkpoint_bytes(model: str | ModelSpec) -> float:
    """Bytes of one full training checkpoint: 14 per parameter."""
    return catalog.get_model(model).total_params * CHECKPOINT_BYTES_PER_PARAM


def checkpoint_time_s(model: str | ModelSpec, *, storage_bandwidth: Any = None,
                      nodes: Any = None, storage: str | StorageTier | None = None) -> Number:
    """Seconds to write one full training checkpoint. The bandwidth is
    ``storage_bandwidth`` if given; else, with ``nodes``, the cluster's share of
    ``storage`` (default: the ``checkpoint-store`` tier), min(nodes x per-node write
    bandwidth, the tier's aggregate); else the ``checkpoint-storage-bandwidth``
    assumption (one 16K-GPU system's 2 TB/s, whatever the cluster)."""
    if storage_bandwidth is not None:
        bandwidth = to_base(storage_bandwidth, "B/s", "storage_bandwidth")
    elif nodes is not None:
        tier = catalog.get_storage(storage if storage is not None else "checkpoint-store")
        count = to_count(nodes, "nodes")
        bandwidth = (tier.cluster_write_bandwidth(count) if vec.is_scalar(count) else
                     np.vectorize(tier.cluster_write_bandwidth)(count))
    else:
        if storage is not None:
            raise ValueError("give the nodes that share the storage tier")
        bandwidth = catalog.get_assumption("checkpoint-storage-bandwidth").value
    return checkpoint_bytes(model) / bandwidth


def training_reliability(model: str | ModelSpec, gpus: Any, *, gpus_per_node: int = 8,
                         storage_bandwidth: Any = None, restart_s: Any = None,
                         gpu_failure_rate: Any = None, node_failure_rate: Any = None,
                         storage: str | StorageTier | None = None,
                         asynchronous: bool = False,
                         snapshot_bandwidth: Any = None) -> ReliabilityResult:
    """MTBF, the Young-Daly interval and the lost fractions of a training run. Give a
    ``storage`` tier to write checkpoints at the cluster's share of it (default: the
    ``checkpoint-storage-bandwidth`` assumption). ``asynchronous`` checkpoints stall
    only for the snapshot to host memory over ``snapshot_bandwidth`` (default: the
    zoo's PCIe Gen4 x16, per direction) and are spaced at least one write apart."""
    count = to_count(gpus, "gpus")
    nodes = np.ceil(count / gpus_per_node) if not vec.is_scalar(count) else float(
        math.ceil(count / gpus_per_node))
    mtbf = cluster_mtbf_s(count, nodes, gpu_failure_rate=gpu_failure_rate,
                          node_failure_rate=node_failure_rate)
    write = checkpoint_time_s(model, storage_bandwidth=storage_bandwidth,
                              nodes=nodes if storage is not None else None, storage=storage)
    if not asynchronous:
        result = checkpoint_losses(write, mtbf, restart_s=restart_s)
        return dataclasses.replace(result, write_s=write)
    link = (catalog.get_fabric("pcie-gen4-x16").bandwidth if snapshot_bandwidth is None
            else to_base(snapshot_bandwidth, "B/s", "snapshot_bandwidth"))
    stall = checkpoint_bytes(model) / count / link
    interval = vec.maximum(young_daly_interval_s(stall, mtbf), write)
    result = checkpoint_losses(stall, mtbf, restart_s=restart_s, interval_s=interval)
    return dataclasses.replace(result, write_s=write)
