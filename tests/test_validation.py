"""The solver against the published record (validation/published.toml): the ideal
profile is a bound on every measurement, the calibrated one lands in its class's band."""

import json
import math

import pytest

from mlsysim_lab import validation
from mlsysim_lab.cli import main

ROWS = validation.compare()


def test_the_table_is_large_cited_and_keeps_rows_held_back():
    assert len(ROWS) >= 45
    for row in ROWS:
        m = row.measurement
        assert m.source and m.url.startswith("https://"), m.id
        assert m.value > 0, m.id
    assert len({row.measurement.id for row in ROWS}) == len(ROWS)
    assert sum(row.measurement.held_back for row in ROWS) >= 6
    assert {row.measurement.cls for row in ROWS} == set(validation.BANDS)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.measurement.id)
def test_the_ideal_profile_is_a_bound(row):
    assert row.fits("ideal"), f"{row.measurement.id}: the ideal profile says it does not fit"
    assert row.ratio["ideal"] <= 1.0 + 1e-9, (
        f"{row.measurement.id}: the ideal bound is slower than the measurement "
        f"(time ratio {row.ratio['ideal']:.3f})")


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.measurement.id)
def test_the_calibrated_profile_lands_in_its_band(row):
    m = row.measurement
    if not row.fits("calibrated"):
        assert m.tight_memory, f"{m.id}: does not fit under the calibrated reserve"
        return
    low, high = validation.BANDS[m.cls]
    assert low <= row.ratio["calibrated"] <= high, (
        f"{m.id} ({m.cls}): calibrated time ratio {row.ratio['calibrated']:.3f} outside "
        f"{low}-{high}")
    assert row.ratio["calibrated"] >= row.ratio["ideal"]  # calibrated is never faster


def test_the_summary_gives_median_and_worst_per_class_and_profile():
    summary = validation.summary(ROWS)
    assert set(summary) == set(validation.BANDS)
    for cls, by_profile in summary.items():
        ratios = sorted(row.ratio["ideal"] for row in ROWS if row.measurement.cls == cls)
        assert by_profile["ideal"]["median"] == pytest.approx(
            ratios[len(ratios) // 2] if len(ratios) % 2 else
            (ratios[len(ratios) // 2 - 1] + ratios[len(ratios) // 2]) / 2)
        assert by_profile["ideal"]["worst"] in ratios
        assert all(math.isfinite(value) for value in by_profile["calibrated"].values())


def test_a_rate_and_a_time_are_compared_the_same_way():
    rate = next(row for row in ROWS if row.measurement.quantity in validation.RATES)
    time = next(row for row in ROWS if row.measurement.quantity not in validation.RATES)
    assert rate.ratio["ideal"] == pytest.approx(rate.measurement.value / rate.model["ideal"])
    assert time.ratio["ideal"] == pytest.approx(time.model["ideal"] / time.measurement.value)


def test_a_row_of_an_unknown_class_is_a_one_line_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[measurement]]\nid = "x"\nclass = "vibes"\nquantity = "ttft_s"\n'
                   'value = 1.0\nmodel = "llama-2-7b"\nhardware = "a100"\n'
                   'precision = "fp16"\nsource = "s"\n')
    with pytest.raises(ValueError, match="unknown class 'vibes'"):
        validation.load(bad)


def test_validate_prints_the_table_and_its_json(capsys):
    assert main(["validate"]) == 0
    text = capsys.readouterr().out
    assert all(row.measurement.id in text for row in ROWS)
    assert "calibrated band" in text
    assert main(["validate", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["rows"]) == len(ROWS)
    assert set(data["summary"]) == set(validation.BANDS)
    assert {"ideal", "calibrated"} <= set(data["rows"][0]["time_ratio"])
