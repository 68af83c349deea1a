"""Lab 08: the spec (title, question, scenario, items). Every key is a call into the solver."""

from functools import lru_cache

import numpy as np

from mlsysim_lab import catalog
from mlsysim_lab.grading import Banded, Choice, ChoiceItem, LabSpec, NumericItem, Option
from mlsysim_lab.walls.algorithm.reasoning import reasoning_cost
from mlsysim_lab.walls.node.queueing import mmc_queue
from mlsysim_lab.walls.ops.cost import HOURS_PER_YEAR, replicas_needed, usd_per_million_tokens

#: The deployment: Llama 3.1 70B, 8-way tensor parallel on one DGX H100 per replica.
MODEL, NODE = "llama-3.1-70b", "dgx-h100"
HARDWARE = catalog.get_node(NODE).accelerator
DEVICES = catalog.get_node(NODE).accelerators
#: The small model easy requests can be routed to, on one GPU of the same kind.
SMALL_MODEL, SMALL_DEVICES = "llama-3.1-8b", 1
#: Every request: a prompt, K reasoning steps of M tokens, then a final answer.
PROMPT_TOKENS, ANSWER_TOKENS = 2048, 256
#: The reasoning depths the lab compares, and the deep one the cost questions use.
STEPS = (1, 4, 8, 16)
DEEP = 16
#: The product's promise: 99 % of requests answered within five minutes.
SLA_S, PERCENTILE = 300.0, 0.99
#: How far above the stability floor the replica search looks.
SEARCH = 128


def request(s, steps, model=MODEL, devices=DEVICES):
    """One request of ``steps`` reasoning steps (steps may be an array)."""
    return reasoning_cost(model, HARDWARE, steps=steps, tokens_per_step=s["tokens_per_step"],
                          prompt_tokens=PROMPT_TOKENS, answer_tokens=ANSWER_TOKENS,
                          devices=devices)


def replicas_for(qps: float, latency_s: float) -> int:
    """The fewest replicas (M/M/c servers, service time = one request's latency) whose
    p99 response time meets the SLA at ``qps``. The search starts at the stability floor,
    the whole replicas that serve ``qps`` at one request per latency each: fewer have no
    steady state at all."""
    floor = max(1, int(replicas_needed(qps, 1.0 / latency_s)))
    servers = np.arange(floor, floor + SEARCH)
    p99 = mmc_queue(qps, latency_s, servers, percentile=PERCENTILE).percentile_latency_s
    meets = np.nan_to_num(p99, nan=np.inf) <= SLA_S
    if not meets.any():
        raise ValueError(f"no replica count meets a {SLA_S:.0f} s p99 at {qps} requests/s")
    return int(servers[np.argmax(meets)])


def replicas(s, steps: int) -> int:
    return _replicas(float(s["qps"]), int(s["tokens_per_step"]), int(steps))


@lru_cache(maxsize=None)
def _replicas(qps: float, tokens_per_step: int, steps: int) -> int:
    latency = request({"tokens_per_step": tokens_per_step}, steps).latency_s
    return replicas_for(qps, float(latency))


def annual_cost_usd(s, steps: int) -> float:
    """Replicas x the node's on-demand price per hour x the hours in a year."""
    return replicas(s, steps) * catalog.get_node(NODE).cloud_price_per_hour * HOURS_PER_YEAR


def cost_multiplier(s, steps: int) -> float:
    return annual_cost_usd(s, steps) / annual_cost_usd(s, 1)


def sixteen_x(s) -> str:
    ratio = cost_multiplier(s, DEEP) / DEEP
    return "less" if ratio < 0.8 else "more" if ratio > 1.25 else "exactly"


def usd_per_mtok(s, model=MODEL, devices=DEVICES) -> float:
    """$ per million generated tokens of one K = 16 request on its GPUs (batch 1)."""
    r = request(s, DEEP, model, devices)
    price = catalog.get_node(NODE).cloud_price_per_hour * devices / DEVICES
    return float(usd_per_million_tokens(price, r.generated_tokens / r.latency_s))


def break_even(s) -> float:
    """Cascade: every request tries the small model first and a failed one is escalated
    to the big one; it costs less than the big model alone while the escalated share
    stays below 1 - (small cost / big cost) per request (same tokens, so $/token)."""
    return 1.0 - usd_per_mtok(s, SMALL_MODEL, SMALL_DEVICES) / usd_per_mtok(s)


LAB = LabSpec(
    id="lab08", title="The $9M Question",
    question="How much does chain-of-thought reasoning cost?",
    level="intermediate", walls=(13, 4, 19),
    paths={"engineer": 5},
    scenario={"qps": Choice(values=(0.5, 1.0, 2.0), default=1.0),
              "tokens_per_step": Choice(values=(128, 256, 512), default=256)},
    goals=("Compute the latency of a request that reasons in K steps before answering, and "
           "why it grows more slowly than K.",
           "Size a serving fleet with an M/M/c queue: the replicas a request rate and a p99 "
           "latency SLA need, and what happens below the stability floor.",
           "Turn replicas into an annual bill and a cost multiplier per reasoning depth.",
           "Find the break-even of a cascade that tries a small model before the large one."),
    minutes=45,
    discussion=("Reasoning multiplies the tokens each request generates. Which costs does it "
                "leave unchanged, and how would a longer prompt or a longer final answer move "
                "the multiplier?",
                "The replicas here serve one request at a time. How would continuous batching "
                "change the annual bill, and would it change the multiplier?"),
    items=(
        NumericItem("latency_k1",
                    "the end-to-end latency of one request with a single "
                    "reasoning step (K = 1) on one replica", unit="s",
                    key=lambda s: float(request(s, 1).latency_s), tolerance=Banded(),
                    hint="seconds"),
        NumericItem("latency_k16",
                    "the end-to-end latency of one request with K = 16 "
                    "reasoning steps", unit="s",
                    key=lambda s: float(request(s, DEEP).latency_s), tolerance=Banded(),
                    hint="seconds"),
        NumericItem("replicas_k16",
                    "the replicas (8 x H100 each) needed at your request rate "
                    "for a p99 within the SLA, at K = 16", unit="",
                    key=lambda s: replicas(s, DEEP), tolerance=Banded(),
                    hint="a whole number of replicas"),
        NumericItem("annual_cost_k16",
                    "the annual on-demand cloud bill of the K = 16 fleet", unit="MUSD",
                    key=lambda s: annual_cost_usd(s, DEEP) / 1e6, tolerance=Banded(),
                    hint="millions of USD"),
        ChoiceItem("sixteen_x",
                   "Does serving 16 reasoning steps per request cost 16 times "
                   "as much per year as serving one? Answer `'less'`, "
                   "`'exactly'` or `'more'`", options=(
            Option("less", "less than 16x",
                   why="the prompt's prefill and the final answer are paid once per request whatever K, and a bigger fleet queues more efficiently"),
            Option("exactly", "exactly 16x",
                   misconception="cost is proportional to the number of reasoning steps: the "
                                 "work every request shares (prefill, answer) does not grow "
                                 "with K"),
            Option("more", "more than 16x",
                   misconception="reasoning cost explodes because attention over a growing "
                                 "context makes every step dearer: at these lengths each step "
                                 "still mostly streams the same weights")),
            key=sixteen_x),
        NumericItem("multiplier_k4",
                    "the annual cost multiplier of K = 4 over K = 1 (same "
                    "request rate and SLA)", unit="",
                    key=lambda s: cost_multiplier(s, 4), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("multiplier_k8",
                    "the annual cost multiplier of K = 8 over K = 1", unit="",
                    key=lambda s: cost_multiplier(s, 8), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("multiplier_k16",
                    "the annual cost multiplier of K = 16 over K = 1",
                    unit="", key=lambda s: cost_multiplier(s, DEEP), tolerance=Banded(),
                    hint="a ratio"),
        NumericItem("break_even",
                    "the largest share of requests the cascade may escalate and"
                    " still cost less per request than sending every request to"
                    " the 70B, at K = 16 (Llama 3.1 8B on one H100 first, "
                    "escalate failures to the 70B)",
                    unit="percent", key=lambda s: break_even(s) * 100.0, tolerance=Banded()),
    ))
