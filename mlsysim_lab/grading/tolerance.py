"""Tolerance policies: how close an answer must be to the key, and the credit it earns.

Policies are data (frozen pydantic models), so an instructor can read, print and change
them. The table in README.md ("Tolerance policies") documents them for instructors.

=================  =====================================================================
policy             full (or partial) credit when
=================  =====================================================================
Relative(r)        |answer - key| <= r |key|
Absolute(a)        |answer - key| <= a
OrderOfMagnitude   |log10(answer / key)| <= decades (same sign)
Banded(bands)      ratio = max(answer/key, key/answer) <= factor of the first band that
                   holds it; that band's credit (e.g. 1.1x: 1, 2x: 0.5, 10x: 0.25)
Count(bands)       a whole number: full credit within one of the key (5 for 6), else the
                   bands of Banded
=================  =====================================================================
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Policy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def credit(self, answer: float, key: float) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class Relative(_Policy):
    """Full credit within a relative band of the key."""

    kind: Literal["relative"] = "relative"
    rtol: float = Field(0.1, gt=0)

    def credit(self, answer: float, key: float) -> float:
        return 1.0 if abs(answer - key) <= self.rtol * abs(key) else 0.0

    def describe(self) -> str:
        share = f"{self.rtol:.0%}" if self.rtol >= 0.01 else f"a relative {self.rtol:g}"
        return f"within {share} of the model"


class Absolute(_Policy):
    """Full credit within an absolute band of the key (for keys near zero)."""

    kind: Literal["absolute"] = "absolute"
    atol: float = Field(gt=0)

    def credit(self, answer: float, key: float) -> float:
        return 1.0 if abs(answer - key) <= self.atol else 0.0

    def describe(self) -> str:
        return f"within +/- {self.atol:g} of the model"


class OrderOfMagnitude(_Policy):
    """Full credit within ``decades`` powers of ten (a back-of-envelope estimate)."""

    kind: Literal["order_of_magnitude"] = "order_of_magnitude"
    decades: float = Field(0.5, gt=0)

    def credit(self, answer: float, key: float) -> float:
        if answer == 0 or key == 0 or (answer > 0) != (key > 0):
            return 0.0
        return 1.0 if abs(math.log10(answer / key)) <= self.decades else 0.0

    def describe(self) -> str:
        return f"within {10 ** self.decades:.3g}x of the model (order of magnitude)"


class Band(BaseModel):
    """Credit for answers within ``factor`` x of the key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    factor: float = Field(ge=1)
    credit: float = Field(gt=0, le=1)


class Banded(_Policy):
    """Partial credit by how many times off the answer is (same sign required)."""

    kind: Literal["banded"] = "banded"
    bands: tuple[Band, ...] = (Band(factor=1.1, credit=1.0), Band(factor=2.0, credit=0.5),
                               Band(factor=10.0, credit=0.25))

    @field_validator("bands")
    @classmethod
    def _widening_and_decreasing(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        if not bands:
            raise ValueError("give at least one band")
        for inner, outer in zip(bands, bands[1:]):
            if not (outer.factor > inner.factor and outer.credit < inner.credit):
                raise ValueError("bands must widen while their credit falls")
        return bands

    def credit(self, answer: float, key: float) -> float:
        if answer == 0 or key == 0 or (answer > 0) != (key > 0):
            return 1.0 if answer == key else 0.0
        ratio = max(answer / key, key / answer)
        for band in self.bands:
            if ratio <= band.factor * (1 + 1e-12):
                return band.credit
        return 0.0

    def describe(self) -> str:
        return ", ".join(f"{band.credit:g} within {band.factor:g}x" for band in self.bands)


class Count(Banded):
    """For keys that are counts (users, workers, replicas, a batch size): off by one is
    right (a 10 % band would demand the exact integer below 10), beyond that the bands."""

    kind: Literal["count"] = "count"  # type: ignore[assignment]

    def credit(self, answer: float, key: float) -> float:
        return 1.0 if abs(answer - key) <= 1 else super().credit(answer, key)

    def describe(self) -> str:
        return "1 within one of the model, then " + super().describe()


#: The default for numeric predictions: full within 10 %, half within 2x, a quarter within 10x.
DEFAULT_POLICY = Banded()
