"""Lab 09: the spec (title, question, scenario, items). Every key is a call into the solver.

The steps are timed with the ``calibrated`` efficiency profile (achievable matmul and
memory-stream fractions plus the runtime's fixed cost per step), so the elasticities are
the shares of the step each rate touches, not the pure bound's -1 and 0."""

from mlsysim_lab import catalog
from mlsysim_lab.grading import Absolute, Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.walls.analysis.sensitivity import elasticities
from mlsysim_lab.walls.node import decode_step, prefill
from mlsysim_lab.walls.node.efficiency import Profile

#: The deployment: Llama 3 8B on today's GPU, FP16.
MODEL, HARDWARE, PRECISION = "llama-3-8b", "a100", "fp16"
#: The catalog's headline elasticities for this decode (../shared/LABS.md, lab 09).
CATALOG_BW, CATALOG_FLOPS = -0.88, -0.06


def profile(s) -> Profile:
    """The calibrated profile for the scenario's runtime (compiled engine or eager)."""
    return Profile(runtime=s["runtime"])


def step(s, hardware=HARDWARE):
    """One decode step of the scenario's batch and context."""
    return decode_step(MODEL, hardware, batch=s["batch"], context=s["context"],
                       efficiency=profile(s))


def prompt_step(s):
    """The prefill of one prompt of the scenario's length."""
    return prefill(MODEL, HARDWARE, batch=1, prompt_tokens=s["prompt"], efficiency=profile(s))


def decode_elasticities(s, efficiency=None) -> dict[str, float]:
    """d ln T / d ln x of the decode step for the A100's peak FLOPS and bandwidth, by the
    central difference of :func:`elasticities` on copies of the GPU with one figure moved
    (``efficiency``: the scenario's calibrated profile unless another is given)."""
    gpu = catalog.get_hardware(HARDWARE)

    def latency(x):
        peaks = {**gpu.peak_flops, PRECISION: x["peak_flops"]}
        moved = gpu.model_copy(update={"peak_flops": peaks,
                                       "memory_bandwidth": x["memory_bandwidth"]})
        return float(decode_step(MODEL, moved, batch=s["batch"], context=s["context"],
                                 precision=PRECISION,
                                 efficiency=efficiency or profile(s)).latency_s)

    return elasticities(latency, {"peak_flops": gpu.peak(PRECISION),
                                  "memory_bandwidth": gpu.memory_bandwidth}).elasticities


def bandwidth_elasticity(s) -> float:
    return decode_elasticities(s)["memory_bandwidth"]


def flops_term(s) -> str:
    """The assumption that gives the decode step the largest FLOPS elasticity: compute
    time added to memory time (no overlap), the runtime's fixed cost (the calibrated
    step), or compute at the datasheet peak (the ideal profile)."""
    parts = _parts(step(s))
    magnitude = {"added": parts["peak_flops"] / sum(parts.values()),
                 "fixed": abs(decode_elasticities(s)["peak_flops"]),
                 "ideal": abs(decode_elasticities(s, "ideal")["peak_flops"])}
    return max(magnitude, key=magnitude.get)


def _ms(seconds) -> str:
    return f"{float(seconds) * 1e3:.3g} ms"


def _parts(result) -> dict[str, float]:
    """The parts of a step's time: t = max(compute, memory) + fixed."""
    return {"peak_flops": float(result.compute_s), "memory_bandwidth": float(result.memory_s),
            "fixed_cost": float(result.overhead_s + result.communication_s)}


def prompt_binds(s) -> str:
    """The input the prefill's time is most sensitive to: the larger of compute and
    memory (the smaller one hides beneath it), or the fixed cost if that is larger."""
    parts = _parts(prompt_step(s))
    bound = max(("peak_flops", "memory_bandwidth"), key=parts.get)
    return bound if parts[bound] >= parts["fixed_cost"] else "fixed_cost"


def sla_s(s) -> float:
    """The per-token SLA: today's A100 latency divided by the speedup the product asks for."""
    return float(step(s).latency_s) / s["speedup"]


def offered_verdict(s) -> str:
    """Does the offered GPU meet the SLA; if not, would more bandwidth (the floor, fixed
    cost + compute, is below the target) or would nothing (the floor is above it)?"""
    there = step(s, s["offered"])
    if float(there.latency_s) <= sla_s(s):
        return "meets"
    floor = there.overhead_s + there.communication_s + there.compute_s
    return "unreachable" if sla_s(s) <= floor else "short"


def _bw_working(s) -> str:
    r = step(s)
    return (f"memory {_ms(r.memory_s)} of a {_ms(r.latency_s)} step (compute {_ms(r.compute_s)} "
            f"hidden beneath it, fixed {_ms(r.overhead_s)}): e = -{_ms(r.memory_s)} / "
            f"{_ms(r.latency_s)} = {bandwidth_elasticity(s):.3f}")


def _overlap_working(s) -> str:
    p = _parts(step(s))
    added = p["peak_flops"] + p["memory_bandwidth"] + p["fixed_cost"]
    return (f"your step: compute {_ms(p['peak_flops'])}, memory {_ms(p['memory_bandwidth'])}, "
            f"fixed {_ms(p['fixed_cost'])}. Overlapped, t = max(compute, memory) + fixed: "
            f"e_FLOPS = 0. Added, t = {_ms(added)}: e_FLOPS = -{_ms(p['peak_flops'])} / "
            f"{_ms(added)} = {-p['peak_flops'] / added:.3f}")


def _prompt_working(s) -> str:
    p = _parts(prompt_step(s))
    return (f"{s['prompt']}-token prompt: compute {_ms(p['peak_flops'])}, memory "
            f"{_ms(p['memory_bandwidth'])}, fixed {_ms(p['fixed_cost'])}; t = max(compute, "
            f"memory) + fixed, and the largest part is {prompt_binds(s)}")


def _offered_working(s) -> str:
    there = step(s, s["offered"])
    floor = there.overhead_s + there.communication_s + there.compute_s
    return (f"SLA {_ms(step(s).latency_s)} / {s['speedup']} = {_ms(sla_s(s))}; on the "
            f"{catalog.get_hardware(s['offered']).name}: {_ms(there.latency_s)}, of which "
            f"{_ms(floor)} (fixed + compute) no bandwidth removes")


LAB = LabSpec(
    id="lab09", title="Where to Invest: Sensitivity",
    question="Should I buy more FLOPS or more bandwidth?",
    level="advanced", walls=(21, 22),
    paths={"engineer": 6, "researcher": 4, "conference": 3, "half-day": 3},
    scenario={"runtime": Choice(values=("compiled", "eager"), default="compiled"),
              "batch": Choice(values=(1, 16, 64), default=1),
              "context": Choice(values=(1024, 4096), default=1024),
              "prompt": Choice(values=(64, 256, 2048), default=2048),
              "speedup": Choice(values=(1.25, 2.0, 3.0), default=2.0),
              "offered": Choice(values=("h100", "h200", "b200"), default="h100")},
    goals=("Read an elasticity as minus the share of the step a rate touches.",
           "Tell which figure to buy for decode and for a prefill, fixed costs included.",
           "Invert the step model: does a GPU meet a per-token SLA, and can any bandwidth?"),
    minutes=15,
    discussion=("A vendor's GPU triples FLOPS and raises bandwidth by half. Which of your "
                "workloads get faster, and by how much?",
                "On an eager runtime, what buys more than any GPU: and why?"),
    items=(
        NumericItem("bw_decode",
                    "the elasticity d ln T / d ln BW of your decode step on the A100 "
                    "(your runtime, batch and context)", unit="",
                    key=bandwidth_elasticity, tolerance=Absolute(atol=0.03), positive=False,
                    hint="a signed number", working=_bw_working),
        ChoiceItem("catalog_flops",
                   f"A public tutorial quotes d ln T / d ln BW = {CATALOG_BW} and d ln T / d ln "
                   f"FLOPS = {CATALOG_FLOPS} for this decode; our model's FLOPS elasticity is "
                   "0. Which assumption gives the tutorial its FLOPS term?", options=(
            Option("added", "compute and memory time add",
                   why="with no overlap every FLOP adds time, so FLOPS earn a share of the "
                       "step; our model overlaps the matmuls with the weight stream"),
            Option("fixed", "a fixed cost per step",
                   misconception="a fixed cost dilutes every elasticity, but cannot give "
                                 "FLOPS a share while compute hides beneath memory"),
            Option("ideal", "the datasheet peak",
                   misconception="the full peak instead of the achievable share shortens "
                                 "compute, which still hides beneath the weight stream")),
            key=flops_term,
            invariant="it asks about the catalog's model, the same for every student",
            working=_overlap_working),
        ChoiceItem("prompt_binds",
                   "Which input is the prefill of one prompt of your length most "
                   "sensitive to?", options=(
            Option("peak_flops", "peak FLOPS",
                   why="the prompt's FLOPs take longer than streaming the weights once and "
                       "than the fixed cost",
                   misconception="every prefill is compute-bound: a short prompt does too "
                                 "few FLOPs per weight byte, or the fixed cost is longer"),
            Option("memory_bandwidth", "memory bandwidth",
                   why="a short prompt does fewer FLOPs per weight byte than the ridge",
                   misconception="prefill streams weights like decode: every prompt token "
                                 "reuses each weight read, or the fixed cost is longer"),
            Option("fixed_cost", "the fixed cost",
                   why="the runtime's per-step cost is longer than the prompt's compute",
                   misconception="the runtime's overhead dominates every step: here the "
                                 "prompt's own work is longer")),
            key=prompt_binds, working=_prompt_working),
        ChoiceItem("sla_verdict",
                   "Does the GPU you are offered meet your per-token SLA (today's A100 "
                   "latency divided by your speedup)?", options=(
            Option("meets", "it meets it",
                   why="its faster weight stream plus the fixed cost fit the target",
                   misconception="a faster GPU meets the target: its step, fixed cost "
                                 "included, is still longer than the SLA"),
            Option("short", "more bandwidth would",
                   why="its step misses the target, but the part bandwidth cannot touch "
                       "is below it",
                   misconception="bandwidth is the missing piece: either this GPU already "
                                 "has enough, or its fixed cost plus compute exceed the "
                                 "target"),
            Option("unreachable", "no bandwidth would",
                   why="the fixed cost plus its compute, which no bandwidth shortens, is "
                       "longer than the target: compile first",
                   misconception="the fixed cost plus compute rules out any bandwidth: here "
                                 "they are shorter than the target")),
            key=offered_verdict, working=_offered_working),
    ))
