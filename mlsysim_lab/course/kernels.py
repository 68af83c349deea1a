"""Running a notebook headless in a kernel that cannot race another for a TCP port.

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
