"""The grading engine: policies, answer reading, items, scenarios, predict/reveal, and
the nbgrader-facing check."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mlsysim_lab.grading import (Absolute, Band, Banded, OrderOfMagnitude, Relative,
                                 RevealBeforePrediction, grade, open_lab)
from mlsysim_lab.grading.answers import AnswerProblem, read_answer
from mlsysim_lab.grading.grade import key_for, scenario_for
from mlsysim_lab.grading.nbcheck import check, check_function
from mlsysim_lab.grading.specs import load_lab
from mlsysim_lab.grading.scenario import all_scenarios, draw, student_id
from mlsysim_lab.units import quantity
from mlsysim_lab.walls.node import decode_step

LAB = load_lab("sample")


def solver_ms(student=None):
    scenario = scenario_for(LAB, student)
    return decode_step("llama-3-8b", scenario["hardware"], batch=scenario["batch"],
                       context=1024).latency_s * 1e3


# --- tolerance policies --------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(key=st.floats(1e-6, 1e9), factor=st.floats(1.0, 50.0), high=st.booleans())
def test_banded_credit_follows_the_factor(key, factor, high):
    answer = key * factor if high else key / factor
    credit = Banded().credit(answer, key)
    expected = 1.0 if factor <= 1.1 else 0.5 if factor <= 2 else 0.25 if factor <= 10 else 0.0
    assert credit == pytest.approx(expected) or abs(factor - 1.1) < 1e-9 or abs(factor - 2) < 1e-9 \
        or abs(factor - 10) < 1e-9


@pytest.mark.parametrize("policy, answer, key, credit", [
    (Relative(rtol=0.1), 109, 100, 1.0), (Relative(rtol=0.1), 111, 100, 0.0),
    (Absolute(atol=0.05), -0.97, -1.0, 1.0), (Absolute(atol=0.05), -0.9, -1.0, 0.0),
    (OrderOfMagnitude(decades=0.5), 300, 100, 1.0), (OrderOfMagnitude(decades=0.5), 400, 100, 0.0),
    (OrderOfMagnitude(), -100, 100, 0.0), (Banded(), -100, 100, 0.0), (Banded(), 0, 5, 0.0),
])
def test_policies(policy, answer, key, credit):
    assert policy.credit(answer, key) == credit


def test_bands_must_widen_as_credit_falls():
    with pytest.raises(ValueError, match="widen"):
        Banded(bands=(Band(factor=2, credit=0.5), Band(factor=1.1, credit=1.0)))


def test_policies_are_data():
    assert Banded().model_dump()["kind"] == "banded"
    assert "10%" in Relative(rtol=0.1).describe()


# --- reading answers -------------------------------------------------------------------
@pytest.mark.parametrize("answer, value", [
    (4.8, 4.8), (4, 4.0), ("4.8", 4.8), ("4.8 ms", 4.8), ("0.0048 s", 4.8),
    (quantity(4800, "us"), 4.8), (np.float32(4.8), pytest.approx(4.8, rel=1e-6)),
    (np.array([4.8]), 4.8), ("1,200", 1200.0)])
def test_answers_convert_to_the_item_unit(answer, value):
    assert read_answer(answer, "ms") == (value if isinstance(value, float) else value)


@pytest.mark.parametrize("answer, fragment", [
    (None, "no answer"), (math.nan, "finite"), (math.inf, "finite"), ("", "empty"),
    ("fast", "could not"), ([1, 2], "list"), ({"a": 1}, "dict"), (True, "True/False"),
    ("4.8 GB", "ms"), (quantity(3, "GB"), "ms"), (-2.0, "positive"), (1e400, "finite"),
    (np.array([1.0, 2.0]), "array"), (3 + 4j, "complex"), (Ellipsis, "no answer")])
def test_bad_answers_explain_what_was_expected(answer, fragment):
    problem = read_answer(answer, "ms", positive=True)
    assert isinstance(problem, AnswerProblem) and fragment in problem.message


@pytest.mark.parametrize("answer", [None, math.nan, "fast", [1], "4.8 GB", -1.0, object()])
def test_grading_a_bad_answer_scores_zero_without_the_key(answer):
    result = grade("sample.decode_ms", answer)
    assert result.credit == 0 and not result.well_formed
    assert f"{solver_ms():.4g}" not in result.message and "ms" in result.message


# --- numeric and choice items -------------------------------------------------------------
def test_numeric_partial_credit_and_feedback_quotes_the_key():
    key = solver_ms()
    assert grade("sample.decode_ms", key).credit == 1.0
    half = grade("sample.decode_ms", 1.5 * key)
    assert half.credit == 0.5 and f"{key:.4g} ms" in half.message and "too high" in half.message
    assert grade("sample.decode_ms", f"{key / 1e3} s").credit == 1.0
    assert grade("sample.decode_ms", key / 20).credit == 0.0


def test_choice_items_name_the_misconception():
    right = grade("sample.regime", "memory")
    wrong = grade("sample.regime", "Compute")
    assert right.credit == 1.0 and wrong.credit == 0.0
    assert "compute-bound like training" in wrong.message and wrong.misconception
    assert grade("sample.regime", "B").credit == 0 and "expected one of" in grade(
        "sample.regime", "B").message


def test_exactly_one_option_is_correct_for_every_scenario():
    item = LAB.item("regime")
    for scenario in all_scenarios(LAB.scenario):
        key = key_for(item, scenario)
        assert sum(option.label == key for option in item.options) == 1


def test_every_key_is_finite_and_feasible_for_every_scenario():
    for scenario in all_scenarios(LAB.scenario):
        for name in ("decode_ms", "intensity"):
            assert math.isfinite(key_for(LAB.item(name), scenario))
        assert decode_step("llama-3-8b", scenario["hardware"], batch=scenario["batch"],
                           context=1024).feasible


# --- function items -------------------------------------------------------------------------
def test_a_correct_function_earns_full_credit():
    assert grade("sample.ridge_fn", lambda peak_flops, bandwidth: peak_flops / bandwidth).credit == 1


def test_a_wrong_function_shows_the_smallest_failing_example():
    result = grade("sample.ridge_fn", lambda peak_flops, bandwidth: peak_flops / bandwidth / 2)
    assert result.credit == 0 and "peak_flops=" in result.message and "reference gives" in result.message


@pytest.mark.parametrize("student", [
    lambda peak_flops, bandwidth: 1 / 0, lambda peak_flops: peak_flops,
    lambda peak_flops, bandwidth: float("nan"), lambda peak_flops, bandwidth: "fast", 42])
def test_broken_functions_score_zero_without_crashing(student):
    assert grade("sample.ridge_fn", student).credit == 0


# --- per-student scenarios ------------------------------------------------------------------
def test_students_get_their_own_stable_scenarios(monkeypatch):
    scenarios = {name: draw(LAB.scenario, "sample", name) for name in
                 ("ada", "grace", "alan", "edsger", "barbara", "donald", "frances", "john")}
    assert len({tuple(s.items()) for s in scenarios.values()}) > 1
    assert draw(LAB.scenario, "sample", "ada") == scenarios["ada"]
    keys = {solver_ms(name) for name in scenarios}
    assert len(keys) > 1
    assert draw(LAB.scenario, "sample", None) == {"hardware": "h100", "batch": 1}


def test_student_id_sources_in_order(monkeypatch):
    assert student_id() is None
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert student_id() == "hubuser"
    monkeypatch.setenv("MLSYSIM_STUDENT_ID", "override")
    assert student_id() == "override"


def test_the_grader_recomputes_the_students_key(monkeypatch):
    monkeypatch.setenv("MLSYSIM_STUDENT_ID", "grace")
    assert grade("sample.decode_ms", solver_ms("grace")).credit == 1.0


# --- predict, then reveal -------------------------------------------------------------------
def test_reveal_refuses_before_a_prediction_and_predictions_are_final():
    lab = open_lab("sample")
    with pytest.raises(RevealBeforePrediction):
        lab.reveal("decode_ms")
    with pytest.raises(ValueError, match="ms"):
        lab.predict("decode_ms", "3 GB")
    lab.predict("decode_ms", "2 ms")
    reveal = lab.reveal("decode_ms")
    assert reveal.key == pytest.approx(solver_ms()) and "off by" in reveal.message
    with pytest.raises(ValueError, match="final"):
        lab.predict("decode_ms", 3.0)
    lab.predict("regime", "compute")
    assert lab.reveal("regime").correct is False


# --- the test cell's check: records, never scores -----------------------------------------
def test_the_check_records_without_revealing_in_every_mode(monkeypatch, capsys):
    for mode in (None, "autograde"):
        if mode:
            monkeypatch.setenv("NBGRADER_EXECUTION", mode)
        assert check("sample.decode_ms", 1.0, points=2) is None
        out = capsys.readouterr().out
        assert "recorded" in out and f"{solver_ms():.4g}" not in out
    assert check("sample.decode_ms", "soon", points=2) is None   # reported, never raised
    assert "could not read 'soon' as a number in ms" in capsys.readouterr().out


def test_function_checks_give_feedback_outside_autograde(capsys):
    check_function("sample.ridge_fn", lambda peak_flops, bandwidth: peak_flops / bandwidth)
    assert "Full credit" in capsys.readouterr().out
    check_function("sample.ridge_fn", lambda peak_flops, bandwidth: bandwidth / peak_flops)
    assert "reference gives" in capsys.readouterr().out


def test_unknown_items_and_labs_are_clear_errors():
    with pytest.raises(KeyError, match="no item"):
        grade("sample.nothing", 1)
    with pytest.raises(KeyError, match="no grader spec"):
        grade("lab99.x", 1)
    with pytest.raises(KeyError, match="look like"):
        grade("sample", 1)


def test_code_items_grade_objects_by_properties():
    class Good:
        def apply(self, x):
            return 2 * x

    class Bad:
        def apply(self, x):
            return x + 2

    assert grade("sample.doubler", Good()).credit == 1
    bad = grade("sample.doubler", Bad())
    assert bad.credit == 0 and "x=" in bad.message
    assert grade("sample.doubler", object()).credit == 0   # no apply(): zero, no crash
    assert grade("sample.doubler", None).credit == 0


def test_a_reveal_of_a_negative_or_zero_key_shows_the_difference():
    from mlsysim_lab.grading.predict import Reveal

    shown = Reveal("elasticity", -0.95, -1.0, "", None, None).message
    assert "difference of 0.05" in shown and "inf" not in shown


def test_a_fraction_typed_for_a_percentage_is_read_as_one_with_a_note():
    from mlsysim_lab.grading import NumericItem
    from mlsysim_lab.grading.tolerance import Banded

    item = NumericItem("share", "the share", unit="%", key=lambda s: 27.0, tolerance=Banded())
    fraction = item.grade("x.share", 0.27, {})
    assert fraction.credit == 1 and "0.27" in fraction.message and "27 %" in fraction.message
    assert item.grade("x.share", 27, {}).credit == 1
    assert item.grade("x.share", "27 %", {}).credit == 1
    small = NumericItem("s", "s", unit="%", key=lambda s: 0.5, tolerance=Banded())
    assert small.grade("x.s", 0.5, {}).credit == 1 and "Read" not in small.grade("x.s", 0.5, {}).message


def test_count_tolerance_accepts_off_by_one_then_the_bands():
    from mlsysim_lab.grading import Count

    assert Count().credit(5, 6) == 1 and Count().credit(7, 6) == 1
    assert Count().credit(4, 6) == 0.5 and Count().credit(100, 6) == 0
    assert Count().credit(2000, 2100) == 1 and Count().credit(2000, 2300) == 0.5
