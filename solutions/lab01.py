"""Lab 01: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab01.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab01``."""

from mlsysim_lab.course import blocks as L

LAB = "lab01"

RECAP = """
A step takes as long as its slowest bound (Williams, Waterman & Patterson, CACM 2009):

$$t = \\max\\left(\\frac{\\text{FLOPs}}{\\text{peak FLOP/s}},\\ \\frac{\\text{bytes}}{\\text{bandwidth}}\\right).$$

One **decode step** of an LLM with $N$ parameters generates one token for each of the
$B$ sequences in a batch. It does about $2NB$ FLOPs (one multiply-accumulate per
parameter per token), but it reads every weight once, shared by the whole batch, plus each
sequence's KV cache:

$$\\text{bytes} \\approx N\\,b + B \\times \\text{context} \\times \\text{KV bytes per token},$$

with $b$ bytes per parameter. At batch 1 the weights dominate the bytes and the step time
is close to the **memory-bandwidth bound** $t \\approx N b / \\text{bandwidth}$: the
GPU's FLOPS hardly matter. As the batch grows the FLOPs grow and the weight bytes do
not, so the arithmetic intensity rises (about $2B/b$ FLOP/byte while the KV cache is
small) until it crosses the GPU's **ridge point** peak / bandwidth, and compute binds.

A GPU upgrade changes both denominators, by different factors. This lab asks which of the
two factors you actually get.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.explain import explain
from mlsysim_lab.formatting import duration
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.node import decode_step, first_compute_bound_batch
from mlsysim_lab.widgets.plots import roofline_figure, sweep_figure
import numpy as np
old = catalog.get_hardware('a100')
new = catalog.get_hardware(lab.scenario['new_gpu'])
model = catalog.get_model(lab.scenario['model'])
weight_bytes = scheme('fp16').weight_bytes
print(f"You are replacing the {old.name} with the {new.name}.")
for gpu in (old, new):
    print(f"  {gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), "
          f"{gpu.memory_bandwidth / 1e12:.2f} TB/s, {gpu.memory_capacity / 1e9:.0f} GB")
print(f"{model.name}: {model.total_params / 1e9:.2f} B parameters, "
      f"{model.total_params * weight_bytes / 1e9:.1f} GB of FP16 weights")
"""

CROSSOVER = "{name} = first_compute_bound_batch(model, {gpu}, context=32)"

TIME_PER_TOKEN = """
batches = np.arange(1, 4097)
series, marks = {}, []
for gpu in (old, new):
    sweep = decode_step(model, gpu, batch=batches, context=32)
    series[gpu.name] = sweep.latency_s / batches * 1e3      # NaN where it does not fit
    first = first_compute_bound_batch(model, gpu, context=32)
    marks.append((f'{gpu.name} turns compute-bound', first))
ratio = series[old.name] / series[new.name]
print(f"Speedup of the {new.name} over the {old.name}: {ratio[0]:.2f}x at batch 1, "
      f"{np.nanmax(ratio):.2f}x at best (bandwidth ratio "
      f"{new.memory_bandwidth / old.memory_bandwidth:.2f}x, FLOPS ratio "
      f"{new.peak('fp16') / old.peak('fp16'):.2f}x)")
fig = sweep_figure(batches, series, xlabel='batch', ylabel='ms per generated token',
                   logx=True, logy=True, marks=marks,
                   title=f'{model.name} decode, 32 tokens of context')
plt.show()
"""

ROOFLINE = """
old_first = int(first_compute_bound_batch(model, old, context=32))
new_first = int(first_compute_bound_batch(model, new, context=32))
points = [(f'batch {b}', float(decode_step(model, new, batch=b, context=32).arithmetic_intensity))
          for b in (1, old_first, new_first)]
print(f"Batch {old_first} is where the {old.name} turns compute-bound; on the {new.name} "
      f"(ridge {new.ridge_point('fp16'):.0f} FLOP/B) it sits at {points[1][1]:.0f} FLOP/B, and "
      f"batch {new_first} is needed to cross.")
fig = roofline_figure(new.id, 'fp16', points)
plt.show()
"""

PANEL = """
def crossovers(context):
    batches = np.arange(1, 8193)
    lines = []
    for gpu in (old, new):
        sweep = decode_step(model, gpu, batch=batches, context=context)
        compute = np.flatnonzero((sweep.bottleneck == 'compute') & sweep.feasible)
        fits = int(batches[sweep.feasible].max()) if sweep.feasible.any() else 0
        lines.append(f'{gpu.name}: compute-bound from batch {batches[compute[0]]}' if compute.size
                     else f'{gpu.name}: memory-bound at every batch that fits (up to {fits})')
    return f'context {context} tokens. ' + '; '.join(lines)
show(ParameterPanel({'context': [32, 128, 512, 2048]}, crossovers))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. The datasheet ratio\n\nVendors lead with peak FLOPS. Using the figures "
                "printed above, how many times the A100's dense FP16 peak does your new GPU "
                "offer?"),
        *L.predict(LAB, "flops_ratio", "flops_ratio = new.peak('fp16') / old.peak('fp16')", 1),
        *L.text("## 2. What the upgrade buys at batch 1\n\nOne user chats with the model "
                "alone: batch 1, FP16 weights, 1,024 tokens of context. Each generated token "
                "is one decode step. How much faster is a step on the new GPU?"),
        *L.predict(LAB, "speedup",
                   "speedup = (decode_step(model, old, batch=1, context=1024).latency_s\n"
                   "           / decode_step(model, new, batch=1, context=1024).latency_s)", 2),
        *L.predict(LAB, "speedup_follows",
                   "step = decode_step(model, new, batch=1, context=1024)\n"
                   "speedup_follows = 'bandwidth' if step.bottleneck == 'memory' else 'flops'", 1),
        *L.text("The differential explainer compares the two steps bound by bound and says "
                "which one sets the speedup:"),
        *L.code(LAB, "explain",
                "a = decode_step(model, old, batch=1, context=1024)\n"
                "b = decode_step(model, new, batch=1, context=1024)\n"
                "print(explain(a, b, label_a=old.name, label_b=new.name).text)"),
        *L.text("### The bound you can compute on a napkin\n\nIf memory binds and the "
                "weights are most of the bytes, one token costs at least the time to read "
                "every weight it multiplies once."),
        *L.implement(LAB, "decode_bound_fn",
                     "def decode_time_lower_bound(params, bytes_per_param, bandwidth):\n"
                     "    return params * bytes_per_param / bandwidth", 2),
        *L.code(LAB, "bound-check",
                "streamed = model.matmul_params_per_token\n"
                "print(f'{model.name}: {streamed / 1e9:.2f} B of its {model.total_params / 1e9:.2f} B '\n"
                "      'parameters are matmul weights read every step (the embedding table is only '\n"
                "      'looked up, one row per token)')\n"
                "for gpu in (old, new):\n"
                "    bound = streamed * weight_bytes / gpu.memory_bandwidth\n"
                "    step = decode_step(model, gpu, batch=1, context=1024)\n"
                "    print(f'{gpu.name}: weights / bandwidth = {duration(bound)}, solver '\n"
                "          f'{duration(step.latency_s)} per token ({step.latency_s / bound:.3f}x '\n"
                "          f'the bound; the rest is the KV cache and activations)')"),
        *L.text("## 3. Batching until compute binds\n\nA serving system puts many users in one "
                "decode step: the weights are read once for the whole batch while the FLOPs "
                "grow with it. Take a short context (32 tokens) so that the KV cache stays a "
                "small part of the traffic, and sweep the batch (pass a numpy array as "
                "`batch=`). A batch counts only if it fits in memory (`.feasible`)."),
        *L.predict(LAB, "crossover_old", CROSSOVER.format(gpu="old", name="crossover_old"), 2),
        *L.predict(LAB, "crossover_new", CROSSOVER.format(gpu="new", name="crossover_new"), 2),
        *L.predict(LAB, "crossover_shift",
                   "change = (first_compute_bound_batch(model, new, context=32)\n"
                   "          / first_compute_bound_batch(model, old, context=32))\n"
                   "crossover_shift = 'same' if abs(change - 1) <= 0.1 else "
                   "('new' if change > 1 else 'old')", 1),
        *L.text("### Time per token as the batch grows\n\nPer generated token, a bigger batch "
                "is cheaper while memory binds (the weight read is shared) and flattens once "
                "compute binds. The gap between the two curves is the speedup you get: watch "
                "it move from one datasheet ratio to the other."),
        *L.code(LAB, "time-per-token", TIME_PER_TOKEN),
        *L.text("### The same story on the new GPU's roofline\n\nThe batch that saturates the "
                "A100 is plotted on the new GPU's roofline, with batch 1 and the batch the new GPU needs."),
        *L.code(LAB, "roofline", ROOFLINE),
        *L.text("### Explore: a longer context\n\nThe KV cache is read per sequence, so it "
                "grows with the batch just like the FLOPs. Pick a longer context and watch the "
                "crossover move (in plain mode this prints one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "datasheet",
                   "A colleague reads the new GPU's datasheet and promises that the chat "
                   "service, which decodes one user at a time, will get faster by the peak-FLOPS "
                   "ratio. In two or three sentences: what speedup will it actually see, and "
                   "why?",
                   "About the memory-bandwidth ratio, not the FLOPS ratio. At batch 1 each "
                   "token reads every weight once and does only about 2 FLOPs per weight, so "
                   "the step waits on memory: the compute bound is far below the memory bound "
                   "on both GPUs and making it even smaller changes nothing.", 2),
        *L.reflect(LAB, "ridge",
                   "Why does the newer GPU need a larger batch before decode turns "
                   "compute-bound, and what does that mean for a serving system that wants to "
                   "use its FLOPS?",
                   "The crossover sits near the ridge point, peak FLOPS / bandwidth, and FLOPS "
                   "grew faster than bandwidth, so the ridge moved right: each weight byte read "
                   "must now be shared by more tokens. A serving system has to batch more "
                   "concurrent users (and hold their KV caches) to leave the memory wall; "
                   "with long contexts the KV reads grow with the batch and it may never get "
                   "there.", 2),
        *L.summary(LAB, "At batch 1, decode is bound by **memory bandwidth** on both GPUs: every "
                   "token streams all the weights for about 2 FLOPs per weight, so an upgrade "
                   "speeds it up by the bandwidth ratio and its extra FLOPS sit idle. Only "
                   "batching shares the weight read among enough tokens to reach the ridge "
                   "point; because FLOPS grew faster than bandwidth, the newer GPU's ridge, "
                   "and so the batch it needs, is higher: its **compute throughput** binds "
                   "only at large batches with short contexts."),
    ]
    return L.notebook(LAB, blocks)
