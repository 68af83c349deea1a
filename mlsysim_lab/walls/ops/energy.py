"""Wall 17: energy. What a run draws from the wall.

    device power   P_dev  = TDP x (i + (f - i) x a)
                   i: idle power / TDP (assumption ``gpu-idle-power-fraction``)
                   f: average board power / TDP while training (assumption
                      ``training-power-fraction``)
                   a: activity in [0, 1], 1 = as busy as large-model training (default);
                      a memory-bound decode server runs well below that
    host power     P_host = r x accelerators x P_dev   per node, one rule for every node
                   r: host and network power per watt of accelerator power (assumption
                      ``host-power-ratio``, 0.82: an 8-GPU H100 node measured while
                      training, less its GPUs)
    Three scopes, each a superset of the one before:
    GPU energy     E_GPU  = devices x P_dev x t                (what model cards count)
    IT energy      E_IT   = E_GPU + nodes x P_host x t          (hosts and network)
    facility       E      = E_IT x PUE        (Barroso, Hoelzle & Ranganathan, "The
                                               Datacenter as a Computer", 3rd ed., 2018)

Hosts are counted when a node is given (any node, by the same rule; without one only the
accelerators are). What is counted is said in the result; storage outside the nodes is
not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mlsysim_lab import _vector as vec
from mlsysim_lab import catalog
from mlsysim_lab._vector import Number
from mlsysim_lab.catalog.hardware import Accelerator
from mlsysim_lab.catalog.infrastructure import Node
from mlsysim_lab.units import to_base, to_count

JOULES_PER_KWH = 3.6e6


@dataclass(frozen=True, slots=True)
class EnergyResult:
    """Energy of a run, IT and facility, with what was counted."""

    devices: Number
    duration_s: Number
    device_power_w: float
    host_power_w: float
    it_energy_j: Number
    pue: float
    counted: str
    gpu_energy_j: Number = 0.0

    @property
    def facility_energy_j(self) -> Number:
        return self.it_energy_j * self.pue

    @property
    def it_energy_kwh(self) -> Number:
        return self.it_energy_j / JOULES_PER_KWH

    @property
    def facility_energy_kwh(self) -> Number:
        return self.facility_energy_j / JOULES_PER_KWH

    @property
    def facility_energy_mwh(self) -> Number:
        return self.facility_energy_kwh / 1e3

    @property
    def mwh_by_scope(self) -> dict[str, Number]:
        """MWh counted three ways: accelerators only (``gpu``), with hosts and network
        (``it``), and with the facility overhead (``facility`` = IT x PUE)."""
        return {"gpu": self.gpu_energy_j / JOULES_PER_KWH / 1e3,
                "it": self.it_energy_kwh / 1e3, "facility": self.facility_energy_mwh}

    def as_dict(self) -> dict[str, Any]:
        return vec.record(self, facility_energy_j=self.facility_energy_j,
                          facility_energy_mwh=self.facility_energy_mwh)


def run_energy(devices: Any, duration_s: Any, *, hardware: str | Accelerator | None = None,
               node: str | Node | None = None, power_fraction: Any = None,
               activity: Any = 1.0, pue: Any = None) -> EnergyResult:
    """Energy of ``devices`` accelerators running for ``duration_s`` at ``activity``.
    Give a ``node`` to count the hosts too (its accelerator is then the default
    hardware)."""
    box = catalog.get_node(node) if node is not None else None
    if hardware is None and box is None:
        raise ValueError("give the hardware or the node the run uses")
    device = catalog.get_hardware(hardware if hardware is not None else box.accelerator)
    if device.tdp is None:
        raise ValueError(f"{device.name} has no published TDP in the zoo; energy is unknown")
    fraction = (catalog.get_assumption("training-power-fraction").value if power_fraction is None
                else to_base(power_fraction, "", "power_fraction"))
    if fraction > 1.0:
        raise ValueError(f"power_fraction is a share of TDP, at most 1, got {fraction!r}")
    idle = catalog.get_assumption("gpu-idle-power-fraction").value
    busy = to_base(activity, "", "activity", allow_zero=True)
    if busy > 1.0:
        raise ValueError(f"activity is a share in [0, 1], got {busy!r}")
    facility = (catalog.get_assumption("pue-global-average").value if pue is None
                else to_base(pue, "", "pue"))
    if facility < 1.0:
        raise ValueError(f"PUE is at least 1 by definition, got {facility!r}")
    count = to_count(devices, "devices")
    seconds = to_base(duration_s, "s", "duration_s", allow_zero=True)
    share = idle + (max(fraction, idle) - idle) * busy
    device_power = device.tdp * share
    host_power, counted = 0.0, "accelerators x PUE (hosts not counted: no node given)"
    nodes: Number = 0.0
    if box is not None:
        ratio = catalog.get_assumption("host-power-ratio").value
        host_power = ratio * box.accelerators * device_power
        nodes = (math.ceil(count / box.accelerators) if vec.is_scalar(count)
                 else vec.ceil(count / box.accelerators))
        counted = (f"accelerators + {box.name} hosts and network ({ratio:.2f} W per "
                   "accelerator W), x PUE (storage not counted)")
    gpu_energy = count * device_power * seconds
    it_energy = gpu_energy + nodes * host_power * seconds
    return EnergyResult(count, seconds, device_power, host_power, it_energy, facility, counted,
                        gpu_energy)
