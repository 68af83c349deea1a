"""Instructor notes generated from a lab's item specs: goals, items with their
tolerances and misconceptions, expected time, discussion prompts."""

from __future__ import annotations

from mlsysim_lab.grading.items import ChoiceItem, FunctionItem, LabSpec, NumericItem
from mlsysim_lab.grading.registry import load_lab
from mlsysim_lab.lab_catalog import get_lab
from mlsysim_lab.walls.names import wall


def notes(lab_id: str) -> str:
    """Markdown notes for one lab."""
    entry = get_lab(lab_id)
    spec: LabSpec = load_lab(entry.id)
    lines = [f"# {entry.id}: {entry.title}", "", f"**Question.** {entry.question}",
             f"**Walls.** {', '.join(f'{n} {wall(n)}' for n in entry.walls)}",
             f"**Expected time.** about {spec.minutes} minutes", "", "## Learning goals"]
    lines += [f"- {goal}" for goal in spec.goals]
    lines += ["", "## Per-student scenario"]
    for name, choice in spec.scenario.items():
        lines.append(f"- `{name}`: one of {', '.join(map(str, choice.values))} "
                     f"(default {choice.default})")
    lines += ["", "## Graded items (keys computed by the solver at grading time)"]
    for item in spec.items:
        if isinstance(item, NumericItem):
            lines.append(f"- **{item.name}** ({item.unit or 'a plain number'}): {item.prompt}. "
                         f"Tolerance: {item.tolerance.describe()}.")
        elif isinstance(item, ChoiceItem):
            lines.append(f"- **{item.name}** (choice): {item.prompt}")
            for option in item.options:
                tag = f" *misconception: {option.misconception}*" if option.misconception else ""
                lines.append(f"  - `{option.label}`: {option.text}{tag}")
        elif isinstance(item, FunctionItem):
            lines.append(f"- **{item.name}** (implement the formula): {item.prompt}. Checked "
                         f"on {item.examples} generated inputs, {item.tolerance.describe()}.")
    lines += ["", "## Discussion prompts"] + [f"- {prompt}" for prompt in spec.discussion]
    return "\n".join(lines) + "\n"
