"""Commands on the node solvers and the taxonomy: ``eval`` and ``walls``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mlsysim_lab.cli.common import CommandError, table
from mlsysim_lab.formatting import duration, si

PHASES = ("auto", "decode", "prefill", "forward")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register these commands on the top-level parser."""
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
