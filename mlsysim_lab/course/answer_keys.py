"""Answer keys for the instructor: each item's key in one student's scenario, and the
notes with keys, behind proof that the caller holds the course's solutions.

The keys are computable from the lab specs shipped in the wheel (the grader needs
them), so this is a gate against handing keys out by accident, not a secret: the
student-facing commands never print a key, and these refuse unless pointed at the
instructor's solutions folder (``solutions/`` of the course repository, which is not in
the wheel), checked to hold this lab's solution.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from mlsysim_lab.grading.items import LabSpec
from mlsysim_lab.grading.scenario import all_scenarios, draw


class NotInstructor(LookupError):
    """The solutions folder given does not hold this lab's solution."""


def require_solutions(lab: LabSpec, solutions: str | Path | None) -> Path:
    """The solutions folder, once checked to hold ``lab``'s instructor source."""
    if not solutions:
        raise NotInstructor(f"answer keys are for instructors: pass --solutions PATH, the "
                            f"course's solutions/ folder (it holds {lab.id}.py or {lab.id}.ipynb)")
    folder = Path(solutions)
    sources = [folder / f"{lab.id}.ipynb", folder / f"{lab.id}.py"]
    texts = (p.read_text(errors="replace") for p in sources if p.is_file())
    if not any("BEGIN SOLUTION" in text or "def build" in text for text in texts):
        raise NotInstructor(f"{folder} does not hold the instructor source of {lab.id} "
                            f"({lab.id}.py or {lab.id}.ipynb with its solutions)")
    return folder


def answer_keys(lab: LabSpec, student: str | None) -> dict[str, Any]:
    """``{"lab", "student", "scenario", "items": [{"name", "kind", "key", "unit",
    "options"?}]}``: numeric keys in the item's unit, choice keys by label, function and
    code items keyed by their reference check (``key`` null)."""
    scenario = draw(lab.scenario, lab.id, student)
    items = []
    for item in lab.items:
        entry: dict[str, Any] = {"name": item.name, "kind": item.kind,
                                 "key": item.key_value(scenario) if item.predictable else None,
                                 "unit": getattr(item, "unit", "")}
        if item.choices:
            entry["options"] = [{"label": label, "text": text} for label, text in item.choices]
        items.append(entry)
    return {"lab": lab.id, "student": student, "scenario": scenario, "items": items}


def key_spread(lab: LabSpec) -> dict[str, str]:
    """For the notes: each prediction's key over the whole scenario space, in words."""
    scenarios = all_scenarios(lab.scenario)
    spread = {}
    for item in lab.items:
        if not item.predictable:
            continue
        keys = [item.key_value(s) for s in scenarios]
        if item.choices:
            counts = Counter(keys)
            spread[item.name] = ", ".join(f"`{k}` in {n} of {len(keys)} scenarios"
                                          for k, n in counts.most_common())
        else:
            spread[item.name] = (f"{min(keys):.4g} to {max(keys):.4g} {item.unit}".rstrip()
                                 + f" over {len(keys)} scenarios")
    return spread
