"""Instructor answer keys: `labs keys` and the keyed notes need the solutions folder;
the keys they print are the ones the grader gives full credit for."""

import json
from pathlib import Path

from mlsysim_lab.cli import main
from mlsysim_lab.grading.specs import load_lab

SOLUTIONS = str(Path(__file__).resolve().parent.parent / "solutions")


def test_keys_refuse_without_the_instructors_solutions(capsys, tmp_path):
    assert main(["labs", "keys", "lab00", "--student", "alice", "--solutions", str(tmp_path)]) == 2
    assert "does not hold the instructor source of lab00" in capsys.readouterr().err
    (tmp_path / "lab00.py").write_text("print('not a builder')\n")
    assert main(["labs", "keys", "lab00", "--student", "alice", "--solutions", str(tmp_path)]) == 2


def test_keys_json_earn_full_credit_for_that_student_only_in_their_scenario(capsys):
    lab = load_lab("lab03")
    found = {}
    for student in ("alice", "bob", "carol", "dave"):
        assert main(["labs", "keys", "lab03", "--student", student, "--solutions", SOLUTIONS,
                     "--json"]) == 0
        found[student] = json.loads(capsys.readouterr().out)
    for student, keys in found.items():
        assert keys["lab"] == "lab03" and keys["student"] == student
        for entry in keys["items"]:
            item = lab.item(entry["name"])
            assert entry["kind"] == item.kind
            if entry["key"] is not None:
                assert item.grade("x", entry["key"], keys["scenario"]).credit == 1
            if item.kind == "choice":
                assert [o["label"] for o in entry["options"]] == [o.label for o in item.options]
    assert len({json.dumps(k["scenario"], sort_keys=True) for k in found.values()}) > 1


def test_notes_show_keys_and_misconceptions_by_option_only_for_the_instructor(capsys):
    assert main(["labs", "notes", "lab00"]) == 0
    public = capsys.readouterr().out
    assert main(["labs", "notes", "lab00", "--solutions", SOLUTIONS]) == 0
    keyed = capsys.readouterr().out
    assert "keys:" not in public and "stands for" not in public
    assert "keys:" in keyed and "stands for" in keyed
    assert main(["labs", "notes", "lab00", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    choice = next(i for i in data["items"] if i["kind"] == "choice")
    assert choice["options"] and all("misconception" not in o for o in choice["options"])
    assert "keys" not in choice
