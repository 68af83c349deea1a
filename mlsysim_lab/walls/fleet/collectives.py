"""Wall 14: collective communication under the alpha-beta model.

Ring all-reduce over p devices (Patarasuk & Yuan, "Bandwidth optimal all-reduce
algorithms for clusters of workstations", JPDC 69(2), 2009; Thakur, Rabenseifner &
Gropp, "Optimization of collective communication operations in MPICH", IJHPCA 2005):

    t = 2 (p - 1) x alpha + 2 (p - 1) / p x message_bytes / bandwidth

where ``bandwidth`` is the per-direction link bandwidth of one device and ``alpha`` the
per-step latency. A reduce-scatter followed by an all-gather, each p - 1 steps.
"""

from __future__ import annotations

from mlsysim_lab._vector import Number


def ring_allreduce_bytes(message_bytes: Number, devices: Number) -> Number:
    """Bytes each device sends (and receives): 2 (p - 1) / p x message."""
    return 2.0 * (devices - 1) / devices * message_bytes


def ring_allreduce_time(message_bytes: Number, devices: Number, bandwidth: Number,
                        latency_s: Number = 0.0) -> Number:
    """Seconds for one ring all-reduce of ``message_bytes`` over ``devices`` devices."""
    return (2.0 * (devices - 1) * latency_s
            + ring_allreduce_bytes(message_bytes, devices) / bandwidth)
