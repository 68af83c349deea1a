"""Instructor notes generated from a lab's item specs: goals, items with their
tolerances and misconceptions, expected time, discussion prompts. With the instructor's
solutions folder they also give each prediction's keys over the scenario space and which
option stands for which misconception (see :mod:`.answer_keys`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlsysim_lab.course.answer_keys import key_spread, require_solutions
from mlsysim_lab.course.lab_files import get_lab
from mlsysim_lab.grading.items import LabSpec
from mlsysim_lab.walls.names import wall


def notes(lab_id: str, solutions: str | Path | None = None) -> str:
    """Markdown notes for one lab (keys only with ``solutions``)."""
    spec: LabSpec = get_lab(lab_id)
    spread = _instructor_spread(spec, solutions)
    lines = [f"# {spec.id}: {spec.title}", "", f"**Question.** {spec.question}",
             f"**Level.** {spec.level}",
             f"**Walls.** {', '.join(f'{n} {wall(n)}' for n in spec.walls)}",
             f"**Expected time.** about {spec.minutes} minutes", "", "## Learning goals"]
    lines += [f"- {goal}" for goal in spec.goals]
    lines += ["", "## Per-student scenario"]
    for name, choice in spec.scenario.items():
        lines.append(f"- `{name}`: one of {', '.join(map(str, choice.values))} "
                     f"(default {choice.default})")
    lines += ["", "## Graded items (keys computed by the solver at grading time)"]
    for item in spec.items:
        lines += item.describe()
        if item.name in spread:
            lines.append(f"  - keys: {spread[item.name]}")
            lines += [f"  - `{o.label}` stands for: {o.misconception}"
                      for o in getattr(item, "options", ()) if o.misconception]
    lines += ["", "## Discussion prompts"] + [f"- {prompt}" for prompt in spec.discussion]
    return "\n".join(lines) + "\n"


def notes_data(lab_id: str, solutions: str | Path | None = None) -> dict[str, Any]:
    """The notes as one JSON-ready object: the lab and its items with their options
    (misconceptions by option, and key spreads, only with ``solutions``)."""
    spec = get_lab(lab_id)
    spread = _instructor_spread(spec, solutions)
    items = []
    for item in spec.items:
        entry: dict[str, Any] = {"name": item.name, "kind": item.kind, "prompt": item.prompt,
                                 "unit": getattr(item, "unit", "")}
        if item.choices:
            entry["options"] = [{"label": o.label, "text": o.text,
                                 **({"misconception": o.misconception} if spread else {})}
                                for o in item.options]
        if item.name in spread:
            entry["keys"] = spread[item.name]
        items.append(entry)
    return {"lab": spec.id, "title": spec.title, "question": spec.question,
            "level": spec.level, "minutes": spec.minutes, "walls": list(spec.walls),
            "goals": list(spec.goals), "items": items, "discussion": list(spec.discussion)}


def _instructor_spread(spec: LabSpec, solutions: str | Path | None) -> dict[str, str]:
    if solutions is None:
        return {}
    require_solutions(spec, solutions)
    return key_spread(spec)
