"""Walls 8-10: feeding the accelerator. A training step is bound by the slowest of the
accelerator, CPU preprocessing and storage (prefetching overlaps them).

    accelerator  t_acc  = 3 x forward step time        (backward ~ 2x forward in FLOPs
                                                        and traffic: Kaplan et al. 2020)
    transform    t_cpu  = batch / (workers x per-core rate)        (wall 9)
    storage      t_io   = batch x bytes per sample / (read bandwidth / sharers) (wall 10):
                          the accelerators of a node share its storage (``sharers``,
                          default: all of the node's accelerators when a node is given);
                          a remote tier is also capped by the node's scale-out ports
                          divided by the network ``oversubscription``
    step         t      = max(t_acc, t_cpu, t_io)                    (wall 8, ingestion)
    utilisation  = t_acc / t;   workers needed = ceil(batch / (t_acc x per-core rate))

Mohan et al., "Analyzing and Mitigating Data Stalls in DNN Training", VLDB 14(5), 2021
(data stalls: CPU preprocessing and storage). Default per-core rate and sample size are
cited assumptions (``jpeg-decode-rate-per-core``, ``imagenet-bytes-per-sample``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.infrastructure import Node, StorageTier
from mlsysim_lab.catalog.models import ConvNetSpec, ModelSpec
from mlsysim_lab.units import to_base, to_count
from mlsysim_lab.walls import names
from mlsysim_lab.walls.node.device import HardwareLike
from mlsysim_lab.walls.node.serving import IDEAL, Efficiency, forward_pass

#: Forward + backward = 3 forward passes (backward costs twice the forward).
TRAINING_PASSES = 3.0


@dataclass(frozen=True, slots=True)
class InputPipeline:
    """Step time of a training step and which stage of the pipeline binds it."""

    accelerator_s: Number
    preprocessing_s: Number
    storage_s: Number
    step_s: Number
    utilisation: Number
    workers_needed: Number
    binding_wall: Any
    feasible: Any

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self)


def accelerator_utilisation(accelerator_s: Number, preprocessing_s: Number,
                            storage_s: Number) -> Number:
    """Utilisation = t_acc / max(t_acc, t_cpu, t_io): the share of a step the accelerator
    computes when prefetching overlaps the three stages (seconds in, a fraction out).

    Assumes perfect overlap, so the slowest stage sets the step (Mohan et al., VLDB
    14(5), 2021). Floats or broadcastable arrays."""
    return accelerator_s / vec.maximum(vec.maximum(accelerator_s, preprocessing_s), storage_s)


def input_pipeline(model: str | ModelSpec, hardware: HardwareLike, *, batch: Any = 256,
                   workers: Any = 8, storage: str | StorageTier = "local-nvme",
                   node: str | Node | None = None, sharers: Any = None,
                   oversubscription: float = 1.0, decode_rate_per_core: Any = None,
                   bytes_per_sample: Any = None, precision: str = "fp16",
                   efficiency: Efficiency = IDEAL) -> InputPipeline:
    """Training step of an image model fed by ``workers`` CPU workers from a storage
    tier. Arrays broadcast (e.g. a sweep over workers)."""
    spec = catalog.get_model(model)
    if not isinstance(spec, ConvNetSpec):
        raise ValueError(f"{spec.name}: the input pipeline model covers image models "
                         "(JPEG decode and augmentation)")
    tier = catalog.get_storage(storage)
    count = to_count(batch, "batch")
    cpu = to_count(workers, "workers")
    rate = (catalog.get_assumption("jpeg-decode-rate-per-core").value
            if decode_rate_per_core is None else
            to_base(decode_rate_per_core, "1/s", "decode_rate_per_core"))
    sample_bytes = (catalog.get_assumption("imagenet-bytes-per-sample").value
                    if bytes_per_sample is None else
                    to_base(bytes_per_sample, "B", "bytes_per_sample"))
    if not oversubscription >= 1.0:
        raise ValueError(f"oversubscription is at least 1, got {oversubscription!r}")
    box = catalog.get_node(node) if node is not None else None
    bandwidth = tier.read_bandwidth
    if tier.remote:
        if box is None:
            raise ValueError(f"{tier.name} is remote: give the node whose network ports "
                             "read it")
        ports = catalog.get_fabric(box.scale_out_fabric).bandwidth * box.scale_out_ports
        bandwidth = min(bandwidth, ports / oversubscription)
    share = (to_count(sharers, "sharers") if sharers is not None
             else float(box.accelerators) if box is not None else 1.0)
    bandwidth = bandwidth / share
    forward = forward_pass(spec, hardware, batch=count, precision=precision,
                           efficiency=efficiency)
    accelerator = TRAINING_PASSES * forward.latency_s
    preprocessing = count / (cpu * rate)
    io = count * sample_bytes / bandwidth
    step = vec.maximum(vec.maximum(accelerator, preprocessing), io)
    wall = vec.where(accelerator >= vec.maximum(preprocessing, io), names.COMPUTE,
                     vec.where(preprocessing >= io, names.wall(9),
                               names.wall(10)))
    wall = vec.where(forward.feasible, wall, names.CAPACITY)
    needed = vec.ceil(count / (TRAINING_PASSES * forward.roofline.time_s * rate))
    return InputPipeline(accelerator_s=accelerator, preprocessing_s=preprocessing, storage_s=io,
                         step_s=step, utilisation=accelerator / step, workers_needed=needed,
                         binding_wall=wall, feasible=forward.feasible)


__all__ = ["InputPipeline", "accelerator_utilisation", "input_pipeline"]
