"""Wall 14: collective communication under the alpha-beta model.

Each algorithm costs ``steps x alpha + bytes_per_device / bandwidth`` with the
per-direction bandwidth of one device's link (Thakur, Rabenseifner & Gropp,
"Optimization of collective communication operations in MPICH", IJHPCA 19(1), 2005;
Patarasuk & Yuan, "Bandwidth optimal all-reduce algorithms for clusters of
workstations", JPDC 69(2), 2009). For p devices and a message of n bytes:

    ring all-reduce      2 (p - 1) alpha + 2 (p - 1)/p x n / B
    reduce-scatter       (p - 1) alpha + (p - 1)/p x n / B
    all-gather           (p - 1) alpha + (p - 1)/p x n / B      (n = the gathered size)
    tree all-reduce      2 log2(p) alpha + 2 log2(p) x n / B    (binary tree, unpipelined
                                                                 reduce then broadcast)
    hierarchical         reduce-scatter inside each node (g devices, fast link),
    all-reduce           ring all-reduce of n/g across the p/g nodes (each device on
                         its own scale-out port), all-gather inside the node

The ring is bandwidth-optimal for large messages; the tree wins on latency for small
ones. A collective library also pays a fixed base latency once per call (NCCL's
``baseLat``, about 6.6 us for a ring with the LL protocol: NCCL 2.20 tuning.cc), which
dominates the small all-reduces of tensor-parallel decode; ``base_latency_s`` adds it
(default 0: the alpha-beta bound). Inputs broadcast as numpy arrays.
"""

from __future__ import annotations

import numpy as np

from mlsysim_lab._vector import Number


def ring_allreduce_bytes(message_bytes: Number, devices: Number) -> Number:
    """Bytes each device sends (and receives): 2 (p - 1) / p x message."""
    return 2.0 * (devices - 1) / devices * message_bytes


def ring_allreduce_time(message_bytes: Number, devices: Number, bandwidth: Number,
                        latency_s: Number = 0.0, base_latency_s: Number = 0.0) -> Number:
    """Seconds for one ring all-reduce of ``message_bytes`` over ``devices`` devices,
    plus the library's per-call ``base_latency_s``."""
    return (base_latency_s + 2.0 * (devices - 1) * latency_s
            + ring_allreduce_bytes(message_bytes, devices) / bandwidth)


def reduce_scatter_time(message_bytes: Number, devices: Number, bandwidth: Number,
                        latency_s: Number = 0.0) -> Number:
    """Ring reduce-scatter: each device ends with 1/p of the reduced message."""
    return (devices - 1) * latency_s + (devices - 1) / devices * message_bytes / bandwidth


def all_gather_time(message_bytes: Number, devices: Number, bandwidth: Number,
                    latency_s: Number = 0.0) -> Number:
    """Ring all-gather of a ``message_bytes`` result assembled from p equal shards."""
    return reduce_scatter_time(message_bytes, devices, bandwidth, latency_s)


def tree_allreduce_time(message_bytes: Number, devices: Number, bandwidth: Number,
                        latency_s: Number = 0.0) -> Number:
    """Binary-tree reduce then broadcast, whole message per hop (unpipelined)."""
    depth = np.ceil(np.log2(np.maximum(devices, 1.0)))
    hops = 2.0 * depth
    result = hops * latency_s + hops * message_bytes / bandwidth
    return float(result) if np.ndim(result) == 0 else result


def hierarchical_allreduce_time(message_bytes: Number, devices: Number,
                                devices_per_node: Number, intra_bandwidth: Number,
                                inter_bandwidth: Number, intra_latency_s: Number = 0.0,
                                inter_latency_s: Number = 0.0) -> Number:
    """Reduce-scatter in the node, ring all-reduce of the shard across nodes (every
    device drives its own scale-out port), all-gather in the node."""
    per_node = np.minimum(devices_per_node, devices)
    nodes = devices / per_node
    inside = 2.0 * reduce_scatter_time(message_bytes, per_node, intra_bandwidth,
                                       intra_latency_s)
    across = ring_allreduce_time(message_bytes / per_node, nodes, inter_bandwidth,
                                 inter_latency_s)
    result = inside + across
    return float(result) if np.ndim(result) == 0 else result
