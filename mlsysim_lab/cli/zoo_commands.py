"""The zoo browser: ``zoo hardware | models | fabrics | nodes | clusters | storage |
regions | assumptions``, each as a table or (``--json``) a JSON list."""

from __future__ import annotations

import argparse
import json
from typing import Any, Callable

from mlsysim_lab.cli.common import table
from mlsysim_lab.formatting import duration, si

#: Each table: the registry's name in the catalog, a row builder and the printed columns.
TABLES = ("hardware", "models", "fabrics", "nodes", "clusters", "storage", "regions",
          "assumptions")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register these commands on the top-level parser."""
    zoo = commands.add_parser("zoo", help="list a table of the zoo (hardware, models, "
                              "fabrics, nodes, clusters, storage, regions, assumptions)")
    zoo.add_argument("kind", choices=TABLES)
    zoo.add_argument("--json", action="store_true", help="print a JSON list")
    zoo.set_defaults(handler=_zoo)


def _zoo(args: argparse.Namespace) -> str:
    from mlsysim_lab import catalog

    registry = {"storage": catalog.storage_tiers}.get(args.kind) or getattr(catalog, args.kind)
    row, header, cells = _VIEWS[args.kind]
    rows = [row(spec) for spec in registry]
    if args.json:
        return json.dumps(rows, indent=2)
    return table(header, [cells(r) for r in rows])


def _cited(spec: Any) -> dict[str, Any]:
    """Fields every row carries: id, name, aliases and the reference key of each figure."""
    return {"id": spec.id, "name": spec.name, "aliases": list(spec.aliases),
            "sources": dict(spec.sources)}


def _hardware_row(spec: Any) -> dict[str, Any]:
    peak16 = spec.peak_flops.get("bf16", spec.peak_flops.get("fp16"))
    return {**_cited(spec), "vendor": spec.vendor, "kind": spec.kind,
            "peak_flops": spec.peak_flops, "peak_16bit_flops": peak16,
            "memory_capacity_bytes": spec.memory_capacity,
            "memory_bandwidth_Bps": spec.memory_bandwidth, "tdp_w": spec.tdp,
            "scale_up_bandwidth_Bps": spec.scale_up_bandwidth}


def _model_row(spec: Any) -> dict[str, Any]:
    return {**_cited(spec), "family": spec.family, "kind": spec.kind,
            "params": spec.total_params, "active_params": spec.active_params,
            "published_params": spec.published_params,
            "max_context": getattr(spec, "max_context", None)}


def _fields(*names: str) -> Callable[[Any], dict[str, Any]]:
    """A row of the cited fields plus the named ones, as stored (base units)."""
    return lambda spec: {**_cited(spec), **{n: getattr(spec, n) for n in names}}


_VIEWS: dict[str, tuple[Callable[[Any], dict[str, Any]], tuple[str, ...],
                        Callable[[dict[str, Any]], tuple]]] = {
    "hardware": (_hardware_row, ("id", "name", "bf16/fp16 peak", "memory", "bandwidth", "TDP"),
                 lambda r: (r["id"], r["name"], si(r["peak_16bit_flops"], "FLOP/s"),
                            si(r["memory_capacity_bytes"], "B"),
                            si(r["memory_bandwidth_Bps"], "B/s"), si(r["tdp_w"], "W"))),
    "models": (_model_row, ("id", "name", "params", "active", "kind", "context"),
               lambda r: (r["id"], r["name"], si(r["params"], ""), si(r["active_params"], ""),
                          r["kind"], r["max_context"] or "")),
    "fabrics": (_fields("scope", "bandwidth", "latency"),
                ("id", "name", "scope", "bandwidth/direction", "latency"),
                lambda r: (r["id"], r["name"], r["scope"], si(r["bandwidth"], "B/s"),
                           duration(r["latency"]))),
    "nodes": (_fields("accelerator", "accelerators", "scale_up_fabric", "scale_out_fabric",
                      "max_power", "price", "cloud_price_per_hour", "cloud_instance",
                      "cloud_price_date"),
              ("id", "accelerators", "fabrics", "max power", "price", "cloud $/h (date)"),
              lambda r: (r["id"], f"{r['accelerators']} x {r['accelerator']}",
                         f"{r['scale_up_fabric']} / {r['scale_out_fabric']}",
                         si(r["max_power"], "W"),
                         f"${r['price']:,.0f}" if r["price"] else "unknown",
                         f"${r['cloud_price_per_hour']:.2f} ({r['cloud_price_date']})"
                         if r["cloud_price_per_hour"] else "unknown")),
    "clusters": (_fields("node", "nodes", "oversubscription"),
                 ("id", "name", "nodes", "oversubscription"),
                 lambda r: (r["id"], r["name"], f"{r['nodes']} x {r['node']}",
                            f"{r['oversubscription']:g}:1")),
    "storage": (_fields("remote", "read_bandwidth", "write_bandwidth",
                        "aggregate_write_bandwidth", "latency"),
                ("id", "name", "read/node", "write/node", "write cap", "latency"),
                lambda r: (r["id"], r["name"], si(r["read_bandwidth"], "B/s"),
                           si(r["write_bandwidth"], "B/s"),
                           si(r["aggregate_write_bandwidth"], "B/s"), duration(r["latency"]))),
    "regions": (_fields("country", "year", "grid_intensity", "pue", "wue",
                        "grid_water_intensity", "electricity_price"),
                ("id", "name", "gCO2e/kWh", "PUE", "WUE L/kWh", "$/kWh"),
                lambda r: (r["id"], r["name"], f"{r['grid_intensity']:.4g}", f"{r['pue']:.2f}",
                           "unknown" if r["wue"] is None else f"{r['wue']:.3g}",
                           "unknown" if r["electricity_price"] is None
                           else f"{r['electricity_price']:.4f}")),
    "assumptions": (_fields("value", "unit", "low", "high", "description"),
                    ("id", "value", "unit", "range", "name"),
                    lambda r: (r["id"], f"{r['value']:.4g}", r["unit"] or "-",
                               f"{'' if r['low'] is None else format(r['low'], '.3g')} - "
                               f"{'' if r['high'] is None else format(r['high'], '.3g')}",
                               r["name"])),
}
