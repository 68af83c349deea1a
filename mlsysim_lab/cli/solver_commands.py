"""Commands on the solver core: ``zoo``, ``eval``, ``walls``, ``audit``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mlsysim_lab.cli.common import CommandError, table
from mlsysim_lab.formatting import duration, si

PHASES = ("auto", "decode", "prefill", "forward")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register these commands on the top-level parser."""
    zoo = commands.add_parser("zoo", help="list the hardware or model zoo")
    zoo.add_argument("kind", choices=("hardware", "models"))
    zoo.add_argument("--json", action="store_true", help="print a JSON list")
    zoo.set_defaults(handler=_zoo)

    evaluate = commands.add_parser("eval", help="evaluate one step of a model on a device")
    evaluate.add_argument("model", help="model id, e.g. llama-3-8b")
    evaluate.add_argument("hardware", help="hardware id, e.g. h100")
    evaluate.add_argument("--phase", choices=PHASES, default="auto",
                          help="decode (LLM default), prefill, or forward (CNN default)")
    evaluate.add_argument("--batch", type=int, default=1)
    evaluate.add_argument("--seq-len", type=int, default=1024,
                          help="decode: tokens in the KV cache; prefill: prompt tokens")
    evaluate.add_argument("--precision", default="fp16",
                          help="fp32, tf32, fp16, bf16, fp8, int8, int4 (W4A4), w8a16, w4a16")
    evaluate.add_argument("--kv-precision", default=None, help="KV-cache format override")
    evaluate.add_argument("--devices", type=int, default=1, help="tensor-parallel devices")
    evaluate.add_argument("--json", action="store_true", help="print a JSON object")
    evaluate.set_defaults(handler=_eval)

    walls = commands.add_parser("walls", help="list the 22 Systems Walls")
    walls.add_argument("--json", action="store_true", help="print a JSON list")
    walls.set_defaults(handler=_walls)

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


def _eval(args: argparse.Namespace) -> str:
    from mlsysim_lab import catalog
    from mlsysim_lab.catalog.models import ConvNetSpec
    from mlsysim_lab.walls.node import decode_step, forward_pass, prefill

    model = catalog.get_model(args.model)
    hardware = catalog.get_hardware(args.hardware)
    phase = args.phase
    if phase == "auto":
        phase = ("forward" if isinstance(model, ConvNetSpec)
                 else "decode" if model.kind == "decoder" else "prefill")
    if isinstance(model, ConvNetSpec):
        if phase != "forward":
            raise CommandError(f"{model.name} is a CNN: use --phase forward")
        if args.devices != 1:
            raise CommandError("tensor parallelism is modelled for transformers only")
        result = forward_pass(model, hardware, batch=args.batch, precision=args.precision)
    elif phase == "forward":
        raise CommandError(f"{model.name} is a transformer: use --phase decode or prefill")
    else:
        common = dict(batch=args.batch, precision=args.precision,
                      kv_precision=args.kv_precision, devices=args.devices)
        result = (decode_step(model, hardware, context=args.seq_len, **common)
                  if phase == "decode"
                  else prefill(model, hardware, prompt_tokens=args.seq_len, **common))
    summary = {"model": model.id, "hardware": hardware.id, "precision": args.precision,
               "batch": args.batch, "seq_len": args.seq_len, **result.as_dict()}
    if args.json:
        return json.dumps(summary, indent=2)
    return _describe(model.name, hardware.name, args, summary)


def _describe(model: str, hardware: str, args: argparse.Namespace, r: dict[str, Any]) -> str:
    devices = f"{r['devices']:g} devices" if r["devices"] != 1 else "1 device"
    length = {"decode": f"context {args.seq_len}, ", "prefill": f"prompt {args.seq_len}, "}
    lines = [f"{model} on {hardware}: {r['phase']}, batch {args.batch}, "
             f"{length.get(r['phase'], '')}{args.precision}, {devices}"]
    if r["feasible"]:
        lines.append(f"  latency        {duration(r['latency_s'])} per step "
                     f"({r['tokens_per_s']:.4g} {'samples' if r['phase'] == 'forward' else 'tokens'}/s)")
    else:
        lines.append("  latency        n/a: the configuration does not fit in memory")
    lines += [
        f"  compute time   {duration(r['compute_s'])}",
        f"  memory time    {duration(r['memory_s'])}",
    ]
    if r["communication_s"]:
        lines.append(f"  communication  {duration(r['communication_s'])}")
    lines += [
        f"  intensity      {r['arithmetic_intensity']:.3g} FLOP/B (ridge point "
        f"{r['ridge_point']:.3g} FLOP/B): {r['bottleneck']}-bound",
        f"  memory         {si(r['memory_bytes'], 'B')} of {si(r['capacity_bytes'], 'B')} "
        f"per device: {'fits' if r['feasible'] else 'DOES NOT FIT'}",
        f"  binding wall   {r['binding_wall']}",
    ]
    return "\n".join(lines)


def _walls(args: argparse.Namespace) -> str:
    from mlsysim_lab.taxonomy import WALLS

    if args.json:
        return json.dumps([wall.as_dict() for wall in WALLS], indent=2)
    return table(("#", "wall", "domain", "equation"),
                  [(str(w.number), w.name, w.domain, w.equation) for w in WALLS])


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
