"""Lab 09: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab09.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab09``."""

from mlsysim_lab.course import blocks as L

LAB = "lab09"

RECAP = """
The **elasticity** of a latency $T$ with respect to an input $x$ is
$e_x = \\partial \\ln T / \\partial \\ln x$: $-1$ means "1 % more $x$, 1 % less time", $0$
that $x$ does not bind (Saltelli et al., *Global Sensitivity Analysis*, 2008). A step
takes

$$T = \\max\\left(\\frac{F}{P\\,e_c},\\ \\frac{B}{BW\\,e_m}\\right) + C,$$

$F$ FLOPs at the achievable share $e_c$ of peak $P$, $B$ bytes at the share $e_m$ of
bandwidth $BW$, and a fixed cost $C$ no rate touches (kernel launches, operator dispatch,
all-reduces). So $e_{BW}$ is minus the share of $T$ that the memory term takes, when it
is the larger one. Read backwards (the inverse roofline), a target $T^*$ needs
$BW \\ge B / (e_m (T^* - C))$, and no bandwidth helps once $T^* \\le C$ + compute.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.catalog.zoo.efficiency import matmul_fraction, memory_stream_fraction
from mlsysim_lab.walls.analysis.sensitivity import elasticities
from mlsysim_lab.walls.node import decode_step, prefill
from mlsysim_lab.walls.node.efficiency import Profile
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
gpu, model = catalog.get_hardware('a100'), catalog.get_model('llama-3-8b')
runtime, calibrated = lab.scenario['runtime'], Profile(runtime=lab.scenario['runtime'])
batch, context, prompt = lab.scenario['batch'], lab.scenario['context'], lab.scenario['prompt']
speedup, new_gpu = lab.scenario['speedup'], catalog.get_hardware(lab.scenario['offered'])
mamf = matmul_fraction(gpu.id, 'fp16').value              # achievable share of the peak
stream = memory_stream_fraction(gpu.memory_type).value     # achievable share of bandwidth
weight_bytes = 2 * model.matmul_params_per_token           # FP16 weights every step streams
kv_bytes = model.kv_bytes_per_token()                      # per cached token, per sequence
fixed_s = decode_step(model, gpu, efficiency=calibrated).overhead_s
prefill_fixed_s = prefill(model, gpu, prompt_tokens=prompt, efficiency=calibrated).overhead_s
new_mamf = matmul_fraction(new_gpu.id, 'fp16').value
new_stream = memory_stream_fraction(new_gpu.memory_type).value
print(f"{gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 at {mamf:.0%} achievable; "
      f"{gpu.memory_bandwidth / 1e12:.3f} TB/s at {stream:.0%}.")
print(f"{model.name}: every step streams {weight_bytes / 1e9:.2f} GB of weights and reads "
      f"{kv_bytes / 1e3:.0f} kB of KV per cached token; {model.flops_per_token / 1e9:.1f} GFLOP "
      f"per token.")
print(f"Your {runtime} runtime costs {fixed_s * 1e3:.2f} ms per decode step, whatever the GPU "
      f"and batch; a prefill {prefill_fixed_s * 1e3:.2f} ms (the step's plus a request's "
      f"first-token cost).")
print(f"Offered: {new_gpu.name}, {new_gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 at "
      f"{new_mamf:.0%}; {new_gpu.memory_bandwidth / 1e12:.2f} TB/s at {new_stream:.0%}.")
"""

VERIFY = """
today = decode_step(model, gpu, batch=batch, context=context, efficiency=calibrated)
def decode_latency(x):
    moved = gpu.model_copy(update={'peak_flops': {**gpu.peak_flops, 'fp16': x['peak_flops']},
                                   'memory_bandwidth': x['memory_bandwidth']})
    return float(decode_step(model, moved, batch=batch, context=context,
                             efficiency=calibrated).latency_s)
e = elasticities(decode_latency, {'peak_flops': gpu.peak('fp16'),
                                  'memory_bandwidth': gpu.memory_bandwidth}).elasticities
added = today.compute_s + today.memory_s + today.overhead_s
print(f'decode: compute {today.compute_s * 1e3:.2f} ms, memory {today.memory_s * 1e3:.2f} ms, '
      f'fixed {today.overhead_s * 1e3:.2f} ms -> {today.latency_s * 1e3:.2f} ms per token')
print(f'tutorial: e_BW -0.88, e_FLOPS -0.06. Model (overlapped): e_BW {e["memory_bandwidth"]:+.3f}, '
      f'e_FLOPS {e["peak_flops"]:+.3f}. Were the terms added: e_FLOPS '
      f'{-today.compute_s / added:+.3f}')
ref = decode_step(model, gpu, batch=8, context=8000, efficiency=Profile(runtime='compiled'))
ref_t = ref.compute_s + ref.memory_s + ref.overhead_s
print(f"The tutorial's pair is near the added model on a compiled runtime at batch 8, context "
      f"8,000: e_BW {-ref.memory_s / ref_t:+.3f}, e_FLOPS {-ref.compute_s / ref_t:+.3f} (the "
      f"batch's FLOPs give compute a share; a small fixed cost leaves memory most of the rest). "
      f"Yours differs as your batch ({batch}) sets the FLOPs and your {runtime} runtime's "
      f"fixed cost ({today.overhead_s * 1e3:.2f} ms) dilutes both shares.")
big = decode_step('llama-3.1-70b', 'h100', batch=batch, context=context, devices=8,
                  efficiency=calibrated)
print(f'Llama 3.1 70B on 8 x H100: the all-reduces ({big.communication_s * 1e3:.2f} ms) are a '
      f'fixed cost too; memory is {big.memory_s / big.latency_s:.0%} of its step')
scales = np.geomspace(1 / 4, 16, 81)
def at(scale, phase):
    moved = gpu.model_copy(update={'memory_bandwidth': gpu.memory_bandwidth * scale})
    if phase == 'decode':
        return decode_step(model, moved, batch=batch, context=context, efficiency=calibrated)
    return prefill(model, moved, prompt_tokens=prompt, efficiency=calibrated)
decode_t = np.array([at(f, 'decode').latency_s for f in scales]) / at(1, 'decode').latency_s
prompt_t = np.array([at(f, 'prompt').latency_s for f in scales]) / at(1, 'prompt').latency_s
fig = sweep_figure(scales, {'decode step': decode_t, f'{prompt}-token prefill': prompt_t,
                            'your SLA': np.full(scales.size, 1 / speedup)},
                   xlabel=f'memory bandwidth / {gpu.name}', ylabel='latency / today',
                   logx=True, logy=True,
                   marks=[(new_gpu.name, new_gpu.memory_bandwidth / gpu.memory_bandwidth)],
                   title=f'{model.name}, {runtime} runtime: what bandwidth buys')
plt.show()
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Decode\n\nThe achievable shares are in the set-up; the runtime's fixed "
                "cost is the same at every batch."),
        *L.predict(LAB, "bw_decode",
                   "memory_s = (weight_bytes + batch * context * kv_bytes) / "
                   "(gpu.memory_bandwidth * stream)\n"
                   "bw_decode = -memory_s / (memory_s + fixed_s)", 2),
        *L.predict(LAB, "catalog_flops",
                   "compute_s = batch * model.flops_per_token / (gpu.peak('fp16') * mamf)\n"
                   "memory_s = (weight_bytes + batch * context * kv_bytes) / "
                   "(gpu.memory_bandwidth * stream)\n"
                   "share = {'added': compute_s / (compute_s + memory_s + fixed_s),  # -e_FLOPS\n"
                   "         'fixed': max(compute_s - memory_s, 0) / (memory_s + fixed_s),\n"
                   "         'ideal': max(compute_s * mamf - memory_s * stream, 0) / memory_s}\n"
                   "catalog_flops = max(share, key=share.get)", 1),
        *L.text("## 2. A prompt, and a new GPU"),
        *L.predict(LAB, "prompt_binds",
                   "parts = {'peak_flops': prompt * model.flops_per_token\n"
                   "                        / (gpu.peak('fp16') * mamf),\n"
                   "         'memory_bandwidth': weight_bytes / (gpu.memory_bandwidth * stream),\n"
                   "         'fixed_cost': prefill_fixed_s}\n"
                   "prompt_binds = max(parts, key=parts.get)", 1),
        *L.predict(LAB, "sla_verdict",
                   "memory_s = (weight_bytes + batch * context * kv_bytes) / "
                   "(gpu.memory_bandwidth * stream)\n"
                   "target = (memory_s + fixed_s) / speedup\n"
                   "compute_new = batch * model.flops_per_token / (new_gpu.peak('fp16') * new_mamf)\n"
                   "memory_new = memory_s * gpu.memory_bandwidth * stream / "
                   "(new_gpu.memory_bandwidth * new_stream)\n"
                   "there = max(compute_new, memory_new) + fixed_s\n"
                   "sla_verdict = ('meets' if there <= target else\n"
                   "               'unreachable' if fixed_s + compute_new >= target else 'short')",
                   1),
        *L.text("## Verify\n\nThe step's parts, the tutorial's elasticities beside the model's, "
                "the 70B on 8 GPUs (all-reduces join the fixed cost), and what bandwidth buys."),
        *L.code(LAB, "verify", VERIFY),
        *L.reflect(LAB, "invest",
                   "With one budget for your decode service: FLOPS, bandwidth or a compiled "
                   "runtime? Would a prompt-heavy service change the answer?",
                   "Decode is memory-bound, so FLOPS buy nothing; bandwidth buys in proportion "
                   "to the memory share of the step (the elasticity), which a large fixed cost "
                   "shrinks. On an eager runtime, compiling (CUDA graphs, a serving engine) "
                   "buys more than any GPU, and sets the floor no bandwidth can pass. Long "
                   "prompts are compute-bound: their FLOPS elasticity is near -1.", 2),
        *L.summary(LAB, "Decode's time follows **memory bandwidth** (wall 3) by the share the "
                   "weight stream takes of the step; a **fixed cost** (launches, dispatch, "
                   "all-reduces) dilutes that share and caps any bandwidth's speedup. Long "
                   "prompts follow **compute** (wall 1). Sensitivity (wall 21) says where to "
                   "invest; the inverse roofline (wall 22) whether a GPU can meet a target."),
    ]
    return L.notebook(LAB, blocks)
