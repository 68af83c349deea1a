"""Lab 02: the spec (title, question, scenario, items). Every key is a call into the solver.

Each student serves one request shape, at batch 1 in FP16: two whose decode dominates
(a chat turn, a long answer) and two whose prefill dominates (a document classified into
a few tokens, a long document summarised), so the phase that takes most of the time
differs between students. A second GPU, the candidate, is checked against the service's
SLA: one cannot hold the model, one misses on bandwidth (and on FLOPS for long prompts),
two miss the TTFT only on long prompts, one meets it."""

from typing import Any, Mapping

from mlsysim_lab import catalog
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.walls.node import RequestResult, request_latency

MODEL = "llama-3.1-8b"      # 128K-token window: every request below fits in it
SLA_TTFT_S = 1.5            # the service-level objective for every request shape
SLA_TPOT_S = 0.030
#: Request shapes: prompt tokens in, output tokens out.
REQUESTS = ("1024 in, 256 out", "4096 in, 512 out", "16384 in, 8 out", "32768 in, 16 out")
CANDIDATES = ("t4", "l4", "v100-sxm2-32gb", "a100-40gb-sxm", "h100-pcie")


def shape(s: Mapping[str, Any]) -> tuple[int, int]:
    """(prompt tokens, output tokens) of the scenario's request."""
    tokens_in, tokens_out = (int(part.split()[0]) for part in s["request"].split(","))
    return tokens_in, tokens_out


def request(s: Mapping[str, Any], hardware: str | None = None) -> RequestResult:
    """The scenario's request, batch 1, FP16, on its GPU (or another)."""
    tokens_in, tokens_out = shape(s)
    return request_latency(MODEL, hardware or s["hardware"], input_tokens=tokens_in,
                           output_tokens=tokens_out)


def phase(s: Mapping[str, Any]) -> str:
    """'prefill' or 'decode' when it takes over 60 % of the request, else 'even'."""
    r = request(s)
    share = float(r.ttft_s / r.e2e_s)
    return "prefill" if share > 0.6 else "decode" if share < 0.4 else "even"


def sla(s: Mapping[str, Any]) -> str:
    """On the candidate GPU: 'oom' (does not fit), 'meets', or the SLA term(s) missed."""
    r = request(s, s["candidate"])
    if not r.feasible:
        return "oom"
    missed = [name for name, value, limit in (("ttft", r.ttft_s, SLA_TTFT_S),
                                              ("tpot", r.tpot_s, SLA_TPOT_S)) if value > limit]
    return "meets" if not missed else missed[0] if len(missed) == 1 else "both"


def ttft_working(s: Mapping[str, Any]) -> str:
    p = request(s).prefill
    return (f"{p.roofline.flops / 1e12:,.1f} TFLOP (weights and attention) / "
            f"{p.roofline.flops / p.roofline.compute_s / 1e12:,.0f} TFLOP/s = "
            f"{p.compute_s * 1e3:,.1f} ms ({p.bottleneck}-bound; memory {p.memory_s * 1e3:,.1f} ms)")


def tpot_working(s: Mapping[str, Any]) -> str:
    r = request(s)
    last = r.last_decode_step
    bandwidth = last.roofline.bytes_moved / last.memory_s
    return (f"the last step reads {last.roofline.bytes_moved / 1e9:,.2f} GB (weights + the KV "
            f"cache so far) / {bandwidth / 1e12:.2f} TB/s = {last.memory_s * 1e3:.2f} ms "
            f"({last.bottleneck}-bound); the mean over the {shape(s)[1] - 1} steps is "
            f"{r.tpot_s * 1e3:.2f} ms")


def phase_working(s: Mapping[str, Any]) -> str:
    r = request(s)
    tokens_out = shape(s)[1]
    return (f"TTFT {r.ttft_s * 1e3:,.1f} ms against {tokens_out - 1} x {r.tpot_s * 1e3:.2f} ms "
            f"= {r.decode_s * 1e3:,.1f} ms of decode: prefill is "
            f"{float(r.ttft_s / r.e2e_s):.0%} of the request")


def sla_working(s: Mapping[str, Any]) -> str:
    r = request(s, s["candidate"])
    name = catalog.get_hardware(s["candidate"]).name
    if not r.feasible:
        last = r.last_decode_step
        return (f"{name}: needs {float(last.memory_bytes) / 1e9:.1f} GB, has "
                f"{float(last.capacity_bytes) / 1e9:.0f} GB")
    return (f"{name}: TTFT {r.ttft_s * 1e3:,.0f} ms (limit {SLA_TTFT_S * 1e3:,.0f}), TPOT "
            f"{r.tpot_s * 1e3:.1f} ms (limit {SLA_TPOT_S * 1e3:.0f})")


PHASE_OPTIONS = (
    Option("decode", "decode",
           why="each output token streams all the weights, and there are enough of them",
           misconception="decode always dominates: a long prompt with a short answer spends "
                         "most of its time in prefill"),
    Option("prefill", "prefill",
           why="the prompt's FLOPs (and its quadratic attention) outweigh the few decode "
               "steps",
           misconception="the prompt dominates: a prompt token shares each weight read and "
                         "costs a small fraction of an output token"),
    Option("even", "about even",
           misconception="a token is a token: a prompt token and an output token cost the "
                         "same"))

SLA_OPTIONS = (
    Option("oom", "it cannot run", why="the weights alone exceed its memory",
           misconception="a smaller GPU is just a slower GPU: capacity is a wall, not a slope"),
    Option("ttft", "misses the TTFT limit",
           why="too few FLOPS for this prompt; its bandwidth keeps up with decode",
           misconception="a low-end GPU always fails on bandwidth: a long prompt is "
                         "compute-bound"),
    Option("tpot", "misses the TPOT limit",
           why="too little bandwidth to stream the weights for every token",
           misconception="a small GPU fails on its FLOPS: decode is paid per token in bytes"),
    Option("both", "misses both limits",
           why="too little bandwidth for decode and too few FLOPS for this prompt",
           misconception="one missed limit means both: the two phases use different "
                         "resources"),
    Option("meets", "meets both limits", why="it holds the model and keeps up with both "
                                            "phases",
           misconception="any GPU that holds the model meets the SLA"))

LAB = LabSpec(
    id="lab02", title="Two Phases, One Request",
    question="Why is LLM serving different from CNN inference?",
    level="intermediate", walls=(4, 1, 3),
    paths={"first-time": 3, "engineer": 3, "half-day": 6},
    scenario={"hardware": Choice(values=("a100-80gb-sxm", "h100-sxm", "h200-sxm", "mi300x",
                                         "b200"), default="h100-sxm"),
              "request": Choice(values=REQUESTS, default=REQUESTS[3]),
              "candidate": Choice(values=CANDIDATES, default="t4")},
    goals=("Split an LLM request into prefill (time to first token) and decode (time per "
           "output token), and name the wall that binds each.",
           "Estimate TTFT from FLOPs (weights and attention) and TPOT from bytes.",
           "Predict which phase dominates a request from its shape.",
           "Check a service-level objective on another GPU, including one the model does "
           "not fit."),
    minutes=15,
    discussion=("A CNN classifier has one forward pass per request; an LLM has two phases "
                "with opposite bottlenecks. Which metrics should an LLM service report, and "
                "why two?",
                "Which hardware figure would you buy more of to cut TTFT, and which to cut "
                "TPOT?"),
    items=(
        NumericItem("ttft_ms", "the time to first token of your request on your GPU",
                    unit="ms", key=lambda s: request(s).ttft_s * 1e3, tolerance=Banded(),
                    working=ttft_working),
        NumericItem("tpot_ms", "the mean time per output token of your request",
                    unit="ms", key=lambda s: request(s).tpot_s * 1e3, tolerance=Banded(),
                    working=tpot_working),
        ChoiceItem("phase", "Which phase takes most of your request's time?",
                   options=PHASE_OPTIONS, key=phase, working=phase_working),
        ChoiceItem("sla", "How does your request fare on the candidate GPU (FP16, batch 1)?",
                   options=SLA_OPTIONS, key=sla, working=sla_working),
    ))
