"""Human-readable numbers for summaries: SI prefixes and durations."""

from __future__ import annotations

import math

_PREFIXES = ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""))


def si(value: float, unit: str, digits: int = 3) -> str:
    """``si(3.35e12, "B/s")`` -> ``"3.35 TB/s"`` (decimal prefixes)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    for scale, prefix in _PREFIXES:
        if abs(value) >= scale:
            return f"{value / scale:.{digits}g} {prefix}{unit}"
    return f"{value:.{digits}g} {unit}"


def duration(seconds: float) -> str:
    """``duration(0.0048)`` -> ``"4.8 ms"``; NaN -> ``"n/a"``."""
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    for scale, unit in ((86400.0, "days"), (3600.0, "h"), (60.0, "min"), (1.0, "s"),
                        (1e-3, "ms"), (1e-6, "us")):
        if abs(seconds) >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
