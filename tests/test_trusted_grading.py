"""Trusted grading without nbgrader: the prediction ledger, answer records, the verdict
on a submission (committed value, scenario, flags, prediction credit), the isolated
property checks, and what the grader reads from a notebook."""

import json

import nbformat
import pytest
from hypothesis import given, strategies as st

from mlsysim_lab.course import cells
from mlsysim_lab.course import submission
from mlsysim_lab.grading import RevealBeforePrediction, open_lab
from mlsysim_lab.grading.answers import AnswerProblem, read_answer
from mlsysim_lab.grading.grade import scenario_for
from mlsysim_lab.grading.isolated import check_in_isolation, forbidden_use
from mlsysim_lab.grading.ledger import Ledger, LedgerError, ledger_path
from mlsysim_lab.grading.records import Unreadable, decode, encode
from mlsysim_lab.grading.specs import load_lab
from mlsysim_lab.grading.verdict import (Evidence, PredictionCredit, computed_with_code,
                                         score_submission)
from mlsysim_lab.units import quantity
from mlsysim_lab.walls.node import decode_step

LAB = load_lab("sample")


def key_ms(student):
    s = scenario_for(LAB, student)
    return decode_step("llama-3-8b", s["hardware"], batch=s["batch"], context=1024).latency_s * 1e3


# --- the ledger: commits outlive the kernel ---------------------------------------------
def test_a_commit_survives_a_restart_and_cannot_be_redone(tmp_path):
    first = open_lab("sample", folder=tmp_path)
    first.predict("decode_ms", "2 ms")
    again = open_lab("sample", folder=tmp_path)          # a new kernel, the set-up re-run
    assert again.predictions == {"decode_ms": 2.0}
    with pytest.raises(ValueError, match="final"):
        again.predict("decode_ms", 5.0)
    again.reveal("decode_ms")
    ledger = Ledger.read("sample", tmp_path)
    assert [e["event"] for e in ledger.events] == ["open", "commit", "reveal"]
    with pytest.raises(RevealBeforePrediction):
        again.reveal("intensity")


def test_the_first_open_fixes_whose_scenario_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("MLSYSIM_STUDENT_ID", "grace")
    assert open_lab("sample", folder=tmp_path).student == "grace"
    monkeypatch.setenv("MLSYSIM_STUDENT_ID", "mallory")
    lab = open_lab("sample", folder=tmp_path)
    assert lab.student == "grace" and lab.scenario == scenario_for(LAB, "grace")


def test_a_broken_ledger_is_a_clear_error_and_is_not_overwritten(tmp_path):
    path = ledger_path("sample", tmp_path)
    path.write_text("{not json")
    with pytest.raises(LedgerError, match="not a readable prediction ledger"):
        open_lab("sample", folder=tmp_path)
    assert path.read_text() == "{not json"


# --- records ----------------------------------------------------------------------------
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                 st.integers(-10**6, 10**6), st.none()))
def test_records_round_trip_through_json(value):
    back = decode(json.loads(json.dumps(encode(value))))
    if isinstance(value, float) and value != value:
        assert back != back
    else:
        assert back == (float(value) if isinstance(value, int) else value)


def test_records_keep_quantities_and_only_the_type_of_anything_else():
    assert decode(encode(quantity(4.8, "ms"))).to("s").magnitude == pytest.approx(0.0048)
    assert decode(encode([1, 2])) == Unreadable("list")
    assert "list" in read_answer(decode(encode([1, 2])), "ms").message


# --- reading answers (decimal commas, units where none belong, tonnes of CO2e) ------------
@pytest.mark.parametrize("text, unit, value", [
    ("3,17", "", 3.17), ("1,024", "", 1024.0), ("0,5 s", "ms", 500.0), ("19.4 t", "tCO2e", 19.4),
    ("19.4 tCO2e", "tCO2e", 19.4), ("27 %", "percent", 27.0), ("27", "percent", 27.0)])
def test_answers_read_the_way_people_type_them(text, unit, value):
    assert read_answer(text, unit) == pytest.approx(value)


@pytest.mark.parametrize("answer, unit, fragment", [
    ("3 ms", "", "has a unit"), (quantity(3, "ms"), "", "with a unit"),
    ("3 ms", "percent", "percentage"), ("1,2,3", "", "decimal point"),
    ("abc", "", "plain number (no unit)")])
def test_units_where_none_belong_are_refused_clearly(answer, unit, fragment):
    problem = read_answer(answer, unit)
    assert isinstance(problem, AnswerProblem) and fragment in problem.message
    assert "in ," not in problem.message and "in )" not in problem.message


# --- the verdict --------------------------------------------------------------------------
def _ledger(student="ann", commits=(), reveals=()):
    events = [{"event": "open", "student": student, "time": 1.0}]
    events += [{"event": "commit", "item": i, "answer": encode(v), "time": 2.0 + n}
               for n, (i, v) in enumerate(commits)]
    events += [{"event": "reveal", "item": i, "time": 9.0} for i in reveals]
    return Ledger.from_events("sample", events)


def _verdict(ledger, answers, student="ann", policy=PredictionCredit(), sources=None):
    evidence = [Evidence(name, 2.0, encode(value), (sources or {}).get(name, ""))
                for name, value in answers.items()]
    return {i.item: i for i in score_submission(LAB, student, ledger, evidence, policy).items}


def test_the_first_commit_is_graded_and_a_later_edit_is_flagged():
    key = key_ms("ann")
    verdict = _verdict(_ledger(commits=[("decode_ms", key * 3), ("decode_ms", key)],
                               reveals=["decode_ms"]), {"decode_ms": key})
    item = verdict["decode_ms"]
    assert item.points == 0.5 and item.graded_from == "commit"
    assert "answer changed after the reveal" in item.flags and "committed prediction" in item.message


def test_an_item_never_committed_is_graded_from_its_answer_cell():
    item = _verdict(_ledger(), {"decode_ms": key_ms("ann")})["decode_ms"]
    assert item.points == 2 and item.graded_from == "answer cell" and not item.flags


def test_the_scenario_graded_is_the_one_the_notebook_showed():
    shown = key_ms("bob")
    verdict = score_submission(LAB, "ann", _ledger("bob"), [Evidence("decode_ms", 2, encode(shown))])
    assert verdict.graded_as == "bob" and verdict.items[0].points == 2
    assert any("scenario mismatch" in flag for flag in verdict.flags)
    default = score_submission(LAB, "ann", _ledger(None), [Evidence("decode_ms", 2, encode(1.0))])
    assert "default scenario" in default.flags[0]


@pytest.mark.parametrize("mode, share, points", [("accuracy", 0.5, 0.0), ("participation", 0.5, 2.0),
                                                   ("mix", 0.25, 0.5)])
def test_the_course_chooses_what_a_prediction_earns(mode, share, points):
    wrong = key_ms("ann") * 100
    item = _verdict(_ledger(commits=[("decode_ms", wrong)]), {"decode_ms": wrong},
                    policy=PredictionCredit(mode, share))["decode_ms"]
    assert item.points == pytest.approx(points)
    malformed = _verdict(_ledger(), {"decode_ms": "soon"},
                         policy=PredictionCredit("participation"))["decode_ms"]
    assert malformed.points == 0


def test_a_fraction_typed_as_a_percentage_gets_a_hint():
    from mlsysim_lab.grading.grade import grade_item

    class Fraction:
        pass

    spec = load_lab("sample")
    item = spec.item("intensity")
    key = item.key(scenario_for(spec, None))
    result = grade_item(spec, item.model_copy() if hasattr(item, "model_copy") else item,
                        key * 100, scenario_for(spec, None))
    assert result.credit == 0
    from dataclasses import replace
    plain = replace(item, unit="")
    hinted = grade_item(spec, plain, key * 100, scenario_for(spec, None))
    assert "fraction" in hinted.message


@pytest.mark.parametrize("source, computed", [
    ("decode_ms = 4.8", False), ("decode_ms = 2 * 8e9 / 3.35e12 * 1e3", False),
    ("decode_ms = round(math.sqrt(2) * 3, 2)", False),
    ("decode_ms = step.latency_s * 1e3", True), ("x = decode_step(m, g).latency_s", True),
    ("from mlsysim_lab import catalog\nx = 1", True),
    ("ridge = gpu.peak('fp16') / gpu.memory_bandwidth", False),
    ("t = 6 * model.total_params * lab.scenario['tokens']", False),
    ("x = training_pipeline().run(**inputs)['energy_mwh']", True)])
def test_answers_computed_with_code_are_recognised(source, computed):
    assert computed_with_code(source) is computed


# --- isolated checks of function and code items -------------------------------------------
SETUP = "from mlsysim_lab.walls.node import decode_step\nimport math"


def _isolated(tmp_path, source, variable="ridge_fn", item="ridge_fn"):
    import os

    return check_in_isolation("sample", SETUP, [{"item": item, "variable": variable,
                                                 "source": source}],
                              folder=tmp_path, env=dict(os.environ), timeout=60)[item]


def test_isolated_checks_grade_the_recorded_source(tmp_path):
    good = "def ridge_fn(peak_flops, bandwidth):\n    return peak_flops / bandwidth"
    assert _isolated(tmp_path, good)[0] == 1.0
    bad = "def ridge_fn(peak_flops, bandwidth):\n    return bandwidth / peak_flops"
    credit, message = _isolated(tmp_path, bad)
    assert credit == 0 and "reference gives" in message


def test_isolated_checks_refuse_code_that_reaches_for_the_grader(tmp_path):
    patch = ("import mlsysim_lab.grading.functions as f\nf.grade_function = lambda *a: (1, 'ok')\n"
             "def ridge_fn(peak_flops, bandwidth):\n    return 0")
    assert _isolated(tmp_path, patch)[0] == 0
    assert forbidden_use("def f(x, _=setattr(m, 'a', 1)):\n    return x") == "setattr"
    assert forbidden_use("import os\nos.environ['MLSYSIM_STUDENT_ID'] = 'bob'") == "environ"
    sneaky = ("import hypothesis as h\nh.find = None\n"
              "def ridge_fn(peak_flops, bandwidth):\n    return 0")
    assert forbidden_use(sneaky) == "hypothesis"


def test_isolated_checks_void_a_patch_made_at_definition_time(tmp_path):
    # No forbidden name: the patch goes through an alias the scan cannot see.
    patch = ("import mlsysim_lab.walls.node as n\nalias = n.__class__\n"
             "def fake(*a, **k):\n    return None\n"
             "n.decode_step = fake\n"
             "def ridge_fn(peak_flops, bandwidth):\n    return peak_flops / bandwidth")
    credit, message = _isolated(tmp_path, patch)
    assert credit == 0 and "changed the grading stack" in message


def test_isolated_checks_survive_a_crash_and_a_forged_verdict(tmp_path):
    crash = "import os\nos.kill(os.getpid(), 9)\ndef ridge_fn(p, b):\n    return p / b"
    assert "stopped before giving a verdict" in _isolated(tmp_path, crash)[1]
    forged = ("print('MLSYSIM-LAB-VERDICT 0000 {\"ridge_fn\": [1.0, \"ok\"]}')\n"
              "def ridge_fn(peak_flops, bandwidth):\n    return 0")
    assert _isolated(tmp_path, forged)[0] == 0


# --- what the grader reads from a notebook ---------------------------------------------------
def test_the_grader_reads_items_from_locked_sources_and_answers_from_records():
    nb = cells.notebook([cells.setup("lab = open_lab('sample')", "setup"),
                         cells.answer("decode_ms = 4.8", "a1"),
                         cells.check_cell("sample.decode_ms", "decode_ms", "t1", 2)], "t")
    found = submission.graded_cells(nb)
    assert [(c.item, c.variable, c.points) for c in found] == [("decode_ms", "decode_ms", 2.0)]
    assert "4.8" in found[0].answer_source and "open_lab" in submission.setup_source(nb)
    nb.cells[2].outputs = [nbformat.v4.new_output(
        "display_data", data={"application/vnd.mlsysim-lab.answer+json":
                              {"item": "sample.intensity", "answer": encode(1.0)}})]
    assert submission.answer_record(nb.cells[2], "sample.decode_ms") is None   # another item's
