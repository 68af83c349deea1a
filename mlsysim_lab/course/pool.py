"""Long-lived autograde workers on this machine: each is one process that grades one
submission at a time with nbgrader's converter in-process (:func:`.jobs.grade_submission`),
so nbgrader and the lab's imports load once per worker, not once per student or chunk.

A worker that dies (a submission's code killed it, the machine ran out of memory) is
replaced; the submission it was grading is tried once more on a fresh worker and then
reported as failed, never lost.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable

from mlsysim_lab.course.jobs import Outcome, Submission, Template, grade_submission
from mlsysim_lab.course.kernels import running_zygote

#: Tries of one submission before its worker's death is reported as its failure.
ATTEMPTS = 2


def _context() -> multiprocessing.context.BaseContext:
    """Fork this process (nbgrader already imported) when that is safe: on POSIX, with no
    other thread running; else start fresh interpreters."""
    if os.name == "posix" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _serve(connection: Connection, template: Template) -> None:
    """A worker's loop: say it is ready, then grade each submission received until told
    to stop (None)."""
    gc.freeze()   # what a forked worker shares with the coordinator: never collected here
    connection.send(None)
    while True:
        submission = connection.recv()
        if submission is None:
            zygote = running_zygote()
            if zygote is not None:
                zygote.close()   # it exits at once; waiting for it collects its CPU time
            os._exit(0)
        connection.send(grade_submission(template, submission))


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, template: Template) -> None:
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, template), daemon=True)
        self.process.start()
        theirs.close()
        # Jobs go only to a worker that has said it is ready: a spawned worker fetches its
        # end of the pipe from this process, so until then a send to a worker that died
        # starting would wait forever instead of failing.
        self.ready = False
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
    arrives (in this process, which alone writes the gradebook). Raises RuntimeError if
    workers die :data:`ATTEMPTS` + 1 times in a row before they are ready."""
    queue = deque(submissions)
    if not queue:
        return
    context = _context()
    attempts: dict[str, int] = {}
    failed_starts = 0
    pool = [_Worker(context, template) for _ in range(max(1, min(workers, len(queue))))]
    def dispatch() -> None:
        for worker in pool:
            if worker.ready and worker.job is None and queue:
                worker.job = queue.popleft()
                attempts[worker.job.student] = attempts.get(worker.job.student, 0) + 1
                try:
                    worker.connection.send(worker.job)
                except OSError:
                    pass   # it died idle: its sentinel says so below

    try:
        while queue or any(worker.job for worker in pool):
            dispatch()
            watched = [w for w in pool if w.job is not None or not w.ready]
            ready = wait([w.connection for w in watched] + [w.process.sentinel for w in watched])
            arrived = []
            for index, worker in enumerate(pool):
                if worker not in watched or not (worker.connection in ready
                                                 or worker.process.sentinel in ready):
                    continue
                try:
                    message = worker.connection.recv()
                except (EOFError, OSError):
                    pass
                else:
                    if worker.ready:
                        worker.job = None
                        arrived.append(message)
                    worker.ready, failed_starts = True, 0
                    continue
                worker.process.join()
                code = worker.process.exitcode
                job, worker.job = worker.job, None
                if job is None:
                    failed_starts += 1
                    if failed_starts > ATTEMPTS:
                        raise RuntimeError(f"the grading workers die as they start (exit code "
                                           f"{code}); nothing was graded by them")
                elif attempts[job.student] < ATTEMPTS:
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
