"""Accelerator specs: what a device can compute, hold and move.

All figures are stored in base units: FLOP/s, bytes, bytes/s, watts, USD. Peaks are
the vendor's *dense* figures (no structured sparsity), one per math precision, with
1 multiply-accumulate = 2 FLOPs. Bandwidths are per direction: a link the vendor
quotes as a bidirectional total (NVLink 4: 900 GB/s) is stored as half of it.

Capacity rule: a capacity printed as "80 GB" is read as 80 x 10^9 bytes, even where the
part physically holds 80 GiB; feasibility checks compare against this printed figure,
which errs on the side of "does not fit".
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from mlsysim_lab.catalog.spec import CitedSpec
from mlsysim_lab.precision import PEAK_PRECISIONS

#: Multipliers for entering figures in the unit the source prints.
KB, MB, GB, TB, PB = 1e3, 1e6, 1e9, 1e12, 1e15
KiB, MiB, GiB = 2.0**10, 2.0**20, 2.0**30
GFLOPS, TFLOPS, PFLOPS = 1e9, 1e12, 1e15
MFLOPS = 1e6

DeviceKind = Literal["gpu", "tpu", "edge", "mcu", "wafer"]


class Accelerator(CitedSpec):
    """One accelerator (a GPU, a TPU chip, an edge module, a microcontroller)."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = (
        "peak_flops", "memory_capacity", "memory_bandwidth", "tdp",
        "scale_up_bandwidth", "list_price")
    FIELD_UNITS: ClassVar[dict[str, str]] = {
        "memory_capacity": "B", "memory_bandwidth": "B/s", "tdp": "W",
        "scale_up_bandwidth": "B/s", "list_price": "USD"}

    vendor: str
    kind: DeviceKind
    year: int = Field(ge=1990, le=2100)
    peak_flops: dict[str, float] = Field(
        description="dense peak per math precision, FLOP/s (integer formats: OP/s)")
    memory_capacity: float = Field(gt=0, description="device memory, bytes")
    memory_bandwidth: float = Field(gt=0, description="device memory bandwidth, B/s")
    memory_type: str = Field(min_length=2, description="e.g. HBM3, GDDR6, LPDDR5, SRAM")
    tdp: float | None = Field(None, gt=0, description="board/module power limit, W")
    scale_up_bandwidth: float | None = Field(
        None, gt=0, description="scale-up link bandwidth per direction, B/s")
    scale_up_link: str | None = Field(None, description="e.g. 'NVLink 4', 'PCIe Gen4 x16'")
    list_price: float | None = Field(None, gt=0, description="public list price, USD")

    @field_validator("peak_flops")
    @classmethod
    def _peaks_are_known_and_positive(cls, peaks: dict[str, float]) -> dict[str, float]:
        if not peaks:
            raise ValueError("at least one peak is required")
        for precision, value in peaks.items():
            if precision not in PEAK_PRECISIONS:
                raise ValueError(f"unknown precision {precision!r}; known: "
                                 f"{', '.join(PEAK_PRECISIONS)}")
            if not value > 0:
                raise ValueError(f"peak for {precision} must be positive, got {value}")
        return peaks

    def peak(self, precision: str) -> float:
        """Dense peak FLOP/s for a math precision; an error if the device has none."""
        try:
            return self.peak_flops[precision]
        except KeyError:
            raise ValueError(
                f"{self.name} publishes no dense {precision.upper()} peak (it has: "
                f"{', '.join(sorted(self.peak_flops))}); pick a precision it supports"
            ) from None

    def ridge_point(self, precision: str) -> float:
        """Arithmetic intensity (FLOP/byte) where compute and memory time are equal."""
        return self.peak(precision) / self.memory_bandwidth


class WaferScaleSystem(Accelerator):
    """A wafer-scale engine: on-chip SRAM is the device memory (``memory_capacity``,
    ``memory_bandwidth``); weights live in an external store and are streamed in over
    an injection link, layer by layer."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = Accelerator.CITED_FIELDS + (
        "external_memory_capacity", "injection_bandwidth")
    FIELD_UNITS: ClassVar[dict[str, str]] = {
        **Accelerator.FIELD_UNITS, "external_memory_capacity": "B",
        "injection_bandwidth": "B/s"}

    external_memory_capacity: float = Field(gt=0, description="weight store, bytes")
    injection_bandwidth: float = Field(
        gt=0, description="weight streaming bandwidth into the wafer, B/s")

    @model_validator(mode="after")
    def _wafer_kind(self) -> "WaferScaleSystem":
        if self.kind != "wafer":
            raise ValueError(f"{self.id}: a WaferScaleSystem must have kind='wafer'")
        return self
