"""The ``mlsysim-lab`` command: browse the zoo and evaluate a model on a device.

Errors in arguments end with a one-line message on stderr and exit status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from mlsysim_lab import __version__
from mlsysim_lab.formatting import duration, si

PHASES = ("auto", "decode", "prefill", "forward")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + error
        self.exit(2, f"{self.prog}: error: {message}\n")


class CommandError(Exception):
    """A user mistake the command reports in one line."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mlsysim-lab", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"mlsysim-lab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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

    labs = commands.add_parser("labs", help="list, fetch or run the student labs")
    labs_commands = labs.add_subparsers(dest="labs_command", required=True, parser_class=_Parser)
    listing = labs_commands.add_parser("list", help="the labs (or a learning path)")
    listing.add_argument("--path", help="a learning path (first-time, engineer, researcher, "
                         "conference)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_labs_list)
    fetch = labs_commands.add_parser("fetch", help="copy a student notebook out of the wheel")
    fetch.add_argument("lab", help="lab id, e.g. lab00 or 0")
    fetch.add_argument("destination", nargs="?", default=".", help="folder or file (default: .)")
    fetch.add_argument("--force", action="store_true", help="overwrite an existing file")
    fetch.add_argument("--student", help="your student id, set once: the notebook shows "
                       "(and is graded on) your own scenario")
    fetch.set_defaults(handler=_labs_fetch)
    run = labs_commands.add_parser("run", help="execute a student notebook headless")
    run.add_argument("lab", help="lab id or a notebook path")
    run.set_defaults(handler=_labs_run)
    report = labs_commands.add_parser("report", help="your own report of a lab notebook: "
                                      "committed predictions against the model, as HTML")
    report.add_argument("notebook", help="the lab notebook, e.g. lab01.ipynb")
    report.add_argument("--out", help="the HTML file (default: LAB-report.html beside it)")
    report.set_defaults(handler=_labs_report)

    notes = labs_commands.add_parser("notes", help="instructor notes from the item specs")
    notes.add_argument("lab")
    notes.set_defaults(handler=_labs_notes)

    course = commands.add_parser("course", help="set up an nbgrader course")
    course_commands = course.add_subparsers(dest="course_command", required=True,
                                            parser_class=_Parser)
    init = course_commands.add_parser("init", help="create a ready nbgrader course folder")
    init.add_argument("directory")
    init.add_argument("--solutions", help="the instructor sources (solutions/ of the course "
                      "repository; not shipped in the wheel)")
    init.add_argument("--labs", nargs="+", help="lab ids to include (default: all)")
    init.add_argument("--course-id", default="mlsysim-lab")
    init.add_argument("--timeout", type=int, default=60,
                      help="seconds a cell may run during autograde (default 60)")
    init.set_defaults(handler=_course_init)

    grade = commands.add_parser("grade", help="autograde an assignment and report per-item "
                                "scores")
    grade.add_argument("assignment", help="assignment (lab) id, e.g. lab01")
    grade.add_argument("--course", default=".", help="the course folder (default: here)")
    grade.add_argument("--csv", help="per-item scores file (default: grades-ASSIGNMENT.csv)")
    grade.add_argument("--no-autograde", action="store_true",
                       help="report on notebooks already autograded")
    grade.add_argument("--workers", type=int, help="concurrent autograde processes "
                       "(default: one per CPU)")
    grade.add_argument("--json", action="store_true", help="print the statistics as JSON")
    grade.set_defaults(handler=_grade)
    return parser


def _zoo(args: argparse.Namespace) -> str:
    from mlsysim_lab import catalog

    if args.kind == "hardware":
        rows = [_hardware_row(spec) for spec in catalog.hardware]
        header = ("id", "name", "bf16/fp16 peak", "memory", "bandwidth", "TDP")
        table = [(r["id"], r["name"], si(r["peak_16bit_flops"], "FLOP/s"),
                  si(r["memory_capacity_bytes"], "B"), si(r["memory_bandwidth_Bps"], "B/s"),
                  si(r["tdp_w"], "W")) for r in rows]
    else:
        rows = [_model_row(spec) for spec in catalog.models]
        header = ("id", "name", "params", "active", "kind")
        table = [(r["id"], r["name"], si(r["params"], ""), si(r["active_params"], ""),
                  r["kind"]) for r in rows]
    if args.json:
        return json.dumps(rows, indent=2)
    return _table(header, table)


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


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in (header, *rows)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


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
    return _table(("#", "wall", "domain", "equation"),
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
             f"  cost          " + (f"${f['cost_usd']:,.0f}" if f["cost_usd"] is not None
                                    else "unknown"),
             f"  reliability   MTBF {f['cluster_mtbf_hours']:.3g} h, checkpoint every "
             f"{f['checkpoint_interval_hours']:.3g} h, {f['lost_fraction']:.2%} lost",
             "  binding wall per domain:"]
    lines += [f"    {domain:10s} {wall}: {report.notes[domain]}"
              for domain, wall in report.binding_walls.items()]
    lines.append(f"  most valuable single upgrade: {report.most_valuable_upgrade}")
    return "\n".join(lines)


def _labs_list(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.lab_files import listing, notebook_path
    from mlsysim_lab.walls.names import wall

    labs = listing(args.path)
    rows = [{"id": lab.id, "title": lab.title, "question": lab.question, "level": lab.level,
             "minutes": lab.minutes, "paths": dict(lab.paths),
             "walls": [f"{n} {wall(n)}" for n in lab.walls],
             "available": notebook_path(lab) is not None} for lab in labs]
    if args.json:
        return json.dumps(rows, indent=2)
    header = (f"Learning path: {args.path}, {sum(r['minutes'] for r in rows)} minutes of lab "
              "time in all\n" if args.path else "")
    return header + _table(("id", "title", "question", "level", "min", "available"),
                           [(r["id"], r["title"], r["question"], r["level"], str(r["minutes"]),
                             "yes" if r["available"] else "not yet") for r in rows])


def _labs_fetch(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.lab_files import fetch

    try:
        target = fetch(args.lab, args.destination, force=args.force, student=args.student)
    except FileExistsError as error:
        raise CommandError(str(error)) from None
    who = (f" It shows the scenario of student {args.student.strip()}." if args.student else
           " No student id given: it shows your hub user's scenario, or the default one "
           "(pass --student ID to set yours).")
    return f"Copied {target}.{who} Open it with: jupyter lab {target}"


def _labs_run(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.lab_files import run

    seconds, lines = run(args.lab)
    return "\n".join([*lines, f"(ran headless in {seconds:.1f} s)"])


def _labs_report(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.student_report import student_report

    if not Path(args.notebook).is_file():
        raise CommandError(f"no notebook {args.notebook!r}")
    return f"Report written to {student_report(args.notebook, args.out)}"


def _labs_notes(args: argparse.Namespace) -> str:
    from mlsysim_lab.course.notes import notes

    return notes(args.lab).rstrip("\n")


def _course_init(args: argparse.Namespace) -> str:
    from mlsysim_lab.course import init_course

    labs = init_course(args.directory, solutions=args.solutions, labs=args.labs,
                       course_id=args.course_id, timeout=args.timeout)
    return "\n".join([
        f"Course ready in {args.directory} with {len(labs)} lab(s): {', '.join(labs)}",
        "Next, from that folder:",
        "  nbgrader generate_assignment LAB     # release version in release/LAB/",
        "  (students submit; or collect into submitted/STUDENT/LAB/)",
        "  mlsysim-lab grade LAB                # autograde + per-item CSV and statistics",
        "  nbgrader generate_feedback LAB       # HTML feedback in feedback/",
        "  nbgrader export                      # grades.csv for the gradebook"])


def _grade(args: argparse.Namespace) -> str:
    from mlsysim_lab.course import grade_report

    path = args.csv or f"grades-{args.assignment}.csv"
    report = grade_report(args.course, args.assignment, path,
                          autograde_first=not args.no_autograde, workers=args.workers)
    if report.failures:
        args.exit_code = 1   # after the report is written: a failure never loses the class
    if args.json:
        return json.dumps({"items": report.statistics, "failed": report.failures,
                           "flagged": report.flagged}, indent=2)
    students = len({r.student for r in report.records})
    rows = [(item, str(s["submissions"]), f"{s['mean_credit']:.2f}",
             s["most_chosen_wrong_option"] or "-", s["misconception"] or "-", str(s["flagged"]))
            for item, s in report.statistics.items()]
    lines = [f"{students} submission(s): {students - len(report.failures)} graded, "
             f"{len(report.failures)} failed. Per-item scores written to {path}",
             _table(("item", "n", "mean credit", "top wrong option", "misconception", "flagged"),
                    rows)]
    if report.failures:
        lines += ["", "Not graded (a row each in the CSV):"]
        lines += [f"  {student}: {reason}" for student, reason in sorted(report.failures.items())]
    if report.flagged:
        lines += ["", "Flagged for you to look at (the CSV has the details):"]
        lines += [f"  {student}: {'; '.join(notes)}"
                  for student, notes in sorted(report.flagged.items())]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from mlsysim_lab.units import UnitError

    try:
        output = args.handler(args)
    except (CommandError, LookupError, UnitError, ValueError, RuntimeError) as error:
        message = str(error).strip("'\"")
        print(f"mlsysim-lab: error: {message}", file=sys.stderr)
        return 2
    try:
        print(output)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return getattr(args, "exit_code", 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
