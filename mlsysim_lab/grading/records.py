"""Answers as data: what a test cell or a commit writes down, and how the grader reads
it back, outside the student's kernel.

A record is JSON. Numbers, text and pint quantities keep their value; anything else
(a list, a function, an object) keeps only its type name, which is enough for the
grader to say what was wrong. Function and code items are graded from the notebook's
source, never from an object the kernel hands over.

    encode(3.2)            -> {"type": "number", "value": 3.2}
    encode(Q_(4.8, "ms"))  -> {"type": "quantity", "magnitude": 4.8, "unit": "millisecond"}
    decode(...)            -> 3.2, "4.8 millisecond", Unreadable("list") ...
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

#: The MIME type of a test cell's answer record (kernel -> grader).
ANSWER_MIMETYPE = "application/vnd.mlsysim-lab.answer+json"
#: The MIME type of a commit or reveal event shown in the notebook (kernel -> grader).
EVENT_MIMETYPE = "application/vnd.mlsysim-lab.event+json"


@dataclass(frozen=True)
class Unreadable:
    """An answer that was not a number, a text or a quantity: only its type is kept."""

    type_name: str

    def __repr__(self) -> str:
        return f"<a {self.type_name}>"


def encode(value: Any) -> dict[str, Any]:
    """A JSON-safe record of an answer."""
    if value is None or value is Ellipsis:
        return {"type": "none"}
    if isinstance(value, bool):
        return {"type": "other", "name": "bool"}
    if isinstance(value, str):
        return {"type": "text", "value": value[:1000]}
    if hasattr(value, "magnitude") and hasattr(value, "units"):
        magnitude = value.magnitude
        if isinstance(magnitude, numbers.Real):
            return {"type": "quantity", "magnitude": _json_number(float(magnitude)),
                    "unit": str(value.units)}
        return {"type": "other", "name": "array quantity"}
    if isinstance(value, numbers.Real) or (hasattr(value, "dtype") and getattr(value, "size", 0) == 1
                                           and getattr(value, "ndim", 1) == 0):
        try:
            return {"type": "number", "value": _json_number(float(value))}
        except (TypeError, ValueError):
            pass
    return {"type": "other", "name": type(value).__name__}


def _json_number(value: float) -> float | str:
    """JSON has no NaN or infinity: keep them as text the reader parses back."""
    return value if math.isfinite(value) else repr(value)


def decode(record: Any) -> Any:
    """The answer a record stands for (the inverse of :func:`encode`)."""
    if not isinstance(record, dict):
        return Unreadable(type(record).__name__)
    kind = record.get("type")
    if kind == "none":
        return None
    if kind == "text" and isinstance(record.get("value"), str):
        return record["value"]
    if kind == "number":
        return _number(record.get("value"))
    if kind == "quantity":
        magnitude = _number(record.get("magnitude"))
        unit = record.get("unit")
        if isinstance(magnitude, float) and isinstance(unit, str):
            from mlsysim_lab.units import quantity

            try:
                return quantity(magnitude, unit)
            except Exception:  # an unknown unit in a hand-edited record
                return f"{magnitude!r} {unit}"
    return Unreadable(str(record.get("name", "unknown value")))


def _number(value: Any) -> float | Unreadable:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return Unreadable(type(value).__name__)
    try:
        return float(value)
    except ValueError:
        return Unreadable("str")
