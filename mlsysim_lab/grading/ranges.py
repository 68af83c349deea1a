"""Input ranges for property grading, and the one hypothesis search every property
grader uses: derandomized (the same examples for every student and every run), no
database, shrinking to the smallest failing input."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class FloatRange:
    """Floats in [low, high], drawn log-uniformly when ``log`` (for physical scales)."""

    low: float
    high: float
    log: bool = True

    def strategy(self) -> Any:
        from hypothesis import strategies as st

        if self.log:
            low, high = math.log10(self.low), math.log10(self.high)
            return st.floats(low, high).map(lambda exponent: float(10.0 ** exponent))
        return st.floats(self.low, self.high, allow_nan=False, allow_infinity=False)


@dataclass(frozen=True)
class IntRange:
    low: int
    high: int

    def strategy(self) -> Any:
        from hypothesis import strategies as st

        return st.integers(self.low, self.high)


@dataclass(frozen=True)
class Values:
    values: tuple[Any, ...]

    def strategy(self) -> Any:
        from hypothesis import strategies as st

        return st.sampled_from(self.values)


Range = FloatRange | IntRange | Values


def smallest_failure(fails: Callable[[dict[str, Any]], bool], arguments: Mapping[str, Range],
                     examples: int) -> dict[str, Any] | None:
    """The smallest generated input on which ``fails`` is true (an exception inside
    counts as a failure), or None when it holds on ``examples`` inputs."""
    from hypothesis import HealthCheck, Phase, find, settings, strategies as st
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    def guarded(args: dict[str, Any]) -> bool:
        try:
            return bool(fails(args))
        except Exception:  # the student's code failing is a failure, not a crash
            return True

    strategy = st.fixed_dictionaries({name: spec.strategy() for name, spec in arguments.items()})
    config = settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                      phases=[Phase.generate, Phase.shrink],
                      suppress_health_check=list(HealthCheck))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return find(strategy, guarded, settings=config)
        except (NoSuchExample, Unsatisfiable):
            return None
