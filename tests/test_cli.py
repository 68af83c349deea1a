"""The command-line contract the labs, docs and instructors rely on."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlsysim_lab import catalog
from mlsysim_lab.cli import main
from mlsysim_lab.walls.node import decode_step

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("kind, registry", [("hardware", catalog.hardware),
                                            ("models", catalog.models)])
def test_zoo_json_lists_every_entry_with_id_and_name(capsys, kind, registry):
    code, out, _ = run(capsys, "zoo", kind, "--json")
    rows = json.loads(out)
    assert code == 0 and [row["id"] for row in rows] == registry.ids()
    assert all(row["name"] for row in rows)


def test_zoo_table_names_every_device(capsys):
    code, out, _ = run(capsys, "zoo", "hardware")
    assert code == 0 and all(spec.id in out for spec in catalog.hardware)


def test_eval_json_carries_the_contract_keys_and_the_solver_numbers(capsys):
    code, out, _ = run(capsys, "eval", "Llama-3-8B", "h100", "--batch", "4", "--seq-len",
                       "2048", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"latency_s", "arithmetic_intensity", "bottleneck", "feasible",
            "memory_bytes"} <= set(data)
    expected = decode_step("llama-3-8b", "h100", batch=4, context=2048)
    assert data["latency_s"] == pytest.approx(expected.latency_s)
    assert data["bottleneck"] == expected.bottleneck == "memory"


def test_eval_prefill_and_tensor_parallel(capsys):
    _, out, _ = run(capsys, "eval", "llama-3-8b", "h100", "--phase", "prefill", "--json")
    assert json.loads(out)["bottleneck"] == "compute"
    _, out, _ = run(capsys, "eval", "llama-3-70b", "h100", "--devices", "8", "--json")
    data = json.loads(out)
    assert data["feasible"] is True and data["communication_s"] > 0


def test_an_infeasible_configuration_has_a_null_latency(capsys):
    code, out, _ = run(capsys, "eval", "llama-3-70b", "h100", "--json")
    data = json.loads(out)
    assert code == 0 and data["feasible"] is False and data["latency_s"] is None
    _, text, _ = run(capsys, "eval", "llama-3-70b", "h100")
    assert "does not fit" in text


def test_readable_summary_names_the_regime_and_the_wall(capsys):
    code, out, _ = run(capsys, "eval", "resnet-50", "a100", "--batch", "256")
    assert code == 0 and "compute-bound" in out and "compute throughput" in out


@pytest.mark.parametrize("args, message", [
    (["eval", "lama-3-8b", "h100"], "did you mean llama-3-8b"),
    (["eval", "llama-3-8b", "h100", "--precision", "int4"], "INT4"),
    (["eval", "llama-3-8b", "h100", "--precision", "fp6"], "unknown precision"),
    (["eval", "llama-3-8b", "h100", "--batch", "0"], "batch"),
    (["eval", "resnet-50", "a100", "--phase", "decode"], "CNN"),
    (["eval", "llama-3-8b", "h100", "--phase", "forward"], "transformer"),
    (["eval", "bert-base", "a100", "--phase", "decode"], "encoder"),
])
def test_bad_arguments_exit_2_with_one_line(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_argparse_errors_are_one_line_without_traceback():
    result = subprocess.run([sys.executable, "-m", "mlsysim_lab", "eval", "llama-3-8b", "h100",
                             "--batch", "many"], capture_output=True, text=True)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_course_init_needs_the_instructor_sources(capsys, tmp_path):
    assert main(["course", "init", str(tmp_path / "c"), "--solutions", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert "not shipped in the wheel" in err and len(err.strip().splitlines()) == 1


def test_course_init_writes_a_ready_course(capsys, tmp_path):
    import nbformat

    from mlsysim_lab.course import cells

    sources = tmp_path / "solutions"
    sources.mkdir()
    nbformat.write(cells.notebook([cells.markdown("# Lab")], "Lab"), sources / "lab42.ipynb")
    course = tmp_path / "course"
    assert main(["course", "init", str(course), "--solutions", str(sources)]) == 0
    assert "lab42" in capsys.readouterr().out
    assert (course / "nbgrader_config.py").is_file() and (course / "gradebook.db").is_file()
    assert (course / "source" / "lab42" / "lab42.ipynb").is_file()
    assert "c.Execute.timeout = 60" in (course / "nbgrader_config.py").read_text()
    assert main(["course", "init", str(course), "--solutions", str(sources), "--labs", "lab7"]) == 2
    assert "lab7" in capsys.readouterr().err


def test_grade_outside_a_course_is_a_clear_error(capsys, tmp_path):
    assert main(["grade", "lab00", "--course", str(tmp_path)]) == 2
    assert "not a course folder" in capsys.readouterr().err


def test_labs_list_and_paths(capsys):
    assert main(["labs", "list", "--json"]) == 0
    labs = json.loads(capsys.readouterr().out)
    specs = sorted(p.stem for folder in (ROOT / "graders", ROOT / "tests" / "fixtures" / "graders")
                   for p in folder.glob("*.py"))
    assert [lab["id"] for lab in labs] == specs
    assert all(lab["available"] for lab in labs if lab["id"].startswith("lab"))
    assert main(["labs", "list", "--path", "conference"]) == 0
    out = capsys.readouterr().out
    assert out.index("lab00") < out.index("lab09") < out.index("lab06") < out.index("lab12")


def test_labs_fetch_copies_and_never_overwrites(capsys, tmp_path):
    assert main(["labs", "fetch", "0", str(tmp_path)]) == 0
    copied = tmp_path / "lab00.ipynb"
    assert copied.is_file() and "BEGIN SOLUTION" not in copied.read_text()
    copied.write_text("my work")
    assert main(["labs", "fetch", "lab00", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err and copied.read_text() == "my work"
    assert main(["labs", "fetch", "lab99", str(tmp_path)]) == 2


def test_labs_notes_come_from_the_item_specs(capsys):
    assert main(["labs", "notes", "lab00"]) == 0
    out = capsys.readouterr().out
    assert "Tolerance" in out and "Learning goals" in out and "`memory`" in out
    assert "misconception" not in out       # those are in the instructor's notes only


def test_labs_fetch_sets_the_students_id_once(capsys, tmp_path):
    from mlsysim_lab.grading import open_lab
    from mlsysim_lab.grading.grade import scenario_for
    from mlsysim_lab.grading.specs import load_lab

    assert main(["labs", "fetch", "lab01", str(tmp_path), "--student", "alice"]) == 0
    assert "student alice" in capsys.readouterr().out
    lab = open_lab("lab01", folder=tmp_path)
    assert lab.student == "alice" and lab.scenario == scenario_for(load_lab("lab01"), "alice")
    (tmp_path / "lab01.ipynb").unlink()
    assert main(["labs", "fetch", "lab01", str(tmp_path), "--student", "bob"]) == 2
    assert "alice" in capsys.readouterr().err


def test_nbgrader_validate_lists_uncommitted_predictions(tmp_path):
    """A student's Validate on a blank lab says what is not committed, not 'Success'."""
    from mlsysim_lab.course.lab_files import fetch

    notebook = fetch("lab00", tmp_path, student="val")
    env = {k: v for k, v in __import__("os").environ.items() if k != "MLSYSIM_STUDENT_ID"}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    run = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(notebook)],
                         cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    report = run.stdout + run.stderr
    assert "Success" not in report and "lab00.ridge" in report and "No prediction yet" in report


def test_a_student_report_shows_committed_predictions_only(capsys, tmp_path):
    from mlsysim_lab.course.lab_files import fetch
    from mlsysim_lab.grading import open_lab

    notebook = fetch("lab00", tmp_path, student="rita")
    lab = open_lab("lab00", folder=tmp_path)
    lab.predict("ridge", 150)
    regime = lab.spec.item("decode_regime")
    wrong = next(o.label for o in regime.options if o.label != regime.key_value(lab.scenario))
    lab.predict("decode_regime", wrong)
    import matplotlib

    before = matplotlib.get_backend()
    matplotlib.use("svg")            # stands in for the notebook's inline backend
    try:
        assert main(["labs", "report", str(notebook)]) == 0
        assert matplotlib.get_backend() == "svg", "the report switched the student's backend"
    finally:
        matplotlib.use(before)
    page = (tmp_path / "lab00-report.html").read_text()
    assert "not answered in the saved notebook" in page and "YOUR ANSWER HERE" not in page
    from mlsysim_lab.course.student_report import student_report

    assert student_report(notebook).unanswered == 1
    ridge = f"{lab.spec.item('ridge').key_value(lab.scenario):.4g} FLOP/B"
    assert "150 FLOP/B" in page and ridge in page and "student rita" in page
    assert "not what the model says" in page and "data:image/png;base64," in page
    assert page.count("(hidden until you commit)") == sum(
        item.predictable for item in lab.spec.items) - 2
    assert main(["labs", "report", str(tmp_path / "nothing.ipynb")]) == 2
