"""Find a lab's answer spec: ``graders/<lab>.py`` in the package, or in a folder named
by ``MLSYSIM_LAB_GRADERS`` (os.pathsep-separated; a course developer's own labs).

A spec module defines ``LAB = LabSpec(...)``. Item ids are ``<lab>.<item>``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from mlsysim_lab.grading.items import Item, LabSpec
from mlsysim_lab.resources import graders_dir, load_module


def grader_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("MLSYSIM_LAB_GRADERS", "").split(os.pathsep) if p]
    return [*extra, graders_dir()]


def available_labs() -> list[str]:
    found = {path.stem for folder in grader_dirs() if folder.is_dir()
             for path in folder.glob("*.py") if not path.name.startswith("_")}
    return sorted(found)


@functools.lru_cache(maxsize=64)
def _load(path: str) -> LabSpec:
    module = load_module(path, f"mlsysim_lab_graders.{Path(path).stem}")
    lab = getattr(module, "LAB", None)
    if not isinstance(lab, LabSpec):
        raise ImportError(f"{path} does not define LAB = LabSpec(...)")
    return lab


def load_lab(lab_id: str) -> LabSpec:
    """The spec of a lab by id (``lab00``)."""
    for folder in grader_dirs():
        path = folder / f"{lab_id}.py"
        if path.is_file():
            lab = _load(str(path.resolve()))
            if lab.id != lab_id:
                raise ImportError(f"{path} defines lab {lab.id!r}, not {lab_id!r}")
            return lab
    raise KeyError(f"no grader spec for lab {lab_id!r}; available: "
                   f"{', '.join(available_labs()) or 'none'}")


def find_item(item_id: str) -> tuple[LabSpec, Item]:
    """Resolve ``lab.item`` to its lab and item."""
    lab_id, dot, name = item_id.partition(".")
    if not dot or not name:
        raise KeyError(f"item ids look like 'lab00.intensity', got {item_id!r}")
    lab = load_lab(lab_id)
    return lab, lab.item(name)
