"""Lab 15: the spec (title, question, scenario, items). Every key is a call into the solver.

Each student gets the datasheet of a hypothetical accelerator (the scenario). The keys
come from the solver run on an ``Accelerator`` built here from that datasheet; the code
items check the student's own spec (validated, cited, the datasheet's figures in base
units, and behaving like the datasheet device in ``decode_step``) and the student's
energy-per-token solver (registered on the energy wall, documented, and equal to the
energy solver by hypothesis properties)."""

from __future__ import annotations

import inspect
import math
from typing import Any, Mapping

from pydantic import ValidationError

from mlsysim_lab import catalog
from mlsysim_lab.catalog import references
from mlsysim_lab.catalog.hardware import GB, TB, TFLOPS, Accelerator
from mlsysim_lab.catalog.references import Reference
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, CodeItem, FloatRange, IntRange,
                                 LabSpec, NumericItem, Option)
from mlsysim_lab.grading.properties import property_credit
from mlsysim_lab.precision import DTYPE_BYTES
from mlsysim_lab.taxonomy import WALLS, get_wall
from mlsysim_lab.walls.node import decode_step
from mlsysim_lab.walls.ops.energy import run_energy

CONTEXT = 1024            # tokens of context in the decode questions
MODELS = ("llama-3-8b", "llama-2-7b")
#: The longest context a decode step of every scenario model accepts (window - 1).
LONGEST = min(catalog.get_model(m).max_context for m in MODELS) - 1
ENERGY_WALL = 17          # the wall an energy-per-token solver belongs to

#: The (hypothetical) source of the scenario datasheets, so the reference device validates.
SCENARIO_SOURCE = Reference(
    key="mlsysim-lab15-scenario-datasheet",
    title="Lab 15 scenario: datasheet of a hypothetical accelerator", publisher="mlsysim-lab",
    year=2025, locator="the scenario printed by the lab's set-up cell")
references.register(SCENARIO_SOURCE)

CITED = ("peak_flops", "memory_capacity", "memory_bandwidth", "tdp")


def datasheet(s: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario's datasheet in base units: dense peaks (FLOP/s), memory (B), bandwidth
    (B/s), TDP (W). FP8 runs at twice the 16-bit rate, as on current parts."""
    peak = s["peak_tflops"] * TFLOPS
    return {"peak_flops": {"fp16": peak, "bf16": peak, "fp8": 2.0 * peak},
            "memory_capacity": s["memory_gb"] * GB,
            "memory_bandwidth": s["bandwidth_tbs"] * TB, "tdp": float(s["tdp_w"])}


def device(s: Mapping[str, Any]) -> Accelerator:
    """The scenario's accelerator, validated like any zoo entry."""
    return Accelerator(id="lab15-datasheet-device", name="Lab 15 datasheet device",
                       vendor="hypothetical", kind="gpu", year=2025, memory_type="HBM3e",
                       sources={field: SCENARIO_SOURCE.key for field in CITED},
                       **datasheet(s))


def decode(s: Mapping[str, Any], hardware: Any = None, batch: Any = None,
           context: Any = CONTEXT):
    """A decode step of the scenario's model (at the scenario's batch unless given)."""
    return decode_step(s["model"], device(s) if hardware is None else hardware,
                       batch=s["batch"] if batch is None else batch, context=context)


def decode_working(s: Mapping[str, Any]) -> str:
    """The decode step's roofline with this scenario's numbers."""
    d, spec = decode(s), device(s)
    work = d.as_dict()
    return (f"compute: {float(work['flops']) / 1e9:.4g} GFLOP / {spec.peak('fp16') / 1e12:.0f} TFLOP/s "
            f"= {float(d.compute_s) * 1e3:.3g} ms; memory: {float(work['bytes_moved']) / 1e9:.4g} GB "
            f"(weights + {s['batch']} x {CONTEXT} tokens of KV cache) / "
            f"{spec.memory_bandwidth / 1e12:.3g} TB/s = {float(d.memory_s) * 1e3:.3g} ms; "
            f"the step takes the larger, {float(d.latency_s) * 1e3:.3g} ms")


def regime_working(s: Mapping[str, Any]) -> str:
    """The decode step's intensity against the device's ridge."""
    d = decode(s)
    return (f"intensity {float(d.arithmetic_intensity):.3g} FLOP/B (FLOPs / bytes of the step) "
            f"against the ridge {device(s).ridge_point('fp16'):.3g} FLOP/B: {d.bottleneck}-bound")


def _current_scenario() -> dict[str, Any]:
    from mlsysim_lab.grading.grade import scenario_for
    from mlsysim_lab.grading.specs import load_lab

    return scenario_for(load_lab("lab15"))


# ----- what validation rejects: answered by validating ---------------------------------------

def _variants(s: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    base = device(s).model_dump()
    unsourced = {**base, "sources": {k: v for k, v in base["sources"].items()
                                     if k != "memory_bandwidth"}}
    no_tdp = {**base, "tdp": None, "sources": {k: v for k, v in base["sources"].items()
                                               if k != "tdp"}}
    fp16_only = {**base, "peak_flops": {"fp16": base["peak_flops"]["fp16"]}}
    model_bytes = catalog.get_model(s["model"]).total_params * DTYPE_BYTES["fp16"]
    small = {**base, "memory_capacity": model_bytes / 16}
    return {"unsourced": unsourced, "no_tdp": no_tdp, "fp16_only": fp16_only, "small": small}


def rejected(s: Mapping[str, Any]) -> str:
    """The one variant of the scenario device that validation refuses."""
    refused = []
    for label, data in _variants(s).items():
        try:
            Accelerator(**data)
        except ValidationError:
            refused.append(label)
    if len(refused) != 1:
        raise ValueError(f"expected exactly one rejected variant, got {refused}")
    return refused[0]


# ----- code item 1: the student's accelerator -----------------------------------------------

def _zoo_hardware_sources() -> set[str]:
    return {key for spec in catalog.hardware for key in spec.sources.values()}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6)


def spec_problem(spec: Any, s: Mapping[str, Any]) -> str | None:
    """Why the spec is not a valid, cited entry for the scenario's datasheet (None: it is)."""
    if not isinstance(spec, Accelerator):
        return f"expected a catalog.Accelerator, got {type(spec).__name__}"
    try:
        type(spec).model_validate(spec.model_dump())
    except ValidationError as error:
        first = error.errors()[0]
        return (f"the spec does not validate ({first['msg']}); model_copy(update=...) skips "
                "validation, so build it with Accelerator(...)")
    taken = [name for name in (spec.id, *spec.aliases) if name in catalog.hardware]
    if taken:
        owner = catalog.get_hardware(taken[0]).id
        return (f"{', '.join(taken)} already names a zoo device ({owner}): give your device "
                "an id and aliases of its own")
    borrowed = sorted({spec.sources[f] for f in CITED if f in spec.sources}
                      & _zoo_hardware_sources())
    if borrowed:
        return (f"the figures cite {', '.join(borrowed)}, the datasheet of another device: "
                "register a Reference for your device's datasheet and cite it")
    sheet = datasheet(s)
    for precision, value in sheet["peak_flops"].items():
        got = spec.peak_flops.get(precision)
        if got is None:
            return f"the datasheet gives a {precision.upper()} peak; your spec has none"
        if not _close(got, value):
            return (f"the {precision.upper()} peak is {got / value:.3g} x the datasheet figure: "
                    "store FLOP/s (e.g. 400 * TFLOPS)")
    for field, unit in (("memory_capacity", "bytes (e.g. 96 * GB)"),
                        ("memory_bandwidth", "B/s (e.g. 4.8 * TB)"), ("tdp", "watts")):
        got = getattr(spec, field)
        if got is None:
            return f"the datasheet gives {field}; your spec leaves it unset"
        if not _close(got, sheet[field]):
            return f"{field} is {got / sheet[field]:.3g} x the datasheet figure: store {unit}"
    return None


def weights_read(s: Mapping[str, Any]) -> float:
    """FP16 weight bytes one decode step reads: every matmul weight once (the embedding
    table is a gather of one row per token, not read whole)."""
    return catalog.get_model(s["model"]).matmul_params_per_token * DTYPE_BYTES["fp16"]


def _decodes_like_the_datasheet(spec: Accelerator, s: Mapping[str, Any],
                                args: Mapping[str, Any]) -> bool:
    mine = decode(s, spec, batch=args["batch"], context=args["context"])
    reference = decode(s, batch=args["batch"], context=args["context"])
    if bool(mine.feasible) != bool(reference.feasible):
        return False
    if not math.isclose(float(mine.ridge_point), spec.peak("fp16") / spec.memory_bandwidth,
                        rel_tol=1e-9):
        return False
    if not bool(mine.feasible):
        return math.isnan(float(mine.latency_s))
    latency = float(mine.latency_s)
    return (latency >= weights_read(s) / spec.memory_bandwidth
            and math.isclose(latency, float(reference.latency_s), rel_tol=1e-9))


def grade_accelerator(spec: Any) -> tuple[float, str]:
    """The student's Accelerator: valid, new, cited, the datasheet's figures, and for
    generated batches and contexts its decode step is never faster than reading the
    weights once, its ridge is peak / bandwidth, and it times like the datasheet device."""
    s = _current_scenario()
    problem = spec_problem(spec, s)
    if problem is not None:
        return 0.0, problem
    return property_credit(
        lambda args: _decodes_like_the_datasheet(spec, s, args),
        {"batch": IntRange(1, 1024), "context": IntRange(1, LONGEST)},
        "decode_step on your device: latency >= weight bytes read / bandwidth, ridge = peak / "
        "bandwidth, and the same time as the datasheet device")


# ----- code item 2: a solver registered with the taxonomy -----------------------------------

SOLVER_ARGUMENTS = {"power_w": FloatRange(1.0, 2000.0), "step_s": FloatRange(1e-6, 10.0),
                    "tokens": IntRange(1, 8192), "pue": FloatRange(1.0, 2.0, log=False)}


#: A device whose TDP the reference replaces with the power under test.
_POWER_PROBE = device({"peak_tflops": 1, "bandwidth_tbs": 1, "memory_gb": 1, "tdp_w": 1})


def reference_energy_per_token(power_w: float, step_s: float, tokens: int, pue: float) -> float:
    """The energy solver (wall 17) for one device drawing ``power_w`` for ``step_s``
    seconds, divided by the tokens that step produced."""
    box = _POWER_PROBE.model_copy(update={"tdp": power_w})
    energy = run_energy(1, step_s, hardware=box, power_fraction=1.0, activity=1.0, pue=pue)
    return float(energy.facility_energy_j) / tokens


def _matches(solver: Any, args: Mapping[str, Any]) -> bool:
    got = solver(**args)
    got = float(got.magnitude if hasattr(got, "magnitude") else got)
    return math.isclose(got, reference_energy_per_token(**args), rel_tol=1e-9)


def grade_solver(solver: Any) -> tuple[float, str]:
    """The student's energy_per_token_j(power_w, step_s, tokens, pue): documented with its
    equation, registered on wall 17 (energy) and only there, and equal to the energy solver
    on generated inputs."""
    if not callable(solver):
        return 0.0, f"expected a function, got {type(solver).__name__}"
    doc = inspect.getdoc(solver) or ""
    if "=" not in doc:
        return 0.0, ("the docstring must state the solver's equation (e.g. 'E/token = P x t x "
                     "PUE / tokens'), like every solver in the package")
    walls = [wall.number for wall in WALLS if solver in wall.extra_solvers]
    if ENERGY_WALL not in walls:
        where = f" (it is on wall {', '.join(map(str, walls))})" if walls else ""
        return 0.0, (f"register it with register_solver(wall_number, fn) on the wall of "
                     f"{get_wall(ENERGY_WALL).name.lower()}{where}")
    wrong = [n for n in walls if n != ENERGY_WALL]
    if wrong:
        return 0.0, (f"it is also registered on wall {', '.join(map(str, wrong))}: an energy "
                     f"solver resolves wall {ENERGY_WALL} only (remove it with "
                     "get_wall(n).extra_solvers.remove(fn))")
    return property_credit(lambda args: _matches(solver, args), SOLVER_ARGUMENTS,
                           "energy per token = run_energy(...) / tokens")


LAB = LabSpec(
    id="lab15", title="Custom Hardware & Solvers",
    question="How do I add a new accelerator or my own solver?",
    level="developer", walls=(1, 3),
    scenario={"peak_tflops": Choice(values=(100, 400, 800), default=800),
              "bandwidth_tbs": Choice(values=(3.0, 4.8, 8.0), default=4.8),
              "batch": Choice(values=(1, 32, 64), default=1),
              "memory_gb": Choice(values=(96, 144, 192), default=144),
              "tdp_w": Choice(values=(600, 800, 1000), default=800),
              "model": Choice(values=MODELS, default="llama-3-8b")},
    goals=("Turn a datasheet into a validated, cited Accelerator spec in base units.",
           "Predict the ridge point and the decode time of a known model on a new device.",
           "Know what spec validation guarantees (positive, cited figures) and what it leaves "
           "to the solvers (fit, missing precisions, missing power).",
           "Write a small solver with its equation in the docstring and register it on the "
           "right wall of the taxonomy."),
    minutes=25,
    discussion=("Your device has more FLOPS than an H100: which workloads does that help, "
                "and which only see the bandwidth?",
                "Why should every figure in a zoo carry a source, even a hypothetical one?"),
    items=(
        NumericItem("ridge",
                    "the FP16 ridge point of your device", unit="FLOP/B",
                    key=lambda s: device(s).ridge_point("fp16"), tolerance=Banded(),
                    working=lambda s: (f"{device(s).peak('fp16') / 1e12:.0f} TFLOP/s / "
                                       f"{device(s).memory_bandwidth / 1e12:.3g} TB/s = "
                                       f"{device(s).ridge_point('fp16'):.3g} FLOP/B")),
        NumericItem("decode_ms",
                    "the time of one decode step of your model on your device "
                    "at your batch (1,024 tokens of context per sequence, FP16)", unit="ms",
                    key=lambda s: float(decode(s).latency_s) * 1e3, tolerance=Banded(),
                    working=decode_working),
        ChoiceItem("decode_regime",
                   "Which wall binds one decode step of your model on your device at your batch (1,024 tokens of context per sequence, FP16)?",
                   options=(
            Option("memory", "memory bandwidth",
                   why="the step reads all the weights and the KV cache for few FLOPs per "
                       "byte, below your device's ridge",
                   misconception="decode is always memory-bound: a large enough batch on a "
                                 "device with a low ridge crosses it"),
            Option("compute", "compute throughput",
                   why="your batch shares each weight read among enough sequences to lift "
                       "the intensity above your device's low ridge",
                   misconception="a new device with hundreds of TFLOP/s must be compute-"
                                 "bound: the regime depends on the workload's intensity "
                                 "against the ridge")),
            key=lambda s: decode(s).bottleneck, working=regime_working),
        ChoiceItem("rejected",
                   "Four variants of your spec are built. Which one does "
                   "validation reject: `'unsourced'` (memory_bandwidth has no "
                   "source), `'no_tdp'` (no TDP), `'fp16_only'` (only an FP16 "
                   "peak) or `'small'` (memory a sixteenth of your model's FP16"
                   " weights)?", options=(
            Option("unsourced", "the uncited bandwidth",
                   why="a spec refuses any cited figure without a registered source, so "
                       "every number a lab grades against can be traced"),
            Option("no_tdp", "the missing TDP",
                   misconception="every field is mandatory: optional figures may be absent; "
                                 "a solver that needs one (energy) says so when asked"),
            Option("fp16_only", "the FP16-only peaks",
                   misconception="a device must publish every precision: asking for a peak "
                                 "it lacks is an error at solve time, never at validation"),
            Option("small", "the too-small memory",
                   misconception="validation checks that workloads fit: fit is the solver's "
                                 "feasibility gate (feasible = False), not a property of the "
                                 "device")),
            key=rejected,
            invariant="validation is the same contract for every datasheet: an uncited figure "
                      "is refused whatever the device"),
        CodeItem("accelerator",
                 "`my_accelerator`, a `catalog.Accelerator` with your "
                 "datasheet's figures (FP16, BF16 and FP8 peaks, memory, "
                 "bandwidth, TDP), a new id, and every figure cited by a "
                 "reference you registered (not another device's datasheet). "
                 "The grader re-validates it, checks the figures and, for "
                 "generated batches and contexts, that `decode_step` on it is "
                 "never faster than reading the weights once and that its ridge"
                 " is peak / bandwidth.", grader=grade_accelerator,
                 variable="my_accelerator"),
        CodeItem("energy_solver",
                 "`energy_per_token_j(power_w, step_s, tokens, pue)` in joules,"
                 " with a docstring that states its equation, registered with "
                 "`register_solver(wall_number, energy_per_token_j)` on the "
                 "right wall. It is graded against the energy solver "
                 "`run_energy` on generated powers, step times, token counts "
                 "and PUEs.", grader=grade_solver,
                 variable="energy_per_token_j"),
    ))
