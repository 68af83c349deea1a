"""The zoo browser: ``zoo hardware | models``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mlsysim_lab.cli.common import table
from mlsysim_lab.formatting import si


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register these commands on the top-level parser."""
    zoo = commands.add_parser("zoo", help="list the hardware or model zoo")
    zoo.add_argument("kind", choices=("hardware", "models"))
    zoo.add_argument("--json", action="store_true", help="print a JSON list")
    zoo.set_defaults(handler=_zoo)


def _zoo(args: argparse.Namespace) -> str:
    from mlsysim_lab import catalog

    if args.kind == "hardware":
        rows = [_hardware_row(spec) for spec in catalog.hardware]
        header = ("id", "name", "bf16/fp16 peak", "memory", "bandwidth", "TDP")
        cells = [(r["id"], r["name"], si(r["peak_16bit_flops"], "FLOP/s"),
                  si(r["memory_capacity_bytes"], "B"), si(r["memory_bandwidth_Bps"], "B/s"),
                  si(r["tdp_w"], "W")) for r in rows]
    else:
        rows = [_model_row(spec) for spec in catalog.models]
        header = ("id", "name", "params", "active", "kind")
        cells = [(r["id"], r["name"], si(r["params"], ""), si(r["active_params"], ""),
                  r["kind"]) for r in rows]
    if args.json:
        return json.dumps(rows, indent=2)
    return table(header, cells)


def _hardware_row(spec: Any) -> dict[str, Any]:
    peak16 = spec.peak_flops.get("bf16", spec.peak_flops.get("fp16"))
    return {"id": spec.id, "name": spec.name, "vendor": spec.vendor, "kind": spec.kind,
            "peak_flops": spec.peak_flops, "peak_16bit_flops": peak16,
            "memory_capacity_bytes": spec.memory_capacity,
            "memory_bandwidth_Bps": spec.memory_bandwidth, "tdp_w": spec.tdp,
            "scale_up_bandwidth_Bps": spec.scale_up_bandwidth, "aliases": list(spec.aliases)}


def _model_row(spec: Any) -> dict[str, Any]:
    return {"id": spec.id, "name": spec.name, "family": spec.family, "kind": spec.kind,
            "params": spec.total_params, "active_params": spec.active_params,
            "published_params": spec.published_params, "aliases": list(spec.aliases)}
