"""Lab 07: the spec (title, question, scenario, items). Every key is a call into the
solver.

The catalog this course follows claims that a 256-GPU, 30-day run emits "412 t CO2 in
Iowa vs 10 t in Quebec". The ``catalog_intensity`` item asks which grid intensity the
first figure implies for the run's energy; the zoo's grid intensities are cited per
region (Iowa's far below it).
"""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.catalog.infrastructure import Region
from mlsysim_lab.grading import Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.walls.ops.energy import EnergyResult, run_energy
from mlsysim_lab.walls.ops.sustainability import footprint

NODE = "dgx-h100"
DAYS = 30
DURATION_S = DAYS * 86400.0
#: The catalog's headline: 256 GPUs for 30 days emit 412 t of CO2 in Iowa.
CATALOG_T, CATALOG_GPUS, CATALOG_REGION = 412.0, 256, "iowa"
#: Facility energies within this factor count as "the same".
SAME = 1.03

Scenario = Mapping[str, Any]


def devices(s: Scenario) -> int:
    return s["nodes"] * catalog.get_node(NODE).accelerators


def energy(s: Scenario, region: str, gpus: int | None = None) -> EnergyResult:
    """The run's energy in a region's data centre (its PUE)."""
    return run_energy(devices(s) if gpus is None else gpus, DURATION_S, node=NODE,
                      pue=catalog.get_region(region).pue)


def carbon_t(s: Scenario, region: str) -> float:
    """Operational carbon of the student's run in a region, tonnes."""
    return float(footprint(energy(s, region), region).operational_t)


def energy_change(s: Scenario) -> str:
    """Whether moving the run from the clean to the dirty region draws more, the same or
    less facility energy (the solver's energies, 3 % counting as the same)."""
    ratio = (energy(s, s["dirty"]).facility_energy_j / energy(s, s["clean"]).facility_energy_j)
    return "more" if ratio > SAME else "less" if ratio < 1 / SAME else "same"


def implied_intensity(s: Scenario) -> float:
    """The grid intensity (gCO2e/kWh) the catalog's 412 t needs for its run's energy."""
    return CATALOG_T * 1e6 / float(energy(s, CATALOG_REGION, CATALOG_GPUS).facility_energy_kwh)


def _energy_working(s: Scenario) -> str:
    e, node = energy(s, s["clean"]), catalog.get_node(NODE)
    per_node = node.accelerators * e.device_power_w + e.host_power_w
    return (f"{s['nodes']} nodes x {per_node / 1e3:.2f} kW ({per_node / node.max_power:.0%} of "
            f"{node.max_power / 1e3:.1f} kW: {node.accelerators} GPUs x {e.device_power_w:.0f} W "
            f"+ host {e.host_power_w:,.0f} W) x {DAYS * 24} h x PUE {e.pue:.2f} = "
            f"{e.facility_energy_mwh:.1f} MWh")


def _change_working(s: Scenario) -> str:
    clean, dirty = (catalog.get_region(s[k]) for k in ("clean", "dirty"))
    return (f"the same IT energy {energy(s, clean.id).it_energy_kwh / 1e3:.1f} MWh x PUE: "
            f"{energy(s, clean.id).facility_energy_mwh:.1f} MWh at {clean.pue:.2f}, "
            f"{energy(s, dirty.id).facility_energy_mwh:.1f} MWh at {dirty.pue:.2f}")


def _grid(r: Region) -> str:
    return f"{r.pue:.2f} x {r.grid_intensity:.1f} g/kWh"


def _ratio_working(s: Scenario) -> str:
    clean, dirty = (catalog.get_region(s[k]) for k in ("clean", "dirty"))
    return (f"({_grid(dirty)}) / ({_grid(clean)}) = "
            f"{carbon_t(s, dirty.id):.1f} t / {carbon_t(s, clean.id):.1f} t = "
            f"{carbon_t(s, dirty.id) / carbon_t(s, clean.id):.1f}x")


def _catalog_working(s: Scenario) -> str:
    e = energy(s, CATALOG_REGION, CATALOG_GPUS)
    return (f"{CATALOG_T:.0f} t = {CATALOG_T * 1e6:.3g} g / {e.facility_energy_kwh:,.0f} kWh = "
            f"{implied_intensity(s):,.0f} gCO2e/kWh, against Iowa's cited "
            f"{catalog.get_region(CATALOG_REGION).grid_intensity:.0f}")


LAB = LabSpec(
    id="lab07", title="Geography is a Systems Variable",
    question="Does it matter where I train?",
    level="intermediate", walls=(17, 18, 19),
    paths={"first-time": 7, "half-day": 8},
    scenario={"clean": Choice(values=("quebec", "norway", "france"), default="quebec"),
              "dirty": Choice(values=("us-average", "iowa-miso", "germany", "india"),
                              default="us-average"),
              "nodes": Choice(values=(16, 32, 64), default=32)},
    goals=("Compute the energy of a training run from the node's power, the time and the "
           "data centre's PUE.",
           "Separate what a region changes: PUE the energy, grid intensity the carbon.",
           "Compute the carbon ratio between a clean and a dirty grid, and put a carbon "
           "price next to the rental bill.",
           "Check a published headline against cited grid intensities."),
    minutes=15,
    discussion=("A region cuts your carbon by an order of magnitude but doubles your water: "
                "how do you decide?", "Why does a carbon price at the social cost of carbon "
                "barely move the bill of a rented GPU cluster?"),
    items=(
        NumericItem("energy_clean", "the facility energy of the run in your clean region",
                    unit="MWh", key=lambda s: energy(s, s["clean"]).facility_energy_mwh,
                    hint="MWh, or a string with a unit such as 'GWh'", working=_energy_working),
        ChoiceItem("energy_change", "The same run moves to your dirty region. Its facility "
                   "energy is:", options=(
            Option("more", "more", misconception="a dirtier grid means more energy: the "
                   "grid's intensity sets the carbon per kWh, not the kWh",
                   why="the dirty region's data centre has the higher PUE"),
            Option("same", "the same", misconception="the location never changes the energy: "
                   "each data centre adds its own overhead (PUE)",
                   why="the same IT energy, and the two PUEs are about equal"),
            Option("less", "less", misconception="a clean region's data centre is always the "
                   "efficient one: its PUE can be the higher",
                   why="the dirty region's data centre has the lower PUE")),
            key=energy_change, working=_change_working),
        NumericItem("co2_ratio", "the ratio of operational carbon, dirty region / clean "
                    "region", unit="", key=lambda s: carbon_t(s, s["dirty"])
                    / carbon_t(s, s["clean"]), hint="a plain number",
                    working=_ratio_working),
        NumericItem("catalog_intensity", f"the grid intensity a {CATALOG_GPUS}-GPU, "
                    f"{DAYS}-day run in Iowa's data centre would need to emit "
                    f"{CATALOG_T:.0f} t", unit="gCO2e/kWh", key=implied_intensity,
                    working=_catalog_working),
    ))
