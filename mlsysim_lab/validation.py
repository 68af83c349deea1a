"""The solver against the published record: ``validation/published.toml``.

Each published measurement (a time to first token, a decode throughput, a training
run's GPU-hours or MFU, a CNN latency) is recomputed by the solver under both
efficiency profiles and compared as a **time ratio**,

    ratio = model time / published time      (for a rate: published rate / model rate)

so that 1 is a perfect prediction, below 1 the model is faster than reality and above 1
slower. The ideal profile is a bound: its ratio is at most 1 on every row. The
calibrated profile should land within the band of the row's class (:data:`BANDS`).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlsysim_lab import catalog
from mlsysim_lab.catalog.zoo.efficiency import training_mfu
from mlsysim_lab.precision import scheme
from mlsysim_lab.resources import validation_dir
from mlsysim_lab.walls.algorithm.scaling import training_flops
from mlsysim_lab.walls.node import CALIBRATED, IDEAL, Profile
from mlsysim_lab.walls.node.serving import forward_pass, prefill, request_latency

#: Calibrated time-ratio band per class of measurement (inclusive): the range the
#: calibrated profile reaches on the table (tightened as the profile improves, never
#: widened to admit a row).
BANDS: dict[str, tuple[float, float]] = {
    "decode": (0.4, 1.15),
    "prefill": (0.4, 1.15),
    "training-throughput": (0.9, 1.1),
    "training-total": (0.4, 1.0),
    "cnn-eager": (0.8, 1.2),
}
#: Quantities that are rates (higher is faster); the others are times.
RATES = ("output_tokens_per_s", "mfu")
PROFILE_NAMES = ("ideal", "calibrated")


@dataclass(frozen=True)
class Measurement:
    """One published figure and the conditions it was measured under."""

    id: str
    cls: str
    quantity: str
    value: float
    model: str
    hardware: str
    precision: str
    source: str
    url: str = ""
    devices: int = 1
    batch: int = 1
    input_tokens: int = 1
    output_tokens: int = 1
    tokens: float = 0.0
    seq_len: int = 4096
    per_gpu: bool = False
    runtime: str = "compiled"
    held_back: bool = False
    calibration: bool = False
    tight_memory: bool = False


@dataclass(frozen=True)
class Comparison:
    """A measurement, the model's figure under each profile and the time ratios."""

    measurement: Measurement
    model: dict[str, float] = field(default_factory=dict)
    ratio: dict[str, float] = field(default_factory=dict)

    def fits(self, profile: str) -> bool:
        """Whether the configuration fits under ``profile`` (a NaN figure: it does not)."""
        return math.isfinite(self.model[profile])

    @property
    def in_band(self) -> bool:
        low, high = BANDS[self.measurement.cls]
        return low <= self.ratio["calibrated"] <= high

    def as_dict(self) -> dict[str, Any]:
        m = self.measurement
        def finite(values: dict[str, float]) -> dict[str, float | None]:
            return {key: value if math.isfinite(value) else None
                    for key, value in values.items()}

        return {"id": m.id, "class": m.cls, "quantity": m.quantity, "published": m.value,
                "model": finite(self.model), "time_ratio": finite(self.ratio),
                "band": list(BANDS[m.cls]), "in_band": self.in_band,
                "fits": {name: self.fits(name) for name in PROFILE_NAMES},
                "held_back": m.held_back, "calibration": m.calibration,
                "source": m.source, "url": m.url}


def table_path() -> Path:
    """Where ``published.toml`` is (the wheel's bundled copy or the checkout's)."""
    return validation_dir() / "published.toml"


def load(path: str | Path | None = None) -> list[Measurement]:
    """The measurements of the table (one-line errors for a malformed row)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    file = Path(path) if path is not None else table_path()
    rows = tomllib.loads(file.read_text()).get("measurement", [])
    measurements = []
    for row in rows:
        data = dict(row)
        data["cls"] = data.pop("class", "")
        if data["cls"] not in BANDS:
            raise ValueError(f"{file}: row {data.get('id')!r} has an unknown class "
                             f"{data['cls']!r}; choose one of {', '.join(BANDS)}")
        try:
            measurements.append(Measurement(**data))
        except TypeError as error:
            raise ValueError(f"{file}: row {data.get('id')!r}: {error}") from None
    return measurements


def _profile(name: str, runtime: str) -> Any:
    if name == "ideal":
        return IDEAL
    return CALIBRATED if runtime == "compiled" else Profile(runtime=runtime)  # type: ignore[arg-type]


def model_figure(m: Measurement, profile: str) -> float:
    """The solver's figure for a measurement, in the measurement's own unit."""
    efficiency = _profile(profile, m.runtime)
    common = dict(batch=m.batch, precision=m.precision, devices=m.devices,
                  efficiency=efficiency)
    if m.quantity == "ttft_s":
        return float(prefill(m.model, m.hardware, prompt_tokens=m.input_tokens,
                             **common).latency_s)
    if m.quantity in ("tpot_s", "output_tokens_per_s"):
        request = request_latency(m.model, m.hardware, input_tokens=m.input_tokens,
                                  output_tokens=m.output_tokens, **common)
        if m.quantity == "tpot_s":
            return float(request.tpot_s)
        rate = m.batch * m.output_tokens / float(request.e2e_s)
        return rate / m.devices if m.per_gpu else rate
    if m.quantity == "latency_s":
        return float(forward_pass(m.model, m.hardware, batch=m.batch, precision=m.precision,
                                  efficiency=efficiency).latency_s)
    mfu = 1.0 if profile == "ideal" else training_mfu(catalog.get_hardware(m.hardware).id).value
    if m.quantity == "mfu":
        return mfu
    if m.quantity == "gpu_hours":
        flops = training_flops(m.model, m.tokens, seq_len=m.seq_len).model_flops
        peak = catalog.get_hardware(m.hardware).peak(scheme(m.precision).compute)
        return float(flops / (peak * mfu) / 3600.0)
    raise ValueError(f"row {m.id!r}: unknown quantity {m.quantity!r}")


def time_ratio(m: Measurement, model: float) -> float:
    """Model time over published time (published rate over model rate for a rate)."""
    return m.value / model if m.quantity in RATES else model / m.value


def compare(measurements: list[Measurement] | None = None) -> list[Comparison]:
    """Every measurement under both profiles."""
    rows = []
    for m in load() if measurements is None else measurements:
        figures = {name: model_figure(m, name) for name in PROFILE_NAMES}
        rows.append(Comparison(m, figures, {name: time_ratio(m, value)
                                            for name, value in figures.items()}))
    return rows


def summary(rows: list[Comparison]) -> dict[str, dict[str, dict[str, float]]]:
    """Per class and profile: the median time ratio and the worst one (farthest from 1
    in log terms) over the rows that fit, and their count."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for cls in BANDS:
        members = [row for row in rows if row.measurement.cls == cls]
        if not members:
            continue
        out[cls] = {}
        for name in PROFILE_NAMES:
            ratios = [row.ratio[name] for row in members if row.fits(name)]
            worst = max(ratios, key=lambda r: max(r, 1.0 / r))
            out[cls][name] = {"median": statistics.median(ratios), "worst": worst,
                              "rows": float(len(ratios))}
    return out


__all__ = ["BANDS", "Comparison", "Measurement", "compare", "load", "model_figure",
           "summary", "table_path", "time_ratio"]
