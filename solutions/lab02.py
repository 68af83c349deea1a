"""Lab 02: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab02.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab02``."""

from mlsysim_lab.course import blocks as L

LAB = "lab02"

RECAP = """
A CNN answers with one forward pass; an LLM in **two phases** (Pope et al., MLSys 2023).
**Prefill** runs all $P$ prompt tokens at once, sharing each weight read: compute binds,
TTFT ≈ FLOPs / peak, and attention adds FLOPs growing as $P^2$. **Decode** makes one token
per step, reading every weight and the KV cache again: memory binds, TPOT ≈ bytes /
bandwidth. End to end: TTFT + (outputs − 1) × TPOT.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.formatting import duration, si
from mlsysim_lab.walls.node import request_latency
gpu = catalog.get_hardware(lab.scenario['hardware'])
candidate = catalog.get_hardware(lab.scenario['candidate'])
model = catalog.get_model('llama-3.1-8b')
prompt, output = (int(part.split()[0]) for part in lab.scenario['request'].split(','))
sla_ttft, sla_tpot = 1.5, 0.030      # seconds: the service's SLA
for g in (gpu, candidate):
    print(f"{g.name}: {g.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), "
          f"{g.memory_bandwidth / 1e12:.2f} TB/s, {g.memory_capacity / 1e9:.0f} GB")
print(f"{model.name}, FP16: {2 * model.total_params / 1e9:.2f} GB of weights, of which "
      f"W = {2 * model.matmul_params_per_token / 1e9:.2f} GB are read per step at 2 FLOPs per "
      f"weight per token; attention {model.attention_flops_per_position:,.0f} FLOPs per "
      f"(token, earlier token) pair; KV cache {model.kv_bytes_per_token(2) / 1024:.0f} KiB and "
      f"activations {2 * model.activation_elements_per_token / 1e6:.2f} MB per token")
print(f"Your request: {prompt:,} prompt tokens in, {output} out, batch 1. "
      f"SLA: TTFT <= {sla_ttft} s, TPOT <= {sla_tpot * 1e3:.0f} ms.")
"""

SPLIT = """
shapes = [(1024, 256), (4096, 512), (16384, 8), (32768, 16)]
fig, ax = plt.subplots(figsize=(7.2, 3.0), constrained_layout=True)
for row, (tokens_in, tokens_out) in enumerate(shapes):
    r = request_latency(model, gpu, input_tokens=tokens_in, output_tokens=tokens_out)
    ax.barh(row, r.ttft_s, color='tab:orange', label='prefill (TTFT)' if row == 0 else None)
    ax.barh(row, r.decode_s, left=r.ttft_s, color='tab:blue', label='decode' if row == 0 else None)
    print(f'{tokens_in:>6,} in, {tokens_out:>3} out: TTFT {duration(r.ttft_s)}, decode '
          f'{duration(r.decode_s)}, {r.ttft_s / r.e2e_s:.0%} prefill')
ax.set_yticks(range(len(shapes)), [f'{i:,} in, {o} out' for i, o in shapes])
ax.set_xlabel('seconds')
ax.set_title(f'{model.name} on {gpu.name}, batch 1: where the time goes')
ax.legend(fontsize=8)
plt.show()
"""

SLA_TABLE = """
import numpy as np
names = ('t4', 'l4', 'v100-sxm2-32gb', 'a100-40gb-sxm', 'h100-pcie')
r = request_latency(model, list(names), input_tokens=prompt, output_tokens=output)
needed = np.broadcast_to(r.last_decode_step.memory_bytes, r.feasible.shape)
for i, name in enumerate(names):
    g = catalog.get_hardware(name)
    if not r.feasible[i]:
        show(FailureBanner(f'OUT OF MEMORY on the {g.name}',
                           f'{model.name} in FP16 needs {si(needed[i], \"B\")}; '
                           f'the {g.name} has {si(g.memory_capacity, \"B\")}. There is no latency to report.'))
        continue
    print(f'{g.name:24s} TTFT {duration(r.ttft_s[i]):>8s}  TPOT {duration(r.tpot_s[i]):>8s}')
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Your request"),
        *L.predict(LAB, "ttft_ms",
                   "weights = 2 * model.matmul_params_per_token      # W: bytes per step, FLOPs per token\n"
                   "def ttft(g):\n"
                   "    flops = prompt * weights + model.attention_flops_per_position * prompt ** 2 / 2\n"
                   "    return flops / g.peak('fp16')\n"
                   "ttft_ms = ttft(gpu) * 1e3", 2),
        *L.predict(LAB, "tpot_ms",
                   "def tpot(g):      # mean step: weights + KV cache at the mean context\n"
                   "    moved = (weights + (prompt + output / 2) * model.kv_bytes_per_token(2)\n"
                   "             + 2 * model.activation_elements_per_token)\n"
                   "    return moved / g.memory_bandwidth\n"
                   "tpot_ms = tpot(gpu) * 1e3", 2),
        *L.predict(LAB, "phase",
                   "share = ttft(gpu) / (ttft(gpu) + (output - 1) * tpot(gpu))\n"
                   "phase = 'prefill' if share > 0.6 else 'decode' if share < 0.4 else 'even'", 1),
        *L.text("### Four request shapes on your GPU"),
        *L.code(LAB, "split", SPLIT),
        *L.text("## 2. The SLA on the candidate GPU"),
        *L.predict(LAB, "sla",
                   "needed = 2 * model.total_params + (prompt + output) * model.kv_bytes_per_token(2)\n"
                   "missed = [name for name, t, limit in (('ttft', ttft(candidate), sla_ttft),\n"
                   "                                      ('tpot', tpot(candidate), sla_tpot)) if t > limit]\n"
                   "sla = ('oom' if needed > candidate.memory_capacity else 'meets' if not missed\n"
                   "       else missed[0] if len(missed) == 1 else 'both')", 1),
        *L.code(LAB, "sla-table", SLA_TABLE),
        *L.reflect(LAB, "two-phases",
                   "Why is serving an LLM unlike serving a CNN? Which figure would you buy "
                   "to cut TTFT, and which to cut TPOT?",
                   "A CNN request is one forward pass; an LLM request is a compute-bound "
                   "prefill (the prompt's tokens share each weight read, and attention grows "
                   "with the prompt squared) followed by memory-bound decode steps that each "
                   "stream all the weights and the KV cache. TTFT follows peak FLOPS, TPOT "
                   "memory bandwidth, and both need the model to fit first.", 2),
        *L.summary(LAB, "Prefill is paid per prompt in FLOPs, decode per output token in "
                   "bytes: the request's shape decides which dominates. Capacity gates both."),
    ]
    return L.notebook(LAB, blocks)
