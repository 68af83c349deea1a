"""Running a notebook headless in a kernel that cannot race another for a TCP port, and
the grading workers' kernels forked from a warm :class:`Zygote`.

Kernels talk over IPC sockets in a private folder, so any number of them can start at
once (tests, grading workers) without two grabbing one port.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping

from jupyter_client.manager import AsyncKernelManager


def with_scripts_on_path(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with this interpreter's scripts first on PATH: nbgrader runs ``alembic``
    and its own commands by name, which a venv used without activation would not find."""
    scripts = str(Path(sys.executable).parent)
    return {**env, "PATH": scripts + os.pathsep + env.get("PATH", "")}


def use_ipc(manager: Any) -> str:
    """Put a kernel manager on IPC sockets in a new private folder; returns the folder
    (remove it once the kernel is shut down)."""
    sockets = tempfile.mkdtemp(prefix="mlsysim-kernel-")
    if sys.platform != "win32":
        manager.transport = "ipc"
        manager.ip = os.path.join(sockets, "kernel")
    return sockets


def execute_notebook(notebook: Any, folder: str | os.PathLike[str], *,
                     env: Mapping[str, str] | None = None, timeout: int = 120,
                     allow_errors: bool = True) -> Any:
    """Execute ``notebook`` in place with ``folder`` as the kernel's working folder."""
    from nbclient import NotebookClient

    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    sockets = use_ipc(manager)
    client = NotebookClient(notebook, km=manager, timeout=timeout, allow_errors=allow_errors,
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(cwd=str(folder), env=dict(env if env is not None else os.environ))
    finally:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return notebook


class Zygote:
    """A warm process that forks fresh grading kernels (see :mod:`.zygote`), for a worker
    that grades many submissions; :meth:`kernel_manager_class` launches kernels from it."""

    def __init__(self, env: Mapping[str, str], *, timeout: float = 120.0) -> None:
        import subprocess
        import time

        self.folder = tempfile.mkdtemp(prefix="mlsysim-zygote-")
        self.socket = os.path.join(self.folder, "zygote.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mlsysim_lab.course.zygote", self.socket],
            stdin=subprocess.PIPE, env=dict(env), cwd=self.folder, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.socket):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("the kernel zygote did not start")
            time.sleep(0.02)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kernel_manager_class(self) -> type:
        return type("ForkedKernelManager", (ForkedKernelManager,), {"zygote_socket": self.socket})

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager whose python3 kernels are forked by a :class:`Zygote` (any other
    kernel command starts as usual)."""

    zygote_socket = ""
    _CLIENT = str(Path(__file__).with_name("_fork_client.py"))

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        program = shutil.which(command[0], path=with_scripts_on_path(os.environ)["PATH"])
        if (not self.zygote_socket or command[1:3] != ["-m", "ipykernel_launcher"]
                or program is None or not os.path.samefile(program, sys.executable)):
            return command
        return forked(self.zygote_socket, command)


def forked(socket: str, command: list[str]) -> list[str]:
    """``command`` (``python -m MODULE ...``) run as a fork of the zygote at ``socket``."""
    return [sys.executable, "-I", "-S", ForkedKernelManager._CLIENT, socket, *command]


_running: Zygote | None = None


def zygote(env: Mapping[str, str]) -> Zygote:
    """This process's zygote, started (again) if there is none alive."""
    global _running
    if _running is None or not _running.alive():
        if _running is not None:
            _running.close()
        _running = Zygote(env)
    return _running


def running_zygote() -> Zygote | None:
    """The zygote of this process, if one runs (a grading worker's)."""
    return _running if _running is not None and _running.alive() else None
