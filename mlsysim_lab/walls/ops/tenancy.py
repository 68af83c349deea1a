"""Wall 20: safety and multi-tenancy overheads.

* Differentially private training (DP-SGD: Abadi et al., CCS 2016) clips per-example
  gradients, which costs a cited empirical slowdown factor per step (assumption
  ``dp-sgd-slowdown``); it is a measured multiplier, not physics.
* A shared cluster is a queue: jobs arrive at a rate and hold a number of identical
  slots for a mean duration; the wait before a job starts follows M/M/c
  (:mod:`mlsysim_lab.walls.node.queueing`).
"""

from __future__ import annotations

from typing import Any

from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.units import to_base
from mlsysim_lab.walls.node.queueing import QueueResult, mmc_queue


def dp_sgd_step_s(step_s: Any, *, slowdown: Any = None) -> Number:
    """Step time with per-example gradient clipping and noise."""
    factor = (catalog.get_assumption("dp-sgd-slowdown").value if slowdown is None
              else to_base(slowdown, "", "slowdown"))
    if factor < 1.0:
        raise ValueError(f"a slowdown multiplier is at least 1, got {factor!r}")
    return to_base(step_s, "s", "step_s") * factor


def shared_cluster_wait(job_arrival_rate: Any, mean_job_duration_s: Any, slots: Any, *,
                        percentile: float = 0.99) -> QueueResult:
    """Queueing on a shared cluster of ``slots`` equal partitions (jobs per second,
    seconds per job); the result's waits are the delay before a job starts."""
    return mmc_queue(job_arrival_rate, mean_job_duration_s, slots, percentile=percentile)
