"""What each lab asks of a student, measured: keys that differ between classmates (the
scenario report), time that matches the lab's stated minutes, and learning paths that
fit the catalog's budgets."""

import nbformat
import pytest

from mlsysim_lab.course.leaks import find_leaks, keys_shown_before_any_commit, renderings
from mlsysim_lab.course.submission import is_written_answer
from mlsysim_lab.course.timing import estimated_minutes
from mlsysim_lab.grading.items import LabSpec, NumericItem, ChoiceItem, Option
from mlsysim_lab.grading.scenario import all_scenarios
from mlsysim_lab.grading.scenario_report import COPY_CHANCE_LIMIT, scenario_figures
from mlsysim_lab.grading.specs import PATH_MINUTES, all_labs, learning_paths, load_lab
from mlsysim_lab.grading.tolerance import Banded
from mlsysim_lab.resources import labs_dir

LABS = [lab.id for lab in all_labs() if lab.id.startswith("lab")]


@pytest.mark.parametrize("lab", LABS)
def test_classmates_keys_differ(lab):
    figures = scenario_figures(load_lab(lab))
    assert not figures.constant_choice_items, figures.line()
    assert figures.copy_full_credit_chance < COPY_CHANCE_LIMIT, figures.line()


def test_the_scenario_report_sees_a_constant_key_and_an_exact_copy():
    constant = LabSpec(id="labx", title="x", items=(
        ChoiceItem("regime", "which?", options=(Option("a", "a"), Option("b", "b")),
                   key=lambda s: "a"),
        NumericItem("n", "n", unit="", key=lambda s: 10.0, tolerance=Banded())),
        scenario={})
    figures = scenario_figures(constant)
    assert figures.constant_choice_items == ("regime",)
    assert figures.copy_full_credit_chance == 1.0 and not figures.meets_targets


@pytest.mark.parametrize("lab", LABS)
def test_a_student_meets_the_stated_minutes(lab):
    spec = load_lab(lab)
    notebook = nbformat.read(labs_dir() / f"{lab}.ipynb", as_version=4)
    assert estimated_minutes(notebook, spec) <= spec.minutes


@pytest.mark.parametrize("lab", LABS)
def test_every_lab_has_the_catalogs_structure(lab):
    """../shared/LABS.md: at least one choice item whose wrong options are named
    misconceptions, and one or two short reflections (written, manually graded)."""
    spec = load_lab(lab)
    choices = [item for item in spec.items if item.kind == "choice"]
    assert choices, f"{lab} has no choice item"
    notebook = nbformat.read(labs_dir() / f"{lab}.ipynb", as_version=4)
    reflections = [cell for cell in notebook.cells if is_written_answer(cell)]
    assert 1 <= len(reflections) <= 2, f"{lab} has {len(reflections)} reflections"


def test_most_labs_take_15_to_30_minutes():
    minutes = [load_lab(lab).minutes for lab in LABS]
    assert sum(15 <= m <= 30 for m in minutes) >= 0.75 * len(minutes), minutes


@pytest.mark.parametrize("path", sorted(PATH_MINUTES))
def test_learning_paths_fit_their_budget(path):
    labs = learning_paths()[path]
    total = sum(load_lab(lab).minutes for lab in labs)
    assert 0.7 * PATH_MINUTES[path] <= total <= PATH_MINUTES[path], (path, total)


def test_the_leak_check_finds_a_printed_key_and_a_singled_out_option():
    spec = LabSpec(id="labx", title="x", items=(
        NumericItem("ridge", "ridge", unit="FLOP/B", key=lambda s: 153.0, tolerance=Banded()),
        ChoiceItem("regime", "which?", options=(Option("memory", "memory bandwidth"),
                                                Option("compute", "compute throughput")),
                   key=lambda s: "memory")))
    def cell(kind, grade_id="", text=""):
        c = (nbformat.v4.new_markdown_cell(text) if kind == "markdown"
             else nbformat.v4.new_code_cell(""))
        if kind == "output":
            c.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        c.metadata["nbgrader"] = {"grade_id": grade_id}
        return c
    notebook = nbformat.v4.new_notebook(cells=[
        cell("output", text="A100: ridge 153 FLOP/B; decode is memory-bound\n"),
        cell("code", "labx-answer-ridge"), cell("code", "labx-answer-regime")])
    leaks = find_leaks(notebook, spec, {})
    assert any(l.startswith("ridge:") for l in leaks) and any(l.startswith("regime:") for l in leaks)
    notebook.cells[0].outputs[0].text = "ridge 1530 FLOP/B; memory or compute?\n"
    assert find_leaks(notebook, spec, {}) == []
    assert "153" in renderings(153.0) and "0.27" in renderings(0.27)
    late = nbformat.v4.new_notebook(cells=[
        cell("code", "labx-answer-ridge"), cell("output", "labx-verify", "ridge is 153 FLOP/B\n"),
        cell("output", "labx-test-ridge", "No credit: the model says 153 FLOP/B\n")])
    shown = keys_shown_before_any_commit(late, spec, {})
    assert len(shown) == 1 and "cell 1" in shown[0]


def test_no_answer_form_earns_credit_in_any_scenario():
    for lab in LABS:
        spec = load_lab(lab)
        for scenario in all_scenarios(spec.scenario):
            for item in spec.items:
                if item.predictable:
                    result = item.grade(f"{lab}.{item.name}", item.answer_form(), scenario)
                    assert result.credit == 0, (lab, item.name, item.answer_form())


@pytest.mark.parametrize("lab", LABS)
def test_every_items_working_reads_in_every_scenario(lab):
    """The reveal's "how the model got there" drawer: a working that fails would leave a
    student with no reveal at all."""
    spec = load_lab(lab)
    scenarios = all_scenarios(spec.scenario)
    for scenario in scenarios[:: max(1, len(scenarios) // 40)]:
        for item in spec.items:
            if item.predictable:
                text = item.shown_working(scenario)
                assert isinstance(text, str) and text.strip(), (lab, item.name, scenario)


def test_keys_that_never_change_are_a_handful_each_with_its_reason():
    invariant = [(lab, figures) for lab in LABS
                 for figures in scenario_figures(load_lab(lab)).invariant_choice_items]
    assert len(invariant) <= 5, invariant
    for lab, name in invariant:
        assert len(load_lab(lab).item(name).invariant.split()) >= 5, (lab, name)
