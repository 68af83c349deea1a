"""The instructor's class dashboards, on a small synthetic class: verdicts written the way
the trusted preprocessors write them (no nbgrader run), read back through the gradebook
rows, and every number on the page checked against those rows."""

import json
import re
from collections import Counter

import nbformat
import pytest

from mlsysim_lab.cli import main
from mlsysim_lab.course import read_records
from mlsysim_lab.course.class_insight import lab_insight
from mlsysim_lab.course.course_insight import course_insight
from mlsysim_lab.course.dashboard import course_dashboard, lab_dashboard
from mlsysim_lab.course.preprocessors import VERDICT_SUFFIX
from mlsysim_lab.course.pseudonyms import SALT_FILE, Pseudonyms
from mlsysim_lab.course.scaffold import TRUSTED_MARK
from mlsysim_lab.grading.grade import grade_item
from mlsysim_lab.grading.scenario import draw
from mlsysim_lab.grading.specs import load_lab


def right(key):
    return key


def wrong_choice(key):
    return "compute" if key == "memory" else "memory"


def times(factor):
    return lambda key: key * factor


#: student -> sample-lab answers as functions of the student's own key (code items: credit)
CLASS = {
    "stu-ada-41": {"decode_ms": right, "intensity": right, "regime": right, "ridge_fn": 1.0},
    "stu-bo-17": {"decode_ms": times(1.5), "intensity": times(3.0), "regime": wrong_choice,
                  "ridge_fn": 0.0},
    "stu-cy-88": {"decode_ms": times(0.2), "intensity": right, "regime": wrong_choice,
                  "ridge_fn": 1.0},
    "stu-di-05": {"decode_ms": times(40.0), "intensity": times(0.5), "regime": right,
                  "ridge_fn": 1.0},
    "stu-ed-63": {"decode_ms": lambda key: 0.0, "intensity": right, "regime": lambda key: 42,
                  "ridge_fn": 0.0},
}
BORROWED = "outsider-x9"    # the id stu-di-05's notebook was worked as


def verdict(spec, student, answers, *, graded_as=None, flags=(), item_flags=None,
            uncommitted=()):
    """A verdict as ScoreRecords writes it, each prediction graded by the grader's own
    function against the key of the scenario the notebook was worked as."""
    graded_as = graded_as or student
    scenario = draw(spec.scenario, spec.id, graded_as)
    items = []
    for item in spec.items:
        if item.name not in answers:
            continue
        if item.predictable:
            answer = answers[item.name](item.key_value(scenario))
            result = grade_item(spec, item, answer, scenario)
            credit, misconception, shown = result.credit, result.misconception, item.shown(answer)
        else:
            credit, misconception, shown = answers[item.name], None, "code"
        source = "answer cell" if item.name in uncommitted else "commit"
        items.append({"item": item.name, "points": 2 * credit, "out_of": 2, "credit": credit,
                      "message": "", "graded": shown, "graded_from": source,
                      "committed": shown if source == "commit" else None, "answer": shown,
                      "misconception": misconception,
                      "flags": list((item_flags or {}).get(item.name, []))})
    return {"student": student, "graded_as": graded_as, "scenario": scenario,
            "flags": list(flags), "items": items}


def submit(root, lab, student, content=None):
    """A submitted notebook (empty: nothing reads it without autograde) and its verdict."""
    folder = root / "submitted" / student / lab
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), folder / f"{lab}.ipynb")
    if content is not None:
        graded = root / "autograded" / student / lab
        graded.mkdir(parents=True)
        (graded / f"{lab}{VERDICT_SUFFIX}").write_text(json.dumps(content))


def mismatch(worked_as):
    return (f"scenario mismatch: the notebook was worked as {worked_as!r}, nbgrader grades "
            "'stu-di-05'; graded against what the student saw")


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(f"# {TRUSTED_MARK}\n")
    spec = load_lab("sample")
    for student, answers in CLASS.items():
        options = {}
        if student == "stu-bo-17":
            options = {"item_flags": {"decode_ms": ["answer changed after the reveal"],
                                      "intensity": ["answer computed with code"]}}
        if student == "stu-di-05":
            options = {"graded_as": BORROWED, "flags": [mismatch(BORROWED)],
                       "uncommitted": ("intensity",)}
        if student == "stu-ed-63":
            options = {"flags": ["the kernel died (stu-ed-63's notebook called os._exit)"]}
        submit(root, "sample", student, verdict(spec, student, answers, **options))
    submit(root, "sample", "stu-fay-20")          # never autograded: a failed row
    return root


def page_rows(page, attribute):
    """{value of data-ATTRIBUTE: the row's other data attributes} of a dashboard page."""
    rows = {}
    for tag in re.findall(r"<tr( data-[^>]*)>", page):
        attrs = dict(re.findall(r' data-([\w-]+)="([^"]*)"', tag))
        if attribute in attrs:
            rows.setdefault(attrs[attribute], []).append(attrs)
    return rows


def test_lab_numbers_match_the_gradebook_rows(course, tmp_path):
    records = read_records(course, "sample")
    insight = lab_insight("sample", records)
    page = lab_dashboard(insight, tmp_path / "dash.html").read_text()
    graded = [r for r in records if r.status == "graded"]
    shown = page_rows(page, "item")
    for item in {r.item for r in graded}:
        credits = [r.credit for r in graded if r.item == item]
        assert len(credits) == len(CLASS)
        mean = sum(credits) / len(credits)
        (row,) = [attrs for attrs in shown[item] if "mean-credit" in attrs]
        assert float(row["mean-credit"]) == pytest.approx(mean, abs=1e-4)
        assert int(row["missed"]) == sum(1 for c in credits if c < 1)
    # the ratios are prediction / the key of each student's own scenario (stu-di-05: borrowed)
    decode = next(i for i in insight.items if i.item_id == "sample.decode_ms")
    assert sorted(decode.ratios) == pytest.approx([0.2, 1.0, 1.5, 40.0], rel=1e-3)
    assert decode.off_scale == 1 and len(decode.calibration) == 4
    intensity = next(i for i in insight.items if i.item_id == "sample.intensity")
    assert len(intensity.calibration) == 4    # stu-di-05's was never committed
    assert "<svg" in page and "<script" not in page


def test_wrong_options_are_counted_with_their_misconception(course, tmp_path):
    spec = load_lab("sample")
    expected = Counter()
    for student, answers in CLASS.items():
        key = spec.item("regime").key_value(draw(spec.scenario, "sample",
                                                 BORROWED if student == "stu-di-05" else student))
        chosen = answers["regime"](key)
        if chosen in ("memory", "compute") and chosen != key:
            expected[chosen] += 1
    assert sum(expected.values()) == 2
    insight = lab_insight("sample", read_records(course, "sample"))
    regime = next(i for i in insight.items if i.item_id == "sample.regime")
    assert {o.label: len(o.students) for o in regime.wrong_options} == dict(expected)
    page = lab_dashboard(insight, tmp_path / "dash.html").read_text()
    assert {label: int(rows[0]["count"]) for label, rows in page_rows(page, "option").items()} \
        == dict(expected)
    if "compute" in expected:
        assert "decode is compute-bound like training" in page


def test_every_flag_and_failure_is_listed(course, tmp_path):
    insight = lab_insight("sample", read_records(course, "sample"))
    page = lab_dashboard(insight, tmp_path / "dash.html").read_text()
    flags = {(attrs["student"], attrs["flag"]) for rows in page_rows(page, "flag").values()
             for attrs in rows}
    assert flags == {("stu-bo-17", "answer changed after the reveal"),
                     ("stu-bo-17", "answer computed with code"),
                     ("stu-di-05", "scenario mismatch"),
                     ("stu-ed-63", "other"),
                     ("stu-fay-20", "failed submission")}
    assert f"worked as {BORROWED}" in page and "kernel died" in page
    assert "not autograded" in page


def lab00_answers(n, lab00):
    """Student 0 right everywhere; the others 100x off on the ridge and choosing the
    decode regime's option that stands for a misconception."""
    answers = {}
    for item in lab00.items:
        if not item.predictable:
            answers[item.name] = 1.0
        elif n and item.name == "ridge":
            answers[item.name] = times(100.0)
        elif n and item.name == "decode_regime":
            answers[item.name] = lambda key, item=item: next(
                o.label for o in item.options if o.label != key and o.misconception)
        else:
            answers[item.name] = right
    return answers


def test_anonymised_pages_hide_every_id_behind_a_stable_pseudonym(course, tmp_path):
    lab00 = load_lab("lab00")
    submit(course, "lab00", "stu-bo-17", verdict(lab00, "stu-bo-17", lab00_answers(0, lab00),
                                                 flags=["the kernel died"]))
    insight = lab_insight("sample", read_records(course, "sample"))
    first = lab_dashboard(insight, tmp_path / "a.html", Pseudonyms.for_course(course)).read_text()
    again = lab_dashboard(insight, tmp_path / "b.html", Pseudonyms.for_course(course)).read_text()
    across = course_dashboard(course_insight(course), tmp_path / "c.html",
                              Pseudonyms.for_course(course)).read_text()
    for student in [*CLASS, "stu-fay-20", BORROWED]:
        assert student not in first and student not in across
    names = Pseudonyms.for_course(course)
    for student in ("stu-bo-17", "stu-ed-63", "stu-fay-20"):
        assert names(student) in first and names(student) in again
    assert names("stu-bo-17") in across      # flagged in two labs, under the same pseudonym
    assert names(BORROWED) in first          # the id inside the mismatch flag
    assert (course / SALT_FILE).stat().st_mode & 0o077 == 0
    assert Pseudonyms(b"another course")("stu-bo-17") != names("stu-bo-17")


def test_the_course_ranks_items_by_how_many_students_missed_them(course, tmp_path):
    lab00 = load_lab("lab00")
    for n in range(3):
        submit(course, "lab00", f"stu-{n}", verdict(lab00, f"stu-{n}", lab00_answers(n, lab00)))
    submit(course, "lab01", "stu-0")          # submitted, never autograded: left out
    insight = course_insight(course)
    assert [lab.lab_id for lab in insight.labs] == ["lab00", "sample"]
    assert "lab01" in insight.skipped
    ranked = insight.items_missed()
    by_id = {item.item_id: item.missed for item in ranked}
    assert by_id["lab00.ridge"] == 2 == by_id["lab00.decode_regime"]
    assert by_id["lab00.prefill_regime"] == 0
    sample = [r for r in read_records(course, "sample") if r.status == "graded"]
    for item in {r.item for r in sample}:
        assert by_id[item] == sum(1 for r in sample if r.item == item and r.credit < 1)
    counts = [item.missed for item in ranked]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(by_id.values())
    misconceptions = {m.text: m for m in insight.misconceptions()}
    decode = next(o.misconception for o in lab00.item("decode_regime").options if o.misconception)
    assert misconceptions[decode].students == ("stu-1", "stu-2")
    assert misconceptions[decode].items == ("lab00.decode_regime",)
    sizes = [len(m.students) for m in insight.misconceptions()]
    assert sizes == sorted(sizes, reverse=True)
    page = course_dashboard(insight, tmp_path / "course.html").read_text()
    assert list(page_rows(page, "item")) == [item.item_id for item in ranked]
    assert decode in page


def test_grade_and_report_commands_write_the_dashboards(course, tmp_path, capsys):
    target = tmp_path / "out" / "sample.html"     # the folder is created
    code = main(["grade", "sample", "--course", str(course), "--no-autograde",
                 "--csv", str(tmp_path / "grades.csv"), "--dashboard", str(target),
                 "--anonymise"])
    printed = capsys.readouterr().out
    assert code == 1            # stu-fay-20 was never graded: reported, after writing
    assert f"Class dashboard written to {target}" in printed
    page = target.read_text()
    assert "stu-bo-17" not in page and Pseudonyms.for_course(course)("stu-bo-17") in page
    assert main(["grade", "sample", "--course", str(course), "--no-autograde",
                 "--csv", str(tmp_path / "grades.csv")]) == 1
    assert (tmp_path / "dashboard-sample.html").is_file()     # beside the CSV
    capsys.readouterr()
    assert main(["report", str(course)]) == 0
    printed = capsys.readouterr().out
    assert f"written to {course / 'class-insight.html'}" in printed
    assert "sample.regime" in printed
    assert main(["report", str(tmp_path)]) == 2               # not a course
    assert main(["report", str(course), "--top", "0"]) == 2
    assert "--top" in capsys.readouterr().err
    assert main(["report", str(course), "--json", "--top", "2"]) == 0
    ranked = json.loads(capsys.readouterr().out)["items"]
    assert [row["item"] for row in ranked] == ["sample.decode_ms", "sample.regime"]
