"""Node walls 1-7: compute, memory capacity, memory bandwidth, serving, KV cache and
batching, wafer-scale weight streaming, tail latency."""

from mlsysim_lab.walls.node.roofline import Roofline, roofline
from mlsysim_lab.walls.node.serving import (
    Efficiency, RequestResult, decode_step, first_compute_bound_batch, forward_pass, grid, prefill,
    request_latency)
from mlsysim_lab.walls.node.step import StepResult

__all__ = ["Efficiency", "RequestResult", "Roofline", "StepResult", "decode_step",
           "first_compute_bound_batch",
           "forward_pass", "grid", "prefill", "request_latency", "roofline"]
