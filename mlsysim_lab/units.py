"""The one unit registry, and the boundary between pint quantities and plain floats.

Public solver functions accept plain numbers (read in the documented base unit), numpy
arrays, pint quantities or strings such as ``"3.35 TB/s"``; inside, the maths runs on
floats and arrays. :func:`to_base` is the single gate that converts, checks the
dimension and checks the sign. The pint registry is built lazily on first use because
building it costs ~0.5 s, which a sweep or an ``import`` should not pay.

Base units used everywhere inside the solver: FLOP, byte, second, FLOP/s, byte/s,
watt, token, parameter, USD. Decimal prefixes are decimal (1 GB = 1e9 B); binary ones
are explicit (1 GiB = 2**30 B).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

#: Units added to pint's defaults. FLOP is its own dimension so that FLOP/s and B/s
#: can never be confused; a multiply-accumulate is defined as 2 FLOP.
_EXTRA_DEFINITIONS = (
    "FLOP = [computation] = flop = FLOPs",
    "MAC = 2 * FLOP = multiply_accumulate",
    "OP = FLOP = op",
    "token = [text] = tokens = tok",
    "param = [model_size] = params = parameter",
    "USD = [currency] = dollar",
    "sample = [data_item] = samples",
    "request = [workload_item] = requests = req",
    "gCO2e = [emissions] = g_co2e",
    "tCO2e = 1e6 * gCO2e = t_co2e",
)


class UnitError(ValueError):
    """A value with the wrong dimension, sign or type reached a solver boundary."""


@functools.lru_cache(maxsize=1)
def ureg() -> Any:
    """Return the package's pint ``UnitRegistry`` (built once, on first call)."""
    import pint

    registry = pint.UnitRegistry(on_redefinition="raise")
    for definition in _EXTRA_DEFINITIONS:
        registry.define(definition)
    registry.formatter.default_format = "~P"
    return registry


def quantity(magnitude: Any, unit: str) -> Any:
    """A pint quantity in this package's registry."""
    return ureg().Quantity(magnitude, unit)


def _is_quantity(value: Any) -> bool:
    return hasattr(value, "magnitude") and hasattr(value, "to") and hasattr(value, "units")


def to_base(value: Any, unit: str, name: str, *, allow_zero: bool = False,
            allow_negative: bool = False) -> float | np.ndarray:
    """Convert ``value`` to a float (or float array) in ``unit`` and validate it.

    Plain numbers and arrays are taken to be in ``unit`` already. Quantities and
    strings with units are converted; a wrong dimension, a non-finite value, or a
    value that is negative (or zero, unless ``allow_zero``) raises :class:`UnitError`
    naming the parameter and the unit it expects.
    """
    kind = type(value)
    if kind is float or kind is int:
        number: float | np.ndarray = float(value)
    elif _is_quantity(value):
        number = _convert_quantity(value, unit, name)
    elif isinstance(value, str):
        number = _convert_quantity(_parse(value, unit, name), unit, name)
    elif isinstance(value, (bool, np.bool_)) or value is None:
        raise UnitError(f"{name}: expected a number in {unit}, got {value!r}")
    else:
        try:
            number = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise UnitError(f"{name}: expected a number in {unit}, got {value!r}") from None
        if number.ndim == 0:
            number = float(number)
    _check_sign(number, name, unit, allow_zero, allow_negative)
    return number


def _parse(text: str, unit: str, name: str) -> Any:
    try:
        parsed = ureg().Quantity(text)
    except Exception:
        raise UnitError(f"{name}: could not read {text!r} as a quantity in {unit}") from None
    if parsed.dimensionless and not ureg().Quantity(1, unit).dimensionless:
        raise UnitError(f"{name}: {text!r} is not a quantity in {unit}")
    return parsed


def _convert_quantity(value: Any, unit: str, name: str) -> float | np.ndarray:
    import pint

    try:
        magnitude = value.to(unit).magnitude
    except pint.DimensionalityError:
        raise UnitError(
            f"{name}: expected a quantity in {unit}, got {value} "
            f"(dimension {value.dimensionality})"
        ) from None
    except pint.errors.UndefinedUnitError as error:
        raise UnitError(f"{name}: unknown unit in {value!r}: {error}") from None
    array = np.asarray(magnitude, dtype=float)
    return float(array) if array.ndim == 0 else array


def _check_sign(number: float | np.ndarray, name: str, unit: str, allow_zero: bool,
                allow_negative: bool) -> None:
    if type(number) is float:
        ok = math.isfinite(number) and (
            allow_negative or number > 0 or (allow_zero and number == 0))
        if not ok:
            raise UnitError(f"{name}: {_requirement(unit, allow_zero, allow_negative)}, "
                            f"got {number!r}")
        return
    if not np.all(np.isfinite(number)):
        raise UnitError(f"{name}: every value must be finite ({unit})")
    if allow_negative:
        return
    bad = number < 0 if allow_zero else number <= 0
    if np.any(bad):
        raise UnitError(f"{name}: {_requirement(unit, allow_zero, allow_negative)}, "
                        f"got {float(number[bad].flat[0])!r}")


def _requirement(unit: str, allow_zero: bool, allow_negative: bool) -> str:
    where = f" in {unit}" if unit else ""
    if allow_negative:
        return f"expected a finite number{where}"
    return f"expected a {'non-negative' if allow_zero else 'positive'} finite number{where}"


def to_count(value: Any, name: str, unit: str = "", *, allow_zero: bool = False) -> float | np.ndarray:
    """A whole, positive (or, with ``allow_zero``, non-negative) count, or an array of
    counts: a batch, a number of devices or servers, tokens. Returned as float(s)."""
    if type(value) is int and (value > 0 or (allow_zero and value == 0)):
        return float(value)
    number = to_base(value, unit, name, allow_zero=allow_zero)
    whole = number == math.floor(number) if type(number) is float else bool(
        np.all(number == np.floor(number)))
    if not whole:
        raise UnitError(f"{name} must be a whole number, got {value!r}")
    return number
