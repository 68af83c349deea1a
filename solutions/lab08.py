"""Lab 08: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab08.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab08``."""

from mlsysim_lab.course import blocks as L

LAB = "lab08"

RECAP = """
A reasoning model "thinks" before it answers: $K$ steps of $M$ tokens (chain of thought,
Wei et al., NeurIPS 2022; test-time compute, Snell et al., arXiv:2408.03314, 2024), then
an answer of $A$ tokens. The prompt of $P$ tokens is prefilled once; every generated
token is one decode step that streams the weights:

$$T(K) \\approx \\text{TTFT}(P) + (K M + A)\\, t_\\text{token}.$$

**The fleet.** Requests arrive at $\\lambda$ per second and each holds one replica (8 GPUs,
one request at a time) for $T$ seconds, so the offered load is $\\lambda T$ busy replicas
(Little's law). Queues of random arrivals (M/M/c) wait longer and longer as utilisation
nears 1, so the fleet is sized for a utilisation of 0.8 at most (Harchol-Balter,
*Performance Modeling and Design of Computer Systems*, 2013): $c = \\lceil \\lambda T / 0.8 \\rceil$, at $c \\times$ price per replica-hour
$\\times$ 8,766 hours a year.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.walls.algorithm.reasoning import reasoning_cost
from mlsysim_lab.walls.node import decode_step, prefill
from mlsysim_lab.walls.node.queueing import mmc_queue
from mlsysim_lab.walls.ops.cost import HOURS_PER_YEAR, replicas_needed
from mlsysim_lab.walls.ops.tenancy import shared_cluster_wait
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
node = catalog.get_node('dgx-h100')
gpu, devices = catalog.get_hardware(node.accelerator), node.accelerators
price = node.cloud_price_per_hour
model, small = catalog.get_model('llama-3.1-70b'), catalog.get_model('llama-3.1-8b')
qps, tokens_per_step = lab.scenario['qps'], lab.scenario['tokens_per_step']
prompt, answer = lab.scenario['prompt'], lab.scenario['answer']
escalated, neighbour = lab.scenario['escalated'], lab.scenario['neighbour']
ttft_s = prefill(model, gpu, prompt_tokens=prompt, devices=devices).latency_s
token_s = decode_step(model, gpu, context=prompt, devices=devices).latency_s
small_ttft_s = prefill(small, gpu, prompt_tokens=prompt).latency_s
small_token_s = decode_step(small, gpu, context=prompt).latency_s
print(f"One replica: {node.name}, {devices} x {gpu.name}, ${price:.2f} per hour on demand.")
print(f"{model.name} on it: prefill of your {prompt:,}-token prompt {ttft_s:.3f} s; one "
      f"generated token {token_s * 1e3:.2f} ms (at that context).")
print(f"{small.name} on one {gpu.name} (${price / devices:.3f} per hour): prefill "
      f"{small_ttft_s:.3f} s, one token {small_token_s * 1e3:.2f} ms.")
print(f"Traffic: {qps} requests/s; K steps of {tokens_per_step} tokens, a {answer}-token answer; "
      f"a neighbour tenant would add {neighbour} % to it.")
"""

LATENCY = """
steps = np.array([1, 4, 8, 16])
r = reasoning_cost(model, gpu, steps=steps, tokens_per_step=tokens_per_step,
                   prompt_tokens=prompt, answer_tokens=answer, devices=devices)
print('   K   tokens generated   latency (s)   multiplier over K = 1')
for k, tokens, t, m in zip(steps, r.generated_tokens, r.latency_s, r.multiplier):
    print(f'{k:4d} {tokens:18,.0f} {t:13.2f} {m:23.2f}')
print(f'The tutorial: K = 8 multiplies the bill by 7.6x; the model: {r.multiplier[2]:.2f}x, '
      f'because the prefill ({ttft_s:.2f} s) and the answer ({answer * token_s:.2f} s) are '
      f'paid once per request. Only long steps, a short answer and a short prompt approach K.')
"""

FLEET = """
latency = float(r.latency_s[-1])
fleet = int(replicas_needed(qps, 0.8 / latency))
print(f'K = 16: offered load {qps} x {latency:.1f} s = {qps * latency:.1f} busy replicas; '
      f'{fleet} replicas at most 80 % busy, ${fleet * price * HOURS_PER_YEAR / 1e6:.1f} M a year.')
print(' replicas   utilisation   P(wait)   p99 latency (s)')
for c in (fleet - 2, fleet, fleet + 2):
    q = mmc_queue(qps, latency, c)
    p99 = f'{q.percentile_latency_s:17.1f}' if q.stable else f'{"no steady state":>17s}'
    print(f'{c:9d} {q.utilisation:13.2f} {q.probability_of_wait:9.2f} {p99}')
shared = shared_cluster_wait(qps * (1 + neighbour / 100), latency, fleet)
print(f'Shared with the neighbour: utilisation {shared.utilisation:.0%}; ' + (
      f'a request waits {shared.mean_wait_s:.1f} s on average before it starts'
      if shared.stable else 'no steady state: the queue grows until replicas are added'))
ks = np.arange(1, 25)
t = reasoning_cost(model, gpu, steps=ks, tokens_per_step=tokens_per_step, prompt_tokens=prompt,
                   answer_tokens=answer, devices=devices).latency_s
bills = np.array([int(replicas_needed(qps, 0.8 / x)) for x in t])
fig = sweep_figure(ks, {'K': ks, 'request cost T(K) / T(1)': t / t[0],
                        'fleet bill / bill at K = 1': bills / bills[0]},
                   xlabel='reasoning steps K', ylabel='multiplier over K = 1',
                   marks=[('K = 8', 8)], title=f'{model.name}: what reasoning multiplies')
plt.show()
"""

CASCADE = """
big = reasoning_cost(model, gpu, steps=16, tokens_per_step=tokens_per_step, prompt_tokens=prompt,
                     answer_tokens=answer, devices=devices).latency_s * devices
little = reasoning_cost(small, gpu, steps=16, tokens_per_step=tokens_per_step,
                        prompt_tokens=prompt, answer_tokens=answer).latency_s
print(f'GPU-seconds per K = 16 request: {big:.0f} on the 70B, {little:.0f} on the 8B. The '
      f'cascade breaks even up to {1 - little / big:.0%} escalated (it ignores the verifier '
      f'and the escalated requests\\' doubled latency).')
if callable(globals().get('usd_per_mtok')):
    tokens = 16 * tokens_per_step + answer
    print(f'Your usd_per_mtok: ${usd_per_mtok(price, tokens * devices / big):.2f} per million '
          f'tokens on the 70B, ${usd_per_mtok(price / devices, tokens / little):.2f} on the 8B.')
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. One request, K steps"),
        *L.predict(LAB, "latency_k16",
                   "latency_k16 = ttft_s + (16 * tokens_per_step + answer) * token_s", 2),
        *L.predict(LAB, "multiplier_k8",
                   "k1 = ttft_s + (tokens_per_step + answer) * token_s\n"
                   "multiplier_k8 = (ttft_s + (8 * tokens_per_step + answer) * token_s) / k1", 2),
        *L.predict(LAB, "shared_part",
                   "shared_part = 'prefill' if ttft_s > answer * token_s else 'answer'", 1),
        *L.text("## 2. The fleet and its bill"),
        *L.predict(LAB, "replicas_k16",
                   "replicas_k16 = int(np.ceil(qps * latency_k16 / 0.8))", 2),
        *L.predict(LAB, "annual_cost_k16",
                   "annual_cost_k16 = replicas_k16 * price * HOURS_PER_YEAR", 1),
        *L.text("A second tenant now shares the fleet (wall 20: multi-tenancy): its requests "
                "are as long as yours and add your `neighbour` share to the request rate."),
        *L.predict(LAB, "shared_utilisation",
                   "shared_utilisation = (100 * qps * (1 + neighbour / 100) * latency_k16\n"
                   "                      / replicas_k16)", 2),
        *L.text("## 3. A cascade\n\nEvery request goes to Llama 3.1 8B on one H100 first; a "
                "verifier sends your escalated share again, whole, to the 70B. Both are "
                "billed per GPU-hour at the same price."),
        *L.predict(LAB, "cascade_share",
                   "request = lambda t0, t: t0 + (16 * tokens_per_step + answer) * t\n"
                   "small_gpu_s = request(small_ttft_s, small_token_s)\n"
                   "big_gpu_s = request(ttft_s, token_s) * devices\n"
                   "cascade_share = 100 * small_gpu_s / big_gpu_s + escalated", 2),
        *L.implement(LAB, "usd_per_mtok_fn",
                     "def usd_per_mtok(cost_per_hour, tokens_per_s):\n"
                     "    return cost_per_hour / 3600 / tokens_per_s * 1e6", 2),
        *L.text("## Verify\n\nThe requests, the tutorial's multiplier beside the model's, the "
                "fleet's queue, what reasoning multiplies, and the cascade."),
        *L.code(LAB, "latency", LATENCY),
        *L.code(LAB, "fleet", FLEET),
        *L.code(LAB, "cascade", CASCADE),
        *L.reflect(LAB, "below-k",
                   "Why does K = 16 cost less than 16 times K = 1, and what request would bring "
                   "the multiplier close to K?",
                   "Each request pays its prefill and its answer once, whatever K; only the "
                   "K M reasoning tokens scale with K, so the multiplier is (TTFT + (K M + A) "
                   "t) / (TTFT + (M + A) t). Long steps with a short prompt and answer push it "
                   "towards K; that is the tutorial's 7.6x at K = 8.", 2),
        *L.summary(LAB, "Every reasoning token is a decode step bound by **memory bandwidth** "
                   "(wall 3), so a request's time grows with the tokens generated, K M + A, "
                   "on top of a prefill paid once (wall 4): reasoning multiplies the bill by "
                   "less than K (wall 13). The fleet holds the offered load, rate x latency, "
                   "below full utilisation, and the **economic cost** (wall 19) follows the "
                   "replicas. A small model first pays off unless nearly every request "
                   "escalates."),
    ]
    return L.notebook(LAB, blocks)
