"""Wall 18: sustainability. Carbon and water of a run, operational and embodied.

    operational CO2e = facility energy (kWh) x grid intensity (gCO2e/kWh)
    embodied CO2e    = devices x embodied per device x run time / (service life x u)
                       u: the share of its life the hardware is busy (assumption
                          ``hardware-utilisation``, 0.85 after Luccioni et al.): idle
                          years are charged to the runs that use the machine
    water            = IT energy x WUE (on-site cooling) + facility energy x the grid's
                       water intensity (generation), litres

Patterson et al., "Carbon Emissions and Large Neural Network Training", arXiv:2104.10350
(2021) for the operational method; Luccioni, Viguier & Ligozat, "Estimating the Carbon
Footprint of BLOOM", JMLR 24 (2023) for embodied emissions; Li et al., "Making AI Less
'Thirsty'", arXiv:2304.03271 (2023) for on-site and off-site water. A region missing a
water figure gives an unknown (NaN) water total, never zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.infrastructure import Region
from mlsysim_lab.walls.ops.energy import EnergyResult

SECONDS_PER_YEAR = 365.25 * 86400.0


@dataclass(frozen=True, slots=True)
class Footprint:
    """Carbon (tonnes CO2e) and water (litres) of a run in a region."""

    region: str
    operational_t: Number
    embodied_t: Number
    water_l: Number

    @property
    def total_t(self) -> Number:
        return self.operational_t + self.embodied_t

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self, total_t=self.total_t)


def operational_co2e_t(facility_energy_kwh: Number, grid_intensity: Number) -> Number:
    """Operational carbon, tonnes CO2e = facility energy (kWh) x grid intensity
    (gCO2e/kWh) / 10^6 g per tonne.

    Assumes the run draws the grid's average mix (location-based accounting, no
    renewable certificates; Patterson et al., arXiv:2104.10350, 2021). Floats or
    broadcastable arrays."""
    return facility_energy_kwh * grid_intensity / 1e6


def footprint(energy: EnergyResult, region: str | Region, *, include_embodied: bool = True,
              embodied_kg_per_device: float | None = None,
              service_life_years: float | None = None,
              utilisation: float | None = None) -> Footprint:
    """Carbon and water of the run whose energy is given, in ``region``. The region's
    PUE is the one the energy was computed with; pass ``pue=region.pue`` to
    :func:`run_energy` to use the region's own."""
    busy = (catalog.get_assumption("hardware-utilisation").value if utilisation is None
            else utilisation)
    if not 0.0 < busy <= 1.0:
        raise ValueError(f"utilisation is a share in (0, 1], got {busy!r}")
    place = catalog.get_region(region)
    kwh_facility = energy.facility_energy_kwh
    operational = kwh_facility * place.grid_intensity / 1e6
    embodied: Number = 0.0
    if include_embodied:
        per_device = (catalog.get_assumption("embodied-carbon-per-gpu").value
                      if embodied_kg_per_device is None else embodied_kg_per_device)
        life = (catalog.get_assumption("server-amortisation-years").value
                if service_life_years is None else service_life_years)
        embodied = (energy.devices * per_device / 1e3 * energy.duration_s
                    / (life * SECONDS_PER_YEAR * busy))
    site = place.wue if place.wue is not None else math.nan
    grid = place.grid_water_intensity if place.grid_water_intensity is not None else math.nan
    water = energy.it_energy_kwh * site + kwh_facility * grid
    return Footprint(place.id, operational, embodied, water)
