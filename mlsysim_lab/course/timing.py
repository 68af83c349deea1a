"""How long a lab takes a student working at a normal pace, estimated from its student
notebook, so each lab's stated minutes (in its spec) can be checked against what it asks.

The estimate adds up, for what the notebook contains:

- reading: every markdown cell (and the summary's locked cell) at :data:`READING_WPM`
  words per minute (technical prose
  read closely, about 60 % of the 240 wpm typical of adult silent reading; Brysbaert,
  J. Memory and Language 109, 2019);
- each numeric prediction :data:`NUMERIC_MIN` minutes (find the figures, do the napkin
  arithmetic, type it), each choice :data:`CHOICE_MIN`, plus :data:`REVEAL_MIN` to read
  the reveal;
- each "implement the formula" item :data:`IMPLEMENT_MIN`, each written reflection
  :data:`REFLECTION_MIN`, every other code cell (plots, explorations) :data:`EXPLORE_MIN`.

The per-activity figures are this project's stated assumptions, not measurements; the
point is that every lab is held to the same yardstick.
"""

from __future__ import annotations

from typing import Any

from mlsysim_lab.course.submission import is_written_answer
from mlsysim_lab.grading.items import LabSpec

READING_WPM = 150.0
NUMERIC_MIN = 1.5
CHOICE_MIN = 0.75
REVEAL_MIN = 0.5
IMPLEMENT_MIN = 3.0
REFLECTION_MIN = 2.5
EXPLORE_MIN = 0.75


def estimated_minutes(notebook: Any, lab: LabSpec) -> float:
    """The minutes a student needs for this notebook of ``lab`` (see the module doc)."""
    minutes = 0.0
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        role, _, name = grade_id.partition(f"{lab.id}-")[2].partition("-")
        if cell.cell_type == "markdown":
            minutes += (REFLECTION_MIN if is_written_answer(cell)
                        else len(cell.source.split()) / READING_WPM)
        elif role == "answer":
            item = lab.item(name)
            minutes += (IMPLEMENT_MIN if not item.predictable
                        else REVEAL_MIN + (CHOICE_MIN if item.choices else NUMERIC_MIN))
        elif role in ("test", "reveal"):
            continue
        elif role == "summary":      # a locked cell that shows its text: reading
            minutes += len(cell.source.split()) / READING_WPM
        else:
            minutes += EXPLORE_MIN
    return minutes
