"""How well a lab's scenarios separate students: for each lab, how many of its choice
items have a key that changes across the scenario space, and the chance that a random
classmate's keys, copied, earn full credit on every prediction of yours.

Students draw each scenario parameter uniformly and independently (see
:mod:`.scenario`), so every combination of the declared values is equally likely and a
random classmate's scenario is one of them, drawn the same way (possibly your own).
The copy chance is therefore exact: the share of ordered scenario pairs (yours, theirs)
in which their keys, graded in your scenario, earn full credit on every numeric and
choice item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlsysim_lab.grading.items import LabSpec
from mlsysim_lab.grading.scenario import all_scenarios

#: The lab's copy chance must stay below this (issue 13).
COPY_CHANCE_LIMIT = 0.1


@dataclass(frozen=True)
class ScenarioFigures:
    """The two figures per lab (plus what they are made of)."""

    lab: str
    scenarios: int
    choice_items: int
    varying_choice_items: int
    constant_choice_items: tuple[str, ...]      # constant and not marked invariant
    invariant_choice_items: tuple[str, ...]     # constant, with a stated reason
    copy_full_credit_chance: float
    copied_credit_share: float                   # mean share of prediction points copied

    @property
    def meets_targets(self) -> bool:
        return not self.constant_choice_items and self.copy_full_credit_chance < COPY_CHANCE_LIMIT

    def line(self) -> str:
        constant = ", ".join(self.constant_choice_items) or "-"
        return (f"{self.lab}: scenarios {self.scenarios}, choice keys varying "
                f"{self.varying_choice_items}/{self.choice_items} (constant: {constant}), "
                f"copy_full_credit {self.copy_full_credit_chance:.3f}, "
                f"copied_credit {self.copied_credit_share:.2f}"
                f"{'' if self.meets_targets else '  << below target'}")


def scenario_figures(lab: LabSpec) -> ScenarioFigures:
    """Compute the figures over the lab's whole scenario space."""
    scenarios = all_scenarios(lab.scenario)
    items = [item for item in lab.items if item.predictable]
    keys = [[item.key_value(s) for item in items] for s in scenarios]
    choice = [i for i, item in enumerate(items) if item.choices]
    constant = [items[i] for i in choice if len({row[i] for row in keys}) == 1]
    full_copies, shares = 0, 0.0
    for mine in range(len(scenarios)):
        for theirs in range(len(scenarios)):
            credits = [_credit(item, keys[theirs][i], keys[mine][i])
                       for i, item in enumerate(items)]
            full_copies += all(c >= 1 for c in credits)
            shares += sum(credits) / max(1, len(credits))
    pairs = len(scenarios) ** 2
    return ScenarioFigures(
        lab=lab.id, scenarios=len(scenarios), choice_items=len(choice),
        varying_choice_items=len(choice) - len(constant),
        constant_choice_items=tuple(i.name for i in constant if not i.invariant),
        invariant_choice_items=tuple(i.name for i in constant if i.invariant),
        copy_full_credit_chance=full_copies / pairs, copied_credit_share=shares / pairs)


def _credit(item: Any, copied: Any, own: Any) -> float:
    if copied == own:
        return 1.0
    if item.choices:
        return 0.0
    return item.tolerance.credit(float(copied), float(own))
