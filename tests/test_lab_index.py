"""A lab is its spec: the specs, the builders, the student notebooks, the solutions and
the catalog agree, and a course developer adds a lab with exactly two files."""

import json
import os
from pathlib import Path


from mlsysim_lab.cli import main
from mlsysim_lab.course.build import CATALOG_END, CATALOG_START, build, catalog_table
from mlsysim_lab.grading.specs import all_labs, learning_paths, load_lab

ROOT = Path(__file__).resolve().parent.parent


def _stems(folder, pattern):
    return sorted(p.stem for p in (ROOT / folder).glob(pattern))


def test_specs_builders_notebooks_and_solutions_list_the_same_labs():
    specs = _stems("graders", "lab*.py")
    assert specs == _stems("solutions", "lab*.py") == _stems("solutions", "lab*.ipynb") \
        == _stems("labs", "lab*.ipynb")
    assert [lab.id for lab in all_labs() if lab.id.startswith("lab")] == specs


def test_the_catalog_in_labs_readme_is_the_one_the_specs_give():
    text = (ROOT / "labs" / "README.md").read_text()
    section = text.split(CATALOG_START)[1].split(CATALOG_END)[0].strip()
    assert section == catalog_table([lab for lab in all_labs() if lab.id.startswith("lab")])


def test_learning_paths_come_from_the_specs_in_order():
    paths = learning_paths()
    assert paths["conference"] == ["lab00", "lab01", "lab09", "lab06", "lab12"]
    for name, labs in paths.items():
        steps = [load_lab(lab).paths[name] for lab in labs]
        assert steps == sorted(steps) and len(set(steps)) == len(steps), name


def test_every_lab_title_is_typed_once():
    for lab in all_labs():
        if not lab.id.startswith("lab"):
            continue
        places = [path for path in ROOT.glob("*/*.py") if lab.title in path.read_text()]
        places += [path for path in ROOT.glob("*.md") if lab.title in path.read_text()]
        assert places == [ROOT / "graders" / f"{lab.id}.py"], (lab.id, places)


SPEC = '''"""Lab 16, the ridge point (a course developer's lab)."""
from mlsysim_lab import catalog
from mlsysim_lab.grading import Banded, Choice, LabSpec, NumericItem

LAB = LabSpec(
    id="lab16", title="Ridge Point Drill", question="Where is the H100's ridge?",
    level="beginner", walls=(1, 3), paths={"first-time": 9}, minutes=10,
    scenario={"gpu": Choice(values=("h100", "a100"), default="h100")},
    items=(NumericItem("ridge", "the FP16 ridge point of your GPU", unit="FLOP/B",
                       key=lambda s: catalog.get_hardware(s["gpu"]).ridge_point("fp16"),
                       tolerance=Banded()),))
'''
BUILDER = '''"""Lab 16: the notebook."""
from mlsysim_lab.course import blocks as L

LAB = "lab16"


def build():
    return L.notebook(LAB, [
        *L.intro(LAB, "The ridge point is peak FLOP/s over memory bandwidth."),
        *L.setup(LAB, "from mlsysim_lab import catalog\\ngpu = catalog.get_hardware(lab.scenario['gpu'])"),
        *L.predict(LAB, "ridge", "ridge = gpu.ridge_point('fp16')", 2),
    ])
'''


def test_adding_a_lab_is_two_files(tmp_path, monkeypatch, capsys):
    (tmp_path / "graders").mkdir()
    (tmp_path / "solutions").mkdir()
    (tmp_path / "graders" / "lab16.py").write_text(SPEC)
    (tmp_path / "solutions" / "lab16.py").write_text(BUILDER)
    monkeypatch.setenv("MLSYSIM_LAB_GRADERS",
                       os.pathsep.join([str(tmp_path / "graders"), os.environ["MLSYSIM_LAB_GRADERS"]]))
    assert build(tmp_path, ["lab16"]) == ["lab16"]
    assert main(["labs", "list", "--json"]) == 0
    listed = {lab["id"]: lab for lab in json.loads(capsys.readouterr().out)}
    assert listed["lab16"]["available"] and listed["lab16"]["title"] == "Ridge Point Drill"
    assert main(["labs", "list", "--path", "first-time"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("yes") and True
    assert main(["labs", "notes", "lab16"]) == 0
    notes = capsys.readouterr().out
    assert "Ridge Point Drill" in notes and "the FP16 ridge point of your GPU" in notes
    assert main(["labs", "fetch", "16", str(tmp_path / "student")]) == 0
    student = (tmp_path / "student" / "lab16.ipynb").read_text()
    assert "the FP16 ridge point of your GPU" in student and "BEGIN SOLUTION" not in student
    assert "Ridge Point Drill" in (tmp_path / "labs" / "README.md").read_text()


def test_notes_show_every_item_kind_including_code_items(capsys):
    assert main(["labs", "notes", "lab14"]) == 0
    notes = capsys.readouterr().out
    for item in load_lab("lab14").items:
        assert f"**{item.name}**" in notes


RESERVED = {"lab", "commit", "reveal", "show", "save_report", "check_function",
            "describe_scenario", "FailureBanner", "ParameterPanel"}


def test_no_lab_cell_rebinds_a_name_the_set_up_cell_provides():
    import ast

    import nbformat

    for path in sorted((ROOT / "solutions").glob("lab*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells[2:]:
            if cell.cell_type != "code":
                continue
            source = "\n".join(line for line in cell.source.splitlines()
                               if not line.startswith("%%"))   # a cell magic line
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    assert node.id not in RESERVED, (path.name, node.id, cell.source[:60])
