"""Lab 08: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab08.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab08``."""

from mlsysim_lab.course import blocks as L

LAB = "lab08"

RECAP = """
A reasoning model "thinks" before it answers: it generates $K$ steps of $M$ tokens each
(chain of thought, Wei et al., NeurIPS 2022; test-time compute, Snell et al.,
arXiv:2408.03314, 2024), then an answer of $A$ tokens. The prompt of $P$ tokens is
prefilled once, and every generated token is one decode step that streams the weights
(and the growing KV cache) from memory:

$$T(K) = \\text{TTFT}(P) + \\sum_{j=1}^{KM + A - 1} t_\\text{decode}(P + j),
\\qquad \\frac{T(K)}{T(1)} < K,$$

because the prefill and the answer are paid once per request, whatever $K$.

**Sizing the fleet.** Requests arrive at $\\lambda$ per second and each occupies one
replica (an 8-GPU tensor-parallel server, one request at a time) for $T(K)$ seconds.
The replicas form an **M/M/c queue** (Poisson arrivals, exponential service times; Erlang
1917, Harchol-Balter 2013, ch. 14). The offered load is $a = \\lambda T$ busy replicas
(Little's law), so $c$ replicas run at utilisation

$$\\rho = \\frac{\\lambda T}{c} < 1 \\quad\\text{(otherwise the queue grows without bound)},$$

and the Erlang C formula gives the waiting time and the 99th-percentile latency. The fleet
needs the fewest $c$ whose p99 meets the latency SLA, and it costs

$$\\text{annual cost} = c \\times \\text{price per replica-hour} \\times \\text{hours per year}.$$
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.walls.algorithm.reasoning import reasoning_cost
from mlsysim_lab.walls.node.queueing import mmc_queue
from mlsysim_lab.walls.ops.cost import HOURS_PER_YEAR, replicas_needed, usd_per_million_tokens
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
node = catalog.get_node('dgx-h100')
gpu = catalog.get_hardware(node.accelerator)
model = catalog.get_model('llama-3.1-70b')
small = catalog.get_model('llama-3.1-8b')
devices = node.accelerators                      # 8-way tensor parallelism per replica
price = node.cloud_price_per_hour                # $ per replica-hour (one node)
qps, tokens_per_step = lab.scenario['qps'], lab.scenario['tokens_per_step']
prompt_tokens, answer_tokens = 2048, 256
sla_s = 300.0                                    # the p99 latency users are promised

def request(steps, model=model, devices=devices):
    \"\"\"One request that reasons in `steps` steps (an int or an array) on `devices` GPUs.\"\"\"
    return reasoning_cost(model, gpu, steps=steps, tokens_per_step=tokens_per_step,
                          prompt_tokens=prompt_tokens, answer_tokens=answer_tokens,
                          devices=devices)

def replicas_for(rate, latency_s):
    \"\"\"The fewest replicas whose M/M/c p99 latency meets the SLA at `rate` requests/s,
    searching up from the stability floor (whole replicas for the offered load).\"\"\"
    floor = max(1, int(replicas_needed(rate, 1.0 / latency_s)))
    servers = np.arange(floor, floor + 128)
    p99 = mmc_queue(rate, latency_s, servers, percentile=0.99).percentile_latency_s
    return int(servers[np.argmax(np.nan_to_num(p99, nan=np.inf) <= sla_s)])

print(f"Model: {model.name} ({model.total_params / 1e9:.1f} B parameters, "
      f"{model.max_context:,}-token window), FP16.")
print(f"One replica = one {node.name}: {devices} x {gpu.name}, tensor parallel, "
      f"${price:.2f} per hour on demand ({node.cloud_instance}).")
print(f"Traffic: {qps} requests/s, around the clock. Each request: a {prompt_tokens:,}-token "
      f"prompt, K reasoning steps of {tokens_per_step} tokens, a {answer_tokens}-token answer.")
print(f"SLA: 99 % of requests answered within {sla_s / 60:.0f} minutes.")
"""

LATENCY_TABLE = """
steps = np.array([1, 4, 8, 16])
r = request(steps)
print('   K   tokens generated   latency (s)   latency / latency(K=1)')
for k, tokens, latency, mult in zip(steps, r.generated_tokens, r.latency_s, r.multiplier):
    print(f'{k:4d} {tokens:18,.0f} {latency:13.2f} {mult:24.2f}')
per_token = (r.latency_s[-1] - r.latency_s[0]) / ((steps[-1] - steps[0]) * tokens_per_step)
shared = r.latency_s[0] - tokens_per_step * per_token
print(f'Each reasoning token costs about {per_token * 1e3:.1f} ms (a decode step that streams '
      f'the {model.name} weights, split over {devices} GPUs); the prefill and the answer cost '
      f'{shared:.2f} s per request whatever K: {shared / r.latency_s[0]:.0%} of the K = 1 '
      f'request, {shared / r.latency_s[-1]:.0%} of the K = 16 one.')
"""

QUEUE_TABLE = """
latency = request(16).latency_s
floor = int(replicas_needed(qps, 1.0 / latency))
print(f'K = 16: offered load = {qps} x {latency:.1f} s = {qps * latency:.1f} busy replicas '
      f'(Little\\'s law).')
print(' replicas   utilisation   P(wait)   p99 latency (s)   meets the SLA')
for c in range(max(1, floor - 1), floor + 4):
    q = mmc_queue(qps, latency, c)
    p99 = f'{q.percentile_latency_s:17.1f}' if q.stable else f'{"none":>17s}'
    print(f'{c:9d} {q.utilisation:13.2f} {q.probability_of_wait:9.2f} {p99}   '
          f'{q.stable and q.percentile_latency_s <= sla_s}')
print(f'Even an idle replica has a p99 of ln(100) x {latency:.1f} s = '
      f'{mmc_queue(1e-9, latency, 1).percentile_latency_s:.0f} s under exponential service '
      f'times: that is what is left of the {sla_s:.0f} s budget for queueing.')
"""

FAILURE = """
fleet = replicas_for(qps, request(1).latency_s)
q = mmc_queue(qps, request(16).latency_s, fleet)
show(FailureBanner('NO STEADY STATE',
     f'You switch on 16-step reasoning but keep the {fleet} replicas sized for K = 1: '
     f'{q.explanation}. The fleet needs at least '
     f'{int(replicas_needed(qps, 1.0 / request(16).latency_s))} replicas just to keep up.'))
"""

MULTIPLIER_TABLE = """
print('   K   replicas   annual cost ($M)   cost multiplier   latency multiplier')
base = replicas_for(qps, request(1).latency_s)
for k in (1, 4, 8, 16):
    c = replicas_for(qps, request(k).latency_s)
    print(f'{k:4d} {c:10d} {c * price * HOURS_PER_YEAR / 1e6:18.2f} {c / base:17.2f} '
          f'{request(k).multiplier:20.2f}')
"""

MULTIPLIER_PLOT = """
steps = np.arange(1, 33)
latency = request(steps).latency_s
fleet = np.array([replicas_for(qps, t) for t in latency])
fig = sweep_figure(steps, {'K (cost proportional to the steps)': steps,
                           'latency multiplier T(K) / T(1)': latency / latency[0],
                           'annual cost multiplier (replicas)': fleet / fleet[0]},
                   xlabel='reasoning steps K', ylabel='multiplier over K = 1',
                   marks=[('K = 16', 16)],
                   title=f'{model.name}, {tokens_per_step} tokens per step, {qps} requests/s')
plt.show()
"""

PANEL = """
def describe(steps, rate):
    latency = float(request(steps).latency_s)
    c = replicas_for(rate, latency)
    return (f'K = {steps}, {rate} requests/s: {latency:.1f} s per request, {c} replicas '
            f'({c * devices} GPUs), ${c * price * HOURS_PER_YEAR / 1e6:.1f} M per year')
show(ParameterPanel({'steps': (1, 32, 1, 16), 'rate': [qps, 0.25, 0.5, 1.0, 2.0, 4.0]}, describe))
"""

ROUTING = """
for name, m, n in ((model.name, model, devices), (small.name, small, 1)):
    r = request(16, m, n)
    rate = r.generated_tokens / r.latency_s
    usd = usd_per_million_tokens(price * n / devices, rate)
    print(f'{name} on {n} x {gpu.name}: {r.latency_s:.1f} s per K = 16 request, '
          f'{rate:.0f} tokens/s, ${usd:.2f} per million generated tokens')
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. One request, K steps\n\nA decode step of the 70B model streams its "
                "weights from the eight GPUs' memory, so each generated token costs about the "
                "same time; the prefill of the prompt is compute-bound and short."),
        *L.predict(LAB, "latency_k1", "latency_k1 = request(1).latency_s", 1),
        *L.predict(LAB, "latency_k16", "latency_k16 = request(16).latency_s", 1),
        *L.code(LAB, "latency-table", LATENCY_TABLE),
        *L.text("## 2. How many replicas?\n\nAt your request rate each replica serves one "
                "request at a time. Fewer replicas than the offered load $\\lambda T$ can "
                "never keep up; a few more than that keep the queue short enough for the p99 "
                "SLA. The set-up cell defines `replicas_for(rate, latency_s)`, which searches "
                "for the fewest replicas whose M/M/c p99 meets the SLA (`mmc_queue`)."),
        *L.predict(LAB, "replicas_k16",
                   "replicas_k16 = replicas_for(qps, request(16).latency_s)", 2),
        *L.code(LAB, "queue-table", QUEUE_TABLE),
        *L.text("### What if nobody resizes the fleet?\n\nThe product team turns on 16-step "
                "reasoning overnight; the fleet is still the one sized for K = 1."),
        *L.code(LAB, "failure", FAILURE),
        *L.predict(LAB, "annual_cost_k16",
                   "annual_cost_k16 = (replicas_for(qps, request(16).latency_s) * price\n"
                   "                   * HOURS_PER_YEAR / 1e6)", 1),
        *L.text("## 3. Does 16 steps cost 16 times as much?"),
        *L.predict(LAB, "sixteen_x",
                   "ratio = (replicas_for(qps, request(16).latency_s)\n"
                   "         / replicas_for(qps, request(1).latency_s))\n"
                   "sixteen_x = 'less' if ratio < 0.8 * 16 else 'more' if ratio > 1.25 * 16 "
                   "else 'exactly'", 1),
        *L.text("The annual cost multiplier is the ratio of the two fleets' bills at the "
                "same request rate and SLA (the price per replica cancels)."),
        *L.predict(LAB, "multiplier_k4",
                   "multiplier_k4 = (replicas_for(qps, request(4).latency_s)\n"
                   "                 / replicas_for(qps, request(1).latency_s))", 1),
        *L.predict(LAB, "multiplier_k8",
                   "multiplier_k8 = (replicas_for(qps, request(8).latency_s)\n"
                   "                 / replicas_for(qps, request(1).latency_s))", 1),
        *L.predict(LAB, "multiplier_k16",
                   "multiplier_k16 = (replicas_for(qps, request(16).latency_s)\n"
                   "                  / replicas_for(qps, request(1).latency_s))", 1),
        *L.code(LAB, "multiplier-table", MULTIPLIER_TABLE),
        *L.text("The latency multiplier stays below K because the shared work is diluted; the "
                "cost multiplier moves in whole replicas, and a large fleet absorbs random "
                "arrivals with proportionally less headroom than a small one."),
        *L.code(LAB, "multiplier-plot", MULTIPLIER_PLOT),
        *L.text("### Explore\n\nChange the reasoning depth and the request rate (in plain mode "
                "this prints one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "below-k",
                   "In two or three sentences: why is the cost of 16 reasoning steps less than "
                   "16 times the cost of one, and what kind of request would bring the "
                   "multiplier close to K?",
                   "Latency, and with it the replicas a request rate needs, grows with the "
                   "tokens generated, K M + A, while the prefill and the answer's A tokens "
                   "are paid once per request; at K = 1 they are a large share of the time. "
                   "A bigger fleet also needs proportionally less headroom for random "
                   "arrivals. Long reasoning steps with a short answer and prompt (M much "
                   "larger than A) push the multiplier towards K.", 2),
        *L.text("## 4. Route easy requests to a small model?\n\nA cascade sends every request "
                "to Llama 3.1 8B on a single H100 first (same reasoning depth); a verifier "
                "escalates the ones it gets wrong to the 70B, which then does the whole "
                "request again. Per request, both models generate the same tokens, so the "
                "cost ratio is the ratio of their $ per million tokens "
                "(`usd_per_million_tokens`; one H100 costs an eighth of the node's price)."),
        *L.code(LAB, "routing", ROUTING),
        *L.predict(LAB, "break_even",
                   "def usd_per_mtok(m, n):\n"
                   "    r = request(16, m, n)\n"
                   "    return usd_per_million_tokens(price * n / devices, "
                   "r.generated_tokens / r.latency_s)\n"
                   "break_even = 100 * (1 - usd_per_mtok(small, 1) / usd_per_mtok(model, devices))", 2),
        *L.reflect(LAB, "routing",
                   "The cascade pays off up to a high escalation share. Why is the 8B model so "
                   "much cheaper per token although it is only somewhat faster per token, and "
                   "what does the break-even leave out?",
                   "Decode is memory-bound: the 8B streams a small fraction of the 70B's "
                   "weights, but from one GPU instead of eight, so its time per token is only "
                   "somewhat shorter while it occupies an eighth of the hardware; the cost per "
                   "token is GPU-seconds per token. The break-even ignores the verifier's "
                   "cost, the extra latency of escalated requests (they run twice), and the "
                   "accuracy "
                   "each model reaches at a given K.", 2),
        *L.summary(LAB, "Every reasoning token is a decode step, and decode is bound by **memory "
                   "bandwidth** (wall 3): the weights are streamed once per token, so latency "
                   "grows with the tokens generated, K M + A, not with K. At a fixed request "
                   "rate the fleet must hold the offered load, request rate x latency "
                   "(Little's law), with utilisation below 1 and a margin for the p99 **tail "
                   "latency** (wall 7); the **economic cost** (wall 19) follows the replicas. "
                   "Because the prefill and the answer are shared and large fleets queue "
                   "efficiently, 16 steps cost less than 16 times one, but still many times "
                   "more; a cascade through a small model pays off unless most requests need "
                   "escalating."),
    ]
    return L.notebook(LAB, blocks)
