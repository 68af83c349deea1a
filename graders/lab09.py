"""Lab 09: the spec (title, question, scenario, items). Every key is a call into the solver."""

from mlsysim_lab.grading import (Absolute, Banded, Choice, ChoiceItem, FloatRange, FunctionItem,
                                 LabSpec, NumericItem, Option)
from mlsysim_lab.walls.analysis.sensitivity import (roofline_bandwidth_elasticity,
                                                    step_sensitivity)
from mlsysim_lab.walls.analysis.synthesis import required_hardware
from mlsysim_lab.walls.node import decode_step

#: The small deployment: Llama 3 8B on today's GPU.
MODEL, HARDWARE = "llama-3-8b", "a100"
#: The large one: Llama 3.1 70B, 8-way tensor parallel on 8 H100.
BIG_MODEL, BIG_HARDWARE, BIG_DEVICES = "llama-3.1-70b", "h100", 8
#: "Large-batch prefill": this many prompts of the scenario's context, prefilled together.
PREFILL_BATCH = 8
#: Elasticities are near -1 or 0: grade them on an absolute band.
ELASTICITY = Absolute(atol=0.1)


def decode_sensitivity(s):
    return step_sensitivity(MODEL, HARDWARE, phase="decode", batch=s["batch"],
                            tokens=s["context"])


def prefill_sensitivity(s):
    return step_sensitivity(MODEL, HARDWARE, phase="prefill", batch=PREFILL_BATCH,
                            tokens=s["context"])


def big_step(s):
    return decode_step(BIG_MODEL, BIG_HARDWARE, batch=s["batch"], context=s["context"],
                       devices=BIG_DEVICES)


def sla_s(s) -> float:
    """The per-token SLA: today's per-token latency on the A100 divided by the speedup
    the product asks for."""
    today = decode_step(MODEL, HARDWARE, batch=s["batch"], context=s["context"])
    return float(today.latency_s) / s["speedup"]


def requirement(s, reference=None):
    """The inverse roofline for the SLA, checked against ``reference`` (default: the GPU
    the scenario offers)."""
    return required_hardware(MODEL, reference or s["offered"], latency_target_s=sla_s(s),
                             phase="decode", batch=s["batch"], tokens=s["context"])


def falls_short(s) -> str:
    short = requirement(s).upgrade_needed
    return short[0] if short else "none"


def roofline_bw_elasticity(flops: float, bytes_moved: float, peak_flops: float,
                           bandwidth: float) -> float:
    """d ln T / d ln BW for T = max(F / P, B / BW): -1 when memory-bound, 0 when
    compute-bound, -1/2 exactly on the ridge, from :func:`roofline_bandwidth_elasticity`."""
    return float(roofline_bandwidth_elasticity(flops, bytes_moved, peak_flops, bandwidth))


LAB = LabSpec(
    id="lab09", title="Where to Invest: Sensitivity",
    question="Should I buy more FLOPS or more bandwidth?",
    level="advanced", walls=(21, 22),
    paths={"engineer": 6, "researcher": 4, "conference": 3},
    scenario={"batch": Choice(values=(1, 8, 32), default=1),
              "context": Choice(values=(1024, 4096), default=1024),
              "speedup": Choice(values=(1.25, 2.0, 3.0), default=2.0),
              "offered": Choice(values=("h100", "h200", "b200"), default="h100")},
    goals=("Read a roofline as elasticities: d ln T / d ln x is -1 for the binding rate and "
           "0 for the other.",
           "Predict which hardware figure to buy for decode and for large-batch prefill.",
           "See how a fixed cost (tensor-parallel all-reduces) dilutes the elasticity and "
           "caps the speedup any bandwidth can buy.",
           "Invert the roofline: the least bandwidth a per-token latency SLA needs, and "
           "whether a candidate GPU has it."),
    minutes=40,
    discussion=("A vendor's new GPU triples FLOPS and raises bandwidth by half. Which of your "
                "workloads get faster, and by how much?",
                "For the 70B on 8 GPUs, which investment would lift the ceiling that faster "
                "memory cannot: a faster interconnect, fewer GPUs, or a smaller model?"),
    items=(
        NumericItem("bw_decode",
                    "the elasticity of your Llama 3 8B decode step's latency "
                    "with respect to the A100's memory bandwidth (your batch "
                    "and context)", unit="",
                    key=lambda s: decode_sensitivity(s).elasticities["memory_bandwidth"],
                    tolerance=ELASTICITY, positive=False,
                    hint="a signed number"),
        NumericItem("flops_decode",
                    "the elasticity of the same step with respect to the A100's"
                    " peak FLOPS", unit="",
                    key=lambda s: decode_sensitivity(s).elasticities["peak_flops"],
                    tolerance=ELASTICITY, positive=False,
                    hint="a signed number"),
        ChoiceItem("dominant_decode",
                   "Which input is that step's latency most sensitive to: "
                   "`'memory_bandwidth'`, `'peak_flops'`, `'batch'` or "
                   "`'tokens'` (the context)?", options=(
            Option("memory_bandwidth", "memory bandwidth",
                   why="every step streams all the weights (and the KV cache) for a few FLOPs per byte"),
            Option("peak_flops", "peak FLOPS",
                   misconception="more FLOPS always helps: a memory-bound step does not get "
                                 "faster when the idle compute units get faster"),
            Option("batch", "the batch size",
                   misconception="decode time grows in proportion to the batch: the batch "
                                 "shares every weight read, so a bigger batch costs little "
                                 "extra time while memory-bound"),
            Option("tokens", "the context length",
                   misconception="the KV cache dominates a decode step: at these contexts the "
                                 "weights are most of the bytes read")),
            key=lambda s: decode_sensitivity(s).dominant),
        NumericItem("flops_prefill", f"the elasticity d ln T / d ln FLOPS of the prefill of "
                    f"{PREFILL_BATCH} prompts of your context length on the A100", unit="",
                    key=lambda s: prefill_sensitivity(s).elasticities["peak_flops"],
                    tolerance=ELASTICITY, positive=False,
                    hint="a signed number"),
        NumericItem("bw_prefill",
                    "the elasticity of that prefill with respect to memory "
                    "bandwidth", unit="",
                    key=lambda s: prefill_sensitivity(s).elasticities["memory_bandwidth"],
                    tolerance=ELASTICITY, positive=False,
                    hint="a signed number"),
        FunctionItem("elasticity_fn",
                     "`bw_elasticity(flops, bytes_moved, peak_flops, "
                     "bandwidth)` returning $\\partial \\ln T / \\partial \\ln BW$ "
                     "for $T = \\max(F/P, B/BW)$: $-1$ when memory-bound, $0$ "
                     "when compute-bound, and $-0.5$ exactly on the ridge (the "
                     "average of the two one-sided slopes, F / P, B / BW)",
                     reference=roofline_bw_elasticity,
                     arguments={"flops": FloatRange(1e6, 1e16),
                                "bytes_moved": FloatRange(1e5, 1e12),
                                "peak_flops": FloatRange(1e11, 1e16),
                                "bandwidth": FloatRange(1e10, 1e13)},
                     tolerance=Absolute(atol=1e-9),
                     variable="bw_elasticity"),
        NumericItem("bw_decode_70b",
                    "the elasticity of one Llama 3.1 70B decode step on 8 x "
                    "H100 (your batch and context) with respect to memory "
                    "bandwidth",
                    unit="", key=lambda s: step_sensitivity(
                        BIG_MODEL, BIG_HARDWARE, phase="decode", batch=s["batch"],
                        tokens=s["context"], devices=BIG_DEVICES).elasticities["memory_bandwidth"],
                    tolerance=ELASTICITY, positive=False,
                    hint="a signed number"),
        NumericItem("max_speedup_70b",
                    "the largest per-token speedup of that 70B step that any "
                    "memory bandwidth and FLOPS could buy, keeping the 8 GPUs "
                    "and their interconnect", unit="",
                    key=lambda s: float(big_step(s).latency_s / (big_step(s).communication_s
                                                                 + big_step(s).overhead_s)),
                    tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("min_bandwidth",
                    "the least memory bandwidth per GPU for your Llama 3 8B "
                    "decode step to meet the SLA (today's A100 latency divided "
                    "by your speedup)", unit="TB/s",
                    key=lambda s: requirement(s).min_bandwidth / 1e12, tolerance=Banded()),
        ChoiceItem("offered_falls_short",
                   "Which figure of the GPU you are offered falls short of the "
                   "SLA: `'none'` (it meets the SLA), `'memory_bandwidth'` or "
                   "`'peak_flops'`?", options=(
            Option("none", "none",
                   why="its bandwidth is at least the minimum, so it meets the SLA"),
            Option("memory_bandwidth", "its memory bandwidth",
                   misconception="any newer GPU meets a target its predecessor missed: decode "
                                 "needs the SLA's bandwidth, and this GPU has enough"),
            Option("peak_flops", "its peak FLOPS",
                   misconception="more FLOPS always helps: decode needs only a few TFLOP/s, "
                                 "far below any of these GPUs' peak")),
            key=falls_short),
    ))
