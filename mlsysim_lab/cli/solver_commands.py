"""Commands on the node solvers, the taxonomy and the published record: ``eval``,
``walls`` and ``validate``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mlsysim_lab.cli.common import CommandError, table
from mlsysim_lab.formatting import duration, si

PHASES = ("auto", "decode", "prefill", "forward")
EFFICIENCIES = ("ideal", "calibrated")


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
                          help="fp32, tf32, fp16, bf16, fp8, fp8-kv8 (FP8 KV cache too), int8, "
                               "int4 (W4A4), w8a16, w4a16")
    evaluate.add_argument("--kv-precision", default=None, help="KV-cache format override")
    evaluate.add_argument("--devices", type=int, default=1,
                          help="tensor-parallel devices (wafers for a wafer-scale system)")
    evaluate.add_argument("--efficiency", choices=EFFICIENCIES, default="ideal",
                          help="ideal: the roofline bound (default); calibrated: achievable "
                               "fractions and overheads with cited sources")
    evaluate.add_argument("--json", action="store_true", help="print a JSON object")
    evaluate.set_defaults(handler=_eval)

    validate = commands.add_parser(
        "validate", help="the solver against published measurements (both profiles)")
    validate.add_argument("--json", action="store_true", help="print a JSON object")
    validate.set_defaults(handler=_validate)

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
        result = forward_pass(model, hardware, batch=args.batch, precision=args.precision,
                              efficiency=args.efficiency)
    elif phase == "forward":
        raise CommandError(f"{model.name} is a transformer: use --phase decode or prefill")
    else:
        common = dict(batch=args.batch, precision=args.precision,
                      kv_precision=args.kv_precision, devices=args.devices,
                      efficiency=args.efficiency)
        result = (decode_step(model, hardware, context=args.seq_len, **common)
                  if phase == "decode"
                  else prefill(model, hardware, prompt_tokens=args.seq_len, **common))
    summary = {"model": model.id, "hardware": hardware.id, "precision": args.precision,
               "batch": args.batch, "seq_len": args.seq_len, "efficiency": args.efficiency,
               **result.as_dict()}
    if args.json:
        return json.dumps(summary, indent=2)
    return _describe(model.name, hardware.name, args, summary)


def _describe(model: str, hardware: str, args: argparse.Namespace, r: dict[str, Any]) -> str:
    devices = f"{r['devices']:g} devices" if r["devices"] != 1 else "1 device"
    length = {"decode": f"context {args.seq_len}, ", "prefill": f"prompt {args.seq_len}, "}
    lines = [f"{model} on {hardware}: {r['phase']}, batch {args.batch}, "
             f"{length.get(r['phase'], '')}{args.precision}, {devices}, "
             f"{args.efficiency} efficiency"]
    if r.get("regime"):
        lines.append(f"  regime         {r['regime']}")
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
    if r["overhead_s"]:
        lines.append(f"  overheads      {duration(r['overhead_s'])}")
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


def _validate(args: argparse.Namespace) -> str:
    from mlsysim_lab import validation

    rows = validation.compare()
    summary = validation.summary(rows)
    if args.json:
        return json.dumps({"rows": [row.as_dict() for row in rows], "summary": summary,
                           "bands": validation.BANDS}, indent=2)

    def ratio(row: Any, name: str) -> str:
        return f"{row.ratio[name]:.2f}" if row.fits(name) else "no fit"

    def flags(row: Any) -> str:
        m = row.measurement
        marks = ["held back"] if m.held_back else []
        marks += ["calibration"] if m.calibration else []
        marks += [] if row.in_band or not row.fits("calibrated") else ["OUT OF BAND"]
        return ", ".join(marks)

    lines = ["Time ratio = model time / published time (for a rate: published / model); "
             "ideal <= 1 (a bound).", ""]
    lines.append(table(("measurement", "class", "published", "ideal", "calibrated", ""),
                       [(row.measurement.id, row.measurement.cls,
                         f"{row.measurement.value:.4g} {row.measurement.quantity}",
                         ratio(row, "ideal"), ratio(row, "calibrated"), flags(row))
                        for row in rows]))
    lines += ["", table(("class", "rows", "ideal median", "ideal worst", "calibrated median",
                         "calibrated worst", "calibrated band"),
                        [(cls, f"{int(by['calibrated']['rows'])}",
                          f"{by['ideal']['median']:.2f}", f"{by['ideal']['worst']:.2f}",
                          f"{by['calibrated']['median']:.2f}",
                          f"{by['calibrated']['worst']:.2f}",
                          "{:.2f}-{:.2f}".format(*validation.BANDS[cls]))
                         for cls, by in summary.items()])]
    return "\n".join(lines)
