"""Lab 09: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab09.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab09``."""

from mlsysim_lab.course import blocks as L

LAB = "lab09"

RECAP = """
Before buying hardware, ask how much each figure moves the result. The **elasticity** of
a latency $T$ with respect to an input $x$ is the percentage change of $T$ per percentage
change of $x$:

$$e_x = \\frac{\\partial \\ln T}{\\partial \\ln x} \\approx \\frac{\\Delta T / T}{\\Delta x / x}.$$

An elasticity of $-1$ means "1 % more $x$, 1 % less time"; $0$ means $x$ does not bind
(Saltelli et al., *Global Sensitivity Analysis: The Primer*, 2008, for local elasticities).
For the roofline of one step, with $F$ FLOPs, $B$ bytes, peak $P$ and bandwidth $BW$,

$$T = \\max\\left(\\frac{F}{P},\\ \\frac{B}{BW}\\right) \\quad\\Rightarrow\\quad
e_{BW} = \\begin{cases}-1 & \\text{memory-bound}\\\\ 0 & \\text{compute-bound}\\end{cases},
\\qquad e_P = -1 - e_{BW}.$$

A fixed cost $C$ that neither rate touches (tensor-parallel all-reduces) dilutes the
elasticity: with $T = B/BW + C$ memory-bound, $e_{BW} = -\\frac{B/BW}{T}$.

**The inverse roofline** (synthesis) reads the same equation backwards: to meet a
per-step latency target $T^*$, a device needs at least

$$BW \\ge \\frac{B}{T^* - C}, \\qquad P \\ge \\frac{F}{T^* - C}, \\qquad
\\text{capacity} \\ge \\text{footprint},$$

and no bandwidth or FLOPS at all helps when $T^* \\le C$.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.walls.analysis.sensitivity import step_sensitivity
from mlsysim_lab.walls.analysis.synthesis import required_hardware
from mlsysim_lab.walls.node import decode_step, prefill
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
gpu = catalog.get_hardware('a100')
model = catalog.get_model('llama-3-8b')
big_model = catalog.get_model('llama-3.1-70b')
big_gpu, big_devices = catalog.get_hardware('h100'), 8
batch, context = lab.scenario['batch'], lab.scenario['context']
speedup, offered = lab.scenario['speedup'], catalog.get_hardware(lab.scenario['offered'])
prefill_batch = 8                      # 'large-batch prefill': this many prompts at once
today = decode_step(model, gpu, batch=batch, context=context)
sla_s = today.latency_s / speedup      # the per-token SLA the product asks for
print(f"{model.name} decodes on an {gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 "
      f"(dense), {gpu.memory_bandwidth / 1e12:.2f} TB/s.")
print(f"Your decode: batch {batch}, {context:,} tokens of context; today "
      f"{today.latency_s * 1e3:.2f} ms per token.")
print(f"{big_model.name} decodes on {big_devices} x {big_gpu.name} with tensor parallelism.")
print(f"The product wants {speedup}x faster tokens from {model.name}: a per-token SLA of "
      f"{sla_s * 1e3:.2f} ms. The GPU you are offered: {offered.name}.")
"""

DECODE_TABLE = """
d = step_sensitivity(model, gpu, phase='decode', batch=batch, tokens=context)
step = decode_step(model, gpu, batch=batch, context=context)
for name, value in d.elasticities.items():
    print(f'{name:18s} {value:+.3f}')
print(f'compute {step.compute_s * 1e3:.3f} ms vs memory {step.memory_s * 1e3:.3f} ms: '
      f'{step.bottleneck}-bound; dominant input: {d.dominant}')
"""

PREFILL_TABLE = """
p = step_sensitivity(model, gpu, phase='prefill', batch=prefill_batch, tokens=context)
step = prefill(model, gpu, batch=prefill_batch, prompt_tokens=context)
for name, value in p.elasticities.items():
    print(f'{name:18s} {value:+.3f}')
hardware = min(('peak_flops', 'memory_bandwidth'), key=lambda name: p.elasticities[name])
print(f'compute {step.compute_s * 1e3:.1f} ms vs memory {step.memory_s * 1e3:.1f} ms: '
      f'{step.bottleneck}-bound. Among the hardware figures {hardware} binds; the batch and the '
      f'tokens (elasticities near +1: twice the prompts, twice the FLOPs) set the work itself.')
"""

SCALE_PLOT = """
scales = np.geomspace(1 / 32, 8, 121)
decode_t, prefill_t = [], []
for f in scales:
    faster = gpu.model_copy(update={'memory_bandwidth': gpu.memory_bandwidth * f})
    decode_t.append(decode_step(model, faster, batch=batch, context=context).latency_s)
    prefill_t.append(prefill(model, faster, batch=prefill_batch, prompt_tokens=context).latency_s)
decode_t, prefill_t = np.array(decode_t), np.array(prefill_t)
need = required_hardware(model, gpu, latency_target_s=sla_s, batch=batch, tokens=context)
fig = sweep_figure(scales, {'decode step / today': decode_t / today.latency_s,
                            f'prefill of {prefill_batch} prompts / today':
                                prefill_t / prefill(model, gpu, batch=prefill_batch,
                                                    prompt_tokens=context).latency_s,
                            'decode SLA': np.full(scales.size, 1 / speedup)},
                   xlabel=f'memory bandwidth / {gpu.name} bandwidth', ylabel='latency / today',
                   logx=True, logy=True,
                   marks=[('SLA met from here', need.min_bandwidth / gpu.memory_bandwidth),
                          (offered.name, offered.memory_bandwidth / gpu.memory_bandwidth)],
                   title=f'{model.name}: what more bandwidth buys')
plt.show()
"""

BIG_BREAKDOWN = """
big = decode_step(big_model, big_gpu, batch=batch, context=context, devices=big_devices)
print(f'per GPU: compute {big.compute_s * 1e3:.3f} ms, memory {big.memory_s * 1e3:.3f} ms, '
      f'all-reduces over NVLink {big.communication_s * 1e3:.3f} ms; '
      f'step {big.latency_s * 1e3:.3f} ms')
print(f'share of the step that bandwidth moves: {big.memory_s / big.latency_s:.3f}')
"""

FAILURE = """
big = decode_step(big_model, big_gpu, batch=batch, context=context, devices=big_devices)
target = 0.9 * big.communication_s          # 10 % below what the all-reduces alone take
need = required_hardware(big_model, big_gpu, latency_target_s=target, batch=batch,
                         tokens=context, devices=big_devices)
if not need.achievable:
    show(FailureBanner('SLA OUT OF REACH',
         f'A per-token target of {target * 1e3:.2f} ms for {big_model.name} on {big_devices} x '
         f'{big_gpu.name} is below the {big.communication_s * 1e3:.2f} ms its tensor-parallel '
         f'all-reduces take, so no finite bandwidth or FLOPS meets it (required_hardware: '
         f'achievable = {need.achievable}, least bandwidth {need.min_bandwidth}). Only a faster '
         f'interconnect, fewer GPUs per replica or a smaller model moves that floor.'))
try:
    step_sensitivity(big_model, big_gpu, phase='decode', batch=batch, tokens=context, devices=1)
except ValueError as error:
    one = decode_step(big_model, big_gpu, batch=batch, context=context, devices=1)
    show(FailureBanner('OUT OF MEMORY',
         f'On one {big_gpu.name} the {big_model.name} step needs {one.memory_bytes / 1e9:.0f} GB '
         f'of {one.capacity_bytes / 1e9:.0f} GB; step_sensitivity refuses: {error}.'))
"""

SPEEDUP_PLOT = """
targets = np.linspace(1, 8, 141)
big = decode_step(big_model, big_gpu, batch=batch, context=context, devices=big_devices)
small_bw = [required_hardware(model, gpu, latency_target_s=today.latency_s / x, batch=batch,
                              tokens=context).min_bandwidth for x in targets]
big_bw = [required_hardware(big_model, big_gpu, latency_target_s=big.latency_s / x, batch=batch,
                            tokens=context, devices=big_devices).min_bandwidth for x in targets]
big_bw = np.where(np.isfinite(big_bw), big_bw, np.nan)
fig = sweep_figure(targets, {f'{model.name} on one GPU': np.array(small_bw) / 1e12,
                             f'{big_model.name} on {big_devices} GPUs (per GPU)': big_bw / 1e12},
                   xlabel='speedup asked of today\\'s per-token latency',
                   ylabel='least bandwidth per GPU (TB/s)', logy=True,
                   marks=[('all-reduce floor', big.latency_s / big.communication_s),
                          ('your speedup', speedup)],
                   title='The inverse roofline: bandwidth a speedup needs')
plt.show()
"""

CANDIDATES = """
need = required_hardware(model, gpu, latency_target_s=sla_s, batch=batch, tokens=context)
print(f'SLA {sla_s * 1e3:.2f} ms per token: at least {need.min_bandwidth / 1e12:.2f} TB/s and '
      f'{need.min_peak_flops / 1e12:.1f} TFLOP/s per GPU, {need.min_capacity / 1e9:.1f} GB.')
for candidate in ('a100', 'h100', 'h200', 'b200', 'mi300x'):
    r = required_hardware(model, candidate, latency_target_s=sla_s, batch=batch, tokens=context)
    spec = catalog.get_hardware(candidate)
    verdict = 'meets it' if r.reference_meets_target else 'short of ' + ', '.join(r.upgrade_needed)
    print(f'{spec.name:32s} {spec.memory_bandwidth / 1e12:5.2f} TB/s '
          f'{spec.peak("fp16") / 1e12:6.0f} TFLOP/s: {verdict}')
"""

PANEL = """
def describe(speedup_percent, candidate):
    target = today.latency_s * 100 / speedup_percent
    r = required_hardware(model, candidate, latency_target_s=target, batch=batch, tokens=context)
    verdict = ('meets it' if r.reference_meets_target
               else 'falls short (' + ', '.join(r.upgrade_needed) + ')')
    return (f'{speedup_percent / 100:.2f}x faster ({target * 1e3:.2f} ms per token): needs '
            f'{r.min_bandwidth / 1e12:.2f} TB/s; {catalog.get_hardware(candidate).name} {verdict}')
others = [catalog.get_hardware(c).id for c in ('a100', 'h100', 'h200', 'b200', 'mi300x')]
show(ParameterPanel({'speedup_percent': (100, 500, 25, int(speedup * 100)),
                     'candidate': [offered.id] + [c for c in others if c != offered.id]},
                    describe))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Decode: which figure moves the time?\n\n`step_sensitivity` perturbs one "
                "input at a time by a tiny factor in log space and reports "
                "$\\Delta \\ln T / \\Delta \\ln x$ for the GPU's peak FLOPS and memory "
                "bandwidth and for the workload's batch and tokens."),
        *L.predict(LAB, "bw_decode",
                   "bw_decode = step_sensitivity(model, gpu, phase='decode', batch=batch, "
                   "tokens=context).elasticities['memory_bandwidth']", 1),
        *L.predict(LAB, "flops_decode",
                   "flops_decode = step_sensitivity(model, gpu, phase='decode', batch=batch, "
                   "tokens=context).elasticities['peak_flops']", 1),
        *L.predict(LAB, "dominant_decode",
                   "dominant_decode = step_sensitivity(model, gpu, phase='decode', "
                   "batch=batch, tokens=context).dominant", 1),
        *L.code(LAB, "decode-table", DECODE_TABLE),
        *L.implement(LAB, "elasticity_fn",
                     "def bw_elasticity(flops, bytes_moved, peak_flops, bandwidth):\n"
                     "    memory, compute = bytes_moved / bandwidth, flops / peak_flops\n"
                     "    if memory > compute:\n"
                     "        return -1.0\n"
                     "    return 0.0 if memory < compute else -0.5", 2),
        *L.text("## 2. Large-batch prefill\n\nNow the prefill of 8 prompts of your context "
                "length at once: every weight read is shared by thousands of tokens."),
        *L.predict(LAB, "flops_prefill",
                   "flops_prefill = step_sensitivity(model, gpu, phase='prefill', "
                   "batch=prefill_batch, tokens=context).elasticities['peak_flops']", 1),
        *L.predict(LAB, "bw_prefill",
                   "bw_prefill = step_sensitivity(model, gpu, phase='prefill', "
                   "batch=prefill_batch, tokens=context).elasticities['memory_bandwidth']", 1),
        *L.code(LAB, "prefill-table", PREFILL_TABLE),
        *L.text("Scale the A100's bandwidth alone (a copy of its spec with `model_copy`) and "
                "watch both phases: decode time falls in proportion, prefill does not move "
                "until memory becomes slower than compute. The horizontal line is your SLA; "
                "the first mark is where decode meets it."),
        *L.code(LAB, "scale-plot", SCALE_PLOT),
        *L.text("## 3. Eight GPUs and a fixed cost\n\nThe 70B model is split over 8 H100s: "
                "each GPU streams an eighth of the weights, then the GPUs all-reduce the "
                "activations over NVLink twice per layer. Memory bandwidth shortens the first "
                "part only."),
        *L.predict(LAB, "bw_decode_70b",
                   "bw_decode_70b = step_sensitivity(big_model, big_gpu, phase='decode', "
                   "batch=batch, tokens=context, devices=big_devices)"
                   ".elasticities['memory_bandwidth']", 1),
        *L.code(LAB, "big-breakdown", BIG_BREAKDOWN),
        *L.predict(LAB, "max_speedup_70b",
                   "big = decode_step(big_model, big_gpu, batch=batch, context=context, "
                   "devices=big_devices)\n"
                   "max_speedup_70b = big.latency_s / (big.communication_s + big.overhead_s)", 1),
        *L.code(LAB, "failure", FAILURE),
        *L.text("## 4. The inverse roofline\n\n`required_hardware(model, reference, "
                "latency_target_s=...)` returns the least bandwidth, FLOPS and capacity per "
                "GPU that meet a per-step target, and which figures of the reference GPU fall "
                "short. Your SLA is today's A100 latency divided by your speedup (printed in "
                "the set-up)."),
        *L.predict(LAB, "min_bandwidth",
                   "min_bandwidth = required_hardware(model, gpu, latency_target_s=sla_s, "
                   "batch=batch, tokens=context).min_bandwidth / 1e12", 2),
        *L.predict(LAB, "offered_falls_short",
                   "short = required_hardware(model, offered, latency_target_s=sla_s, "
                   "batch=batch, tokens=context).upgrade_needed\n"
                   "offered_falls_short = short[0] if short else 'none'", 1),
        *L.code(LAB, "candidates", CANDIDATES),
        *L.code(LAB, "speedup-plot", SPEEDUP_PLOT),
        *L.text("### Explore\n\nAsk for another speedup or another GPU (in plain mode this "
                "prints one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "invest",
                   "You have one budget for your Llama 3 8B decode service. In two or three "
                   "sentences: should it buy FLOPS or bandwidth, and would your answer change "
                   "for a service dominated by long prompts?",
                   "Decode is memory-bound: its bandwidth elasticity is -1 and its FLOPS "
                   "elasticity 0, so only bandwidth (or fewer bytes: quantization, a smaller "
                   "KV cache) shortens each token, and the SLA needs bandwidth in proportion "
                   "to the speedup. Large-batch prefill is the mirror image: FLOPS elasticity "
                   "-1, bandwidth 0, so a prompt-heavy service should buy FLOPS.", 2),
        *L.reflect(LAB, "fixed-cost",
                   "Why is the 70B's bandwidth elasticity smaller in magnitude than -1, and "
                   "why does that put a ceiling on the speedup faster memory can buy?",
                   "Part of each step is the tensor-parallel all-reduces, a fixed cost that "
                   "memory bandwidth does not touch; the elasticity is minus the share of the "
                   "step that streaming memory takes. As bandwidth grows the memory part "
                   "shrinks towards zero and the step tends to the communication time, so the "
                   "speedup is capped at step / communication, and a target below the "
                   "communication time cannot be met by any bandwidth or FLOPS.", 2),
        *L.summary(LAB, "**Memory bandwidth** (wall 3) binds decode: the elasticity with respect to "
                   "bandwidth is -1 and to FLOPS 0, so more FLOPS buys nothing and a per-token "
                   "SLA needs bandwidth in proportion to the speedup. **Compute throughput** "
                   "(wall 1) binds large-batch prefill, with the elasticities swapped. On 8 "
                   "GPUs a fixed **communication** cost dilutes the bandwidth elasticity and "
                   "caps the speedup any memory can buy. Sensitivity (wall 21) says where to "
                   "invest; the inverse roofline (wall 22) says how much, and whether a given "
                   "GPU is enough."),
    ]
    return L.notebook(LAB, blocks)
