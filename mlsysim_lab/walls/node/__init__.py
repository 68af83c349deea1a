"""Node walls 1-7: compute, memory capacity, memory bandwidth, serving, KV cache and
batching, wafer-scale weight streaming, tail latency."""

from mlsysim_lab.walls.node.efficiency import (CALIBRATED, IDEAL, PROFILES, Efficiency,
                                               Profile)
from mlsysim_lab.walls.node.roofline import Roofline, roofline
from mlsysim_lab.walls.node.serving import (
    RequestResult, decode_step, first_compute_bound_batch, forward_pass, grid, prefill,
    request_latency)
from mlsysim_lab.walls.node.step import StepResult

__all__ = ["CALIBRATED", "Efficiency", "IDEAL", "PROFILES", "Profile", "RequestResult", "Roofline", "StepResult", "decode_step",
           "first_compute_bound_batch",
           "forward_pass", "grid", "prefill", "request_latency", "roofline"]
