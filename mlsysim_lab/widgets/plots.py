"""Matplotlib figures the labs share: the roofline with operating points, and sweeps."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from mlsysim_lab import catalog
from mlsysim_lab.grading.results import number


def _figure(size: tuple[float, float] = (6.4, 4.2)) -> tuple[Any, Any]:
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size, constrained_layout=True)


def roofline_figure(hardware: str, precision: str = "fp16",
                    points: Sequence[tuple[str, float]] = ()) -> Any:
    """Log-log roofline of a device with labelled operating points (label, intensity);
    each point sits on the roof at its intensity, and its regime is written next to it."""
    device = catalog.get_hardware(hardware)
    peak, bandwidth = device.peak(precision), device.memory_bandwidth
    ridge = peak / bandwidth
    intensities = [i for _, i in points] or [ridge]
    low = min(min(intensities), ridge) / 10
    high = max(max(intensities), ridge) * 10
    x = np.logspace(np.log10(low), np.log10(high), 200)
    fig, ax = _figure()
    ax.loglog(x, np.minimum(peak, bandwidth * x) / 1e12, color="black", label="roofline")
    ax.axvline(ridge, linestyle="--", color="gray")
    ax.annotate(f" ridge {ridge:.0f} FLOP/B", (ridge, bandwidth * low / 1e12), rotation=90,
                fontsize=8, va="bottom", ha="right")
    described = []
    for marker, (label, intensity) in zip("osD^v<>p", points):
        achieved = min(peak, bandwidth * intensity) / 1e12
        regime = "compute-bound" if intensity >= ridge else "memory-bound"
        ax.plot([intensity], [achieved], marker, markersize=8, label=f"{label}: {regime}")
        described.append(f"{label} at {intensity:.3g} FLOP/B, {regime}")
    ax.set_xlabel("arithmetic intensity (FLOP/byte)")
    ax.set_ylabel(f"attainable {precision.upper()} TFLOP/s")
    ax.set_title(f"Roofline of {device.name}")
    ax.legend(fontsize=8, loc="lower right")
    return _described(fig, f"Roofline of {device.name} ({precision.upper()}): the roof rises "
                           f"with bandwidth until the ridge at {ridge:.0f} FLOP/B, then stays "
                           f"flat at {peak / 1e12:.0f} TFLOP/s"
                           + (f"; points: {'; '.join(described)}" if described else "") + ".")


def sweep_figure(x: Sequence[float], series: dict[str, Sequence[float]], *, xlabel: str,
                 ylabel: str, title: str, logx: bool = False, logy: bool = False,
                 marks: Sequence[tuple[str, float]] = ()) -> Any:
    """Curves of a sweep; NaN points (infeasible) are gaps, and ``marks`` draws labelled
    vertical lines (e.g. where memory runs out)."""
    fig, ax = _figure()
    styles = ("-", "--", "-.", ":")       # curves that coincide stay visible
    for index, (label, values) in enumerate(series.items()):
        ax.plot(x, values, label=label, linestyle=styles[index % len(styles)])
    for label, position in marks:
        ax.axvline(position, linestyle=":", color="gray")
        ax.annotate(label, (position, ax.get_ylim()[1]), fontsize=8, rotation=90, va="top")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    ranges = []
    for label, values in series.items():
        finite = np.asarray(values, dtype=float)
        finite = finite[np.isfinite(finite)]
        ranges.append(f"{label} from {finite.min():.3g} to {finite.max():.3g}" if finite.size
                      else f"{label} nowhere feasible")
    marked = "; ".join(f"{label} at {number(float(position))}" for label, position in marks)
    return _described(fig, f"{title}: {ylabel} against {xlabel}: {'; '.join(ranges)}"
                           + (f"; marked: {marked}" if marked else "") + ".")


def _described(fig: Any, text: str) -> Any:
    """Attach a text alternative to a figure, and print it in plain mode (screen readers,
    headless runs): a plot is never the only way a lab says something."""
    from mlsysim_lab.widgets.mode import plain_mode

    fig.alt_text = text
    if plain_mode():
        print(f"[figure] {text}")
    return fig
