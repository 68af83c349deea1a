"""Lab 02: the spec (title, question, scenario, items). Every key is a call into the solver."""

from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, FloatRange, FunctionItem, IntRange,
                                 LabSpec, NumericItem, Option, Relative)
from mlsysim_lab.walls.node import request_latency, roofline

MODEL = "llama-3-8b"       # 8,192-token window: every request below fits in it
SUMMARY_OUT = 128          # the summariser: the scenario's prompt in, a short summary out
CHAT_IN, CHAT_OUT = 128, 512   # the chat turn: a short question, a long answer
SLA_TTFT_S = 1.0           # the service-level objective for the summariser request
SLA_TPOT_S = 0.025
SLA_GPUS = ("t4", "l4", "v100", "a100", "h100", "h200")


def prefill_compute_time(params: float, prompt_tokens: float, peak_flops: float) -> float:
    """The prefill's compute time (s), the napkin estimate of TTFT: 2 FLOPs per parameter
    per prompt token over the peak FLOP/s (attention and the skipped logits left out): the
    compute time of :func:`roofline` (the bytes and the bandwidth do not enter it)."""
    return float(roofline(2.0 * params * prompt_tokens, 1.0, peak_flops, 1.0).compute_s)


def summary(s, hardware=None):
    return request_latency(MODEL, hardware or s["hardware"], input_tokens=s["prompt"],
                           output_tokens=SUMMARY_OUT)


def chat(s):
    return request_latency(MODEL, s["hardware"], input_tokens=CHAT_IN, output_tokens=CHAT_OUT)


def dominant_phase(request) -> str:
    """'prefill' or 'decode' when it takes over 60 % of the request, else 'even'."""
    share = float(request.ttft_s / request.e2e_s)
    return "prefill" if share > 0.6 else "decode" if share < 0.4 else "even"


def sla_verdict(s, hardware) -> str:
    """'oom' (does not fit), 'meets', or the SLA term(s) missed: 'ttft', 'tpot', 'both'."""
    r = summary(s, hardware)
    if not r.feasible:
        return "oom"
    missed = [name for name, value, limit in (("ttft", r.ttft_s, SLA_TTFT_S),
                                              ("tpot", r.tpot_s, SLA_TPOT_S)) if value > limit]
    if not missed:
        return "meets"
    return missed[0] if len(missed) == 1 else "both"


def t4_fate(s) -> str:
    verdict = sla_verdict(s, "t4")
    return verdict if verdict in ("oom", "meets") else "slow"


def l4_miss(s) -> str:
    verdict = sla_verdict(s, "l4")
    return "capacity" if verdict == "oom" else verdict


PHASE_OPTIONS = dict(
    decode=Option("decode", "decode",
                  why="every output token streams all the weights once"),
    prefill=Option("prefill", "prefill (time to first token)",
                   misconception="the prompt dominates: but a prompt token shares each weight "
                                 "read with the whole prompt and costs a small fraction of an "
                                 "output token"),
    even=Option("even", "about even",
                misconception="a token is a token: a prompt token and an output token cost "
                              "the same"))

LAB = LabSpec(
    id="lab02", title="Two Phases, One Request",
    question="Why is LLM serving different from CNN inference?",
    level="intermediate", walls=(4, 1, 3),
    paths={"first-time": 3, "engineer": 3},
    scenario={"hardware": Choice(values=("h100", "h200", "a100"), default="h100"),
              "prompt": Choice(values=(1024, 2048, 4096), default=2048)},
    goals=("Split an LLM request into prefill (time to first token) and decode (time per "
           "output token), and name the wall that binds each.",
           "Estimate TTFT from FLOPs and TPOT from bytes.",
           "See why decode dominates most requests, even long-prompt ones.",
           "Check a service-level objective across GPUs, including one the model does not "
           "fit."),
    minutes=45,
    discussion=("A CNN classifier has one forward pass per request; an LLM has two phases "
                "with opposite bottlenecks. Which metrics should an LLM service report, and "
                "why two?",
                "Which hardware figure would you buy more of to cut TTFT, and which to cut "
                "TPOT?"),
    items=(
        NumericItem("ttft_ms",
                    "the time to first token of your prompt on your GPU", unit="ms",
                    key=lambda s: summary(s).ttft_s * 1e3, tolerance=Banded()),
        NumericItem("tpot_ms",
                    "the mean time per output token while decoding the "
                    "128-token summary", unit="ms", key=lambda s: summary(s).tpot_s * 1e3,
                    tolerance=Banded()),
        ChoiceItem("chat_phase",
                   "Which phase takes most of the chat request's time?",
                   options=tuple(PHASE_OPTIONS.values()),
                   key=lambda s: dominant_phase(chat(s))),
        ChoiceItem("summary_phase",
                   "Which phase takes most of the summariser request's time?",
                   options=tuple(PHASE_OPTIONS.values()),
                   key=lambda s: dominant_phase(summary(s))),
        NumericItem("summary_prefill_share",
                    "the share of the summariser request's end-to-end time "
                    "spent in prefill", unit="percent",
                    key=lambda s: float(summary(s).ttft_s / summary(s).e2e_s) * 100,
                    tolerance=Banded(),
                    hint="percent"),
        ChoiceItem("t4_fate",
                   "What happens to the summariser request on a T4 (FP16)?",
                   options=(
            Option("oom", "it cannot run",
                   why="the FP16 weights alone exceed the T4's memory"),
            Option("slow", "it runs, but misses the SLA",
                   misconception="a smaller GPU is just a slower GPU: capacity is a wall, "
                                 "not a slope"),
            Option("meets", "it runs and meets the SLA",
                   misconception="any GPU serves any model given time")),
            key=t4_fate),
        ChoiceItem("l4_miss",
                   "Which part of the SLA does the L4 miss: `'tpot'`, `'ttft'` "
                   "or `'capacity'` (it cannot hold the model)?", options=(
            Option("tpot", "the time per output token",
                   why="too little memory bandwidth to stream the weights for every token"),
            Option("ttft", "the time to first token",
                   misconception="a low-end GPU fails on its FLOPS: the prompt is "
                                 "compute-bound, but it is paid once"),
            Option("capacity", "neither",
                   why="it cannot hold the model",
                   misconception="every small GPU runs out of memory: the L4 holds the FP16 "
                                 "weights, the T4 does not")),
            key=l4_miss),
        FunctionItem("prefill_time_fn",
                     "`prefill_compute_time(params, prompt_tokens, peak_flops)`"
                     " returning the prefill's compute time in seconds (2 FLOPs"
                     " per parameter per prompt token, at peak; attention left "
                     "out)", reference=prefill_compute_time,
                     arguments={"params": FloatRange(1e8, 1e12),
                                "prompt_tokens": IntRange(1, 131072),
                                "peak_flops": FloatRange(1e12, 1e16)},
                     tolerance=Relative(rtol=1e-6),
                     variable="prefill_compute_time"),
    ))
