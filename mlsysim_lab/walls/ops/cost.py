"""Wall 19: economic cost. Renting, owning, electricity and carbon, and $ per token.

    cloud   = nodes x on-demand price per node-hour x hours   (electricity included)
    owned   = nodes x price / (service life in hours) x hours  (straight-line capex
              amortisation) + facility kWh x the region's electricity price
    carbon  = tCO2e x carbon price (optional)
    $ per million tokens = cost per second / tokens per second x 10^6

Barroso, Hoelzle & Ranganathan, "The Datacenter as a Computer" (2018), ch. 6 for TCO.
A price the zoo does not have (no public list price, a region without an electricity
price) makes the affected total unknown (NaN) with the reason in ``unknown``, never $0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.infrastructure import Node, Region
from mlsysim_lab.units import to_base
from mlsysim_lab.walls.ops.energy import EnergyResult

HOURS_PER_YEAR = 365.25 * 24.0


@dataclass(frozen=True)
class CostResult:
    """Dollar cost of a run; NaN parts are unknown, and ``unknown`` says why."""

    pricing: str
    compute_usd: Number
    energy_usd: Number
    carbon_usd: Number
    unknown: tuple[str, ...] = field(default=())

    @property
    def total_usd(self) -> Number:
        return self.compute_usd + self.energy_usd + self.carbon_usd

    def as_dict(self) -> dict[str, Any]:
        return {"pricing": self.pricing, "compute_usd": vec.to_python(self.compute_usd),
                "energy_usd": vec.to_python(self.energy_usd),
                "carbon_usd": vec.to_python(self.carbon_usd),
                "total_usd": vec.to_python(self.total_usd), "unknown": list(self.unknown)}


def run_cost(energy: EnergyResult, node: str | Node, region: str | Region, *,
             pricing: Literal["cloud", "owned"] = "cloud", co2e_t: Number = 0.0,
             carbon_price_per_t: Any = 0.0, service_life_years: Any = None) -> CostResult:
    """Cost of the run measured by ``energy`` on nodes of kind ``node`` in ``region``."""
    box = catalog.get_node(node)
    place = catalog.get_region(region)
    nodes = vec.ceil(energy.devices / box.accelerators)
    hours = energy.duration_s / 3600.0
    unknown: list[str] = []
    if pricing == "cloud":
        if box.cloud_price_per_hour is None:
            unknown.append(f"{box.name} has no cloud price in the zoo")
            compute = math.nan
        else:
            compute = nodes * box.cloud_price_per_hour * hours
        electricity: Number = 0.0
    elif pricing == "owned":
        life = (catalog.get_assumption("server-amortisation-years").value
                if service_life_years is None else to_base(service_life_years, "", "years"))
        if box.price is None:
            unknown.append(f"{box.name} has no public list price")
            compute = math.nan
        else:
            compute = nodes * box.price / (life * HOURS_PER_YEAR) * hours
        if place.electricity_price is None:
            unknown.append(f"{place.name} has no electricity price in the zoo")
            electricity = math.nan
        else:
            electricity = energy.facility_energy_kwh * place.electricity_price
    else:
        raise ValueError(f"pricing must be 'cloud' or 'owned', got {pricing!r}")
    carbon = co2e_t * to_base(carbon_price_per_t, "", "carbon_price_per_t", allow_zero=True)
    return CostResult(pricing, compute, electricity, carbon, tuple(unknown))


def usd_per_million_tokens(cost_per_hour: Any, tokens_per_s: Any) -> Number:
    """Serving cost per million tokens from an hourly price and a throughput."""
    price = to_base(cost_per_hour, "USD/hour", "cost_per_hour") / 3600.0
    return price / to_base(tokens_per_s, "1/s", "tokens_per_s") * 1e6


def replicas_needed(request_rate: Any, requests_per_s_per_replica: Any) -> Number:
    """Whole replicas to serve a request rate (ceiling of the ratio)."""
    return vec.ceil(to_base(request_rate, "1/s", "request_rate")
                    / to_base(requests_per_s_per_replica, "1/s", "requests_per_s_per_replica"))


__all__ = ["CostResult", "replicas_needed", "run_cost", "usd_per_million_tokens"]
