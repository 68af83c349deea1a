"""Property grading of "implement the formula" items with hypothesis.

The student's function is compared with the reference on inputs drawn from the item's
declared ranges; the search is derandomized (the same examples for every student and
every run) and, on a mismatch, shrinks to the smallest failing example, which the
feedback shows. Exceptions in the student's function are failures, not crashes.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, find, settings, strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from mlsysim_lab.grading.items import FloatRange, FunctionItem, IntRange, Values


def _strategy(spec: FloatRange | IntRange | Values) -> st.SearchStrategy[Any]:
    if isinstance(spec, IntRange):
        return st.integers(spec.low, spec.high)
    if isinstance(spec, Values):
        return st.sampled_from(spec.values)
    if spec.log:
        low, high = math.log10(spec.low), math.log10(spec.high)
        return st.floats(low, high).map(lambda exponent: float(10.0 ** exponent))
    return st.floats(spec.low, spec.high, allow_nan=False, allow_infinity=False)


def _mismatch(item: FunctionItem, student: Callable[..., Any], arguments: dict[str, Any]) -> bool:
    expected = float(item.reference(**arguments))
    try:
        got = student(**arguments)
        got = float(got.magnitude if hasattr(got, "magnitude") else got)
    except Exception:  # any failure of the student's code is a mismatch
        return True
    if not math.isfinite(got):
        return True
    return item.tolerance.credit(got, expected) < 1.0


def grade_function(item: FunctionItem, student: Any) -> tuple[float, str]:
    """(1, message) if the function matches the reference everywhere tried, else
    (0, message with the smallest failing example)."""
    if not callable(student):
        return 0.0, f"expected a function, got {type(student).__name__}"
    strategy = st.fixed_dictionaries({name: _strategy(spec)
                                      for name, spec in item.arguments.items()})
    config = settings(max_examples=item.examples, derandomize=True, database=None,
                      deadline=None, phases=[Phase.generate, Phase.shrink],
                      suppress_health_check=list(HealthCheck))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            example = find(strategy, lambda args: _mismatch(item, student, args), settings=config)
        except (NoSuchExample, Unsatisfiable):
            return 1.0, (f"Full credit: your function matches the reference on "
                         f"{item.examples} generated inputs ({item.tolerance.describe()}).")
    expected = item.reference(**example)
    try:
        got: Any = student(**example)
    except Exception as error:  # report, never propagate
        got = f"an error ({type(error).__name__}: {error})"
    shown = ", ".join(f"{name}={value!r}" for name, value in example.items())
    return 0.0, (f"No credit: for {shown} your function gives {got!r}, the reference gives "
                 f"{expected:.6g} ({item.tolerance.describe()}).")
