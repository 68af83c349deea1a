"""Autograding on a Dask distributed cluster (``mlsysim-lab grade LAB --cluster ADDRESS``),
for a class that outgrows one machine.

Each submission is one Dask task, :func:`.jobs.grade_submission`, on any worker with this
package installed: the worker grades it in its own throw-away course folder, exactly as a
local worker does, and returns the autograded files. The assignment's template (config,
cells, source files) is one task whose result each worker fetches once. Only the
coordinator, the process that called :func:`run_on_cluster`, writes ``autograded/`` and
the gradebook.

A worker that dies mid-task is the scheduler's to handle: it reschedules the task on
another worker, and after ``distributed.scheduler.allowed-failures`` deaths (default 3)
gives up on it; that submission is then reported as failed with the reason, never lost.
Start workers with one thread each (``dask worker ADDRESS --nthreads 1``): a worker grades
one submission at a time.
"""

from __future__ import annotations

from typing import Callable, Iterable

from mlsysim_lab.course.jobs import Outcome, Submission, Template, grade_submission

#: Extra tries of a task that raised (a worker's own trouble, not a submission's).
RETRIES = 1


def _client(address: str):   # -> distributed.Client
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError("grading on a cluster needs Dask: pip install "
                           "'mlsysim-lab[cluster]'") from None
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise RuntimeError(f"no Dask scheduler answers at {address} ({error})") from None


def _unchanged(value: Template) -> Template:
    return value


def run_on_cluster(address: str, template: Template, submissions: Iterable[Submission],
                   done: Callable[[Outcome], None]) -> None:
    """Grade every submission on the cluster at ``address``; ``done`` gets each outcome
    (in this process) as it arrives, including one per submission whose task failed."""
    from distributed import as_completed

    with _client(address) as client:
        # A task, not scattered data: the scheduler can recompute it when the workers
        # that held it die (a scattered value would be lost with them).
        shared = client.submit(_unchanged, template, pure=False)
        futures = {client.submit(grade_submission, shared, submission, pure=False,
                                 retries=RETRIES): submission.student
                   for submission in submissions}
        for future in as_completed(futures):
            student = futures.pop(future)
            try:
                outcome = future.result()
            except Exception as error:   # KilledWorker, a lost scheduler ...
                outcome = Outcome(student, error=f"the cluster could not grade it "
                                                 f"({type(error).__name__}: {error})"[:300])
            done(outcome)
