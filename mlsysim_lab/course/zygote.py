"""Fresh grading kernels in a few milliseconds: forked from a warm process instead of a
new interpreter that imports ipykernel, numpy, matplotlib and the package each time.

A grading worker starts one *zygote* (``python -m mlsysim_lab.course.zygote SOCKET
[LAB ...]``): it imports what every lab's set-up imports and reads the labs' specs, then
waits. For each submission the kernel
manager launches ``_fork_client.py`` (a stdlib-only script) in place of the kernel; it
hands the zygote its standard streams, folder, environment and command (``python -m
MODULE ARGS``), the zygote forks, and the child runs the module as ``__main__``: for a
kernel, ``ipykernel_launcher`` on the connection file; for the isolated checks of an
implement item, :mod:`mlsysim_lab.grading.isolated`. The client stays as
the kernel's stand-in for the manager: it relays signals (interrupts, terminate) and
exits when the kernel does; the kernel exits when the client is killed.

Isolation is that of a new process: every kernel is a fresh fork of a zygote that has
never run a line of anyone's code, so nothing one submission does reaches another's
kernel. The zygote runs no threads (forking is safe) and dies with its worker.
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import select
import signal
import socket
import sys
import threading
import traceback
from typing import Any, Sequence

#: What a kernel's start-up and a lab's set-up cell import, loaded once (copy-on-write in
#: every kernel): ipykernel with what its kernel initialisation pulls in (the debugger
#: alone is half a second), then the lab's libraries and hypothesis (the isolated
#: property checks of implement items). The package itself follows, module by module
#: (:func:`_preload`).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
           "IPython.core.completerlib", "IPython.extensions.storemagic", "tornado.queues",
           "tornado.platform.asyncio", "sqlite3", "pdb", "numpy", "matplotlib.pyplot", "pint",
           "ipywidgets", "hypothesis")
_NOT_PRELOADED = ("mlsysim_lab.course", "mlsysim_lab.cli", "mlsysim_lab.__main__")


def _read_request(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    _, fds, _, _ = socket.recv_fds(connection, 1, 3)
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("the client left before its request was complete")
        data += chunk
    return json.loads(data), fds


def _become_kernel(connection: socket.socket, fds: list[int], request: dict[str, Any]) -> None:
    """In the forked child: take the client's streams, folder and environment, and run
    the kernel until it shuts down or the client goes away."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])

        def watch() -> None:   # the client is gone (killed): so is the kernel
            while connection.recv(1):
                pass
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
        argv = request["argv"]
        if len(argv) < 3 or argv[1] != "-m":
            raise ValueError(f"not a 'python -m MODULE' command: {argv}")
        sys.argv = [argv[0], *argv[3:]]
        sys.path[0] = request["cwd"]
        runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _reap(_signum: int, _frame: object) -> None:
    """Collect every child that has exited (so their CPU time counts as the zygote's, and
    through it the worker's, as a kernel started the usual way counts as its manager's)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _preload(labs: Sequence[str]) -> None:
    """Import :data:`PRELOAD` and every module of the package a lab can import (not the
    instructor's ``course`` and ``cli``), and read the specs of ``labs`` (instructor code;
    the spec cache checks the file's path and time, so a kernel re-reads a changed spec)."""
    import importlib
    import pkgutil

    import mlsysim_lab
    from mlsysim_lab.grading.specs import load_lab

    for module in PRELOAD:
        importlib.import_module(module)
    for found in pkgutil.walk_packages(mlsysim_lab.__path__, "mlsysim_lab."):
        if not found.name.startswith(_NOT_PRELOADED):
            importlib.import_module(found.name)
    for lab in labs:
        try:
            load_lab(lab)
        except Exception:   # not one of ours, or a broken spec: the kernel says so itself
            pass


def serve(path: str, labs: Sequence[str] = ()) -> None:
    """Preload (with the specs of ``labs``), listen on the Unix socket ``path``, fork a
    kernel per request; return when standard input closes (the worker is gone)."""
    os.environ["JPY_PARENT_PID"] = str(os.getpid())   # read at import: kernels die with us
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"   # no debugger warning at import
    _preload(labs)
    gc.freeze()   # the preloaded objects stay shared: a child's collections never touch them
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.rename(path + ".tmp", path)   # the socket appears only when the zygote is ready
    listener.listen(16)
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1):
            return
        if listener not in ready:
            continue
        connection, _ = listener.accept()
        try:
            request, fds = _read_request(connection)
        except (OSError, ValueError):
            connection.close()
            continue
        pid = os.fork()
        if pid == 0:
            listener.close()
            _become_kernel(connection, fds, request)
        for fd in fds:
            os.close(fd)
        connection.sendall(f"{pid}\n".encode())
        connection.close()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
