"""The leak check: in an executed lab notebook, nothing shown before a prediction's answer
cell may give its key away.

"Shown" is every markdown cell and every output (text, HTML with its tags stripped,
streams) of the cells above the answer cell. A numeric key leaks when it appears in any
of the ways labs print numbers (:func:`renderings`) with at least two significant
digits; a choice key leaks when the outputs above single it out: they name the right
option (its text, its label quoted, or its label as a regime such as ``memory-bound``)
while not naming every other option too.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any, Iterable, Mapping

from mlsysim_lab.grading.items import LabSpec
from mlsysim_lab.grading.results import number

_TAGS = re.compile(r"<[^>]+>")


def renderings(key: float, unit: str = "") -> set[str]:
    """The ways a lab may print this number (4, 3 and 2 significant digits, fixed point,
    thousands separators), those with fewer than two significant digits dropped."""
    if not math.isfinite(key) or key == 0:
        return set()
    forms = {number(key), f"{key:.3g}", f"{key:.2g}", f"{key:,.0f}", f"{key:.0f}",
             f"{key:.1f}", f"{key:.2f}"}
    if 1e-3 <= abs(key) < 1:
        forms |= {f"{key * 100:.1f} %", f"{key * 100:.0f} %"}
    return {form for form in forms if _significant_digits(form) >= 2}


def _significant_digits(text: str) -> int:
    digits = re.sub(r"\D", "", text.split("e")[0]).lstrip("0")
    return len(digits.rstrip("0")) if "." not in text else len(digits)


def _found(form: str, text: str) -> bool:
    pattern = r"(?<![\w.,])" + re.escape(form) + r"(?![\d]|[.,]\d)"
    return re.search(pattern, text) is not None


def _names_option(label: str, text: str, outputs: str) -> bool:
    """Whether the outputs name this option as a verdict: its text (a phrase), its label
    quoted, or its label as a regime (``memory-bound``); the label as an ordinary word
    (``memory: 80 GB``) is not a verdict."""
    verdicts = (text, f"'{label}'", f'"{label}"', f"{label}-bound", f"{label} bound")
    return any(_found(phrase, outputs) for phrase in verdicts)


def _outputs(cell: Any) -> Iterable[str]:
    for output in cell.get("outputs", []):
        if "text" in output:
            yield output["text"]
        data = output.get("data", {})
        if "text/html" in data:
            yield html.unescape(_TAGS.sub(" ", data["text/html"]))
        elif "text/plain" in data:
            yield data["text/plain"]


def find_leaks(notebook: Any, lab: LabSpec, scenario: Mapping[str, Any]) -> list[str]:
    """Each leak as one line: the item, what gave it away and in which cell."""
    leaks: list[str] = []
    shown: list[tuple[int, str, str]] = []        # (cell index, kind, text)
    for index, cell in enumerate(notebook.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        role, _, name = grade_id.partition(f"{lab.id}-")[2].partition("-")
        if role == "answer" and lab.item(name).predictable:
            leaks += _leaks_of(lab.item(name), scenario, shown)
        if cell.cell_type == "markdown":
            shown.append((index, "markdown", cell.source))
        shown += [(index, "output", text) for text in _outputs(cell)]
    return leaks


def keys_shown_before_any_commit(notebook: Any, lab: LabSpec,
                                 scenario: Mapping[str, Any]) -> list[str]:
    """For a notebook run with no prediction committed (Run All on a blank lab): every
    key that any output shows, the graded cells' own feedback aside (the grader writes
    it after the deadline)."""
    shown = [(index, "output", text) for index, cell in enumerate(notebook.cells)
             if "-test-" not in cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
             for text in _outputs(cell)]
    return [leak for item in lab.items if item.predictable
            for leak in _leaks_of(item, scenario, shown)]


def _leaks_of(item: Any, scenario: Mapping[str, Any], shown: list[tuple[int, str, str]]) -> list[str]:
    key = item.key_value(scenario)
    if item.choices:
        outputs = "\n".join(text for _, kind, text in shown if kind == "output").lower()
        named = {label: _names_option(label.lower(), text.lower(), outputs)
                 for label, text in item.choices}
        if named[key] and not all(named.values()):
            return [f"{item.name}: the outputs above name the right option {key!r} "
                    f"but not {', '.join(repr(l) for l, n in named.items() if not n)}"]
        return []
    return [f"{item.name}: key {form!r} shown in cell {index} ({kind})"
            for form in sorted(renderings(key, item.unit))
            for index, kind, text in shown if _found(form, text)][:3]
