"""The class dashboard's figures, as inline SVG (matplotlib ``Figure`` objects rendered
without pyplot or any GUI backend, text kept as text): an item's credit distribution and
prediction/key ratios on a log scale, the class calibration plot, and the items most
students missed."""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Sequence

from mlsysim_lab.course.class_insight import ItemInsight

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_HIGH, _LOW, _NEUTRAL = "#c62828", "#1565c0", "#546e7a"
_CLIP = (1e-6, 1e6)   # ratios beyond a million-fold are drawn at the edge
_VECTOR_POINTS = 500  # a bigger class's points are drawn as an image inside the SVG


def _svg(fig: Figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.find("<svg"):]


def _figure(width: float, height: float, panels: int = 1) -> tuple[Figure, list[Axes]]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, list(fig.subplots(1, panels, squeeze=False)[0])


def item_figure(item: ItemInsight) -> str:
    """Credit distribution (and, for numeric items, prediction/key on a log axis)."""
    fig, axes = _figure(7.5 if item.ratios else 3.8, 2.4, 2 if item.ratios else 1)
    counts = item.credit_counts
    axes[0].bar([f"{c:g}" for c in counts], list(counts.values()), color=_NEUTRAL)
    axes[0].set_xlabel("credit")
    axes[0].set_ylabel("students")
    axes[0].yaxis.get_major_locator().set_params(integer=True)
    if item.ratios:
        ax = axes[1]
        ratios = [min(max(r, _CLIP[0]), _CLIP[1]) for r in item.ratios]
        low, high = min(ratios + [0.1]), max(ratios + [10.0])
        edges = [10 ** x for x in _steps(math.log10(low), math.log10(high), 0.25)]
        ax.hist([r for r in ratios if r < 1], bins=edges, color=_LOW)
        ax.hist([r for r in ratios if r >= 1], bins=edges, color=_HIGH)
        ax.set_xscale("log")
        ax.axvline(1, color="black", linewidth=1)
        ax.set_xlabel("prediction / key (log scale; 1 is exact)")
        ax.yaxis.get_major_locator().set_params(integer=True)
    return _svg(fig)


def _steps(start: float, stop: float, step: float) -> list[float]:
    first, last = math.floor(start / step), math.ceil(stop / step)
    return [k * step for k in range(first, max(last, first + 1) + 1)]


def calibration_figure(items: Sequence[ItemInsight]) -> str:
    """Committed predictions against their keys, every numeric item of the lab on one
    log-log plot: on the diagonal is exact, the dotted lines are 2x off."""
    plotted = [item for item in items if item.calibration]
    if not plotted:
        return ""
    fig, (ax,) = _figure(6.0, 4.6)
    values = [v for item in plotted for pair in item.calibration for v in pair]
    low, high = min(values) / 3, max(values) * 3
    ax.plot([low, high], [low, high], color="black", linewidth=1)
    for factor in (2, 0.5):
        ax.plot([low, high], [low * factor, high * factor], ":", color="grey", linewidth=1)
    for index, item in enumerate(plotted):
        keys, predictions = zip(*item.calibration)
        ax.scatter(keys, predictions, s=18, alpha=0.7, marker="os^vDP*X"[index % 8],
                   label=f"{item.item_id} ({item.unit or 'no unit'})",
                   rasterized=len(keys) > _VECTOR_POINTS)
    ax.set(xscale="log", yscale="log", xlim=(low, high), ylim=(low, high),
           xlabel="key for the student's scenario", ylabel="committed prediction")
    ax.legend(frameon=False, fontsize="x-small", loc="upper left")
    return _svg(fig)


def missed_figure(items: Sequence[ItemInsight], top: int = 15) -> str:
    """How many students missed each of the ``top`` most missed items (in front of how
    many were graded on it), in the order given."""
    shown = [item for item in items if item.missed][:top]
    if not shown:
        return ""
    fig, (ax,) = _figure(7.0, 0.32 * len(shown) + 1.0)
    names = [item.item_id for item in shown]
    ax.barh(names, [item.submissions for item in shown], color="#e0e0e0")
    ax.barh(names, [item.missed for item in shown], color=_HIGH)
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("students who missed it (red) of those graded on it (grey)")
    return _svg(fig)
