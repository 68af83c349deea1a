"""Lab 02: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab02.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab02``."""

from mlsysim_lab.course import blocks as L

LAB = "lab02"

RECAP = """
A CNN answers a request with one forward pass. An LLM answers in **two phases** with
opposite bottlenecks (Pope et al., MLSys 2023; Agrawal et al., OSDI 2024):

* **Prefill** runs the whole prompt of $P$ tokens through the model at once and produces
  the first output token. It does about $2NP$ FLOPs for $N$ parameters but reads each
  weight once for all $P$ tokens, so its arithmetic intensity is high and **compute**
  binds: $\\text{TTFT} \\approx 2NP / \\text{peak FLOP/s}$ (plus attention).
* **Decode** then generates the other tokens one step at a time. Each step does about
  $2N$ FLOPs and reads every weight again, $N b$ bytes with $b$ bytes per parameter, so
  **memory bandwidth** binds: $\\text{TPOT} \\approx N b / \\text{bandwidth}$ (plus the KV
  cache).

A request of $P$ prompt tokens and $O$ output tokens takes

$$t_{\\text{E2E}} = \\text{TTFT} + (O - 1) \\times \\text{TPOT}.$$

Services state a service-level objective (SLA) on both: time to first token and time per
output token. And before any of this, the weights and the KV cache must fit in the GPU's
memory.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.formatting import duration, si
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.node import decode_step, prefill, request_latency
from mlsysim_lab.widgets.plots import roofline_figure, sweep_figure
import numpy as np
gpu = catalog.get_hardware(lab.scenario['hardware'])
model = catalog.get_model('llama-3-8b')
prompt = lab.scenario['prompt']
summary_out = 128                 # the summariser: your prompt in, a 128-token summary out
chat_in, chat_out = 128, 512      # the chat turn: a short question, a long answer
sla_ttft, sla_tpot = 1.0, 0.025   # seconds: the SLA of the summariser request (section 4)
weight_bytes = scheme('fp16').weight_bytes
print(f"{gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), "
      f"{gpu.memory_bandwidth / 1e12:.2f} TB/s, {gpu.memory_capacity / 1e9:.0f} GB")
print(f"{model.name} in FP16: {model.total_params / 1e9:.2f} B parameters, of which "
      f"{model.matmul_params_per_token / 1e9:.2f} B take part in each token's matmuls")
print(f"Your summariser request: {prompt:,} prompt tokens in, {summary_out} tokens out. "
      f"The chat request: {chat_in} in, {chat_out} out.")
"""

COMPARE_BOUND = """
bound = 2 * model.matmul_params_per_token * prompt / gpu.peak('fp16')
p = prefill(model, gpu, prompt_tokens=prompt)
attention = model.attention_flops_per_position * prompt * (prompt + 1) / 2
logits_skipped = 2 * model.lm_head_params * (prompt - 1)
print(f"2 N P / peak = {duration(bound)}; the solver's TTFT = {duration(p.latency_s)} "
      f"({p.bottleneck}-bound, {p.arithmetic_intensity:.0f} FLOP/B against a ridge of "
      f"{p.ridge_point:.0f} FLOP/B).")
print(f"The solver adds {si(attention, 'FLOP')} of causal attention over the prompt and "
      f"skips {si(logits_skipped, 'FLOP')} of LM head: logits are needed for the last prompt "
      f"position only. Net: {si(p.roofline.flops, 'FLOP')} against 2 N P = "
      f"{si(2 * model.matmul_params_per_token * prompt, 'FLOP')}.")
"""

ROOFLINE = """
p = prefill(model, gpu, prompt_tokens=prompt)
d = decode_step(model, gpu, batch=1, context=prompt)
print(f"One prompt token costs {p.latency_s / prompt * 1e6:.1f} us of prefill; one output "
      f"token costs {duration(d.latency_s)} of decode: {d.latency_s / (p.latency_s / prompt):.0f}x more.")
fig = roofline_figure(gpu.id, 'fp16', [(f'prefill, {prompt:,} tokens', p.arithmetic_intensity),
                                       ('decode step, batch 1', d.arithmetic_intensity)])
plt.show()
"""

SPLIT = """
requests = {f'chat: {chat_in} in, {chat_out} out': (chat_in, chat_out),
            f'summariser: {prompt:,} in, {summary_out} out': (prompt, summary_out)}
fig, ax = plt.subplots(figsize=(7.2, 3.0), constrained_layout=True)
for row, (name, (tokens_in, tokens_out)) in enumerate(requests.items()):
    r = request_latency(model, gpu, input_tokens=tokens_in, output_tokens=tokens_out)
    ax.barh(row, r.ttft_s, color='tab:orange', label='prefill (TTFT)' if row == 0 else None)
    ax.barh(row, r.decode_s, left=r.ttft_s, color='tab:blue',
            label='decode (O - 1) x TPOT' if row == 0 else None)
    ax.annotate(f'{r.ttft_s / r.e2e_s:.1%} prefill, {duration(r.e2e_s)} in all',
                (r.e2e_s, row), xytext=(4, 0), textcoords='offset points', va='center', fontsize=8)
    print(f'{name}: TTFT {duration(r.ttft_s)}, decode {duration(r.decode_s)}, '
          f'TPOT {duration(r.tpot_s)}, end to end {duration(r.e2e_s)}')
ax.set_yticks(range(len(requests)), list(requests))
ax.set_xlabel('seconds')
ax.set_xlim(0, ax.get_xlim()[1] * 1.35)
ax.set_title(f'{model.name} on {gpu.name}, batch 1: where the time goes')
ax.legend(fontsize=8, loc='upper right')
plt.show()
"""

SWEEP = """
prompts = np.unique(np.geomspace(16, model.max_context - summary_out, 60).astype(int))
ttft = prefill(model, gpu, prompt_tokens=prompts).latency_s
tpot = decode_step(model, gpu, batch=1, context=prompts).latency_s
fig = sweep_figure(prompts, {'TTFT (prefill)': ttft * 1e3,
                             f'decode of {summary_out} tokens': (summary_out - 1) * tpot * 1e3,
                             'TPOT (one decode step)': tpot * 1e3},
                   xlabel='prompt tokens', ylabel='ms', logx=True, logy=True,
                   marks=[('your prompt', prompt)],
                   title=f'{model.name} on {gpu.name}: the two phases vs prompt length')
plt.show()
"""

SLA_TABLE = """
gpus = [catalog.get_hardware(g) for g in ('t4', 'l4', 'v100', 'a100', 'h100', 'h200')]
r = request_latency(model, [g.id for g in gpus], input_tokens=prompt, output_tokens=summary_out)
print(f'SLA: TTFT <= {duration(sla_ttft)}, TPOT <= {duration(sla_tpot)} '
      f'({prompt:,} tokens in, {summary_out} out, FP16, batch 1)')
for i, g in enumerate(gpus):
    if not r.feasible[i]:
        print(f'  {g.name:24s} does not fit')
        continue
    ok = r.ttft_s[i] <= sla_ttft and r.tpot_s[i] <= sla_tpot
    print(f'  {g.name:24s} TTFT {duration(r.ttft_s[i]):>8s}  TPOT {duration(r.tpot_s[i]):>8s}  '
          f'{\"meets the SLA\" if ok else \"misses the SLA\"}')
needed = np.broadcast_to(r.last_decode_step.memory_bytes, r.feasible.shape)
available = np.broadcast_to(r.last_decode_step.capacity_bytes, r.feasible.shape)
for i, g in enumerate(gpus):
    if not r.feasible[i]:
        show(FailureBanner(f'OUT OF MEMORY on the {g.name}',
                           f'{model.name} in FP16 with this request needs {si(needed[i], \"B\")} '
                           f'(weights {si(model.total_params * weight_bytes, \"B\")}, plus the KV cache and '
                           f'activations); the {g.name} has {si(available[i], \"B\")}. There is no '
                           f'latency to report.'))
    elif r.tpot_s[i] > sla_tpot or r.ttft_s[i] > sla_ttft:
        show(FailureBanner(f'SLA MISSED on the {g.name}',
                           f'TTFT {duration(r.ttft_s[i])} (limit {duration(sla_ttft)}), TPOT '
                           f'{duration(r.tpot_s[i])} (limit {duration(sla_tpot)}): decode streams '
                           f'the weights through {si(g.memory_bandwidth, \"B/s\")} for every token.'))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Prefill: time to first token\n\nYour summariser receives the whole "
                "prompt at once. Use the FLOPs: about two per parameter per prompt token."),
        *L.predict(LAB, "ttft_ms",
                   "ttft_ms = request_latency(model, gpu, input_tokens=prompt,\n"
                   "                          output_tokens=summary_out).ttft_s * 1e3", 2),
        *L.implement(LAB, "prefill_time_fn",
                     "def prefill_compute_time(params, prompt_tokens, peak_flops):\n"
                     "    return 2 * params * prompt_tokens / peak_flops", 2),
        *L.code(LAB, "bound-check", COMPARE_BOUND),
        *L.text("## 2. Decode: time per output token\n\nThen the summary is generated one "
                "token at a time. Use the bytes: every step reads every weight once "
                "(2 bytes each in FP16), plus the KV cache of the tokens so far."),
        *L.predict(LAB, "tpot_ms",
                   "tpot_ms = request_latency(model, gpu, input_tokens=prompt,\n"
                   "                          output_tokens=summary_out).tpot_s * 1e3", 2),
        *L.text("The two phases sit on opposite sides of your GPU's ridge point:"),
        *L.code(LAB, "roofline", ROOFLINE),
        *L.text("## 3. Where a request's time goes\n\nTwo requests: a **chat** turn (short "
                "question, long answer) and your **summariser** (long document, short "
                "summary)."),
        *L.predict(LAB, "chat_phase",
                   "r = request_latency(model, gpu, input_tokens=chat_in, output_tokens=chat_out)\n"
                   "share = r.ttft_s / r.e2e_s\n"
                   "chat_phase = 'prefill' if share > 0.6 else 'decode' if share < 0.4 else 'even'", 1),
        *L.predict(LAB, "summary_phase",
                   "r = request_latency(model, gpu, input_tokens=prompt, output_tokens=summary_out)\n"
                   "share = r.ttft_s / r.e2e_s\n"
                   "summary_phase = 'prefill' if share > 0.6 else 'decode' if share < 0.4 else 'even'", 1),
        *L.predict(LAB, "summary_prefill_share",
                   "r = request_latency(model, gpu, input_tokens=prompt, output_tokens=summary_out)\n"
                   "summary_prefill_share = r.ttft_s / r.e2e_s * 100", 1),
        *L.code(LAB, "split", SPLIT),
        *L.text("### TTFT and TPOT as the prompt grows\n\nA short prompt cannot share the weight "
                "read among enough tokens: its prefill is memory-bound too and costs about one "
                "decode step. Past the ridge point compute binds and TTFT grows with the "
                "prompt. One decode step barely moves, because the weights, not the KV cache, "
                "are most of its bytes. Does the prefill ever catch up with the decode of the "
                "summary inside the model's context window?"),
        *L.code(LAB, "sweep", SWEEP),
        *L.text("## 4. Which GPUs meet the SLA?\n\nThe service promises, for the summariser "
                "request, a time to first token of at most 1 s and at most 25 ms per output "
                "token. The candidates: T4, L4, V100, A100, H100, H200 (FP16 weights, batch 1). "
                "Look up their memory and bandwidth with `catalog.get_hardware(...)` if you "
                "need to."),
        *L.predict(LAB, "t4_fate",
                   "r = request_latency(model, 't4', input_tokens=prompt, output_tokens=summary_out)\n"
                   "t4_fate = 'oom' if not r.feasible else ('meets' if r.ttft_s <= sla_ttft and "
                   "r.tpot_s <= sla_tpot else 'slow')", 1, reveal=False),
        *L.predict(LAB, "l4_miss",
                   "r = request_latency(model, 'l4', input_tokens=prompt, output_tokens=summary_out)\n"
                   "l4_miss = ('capacity' if not r.feasible else 'tpot' if r.tpot_s > sla_tpot "
                   "else 'ttft')", 1, reveal=False),
        *L.reveal_cell(LAB, "t4_fate"),
        *L.reveal_cell(LAB, "l4_miss"),
        *L.code(LAB, "sla", SLA_TABLE),
        *L.text("The capacity check counts the weights, the KV cache and the activations "
                "against the datasheet capacity; a real card has even less to give, since "
                "the driver and the CUDA context keep some for themselves."),
        *L.reflect(LAB, "two-phases",
                   "In two or three sentences: why is serving an LLM different from serving "
                   "a CNN classifier? Name the wall that binds each phase and say which "
                   "hardware figure you would buy more of to cut TTFT, and which to cut TPOT.",
                   "A CNN request is one forward pass over a batch; an LLM request is a "
                   "compute-bound prefill (every prompt token shares each weight read) "
                   "followed by many memory-bound decode steps that each stream all the "
                   "weights for one token. TTFT follows peak FLOPS, TPOT follows memory "
                   "bandwidth (and both need the model to fit in memory first), so a service "
                   "must report and provision for both.", 2),
        *L.summary(LAB, "Prefill is bound by **compute throughput**: the whole prompt shares each "
                   "weight read, so TTFT scales with the prompt over peak FLOPS. Decode is "
                   "bound by **memory bandwidth**: each output token re-reads every weight, "
                   "so one output token costs about as much as a ridge point's worth of "
                   "prompt tokens, and at batch 1 decode takes most of the time even for a "
                   "long-prompt summariser. Before either, **memory capacity** is a gate: a "
                   "GPU that cannot hold the weights has no latency at all."),
    ]
    return L.notebook(LAB, blocks)
