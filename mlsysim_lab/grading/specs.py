"""Find labs by their specs: ``graders/<lab>.py`` in the package, or in a folder named
by ``MLSYSIM_LAB_GRADERS`` (a course developer's own labs, which come first).

A spec module defines ``LAB = LabSpec(...)``; the spec is the lab's one source of truth
(title, question, level, minutes, walls, learning paths, items), so listing the spec
folders lists the labs. Item ids are ``<lab>.<item>``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from mlsysim_lab.grading.items import Item, LabSpec
from mlsysim_lab.resources import graders_dir, load_module
from mlsysim_lab.settings import extra_grader_folders


def grader_dirs() -> list[Path]:
    return [*extra_grader_folders(), graders_dir()]


def available_labs() -> list[str]:
    found = {path.stem for folder in grader_dirs() if folder.is_dir()
             for path in folder.glob("*.py") if not path.name.startswith("_")}
    return sorted(found)


@functools.lru_cache(maxsize=64)
def _load(path: str, modified: float) -> LabSpec:
    module = load_module(path, f"mlsysim_lab_graders.{Path(path).stem}")
    lab = getattr(module, "LAB", None)
    if not isinstance(lab, LabSpec):
        raise ImportError(f"{path} does not define LAB = LabSpec(...)")
    return lab


def spec_path(lab_id: str) -> Path:
    """The file that defines a lab's spec."""
    for folder in grader_dirs():
        path = folder / f"{lab_id}.py"
        if path.is_file():
            return path.resolve()
    raise KeyError(f"no grader spec for lab {lab_id!r}; available: "
                   f"{', '.join(available_labs()) or 'none'}")


def load_lab(lab_id: str) -> LabSpec:
    """The spec of a lab by id (``lab00``); re-read when its file changes."""
    path = spec_path(lab_id)
    lab = _load(str(path), path.stat().st_mtime)
    if lab.id != lab_id:
        raise ImportError(f"{path} defines lab {lab.id!r}, not {lab_id!r}")
    return lab


def lab_id(identifier: str) -> str:
    """A lab id from what people type: ``lab03``, ``03`` or ``3``."""
    text = identifier.strip().lower()
    number = text.removeprefix("lab")
    return f"lab{int(number):02d}" if number.isdigit() else text


def all_labs() -> list[LabSpec]:
    """Every lab, by id."""
    return [load_lab(lab) for lab in available_labs()]


#: The time each learning path promises, in minutes (../shared/LABS.md: first-time about
#: 2 h, engineer about 2.5 h, researcher about 2 h, conference 90 min, half-day 3 h; the
#: conference and workshop budgets include breaks and discussion).
PATH_MINUTES: dict[str, int] = {"first-time": 120, "engineer": 150, "researcher": 120,
                                "conference": 90, "half-day": 180}


def learning_paths() -> dict[str, list[str]]:
    """Each learning path's labs in order, from the specs' ``paths``."""
    steps: dict[str, list[tuple[int, str]]] = {}
    for lab in all_labs():
        for path, step in lab.paths.items():
            steps.setdefault(path, []).append((step, lab.id))
    return {path: [lab for _, lab in sorted(found)] for path, found in sorted(steps.items())}


def find_item(item_id: str) -> tuple[LabSpec, Item]:
    """Resolve ``lab.item`` to its lab and item."""
    lab, dot, name = item_id.partition(".")
    if not dot or not name:
        raise KeyError(f"item ids look like 'lab00.intensity', got {item_id!r}")
    spec = load_lab(lab)
    return spec, spec.item(name)
