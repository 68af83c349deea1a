"""Scalar-or-array arithmetic helpers for the solvers.

Solvers keep plain Python floats when every input is a scalar (a scalar evaluation
then costs microseconds, not the ~1 us per operation numpy charges for 0-d arrays),
and switch to numpy broadcasting as soon as one input is an array.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Number = float | np.ndarray


_SCALARS = (float, int)


def is_scalar(*values: Any) -> bool:
    for value in values:
        if type(value) not in _SCALARS:
            return False
    return True


def maximum(a: Number, b: Number) -> Number:
    if type(a) is float and type(b) is float:
        return a if a >= b else b
    return np.maximum(a, b)


def minimum(a: Number, b: Number) -> Number:
    if type(a) is float and type(b) is float:
        return a if a <= b else b
    return np.minimum(a, b)


def where(condition: Any, if_true: Any, if_false: Any) -> Any:
    """``if_true`` where ``condition`` holds, else ``if_false`` (broadcast for arrays)."""
    if type(condition) is bool:
        return if_true if condition else if_false
    return np.where(condition, if_true, if_false)


def as_bool(condition: Any) -> bool | np.ndarray:
    return condition if type(condition) is bool else np.asarray(condition, dtype=bool)


def floor(value: Number) -> Number:
    return float(int(value // 1)) if is_scalar(value) else np.floor(value)


def ceil(value: Number) -> Number:
    return float(-int(-value // 1)) if is_scalar(value) else np.ceil(value)


def to_python(value: Any) -> Any:
    """A JSON-ready version of a scalar or array result."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def record(result: Any, **derived: Any) -> dict[str, Any]:
    """A JSON-ready dict of a slotted result's fields plus ``derived`` values."""
    data = {name: getattr(result, name) for name in result.__slots__}
    data.update(derived)
    return {name: to_python(value) for name, value in data.items()}
