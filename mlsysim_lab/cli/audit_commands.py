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
    audit.add_argument("--seq-len", dest="seq_len", type=int,
                       help="tokens per sequence (default 4096, or the model's context if shorter)")
    audit.add_argument("--pue", type=float, help="facility PUE (default: the region's)")
    audit.add_argument("--batch-tokens", dest="batch_tokens", type=float,
                       help="target global batch in tokens (default 4M; it grows with DP)")
    audit.add_argument("--tp", type=int, help="pin tensor parallelism (default: searched)")
    audit.add_argument("--pp", type=int, help="pin pipeline stages (default: searched)")
    audit.add_argument("--zero-stage", dest="zero_stage", type=int, choices=(0, 1, 2, 3),
                       help="pin the ZeRO stage (default: searched)")
    audit.add_argument("--recompute", choices=("none", "selective", "full"),
                       help="pin activation recomputation (default: searched)")
    audit.add_argument("--micro-batch", dest="micro_batch", type=int,
                       help="pin the micro-batch size in sequences (default: searched)")
    audit.add_argument("--virtual-stages", dest="virtual_stages", type=int,
                       help="pin the interleaved pipeline's chunks per device (default: searched)")
    audit.add_argument("--async-checkpoint", dest="async_checkpoint", action="store_true",
                       default=None, help="checkpoint asynchronously (snapshot to host "
                       "memory, write in the background)")
    audit.add_argument("--efficiency", choices=("ideal", "calibrated"),
                       help="ideal (peak kernels, the cited MFU; default) or calibrated "
                       "(measured matmul fractions, NCCL base latency, measured MFU)")
    audit.add_argument("--json", action="store_true", help="print a JSON object")
    audit.set_defaults(handler=_audit)


AUDIT_KEYS = ("model", "tokens", "hardware", "devices", "region", "mfu", "node", "pricing",
              "cluster", "seq_len", "pue", "batch_tokens", "tp", "pp", "zero_stage",
              "recompute", "micro_batch", "virtual_stages", "async_checkpoint", "efficiency")


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
        problems = "; ".join(
            (f"{'.'.join(map(str, e['loc']))}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ") for e in error.errors())
        raise CommandError(f"invalid audit settings: {problems}") from None
    report = audit(config)
    if args.json:
        return json.dumps(report.as_dict(), indent=2)
    f, p = report.figures, report.parallelism
    energy, carbon = f["energy_mwh_by_scope"], f["co2e_t_by_scope"]
    lines = [f"Audit: {f['model']} on {f['devices']} x {f['hardware']} ({f['node']}) in "
             f"{f['region']}, {f['tokens']:.3g} tokens ({f['tokens_per_param']:.3g} per parameter), "
             f"sequences of {f['seq_len']}",
             f"  parallelism   TP {p['tp']} x PP {p['pp']} x DP {p['dp']}, ZeRO-{p['zero_stage']}, "
             f"{p['recompute']} recomputation, micro-batch {p['micro_batch']}, "
             f"{p['virtual_stages']} chunk(s) per device, global batch "
             f"{p['global_batch']} sequences",
             f"  time          {f['days']:.3g} days, {f['gpu_hours']:.4g} GPU-hours (MFU {f['mfu']:.2f}, "
             f"{f['efficiency']} profile); "
             f"step model {f['days_step_model']:.3g} days (MFU {f['step_model_mfu'] or 0:.2f})",
             f"  energy        {energy['facility']:.4g} MWh facility (PUE {f['pue']:.2f}), "
             f"{energy['it']:.4g} IT, {energy['gpu']:.4g} accelerators",
             f"  carbon        {f['co2e_t']:.4g} tCO2e ({f['operational_co2e_t']:.4g} operational + "
             f"{f['embodied_co2e_t']:.4g} embodied); operational by scope {carbon['facility']:.4g} "
             f"facility, {carbon['it']:.4g} IT, {carbon['gpu']:.4g} accelerators",
             "  cost          " + (f"${f['cost_usd']:,.0f}" if f["cost_usd"] is not None
                                    else "unknown")
             + (f" (cloud at ${f['cloud_price_per_hour']:.2f} per node-hour, "
                f"{f['cloud_price_date']})" if f["pricing"] == "cloud"
                and f["cloud_price_per_hour"] else ""),
             f"  reliability   MTBF {f['cluster_mtbf_hours']:.3g} h, checkpoint every "
             f"{f['checkpoint_interval_hours']:.3g} h ({f['checkpoint_s']:.3g} s stall, "
             f"{f['checkpoint_write_s']:.3g} s to write; restart {f['restart_s']:.0f} s), "
             f"{f['lost_fraction']:.2%} lost ({f['lost_fraction_range'][1]:.2%} at the worst "
             "published fleet's failure rate)",
             f"  why the days differ: {report.notes['time']}",
             "  binding wall per domain:"]
    lines += [f"    {domain:10s} {wall}: {report.notes[domain]}"
              for domain, wall in report.binding_walls.items()]
    lines.append(f"  most valuable single upgrade: {report.most_valuable_upgrade}")
    return "\n".join(lines)
