"""Instructor notes generated from a lab's item specs: goals, items with their
tolerances and misconceptions, expected time, discussion prompts."""

from __future__ import annotations

from mlsysim_lab.grading.items import LabSpec
from mlsysim_lab.course.lab_files import get_lab
from mlsysim_lab.walls.names import wall


def notes(lab_id: str) -> str:
    """Markdown notes for one lab."""
    spec: LabSpec = get_lab(lab_id)
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
    lines += ["", "## Discussion prompts"] + [f"- {prompt}" for prompt in spec.discussion]
    return "\n".join(lines) + "\n"
