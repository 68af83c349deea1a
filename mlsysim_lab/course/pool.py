"""Long-lived autograde workers on this machine: each is one process that grades one
submission at a time with nbgrader's converter in-process (:func:`.jobs.grade_submission`),
so nbgrader and the lab's imports load once per worker, not once per student or chunk.

A worker that dies (a submission's code killed it, the machine ran out of memory) is
replaced; the submission it was grading is tried once more on a fresh worker and then
reported as failed, never lost.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable

from mlsysim_lab.course.jobs import Outcome, Submission, Template, grade_submission

#: Tries of one submission before its worker's death is reported as its failure.
ATTEMPTS = 2


def _serve(connection: Connection, template: Template) -> None:
    """A worker's loop: grade each submission received until told to stop (None)."""
    while True:
        submission = connection.recv()
        if submission is None:
            return
        connection.send(grade_submission(template, submission))


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, template: Template) -> None:
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, template), daemon=True)
        self.process.start()
        theirs.close()
        self.job: Submission | None = None

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def run_local(template: Template, submissions: Iterable[Submission], workers: int,
              done: Callable[[Outcome], None]) -> None:
    """Grade every submission on ``workers`` processes; ``done`` gets each outcome as it
    arrives (in this process, which alone writes the gradebook)."""
    queue = deque(submissions)
    if not queue:
        return
    context = multiprocessing.get_context("spawn")
    attempts: dict[str, int] = {}
    pool = [_Worker(context, template) for _ in range(max(1, min(workers, len(queue))))]
    try:
        while queue or any(worker.job for worker in pool):
            for worker in pool:
                if worker.job is None and queue:
                    worker.job = queue.popleft()
                    attempts[worker.job.student] = attempts.get(worker.job.student, 0) + 1
                    worker.connection.send(worker.job)
            busy = [w for w in pool if w.job is not None]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            for index, worker in enumerate(pool):
                if worker.job is None or not (worker.connection in ready
                                              or worker.process.sentinel in ready):
                    continue
                job, worker.job = worker.job, None
                try:
                    done(worker.connection.recv())
                    continue
                except (EOFError, OSError):
                    pass
                worker.process.join()
                code = worker.process.exitcode
                if attempts[job.student] < ATTEMPTS:
                    queue.appendleft(job)
                else:
                    done(Outcome(job.student, error=f"its grading worker died {ATTEMPTS} times "
                                                    f"(last exit code {code})"))
                pool[index] = _Worker(context, template)
    finally:
        for worker in pool:
            worker.stop()
