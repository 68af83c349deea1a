"""Lab 07: the spec (title, question, scenario, items). Every key is a call into the
solver."""

import math

from mlsysim_lab import catalog
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, LabSpec,
                                 NumericItem, Option)
from mlsysim_lab.walls.ops.cost import run_cost
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.walls.ops.sustainability import footprint, operational_co2e_t

NODE = "dgx-h100"
DAYS = 30
DURATION_S = DAYS * 86400.0


def operational_carbon_t(energy_kwh: float, grid_intensity: float) -> float:
    """Operational carbon (tCO2e) = facility energy (kWh) x grid intensity (gCO2e/kWh)
    / 10^6 g per tonne, from :func:`operational_co2e_t`."""
    return float(operational_co2e_t(energy_kwh, grid_intensity))


def devices(s) -> int:
    return s["nodes"] * catalog.get_node(NODE).accelerators


def energy(s, region):
    """The run's energy in a region's data centre (its PUE)."""
    return run_energy(devices(s), DURATION_S, node=NODE, pue=catalog.get_region(region).pue)


def carbon(s, region):
    return footprint(energy(s, region), region)


def cost(s, region):
    """Cloud cost of the run plus its operational carbon at the cited carbon price."""
    return run_cost(energy(s, region), NODE, region, pricing="cloud",
                    co2e_t=carbon(s, region).operational_t,
                    carbon_price_per_t=catalog.get_assumption("carbon-price").value)


def energy_change(s) -> str:
    """What moving the run from the clean to the dirty region does to its energy: the
    option whose ratio matches the solver's energy ratio."""
    clean, dirty = catalog.get_region(s["clean"]), catalog.get_region(s["dirty"])
    ratio = energy(s, dirty).facility_energy_j / energy(s, clean).facility_energy_j
    pue = dirty.pue / clean.pue
    grid = dirty.grid_intensity / clean.grid_intensity
    candidates = {"pue": pue, "intensity": grid, "both": pue * grid}
    return min(candidates, key=lambda label: abs(math.log(ratio / candidates[label])))


LAB = LabSpec(
    id="lab07", title="Geography is a Systems Variable",
    question="Does it matter where I train?",
    level="intermediate", walls=(17, 18, 19),
    paths={"first-time": 7},
    scenario={"clean": Choice(values=("quebec", "norway", "france"), default="quebec"),
              "dirty": Choice(values=("us-average", "texas", "germany"), default="us-average"),
              "nodes": Choice(values=(16, 32, 64), default=32)},
    goals=("Compute the energy of a training run from device power, host power, time and "
           "the data centre's PUE.",
           "Separate what a region changes: PUE changes the energy, grid intensity the "
           "carbon, cooling and generation the water.",
           "Compute operational carbon and its ratio between a clean and a dirty grid.",
           "Put a carbon price next to the compute bill, and say what is unknown."),
    minutes=40,
    discussion=("A region cuts your carbon by an order of magnitude but doubles your water: "
                "how do you decide?", "Why does a carbon price at the social cost of carbon "
                "barely move the bill of a rented GPU cluster?"),
    items=(
        NumericItem("energy_clean",
                    "the facility energy of the run in your clean region",
                    unit="MWh", key=lambda s: energy(s, s["clean"]).facility_energy_mwh,
                    tolerance=Banded(),
                    hint="MWh, or a string with a unit such as 'GWh'"),
        ChoiceItem("energy_change",
                   "Move the same run to your dirty region: how does its energy"
                   " change? `'pue'`, `'intensity'` or `'both'`", options=(
            Option("pue", "by the ratio of the two data centres' PUEs only",
                   why="the same IT energy with a different facility overhead"),
            Option("intensity", "in proportion to the grid's carbon intensity",
                   misconception="a cleaner grid uses less energy: the intensity sets the "
                                 "carbon per kWh, not the kWh"),
            Option("both", "by the PUE ratio times the carbon-intensity ratio",
                   misconception="carbon intensity is an efficiency: it says how much CO2e "
                                 "a kWh carries, not how many kWh the run draws")),
            key=energy_change),
        NumericItem("co2_clean",
                    "the operational carbon of the run in your clean region",
                    unit="tCO2e", key=lambda s: carbon(s, s["clean"]).operational_t,
                    tolerance=Banded(),
                    hint="tCO2e, or a string with a unit such as 't'"),
        NumericItem("co2_dirty",
                    "the operational carbon of the run in your dirty region",
                    unit="tCO2e", key=lambda s: carbon(s, s["dirty"]).operational_t,
                    tolerance=Banded()),
        NumericItem("co2_ratio",
                    "the ratio of operational carbon, dirty region / clean "
                    "region", unit="",
                    key=lambda s: (carbon(s, s["dirty"]).operational_t
                                   / carbon(s, s["clean"]).operational_t),
                    tolerance=Banded(),
                    hint="a plain number"),
        NumericItem("water_dirty",
                    "the water the run consumes in your dirty region (on-site "
                    "cooling + electricity generation)", unit="L",
                    key=lambda s: carbon(s, s["dirty"]).water_l, tolerance=Banded(),
                    hint="litres, or a string with a unit such as 'kL'"),
        NumericItem("carbon_cost_dirty",
                    "the cost of the run's operational carbon in your dirty "
                    "region", unit="USD",
                    key=lambda s: cost(s, s["dirty"]).carbon_usd, tolerance=Banded()),
        NumericItem("total_cost_dirty",
                    "the total cost of the run in your dirty region: rental "
                    "plus carbon", unit="USD",
                    key=lambda s: cost(s, s["dirty"]).total_usd, tolerance=Banded()),
        FunctionItem("carbon_fn",
                     "`operational_carbon_t(energy_kwh, grid_intensity)` in "
                     "tonnes of CO2e, from the facility energy in kWh and the "
                     "intensity in gCO2e/kWh",
                     reference=operational_carbon_t,
                     arguments={"energy_kwh": FloatRange(1.0, 1e9),
                                "grid_intensity": FloatRange(1.0, 1500.0)},
                     variable="operational_carbon_t"),
    ))
