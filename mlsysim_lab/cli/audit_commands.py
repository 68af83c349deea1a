"""The full-stack audit of a training run: ``audit``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mlsysim_lab.cli.common import CommandError


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register these commands on the top-level parser."""
    audit = commands.add_parser("audit", help="full-stack audit of a training run")
    audit.add_argument("--config", help="a TOML or YAML file with the same keys")
    audit.add_argument("--model")
    audit.add_argument("--tokens", type=float, help="training tokens (default: 20 per parameter)")
    audit.add_argument("--hardware")
    audit.add_argument("--devices", type=int)
    audit.add_argument("--region")
    audit.add_argument("--mfu", type=float)
    audit.add_argument("--node", help="node id (default: the zoo node of the hardware)")
    audit.add_argument("--cluster", help="cluster id: sets the node, the device count "
                       "and the network oversubscription")
    audit.add_argument("--pricing", choices=("cloud", "owned"))
    audit.add_argument("--json", action="store_true", help="print a JSON object")
    audit.set_defaults(handler=_audit)


AUDIT_KEYS = ("model", "tokens", "hardware", "devices", "region", "mfu", "node", "pricing",
              "cluster")


def _audit_settings(args: argparse.Namespace) -> dict[str, Any]:
    from mlsysim_lab.config_files import read_settings

    settings = read_settings(args.config) if args.config else {}
    unknown = sorted(set(settings) - set(AUDIT_KEYS))
    if unknown:
        raise CommandError(f"unknown key(s) in {args.config}: {', '.join(unknown)}; "
                           f"allowed: {', '.join(AUDIT_KEYS)}")
    for key in AUDIT_KEYS:
        value = getattr(args, key)
        if value is not None:
            settings[key] = value
    needed = ("model",) if "cluster" in settings else ("model", "hardware", "devices")
    missing = [key for key in needed if key not in settings]
    if missing:
        raise CommandError(f"audit needs {', '.join('--' + m for m in missing)} "
                           "(or those keys in --config)")
    return settings


def _audit(args: argparse.Namespace) -> str:
    from mlsysim_lab.audit import AuditConfig, audit

    from pydantic import ValidationError

    try:
        config = AuditConfig(**_audit_settings(args))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in error.errors())
        raise CommandError(f"invalid audit settings: {problems}") from None
    report = audit(config)
    if args.json:
        return json.dumps(report.as_dict(), indent=2)
    f = report.figures
    lines = [f"Audit: {f['model']} on {f['devices']} x {f['hardware']} ({f['node']}) in "
             f"{f['region']}, {f['tokens']:.3g} tokens ({f['tokens_per_param']:.3g} per parameter)",
             f"  time          {f['days']:.3g} days, {f['gpu_hours']:.4g} GPU-hours (MFU {f['mfu']:.2f})",
             f"  energy        {f['energy_mwh']:.4g} MWh",
             f"  carbon        {f['co2e_t']:.4g} tCO2e",
             "  cost          " + (f"${f['cost_usd']:,.0f}" if f["cost_usd"] is not None
                                    else "unknown"),
             f"  reliability   MTBF {f['cluster_mtbf_hours']:.3g} h, checkpoint every "
             f"{f['checkpoint_interval_hours']:.3g} h, {f['lost_fraction']:.2%} lost",
             "  binding wall per domain:"]
    lines += [f"    {domain:10s} {wall}: {report.notes[domain]}"
              for domain, wall in report.binding_walls.items()]
    lines.append(f"  most valuable single upgrade: {report.most_valuable_upgrade}")
    return "\n".join(lines)
