"""Where the bundled student labs and answer specs are, installed or in a checkout.

In the wheel, ``labs/``, ``graders/`` and ``validation/`` are copied to ``mlsysim_lab/_bundled/``; in an
editable checkout they sit at the top of the repository. Solutions never ship.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path
from types import ModuleType

_CHECKOUT_ROOT = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    installed = resources.files("mlsysim_lab") / "_bundled" / name
    if installed.is_dir():
        return Path(str(installed))
    checkout = _CHECKOUT_ROOT / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the bundled {name}/ folder is missing from this installation "
                            f"(looked in {installed} and {checkout}); reinstall mlsysim-lab")


def labs_dir() -> Path:
    """The folder of student lab notebooks."""
    return _bundled("labs")


def graders_dir() -> Path:
    """The folder of per-lab answer specifications."""
    return _bundled("graders")


def validation_dir() -> Path:
    """The folder of the validation table (published measurements)."""
    return _bundled("validation")


def load_module(path: str | Path, name: str) -> ModuleType:
    """Execute a Python file as a module (grader specs, lab sources)."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
