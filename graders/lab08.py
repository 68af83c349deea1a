"""Lab 08: the spec (title, question, scenario, items). Every key is a call into the solver."""

from functools import lru_cache

from mlsysim_lab import catalog
from mlsysim_lab.grading import (Banded, Choice, ChoiceItem, Count, FloatRange, FunctionItem,
                                 LabSpec, NumericItem, Option)
from mlsysim_lab.walls.algorithm.reasoning import reasoning_cost
from mlsysim_lab.walls.node import prefill
from mlsysim_lab.walls.ops.cost import HOURS_PER_YEAR, replicas_needed, usd_per_million_tokens
from mlsysim_lab.walls.ops.tenancy import shared_cluster_wait

#: The deployment: Llama 3.1 70B, 8-way tensor parallel on one DGX H100 per replica.
MODEL, NODE = "llama-3.1-70b", "dgx-h100"
HARDWARE = catalog.get_node(NODE).accelerator
DEVICES = catalog.get_node(NODE).accelerators
#: The small model a cascade tries first, on one GPU of the same kind.
SMALL_MODEL, SMALL_DEVICES = "llama-3.1-8b", 1
#: The deep request the fleet questions use.
DEEP = 16
#: Fleet sizing rule: replicas for the offered load at this utilisation at most (an M/M/c
#: queue's waits grow steeply above it; Harchol-Balter, *Performance Modeling and Design
#: of Computer Systems*, 2013, ch. 14).
TARGET_UTILISATION = 0.8
#: The catalog's headline (../shared/LABS.md, lab 08): K = 8 multiplies the bill by 7.6x.
CATALOG_K8 = 7.6


@lru_cache(maxsize=None)
def _request(steps: int, tokens_per_step: int, prompt: int, answer: int, model: str,
             devices: int):
    return reasoning_cost(model, HARDWARE, steps=steps, tokens_per_step=tokens_per_step,
                          prompt_tokens=prompt, answer_tokens=answer, devices=devices)


def request(s, steps: int, model: str = MODEL, devices: int = DEVICES):
    """One request of ``steps`` reasoning steps, served alone (batch 1)."""
    return _request(int(steps), int(s["tokens_per_step"]), int(s["prompt"]), int(s["answer"]),
                    model, int(devices))


def latency_s(s, steps: int) -> float:
    return float(request(s, steps).latency_s)


def multiplier(s, steps: int) -> float:
    """GPU-seconds of a K-step request over a 1-step one (the same GPUs: a latency ratio)."""
    return float(request(s, steps).multiplier)


def per_token_s(s) -> float:
    """The time of one more generated token: (T(K = 2) - T(K = 1)) / tokens per step."""
    return (latency_s(s, 2) - latency_s(s, 1)) / s["tokens_per_step"]


def ttft_s(s) -> float:
    """The prompt's prefill on one replica."""
    return float(prefill(MODEL, HARDWARE, prompt_tokens=s["prompt"], devices=DEVICES).latency_s)


def shared_part(s) -> str:
    """The larger of the two parts of a request paid once whatever K: the prompt's
    prefill (TTFT) or the final answer's decode (answer tokens x time per token)."""
    return "prefill" if ttft_s(s) > s["answer"] * per_token_s(s) else "answer"


def replicas(s, steps: int = DEEP) -> int:
    """Whole replicas, each serving one request at a time, for the offered load qps x T
    at no more than the target utilisation."""
    return int(replicas_needed(s["qps"], TARGET_UTILISATION / latency_s(s, steps)))


def annual_cost_usd(s, steps: int = DEEP) -> float:
    """Replicas x the node's on-demand price per hour x the hours in a year."""
    return replicas(s, steps) * catalog.get_node(NODE).cloud_price_per_hour * HOURS_PER_YEAR


def shared_fleet(s):
    """Your K = 16 fleet shared with a neighbour tenant whose requests (as long as yours)
    add their share of your rate, with no replica added: an M/M/c queue (wall 20)."""
    rate = s["qps"] * (1 + s["neighbour"] / 100.0)
    return shared_cluster_wait(rate, latency_s(s, DEEP), replicas(s))


def _working_tenant(s) -> str:
    q = shared_fleet(s)
    rate = s["qps"] * (1 + s["neighbour"] / 100.0)
    verdict = "a steady state" if q.stable else "no steady state: the queue grows without bound"
    return (f"{rate:.3g} requests/s x {latency_s(s, DEEP):.3g} s / {replicas(s)} replicas = "
            f"{q.utilisation * 100:.3g} %: {verdict}")


def gpu_seconds(s, model: str, devices: int) -> float:
    return float(request(s, DEEP, model, devices).latency_s) * devices


def cascade_share(s) -> float:
    """Per request, the cascade (every request on the 8B first, the escalated share again
    on the 70B) as a share of sending every request to the 70B: GPU-seconds at one
    price per GPU-hour, small / big + escalated share."""
    small = gpu_seconds(s, SMALL_MODEL, SMALL_DEVICES) / gpu_seconds(s, MODEL, DEVICES)
    return small + s["escalated"] / 100.0


def _working_latency(s) -> str:
    per_token = per_token_s(s)
    tokens = DEEP * s["tokens_per_step"] + s["answer"]
    return (f"TTFT {ttft_s(s):.3g} s + {tokens:,} tokens x {per_token * 1e3:.3g} ms = "
            f"{latency_s(s, DEEP):.3g} s")


def _working_multiplier(s) -> str:
    return (f"T(8) / T(1) = {latency_s(s, 8):.3g} s / {latency_s(s, 1):.3g} s = "
            f"{multiplier(s, 8):.3g} (the tutorial: {CATALOG_K8})")


def _working_shared(s) -> str:
    per_token = per_token_s(s)
    return (f"prefill of {s['prompt']:,} tokens {ttft_s(s):.3g} s; answer {s['answer']} x "
            f"{per_token * 1e3:.3g} ms = {s['answer'] * per_token:.3g} s")


def _working_replicas(s) -> str:
    return (f"{s['qps']} requests/s x {latency_s(s, DEEP):.3g} s / {TARGET_UTILISATION} = "
            f"{s['qps'] * latency_s(s, DEEP) / TARGET_UTILISATION:.3g} -> {replicas(s)} replicas")


def _working_cost(s) -> str:
    price = catalog.get_node(NODE).cloud_price_per_hour
    return (f"{replicas(s)} x ${price:.2f}/h x {HOURS_PER_YEAR:,.0f} h = "
            f"${annual_cost_usd(s) / 1e6:.3g} M")


def _working_cascade(s) -> str:
    small, big = gpu_seconds(s, SMALL_MODEL, SMALL_DEVICES), gpu_seconds(s, MODEL, DEVICES)
    return (f"{small:.3g} GPU-s (8B) / {big:.3g} GPU-s (70B) + {s['escalated']} % = "
            f"{cascade_share(s) * 100:.3g} %")


LAB = LabSpec(
    id="lab08", title="The $9M Question",
    question="How much does chain-of-thought reasoning cost?",
    level="intermediate", walls=(13, 4, 19, 20),
    paths={"engineer": 5},
    scenario={"qps": Choice(values=(0.5, 1.0, 2.0), default=1.0),
              "tokens_per_step": Choice(values=(128, 256, 512), default=256),
              "prompt": Choice(values=(2048, 65536), default=2048),
              "answer": Choice(values=(64, 256, 1024), default=256),
              "escalated": Choice(values=(30, 60, 90), default=30),
              "neighbour": Choice(values=(5, 30), default=5)},
    goals=("Time a request that reasons in K steps, and see why its cost grows more slowly "
           "than K.",
           "Size a fleet from the offered load (Little's law) and turn it into an annual bill.",
           "Price a cascade that tries a small model before the large one."),
    minutes=30,
    discussion=("Which costs of a request does reasoning leave unchanged, and how would a "
                "longer prompt or answer move the multiplier?",
                "The replicas here serve one request at a time. How would continuous batching "
                "change the bill, and would it change the multiplier?"),
    items=(
        NumericItem("latency_k16",
                    "the end-to-end latency of one request with sixteen reasoning steps on "
                    "one replica", unit="s", key=lambda s: latency_s(s, DEEP),
                    tolerance=Banded(), hint="seconds", working=_working_latency),
        NumericItem("multiplier_k8",
                    "the cost of one K = 8 request over one K = 1 request (GPU-seconds, same "
                    "replica)", unit="", key=lambda s: multiplier(s, 8), tolerance=Banded(),
                    hint="a ratio", working=_working_multiplier),
        ChoiceItem("shared_part",
                   f"A public tutorial says K = 8 multiplies the bill by {CATALOG_K8}x. Which part "
                   "of your request, paid once whatever K, does most to keep yours lower?",
                   options=(
            Option("prefill", "the prompt's prefill",
                   why="your prompt is long enough that its prefill outlasts the answer",
                   misconception="the prefill dominates every request: a short prompt's "
                                 "prefill takes milliseconds, the answer's decode seconds"),
            Option("answer", "the final answer",
                   why="the answer's tokens are decoded one weight-stream each, once per "
                       "request, and outlast the prompt's prefill",
                   misconception="the answer is short next to the reasoning: a long prompt's "
                                 "prefill takes longer than a short answer"),
            Option("context", "the growing context",
                   misconception="attention over a growing context makes later steps dearer, "
                                 "which raises the multiplier rather than lowering it")),
            key=shared_part, working=_working_shared),
        NumericItem("replicas_k16",
                    f"the replicas (one request at a time each) your request rate needs for "
                    f"sixteen-step requests, at a utilisation of {TARGET_UTILISATION} at most",
                    unit="", key=replicas, tolerance=Count(), hint="a whole number",
                    working=_working_replicas),
        NumericItem("annual_cost_k16", "the annual on-demand cloud bill of that fleet",
                    unit="USD", key=annual_cost_usd, tolerance=Banded(),
                    working=_working_cost),
        NumericItem("shared_utilisation",
                    "the utilisation of that fleet once a neighbour tenant shares it, adding "
                    "your neighbour share of your request rate (requests as long as yours), "
                    "with no replica added", unit="%",
                    key=lambda s: shared_fleet(s).utilisation * 100.0, tolerance=Banded(),
                    working=_working_tenant),
        NumericItem("cascade_share",
                    "the cost of a cascade (every sixteen-step request on Llama 3.1 8B on one "
                    "H100 first, your escalated share again on the 70B) as a share of the 70B "
                    "alone",
                    unit="%", key=lambda s: cascade_share(s) * 100.0, tolerance=Banded(),
                    working=_working_cascade),
        FunctionItem("usd_per_mtok_fn",
                     "`usd_per_mtok(cost_per_hour, tokens_per_s)` returning the dollars per "
                     "million generated tokens of hardware rented at `cost_per_hour` that "
                     "generates `tokens_per_s`",
                     reference=usd_per_million_tokens,
                     arguments={"cost_per_hour": FloatRange(0.1, 1e3),
                                "tokens_per_s": FloatRange(0.1, 1e5)},
                     variable="usd_per_mtok"),
    ))
