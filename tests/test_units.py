"""The unit boundary: conversions, dimension errors and sign checks."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from mlsysim_lab.units import UnitError, quantity, to_base, to_count


def test_quantities_and_strings_convert_to_the_base_unit():
    assert to_base(quantity(3.35, "TB/s"), "B/s", "bw") == pytest.approx(3.35e12)
    assert to_base("80 GB", "GiB", "cap") == pytest.approx(80e9 / 2**30)
    assert to_base("4.8 ms", "s", "t") == pytest.approx(4.8e-3)
    assert to_base(quantity(1, "MAC"), "FLOP", "work") == 2.0  # one MAC is two FLOPs


def test_plain_numbers_and_arrays_pass_through_in_the_base_unit():
    assert to_base(7, "s", "t") == 7.0 and type(to_base(7, "s", "t")) is float
    np.testing.assert_array_equal(to_base([1, 2, 3], "token", "n"), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("bad", ["3 s", quantity(2, "ms"), quantity(1, "FLOP")])
def test_a_wrong_dimension_raises_naming_the_expected_unit(bad):
    with pytest.raises(UnitError, match=r"bw: .*B/s"):
        to_base(bad, "B/s", "bw")


@pytest.mark.parametrize("bad", [None, True, "abc", [1, -2], -1, 0, math.nan, math.inf, {"a": 1}])
def test_bad_values_raise_unit_errors_not_crashes(bad):
    with pytest.raises(UnitError, match="bw"):
        to_base(bad, "B/s", "bw")


def test_zero_is_allowed_only_when_asked():
    assert to_base(0, "token", "context", allow_zero=True) == 0.0
    with pytest.raises(UnitError, match="positive"):
        to_base(0, "token", "context")


def test_counts_must_be_whole():
    assert to_count(8, "batch") == 8.0
    assert to_count(np.array([1.0, 4.0]), "batch").tolist() == [1.0, 4.0]
    with pytest.raises(UnitError, match="whole"):
        to_count(2.5, "batch")
    with pytest.raises(UnitError, match="whole"):
        to_count([1, 2.5], "batch")


@given(st.floats(min_value=1e-6, max_value=1e6), st.sampled_from(["kB", "MB", "GB", "TB", "GiB"]))
def test_conversion_round_trips(value, unit):
    in_bytes = to_base(quantity(value, unit), "B", "x")
    assert to_base(quantity(in_bytes, "B"), unit, "x") == pytest.approx(value, rel=1e-12)
