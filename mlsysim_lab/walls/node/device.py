"""Resolve a device (an id, a spec, or a list of them) into the figures a solver needs.

A list of devices becomes 1-D arrays, so one call evaluates every device; combine with
array batch or sequence inputs through ordinary numpy broadcasting (see
:func:`mlsysim_lab.walls.node.grid`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence, Union

import numpy as np

from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import Accelerator

HardwareLike = Union[str, Accelerator, Sequence[Union[str, Accelerator]]]


@dataclass(frozen=True, slots=True)
class DeviceFigures:
    """Peak (for one math precision), bandwidth, capacity and scale-up link of a device
    or, as arrays, of several."""

    specs: tuple[Accelerator, ...]
    peak_flops: Number
    memory_bandwidth: Number
    memory_capacity: Number
    link_bandwidth: Number | None
    link_latency: Number

    @property
    def names(self) -> str | list[str]:
        names = [spec.name for spec in self.specs]
        return names[0] if len(names) == 1 else names


def device_figures(hardware: HardwareLike, math_precision: str) -> DeviceFigures:
    """Look the device(s) up and pick the dense peak for ``math_precision``.

    Raises ``ValueError`` naming every device that has no such peak."""
    if isinstance(hardware, str):
        return _named_device(hardware, math_precision)
    if isinstance(hardware, Accelerator):
        return _single_device(hardware, math_precision)
    specs = tuple(catalog.get_hardware(item) for item in hardware)
    if not specs:
        raise ValueError("the device list is empty")
    missing = [spec.name for spec in specs if math_precision not in spec.peak_flops]
    if missing:
        raise ValueError(f"no dense {math_precision.upper()} peak on: {', '.join(missing)}")
    links = [spec.scale_up_bandwidth for spec in specs]
    return DeviceFigures(
        specs,
        np.array([spec.peak_flops[math_precision] for spec in specs]),
        np.array([spec.memory_bandwidth for spec in specs]),
        np.array([spec.memory_capacity for spec in specs]),
        None if None in links else np.array(links, dtype=float),
        np.array([scale_up_latency(spec) for spec in specs]),
    )


def scale_up_latency(spec: Accelerator) -> float:
    """The cited per-step latency (alpha) of the device's scale-up fabric: the fabric of
    the zoo node that holds this accelerator, else the zoo fabric its scale-up link
    names (the H200's "NVLink 4" is the H100's fabric), else, for any NVLink, the zoo's
    NVLink figure (NCCL's cost model uses one latency for every NVLink generation: see
    the fabrics' notes), else 0 for a link with no cited latency in the zoo (PCIe Gen3,
    TPU ICI, none)."""
    for node in catalog.nodes:
        if node.accelerator == spec.id:
            return catalog.get_fabric(node.scale_up_fabric).latency
    if spec.scale_up_link is not None and spec.scale_up_link in catalog.fabrics:
        return catalog.get_fabric(spec.scale_up_link).latency
    if spec.scale_up_link is not None and spec.scale_up_link.lower().startswith("nvlink"):
        return catalog.get_fabric("nvlink4").latency
    return 0.0


def _single_device(spec: Accelerator, math_precision: str) -> DeviceFigures:
    return DeviceFigures((spec,), spec.peak(math_precision), spec.memory_bandwidth,
                         spec.memory_capacity, spec.scale_up_bandwidth, scale_up_latency(spec))


def _named_device(identifier: str, math_precision: str) -> DeviceFigures:
    return _cached_device(identifier, math_precision, catalog.hardware.version)


@functools.lru_cache(maxsize=512)
def _cached_device(identifier: str, math_precision: str, version: int) -> DeviceFigures:
    """One lookup per id, precision and version of the hardware zoo."""
    return _single_device(catalog.get_hardware(identifier), math_precision)
