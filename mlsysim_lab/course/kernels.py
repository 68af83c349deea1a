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
from typing import Any, Mapping, Sequence

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type


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

    def __init__(self, env: Mapping[str, str], *, labs: Sequence[str] = (),
                 timeout: float = 120.0) -> None:
        import subprocess
        import time

        self.folder = tempfile.mkdtemp(prefix="mlsysim-zygote-")
        self.socket = os.path.join(self.folder, "zygote.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mlsysim_lab.course.zygote", self.socket, *labs],
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


class ForkedKernelClient(AsyncKernelClient):
    """A client that is ready as soon as the kernel is: jupyter_client's ``wait_for_ready``
    then waits 0.2 s for IOPub to fall silent, a third of a forked kernel's life. Messages
    left on IOPub are harmless: nbclient takes only those that answer its own requests."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Ready once the kernel answers ``kernel_info`` and IOPub delivers (its welcome or a
        status message); a clear error if the kernel dies or ``timeout`` seconds pass."""
        import asyncio
        from queue import Empty

        loop = asyncio.get_running_loop()
        deadline = loop.time() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass   # IOPub not connected yet: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if loop.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class ForkedKernelManager(AsyncKernelManager):
    """A kernel manager whose python3 kernels are forked by a :class:`Zygote` (any other
    kernel command starts as usual)."""

    client_class = DottedObjectName("mlsysim_lab.course.kernels.ForkedKernelClient")
    client_factory = Type(ForkedKernelClient, klass=AsyncKernelClient)
    zygote_socket = ""
    _CLIENT = str(Path(__file__).with_name("_fork_client.py"))

    _forked = False
    #: Seconds between checks of a starting or stopping kernel (jupyter_client polls every
    #: 0.1 s; a forked kernel binds its sockets within milliseconds).
    POLL_S = 0.005

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        program = shutil.which(command[0], path=with_scripts_on_path(os.environ)["PATH"])
        if (not self.zygote_socket or command[1:3] != ["-m", "ipykernel_launcher"]
                or program is None or not os.path.samefile(program, sys.executable)):
            return command
        self._forked = True
        return forked(self.zygote_socket, command)

    async def _async_post_start_kernel(self, **kw: Any) -> None:
        """Return once the forked kernel has bound its IPC sockets: a client that connects
        earlier waits out ZeroMQ's 0.1 s reconnect and misses the first IOPub messages
        (another 0.2 s in ``wait_for_ready``)."""
        import asyncio

        if self._forked and self.transport == "ipc":
            ports = (self.shell_port, self.iopub_port, self.stdin_port, self.control_port,
                     self.hb_port)
            paths = [f"{self.ip}-{port}" for port in ports]
            deadline = asyncio.get_running_loop().time() + 30
            while (not all(os.path.exists(path) for path in paths)
                   and asyncio.get_running_loop().time() < deadline
                   and self.provisioner is not None and await self.provisioner.poll() is None):
                await asyncio.sleep(self.POLL_S)
        await super()._async_post_start_kernel(**kw)

    async def _async_finish_shutdown(self, waittime: float | None = None,
                                     pollinterval: float = 0.1, restart: bool = False) -> None:
        await super()._async_finish_shutdown(waittime, min(pollinterval, self.POLL_S), restart)


def forked(socket: str, command: list[str]) -> list[str]:
    """``command`` (``python -m MODULE ...``) run as a fork of the zygote at ``socket``."""
    return [sys.executable, "-I", "-S", ForkedKernelManager._CLIENT, socket, *command]


_running: Zygote | None = None


def zygote(env: Mapping[str, str], labs: Sequence[str] = ()) -> Zygote:
    """This process's zygote (with the specs of ``labs`` read), started (again) if there
    is none alive."""
    global _running
    if _running is None or not _running.alive():
        if _running is not None:
            _running.close()
        _running = Zygote(env, labs=labs)
    return _running


def running_zygote() -> Zygote | None:
    """The zygote of this process, if one runs (a grading worker's)."""
    return _running if _running is not None and _running.alive() else None
