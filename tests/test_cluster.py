"""Grading a class on a Dask cluster gives exactly what grading it on this machine gives:
the same gradebook scores and the same CSV; a submission that kills its grading worker
is retried and then reported, never lost, and costs no other student anything."""

import csv
import shutil

import nbformat
import pytest

from mlsysim_lab.course import grade_report
from test_nbgrader_e2e import SAMPLE_CLASS, SOLUTIONS, _scores, submitted_class, with_answers

distributed = pytest.importorskip("distributed")

#: Kills the grading worker: the process that started its kernel (or the kernel zygote's).
KILL_GRADER = ("import os, signal\n"
               "pid = os.getppid()\n"
               "if b'zygote' in open(f'/proc/{pid}/cmdline', 'rb').read():\n"
               "    pid = int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])\n"
               "os.kill(pid, signal.SIGKILL)\n")
CLASS = {**SAMPLE_CLASS,
         "killer": {**SOLUTIONS, "intensity": KILL_GRADER + SOLUTIONS["intensity"]}}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = submitted_class(tmp_path_factory, CLASS)
    return root


def _graded(course, target, **where):
    shutil.copytree(course, target)
    report = grade_report(target, "sample", target / "grades.csv", **where)
    with (target / "grades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    return report, rows, _scores(target)


@pytest.fixture(scope="module")
def both(course, tmp_path_factory):
    from distributed import LocalCluster

    local = _graded(course, tmp_path_factory.mktemp("local") / "course", workers=2)
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         scheduler_port=0, dashboard_address=None) as cluster:
        remote = _graded(course, tmp_path_factory.mktemp("cluster") / "course",
                         cluster=cluster.scheduler_address)
    return local, remote


def _without_reasons(rows):
    return [{**row, "reason": ""} if row["status"] == "failed" else row for row in rows]


def test_the_cluster_gives_the_same_gradebook_and_csv(both):
    (_, local_rows, local_scores), (_, remote_rows, remote_scores) = both
    assert remote_scores == local_scores
    assert local_scores["ada"] == 7 and local_scores["bob"] == 5 and local_scores["cy"] == 0
    assert _without_reasons(remote_rows) == _without_reasons(local_rows)
    assert {row["student"] for row in remote_rows} == set(CLASS)


def test_a_submission_that_kills_its_worker_is_reported_not_lost(both):
    (local, local_rows, _), (remote, remote_rows, _) = both
    for report, rows, died in ((local, local_rows, "worker died"),
                               (remote, remote_rows, "KilledWorker")):
        assert set(report.failures) == {"killer"}
        assert died in report.failures["killer"]
        assert [row["status"] for row in rows if row["student"] == "killer"] == ["failed"]
        assert sum(row["status"] == "graded" for row in rows) == 4 * 4   # 4 items each


def test_an_unreachable_cluster_is_a_clear_error(course, tmp_path):
    with pytest.raises(RuntimeError, match="no Dask scheduler answers"):
        grade_report(course, "sample", tmp_path / "grades.csv",
                     cluster="tcp://127.0.0.1:9")


def _saved(course, target, outcomes):
    from mlsysim_lab.course.gradebook_sync import GradebookWriter

    shutil.copytree(course, target)
    with GradebookWriter(target, "sample", batch=10) as writer:
        for outcome in outcomes:
            writer.save(outcome)
    return writer.failures, _scores(target)


def test_a_submission_whose_scores_cannot_be_saved_costs_the_others_nothing(course, tmp_path):
    """The coordinator saves many submissions per gradebook transaction; one that the
    gradebook refuses (a test cell it does not know) is rolled back and reported, and
    the submissions before and after it in the batch keep their rows."""
    from mlsysim_lab.course.jobs import Outcome

    release = nbformat.read(course / "release" / "sample" / "sample.ipynb", as_version=4)
    good = {student: Outcome(student, files={"sample.ipynb": (
        nbformat.writes(with_answers(release, CLASS[student])).encode(), 0o644)})
        for student in ("ada", "cy")}
    unknown = with_answers(release, CLASS["bob"])
    test_cell = next(c for c in unknown.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test_cell.metadata.nbgrader["grade_id"] = "no-such-cell"
    bad = Outcome("bob", files={"sample.ipynb": (nbformat.writes(unknown).encode(), 0o644)})
    alone, expected = _saved(course, tmp_path / "alone", list(good.values()))
    failures, scores = _saved(course, tmp_path / "batch", [good["ada"], bad, good["cy"]])
    assert not alone and set(failures) == {"bob"} and "could not be saved" in failures["bob"]
    assert {s: scores[s] for s in good} == expected and set(expected) == set(good)
    assert not (tmp_path / "batch" / "autograded" / "bob" / "sample").exists()


def _dies_at_start(connection, template):
    import os

    os._exit(3)


def test_workers_that_die_as_they_start_are_a_clear_error(monkeypatch):
    """No submission is sent to a worker before it says it is ready, so workers that die
    starting stop the run with the reason instead of leaving it waiting forever."""
    import multiprocessing

    from mlsysim_lab.course import pool
    from mlsysim_lab.course.jobs import Submission, Template

    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(pool, "_serve", _dies_at_start)
    graded = []
    with pytest.raises(RuntimeError, match=r"die as they start \(exit code 3\)"):
        pool.run_local(Template("sample", "course", "", b""),
                       [Submission("ada", {}), Submission("bob", {})], 2, graded.append)
    assert graded == []
