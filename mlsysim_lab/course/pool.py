"""Long-lived autograde workers on this machine: each is one process that grades one
submission at a time with nbgrader's converter in-process (:func:`.jobs.grade_submission`),
so nbgrader and the lab's imports load once per worker, not once per student or chunk.

A worker that dies (a submission's code killed it, the machine ran out of memory) is
replaced; the submission it was grading is tried once more on a fresh worker and then
reported as failed, never lost.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable

from mlsysim_lab.course.jobs import Outcome, Submission, Template, grade_submission

#: Tries of one submission before its worker's death is reported as its failure.
ATTEMPTS = 2


def _context() -> multiprocessing.context.BaseContext:
    """Fork this process (nbgrader already imported) when that is safe: on POSIX, with no
    other thread running; else start fresh interpreters."""
    if os.name == "posix" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _serve(connection: Connection, template: Template) -> None:
    """A worker's loop: grade each submission received until told to stop (None)."""
    while True:
        submission = connection.recv()
        if submission is None:
            os._exit(0)   # nothing to tear down; the zygote exits when its pipe closes
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
    context = _context()
    attempts: dict[str, int] = {}
    pool = [_Worker(context, template) for _ in range(max(1, min(workers, len(queue))))]
    def dispatch() -> None:
        for worker in pool:
            if worker.job is None and queue:
                worker.job = queue.popleft()
                attempts[worker.job.student] = attempts.get(worker.job.student, 0) + 1
                try:
                    worker.connection.send(worker.job)
                except OSError:
                    pass   # it died idle: its sentinel says so below

    try:
        while queue or any(worker.job for worker in pool):
            dispatch()
            busy = [w for w in pool if w.job is not None]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            arrived = []
            for index, worker in enumerate(pool):
                if worker.job is None or not (worker.connection in ready
                                              or worker.process.sentinel in ready):
                    continue
                job, worker.job = worker.job, None
                try:
                    arrived.append(worker.connection.recv())
                    continue
                except (EOFError, OSError):
                    pass
                worker.process.join()
                code = worker.process.exitcode
                if attempts[job.student] < ATTEMPTS:
                    queue.appendleft(job)
                else:
                    arrived.append(Outcome(job.student, error=f"its grading worker died "
                                                              f"{ATTEMPTS} times (last exit "
                                                              f"code {code})"))
                pool[index] = _Worker(context, template)
            dispatch()   # the workers start their next submission while this one is saved
            for outcome in arrived:
                done(outcome)
    finally:
        for worker in pool:
            worker.stop()
