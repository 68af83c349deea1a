"""Specs of what surrounds the accelerators: fabrics, nodes, clusters, regions.

Units are base units as everywhere in the zoo: bytes/s per direction, seconds, watts,
USD; grid carbon in gCO2e/kWh, water in litres/kWh, electricity in USD/kWh.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from mlsysim_lab.catalog.spec import CitedSpec


class Fabric(CitedSpec):
    """An interconnect, as seen by one device or one network port."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ("bandwidth", "latency")
    FIELD_UNITS: ClassVar[dict[str, str]] = {"bandwidth": "B/s", "latency": "s"}

    scope: Literal["scale-up", "scale-out", "host"]
    bandwidth: float = Field(gt=0, description="per device (scale-up) or per port, per "
                             "direction, B/s")
    latency: float = Field(ge=0, description="alpha: per-message, per-step latency, s")


class Node(CitedSpec):
    """A server of identical accelerators joined by a scale-up fabric, with scale-out
    ports to the rest of the cluster."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ("accelerators", "max_power", "scale_out_ports",
                                               "price", "cloud_price_per_hour")
    FIELD_UNITS: ClassVar[dict[str, str]] = {"max_power": "W", "price": "USD",
                                             "cloud_price_per_hour": "USD/hour"}

    accelerator: str = Field(description="hardware id in the zoo")
    accelerators: int = Field(gt=0, description="accelerators per node")
    scale_up_fabric: str = Field(description="fabric id inside the node")
    scale_out_fabric: str = Field(description="fabric id between nodes")
    scale_out_ports: int = Field(gt=0, description="scale-out ports (NICs) per node")
    max_power: float = Field(gt=0, description="whole-node maximum power, W")
    price: float | None = Field(None, gt=0, description="public list price, USD")
    cloud_price_per_hour: float | None = Field(
        None, gt=0, description="hourly price of the equivalent cloud instance, USD/h "
        "(purchase model in the notes)")
    cloud_instance: str | None = Field(None, description="e.g. 'AWS p5.48xlarge'")
    cloud_price_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}$",
                                         description="when the price applied, YYYY-MM")


class StorageTier(CitedSpec):
    """Where training data is read from and checkpoints are written to. A shared tier's
    write bandwidth scales with the cluster: each node gets ``write_bandwidth``, and
    the whole cluster at most ``aggregate_write_bandwidth``."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ("read_bandwidth", "latency", "write_bandwidth",
                                               "aggregate_write_bandwidth")
    FIELD_UNITS: ClassVar[dict[str, str]] = {"read_bandwidth": "B/s", "latency": "s",
                                             "write_bandwidth": "B/s",
                                             "aggregate_write_bandwidth": "B/s"}

    remote: bool = Field(description="read over the scale-out network (shares the NICs)")
    read_bandwidth: float = Field(gt=0, description="sustained read bandwidth available "
                                  "to one node, B/s")
    latency: float = Field(ge=0, description="typical access latency, s")
    write_bandwidth: float | None = Field(None, gt=0, description="sustained write "
                                          "bandwidth per node, B/s; None = not sourced")
    aggregate_write_bandwidth: float | None = Field(
        None, gt=0, description="the tier's total sustained write bandwidth, B/s; None = "
        "no cap sourced")

    def cluster_write_bandwidth(self, nodes: float) -> float:
        """min(nodes x per-node write bandwidth, the tier's aggregate), B/s."""
        if self.write_bandwidth is None:
            raise ValueError(f"{self.name} has no sourced write bandwidth; pick a tier "
                             "that has one (e.g. checkpoint-store)")
        cap = self.aggregate_write_bandwidth or float("inf")
        return min(nodes * self.write_bandwidth, cap)


class Cluster(CitedSpec):
    """Nodes on a scale-out network."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ("nodes", "oversubscription")

    node: str = Field(description="node id in the zoo")
    nodes: int = Field(gt=0)
    oversubscription: float = Field(1.0, ge=1.0, description="network oversubscription "
                                    "ratio (1 = non-blocking fat tree)")


class Region(CitedSpec):
    """Where the electricity comes from: grid carbon, data-centre overheads, price."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ("grid_intensity", "pue", "wue",
                                               "grid_water_intensity", "electricity_price")

    country: str
    year: int = Field(ge=2000, le=2100, description="year the figures describe")
    grid_intensity: float = Field(gt=0, description="grid carbon intensity, gCO2e/kWh")
    pue: float = Field(ge=1.0, description="power usage effectiveness of a typical "
                       "data centre there")
    wue: float | None = Field(None, ge=0, description="on-site water usage effectiveness, "
                              "L/kWh of IT energy")
    grid_water_intensity: float | None = Field(None, ge=0, description="water consumed "
                                               "generating the electricity, L/kWh")
    electricity_price: float | None = Field(None, gt=0, description="industrial "
                                            "electricity price, USD/kWh; None = unknown")


class Assumption(CitedSpec):
    """A cited default for an efficiency, a rate or an overhead that a solver uses
    when the caller gives none (MFU, failure rates, idle power, ...)."""

    CITED_FIELDS: ClassVar[tuple[str, ...]] = ("value",)

    value: float
    unit: str = Field(description="pint-readable unit, '' for a dimensionless ratio")
    low: float | None = Field(None, description="low end of the reported range")
    high: float | None = Field(None, description="high end of the reported range")
    description: str = Field(min_length=10)
