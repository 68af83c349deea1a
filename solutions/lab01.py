"""Lab 01: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab01.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab01``."""

from mlsysim_lab.course import blocks as L

LAB = "lab01"

RECAP = """
A decode step generates one token for each of the $B$ sequences in a batch. In FP16 it
reads every weight once ($W$ bytes, shared by the batch) and does 2 FLOPs per weight per
token ($B \\times W$ FLOPs); each sequence adds its KV cache and activations ($s$ bytes).
Its time is the slower bound (Williams, Waterman & Patterson, CACM 2009):

$$t = \\max\\left(\\frac{B\\,W}{\\text{peak FLOP/s}},\\ \\frac{W + B\\,s}{\\text{bandwidth}}\\right).$$

A GPU upgrade changes the two denominators by different factors. Which one do you get?
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.explain import explain
from mlsysim_lab.walls.node import decode_step, first_compute_bound_batch
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
old_id, new_id = (part.strip() for part in lab.scenario['upgrade'].split('->'))
old, new = catalog.get_hardware(old_id), catalog.get_hardware(new_id)
model = catalog.get_model(lab.scenario['model'])
batch, context = lab.scenario['batch'], 32
print("You replace the old GPU with the new one and serve the same model on it.")
for label, gpu in (('old', old), ('new', new)):
    print(f"  {label}: {gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), "
          f"{gpu.memory_bandwidth / 1e12:.2f} TB/s, {gpu.memory_capacity / 1e9:.0f} GB")
print(f"{model.name}, FP16: W = {2 * model.matmul_params_per_token / 1e9:.2f} GB of weights "
      f"read per step; per sequence {model.kv_bytes_per_token(2) / 1024:.0f} KiB of KV cache for "
      f"each of its context + 1 tokens and {2 * model.activation_elements_per_token / 1e6:.2f} MB "
      f"of activations")
print(f"Your service decodes a batch of {batch}, {context} tokens cached per sequence.")
print(f"Your question: from {old.name} to {new.name}, FLOPS and bandwidth change by different "
      f"factors. Which factor, if either, is your speedup?")
"""

TIME_PER_TOKEN = """
batches = np.arange(1, 4097)
series, marks = {}, []
for gpu in (old, new):
    sweep = decode_step(model, gpu, batch=batches, context=context)
    series[gpu.name] = sweep.latency_s / batches * 1e3      # NaN where it does not fit
    marks.append((f'{gpu.name} turns compute-bound', first_compute_bound_batch(model, gpu, context=context)))
ratio = series[old.name] / series[new.name]
last = np.flatnonzero(np.isfinite(ratio))[-1]
print(f"Speedup: {ratio[0]:.2f}x at batch 1, {ratio[last]:.2f}x at batch {batches[last]} (bandwidth "
      f"ratio {new.memory_bandwidth / old.memory_bandwidth:.2f}x, FLOPS ratio "
      f"{new.peak('fp16') / old.peak('fp16'):.2f}x)")
fig = sweep_figure(batches, series, xlabel='batch', ylabel='ms per generated token',
                   logx=True, logy=True, marks=marks,
                   title=f'{model.name} decode, {context} tokens of context')
plt.show()
"""

PANEL = """
def crossovers(context):
    lines = []
    for gpu in (old, new):
        first = first_compute_bound_batch(model, gpu, context=context)
        lines.append(f'{gpu.name}: compute-bound from batch {first:.0f}' if first == first
                     else f'{gpu.name}: memory-bound at every batch that fits')
    return f'context {context} tokens. ' + '; '.join(lines)
from mlsysim_lab.widgets import plain_mode
contexts = [32, 128, 512, 2048]
if plain_mode():                     # no controls: print every setting
    for c in contexts:
        print(crossovers(c))
else:
    show(ParameterPanel({'context': contexts}, crossovers))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. What the upgrade buys\n\nCompute both bounds on each GPU from the "
                "figures above."),
        *L.predict(LAB, "speedup",
                   "weights = 2 * model.matmul_params_per_token        # W, bytes (= FLOPs per token)\n"
                   "per_sequence = (context + 1) * model.kv_bytes_per_token(2) + 2 * model.activation_elements_per_token\n"
                   "def step_time(gpu):\n"
                   "    return max(batch * weights / gpu.peak('fp16'),\n"
                   "               (weights + batch * per_sequence) / gpu.memory_bandwidth)\n"
                   "speedup = step_time(old) / step_time(new)", 2),
        *L.predict(LAB, "speedup_follows",
                   "compute_bound = batch * weights / new.peak('fp16') > "
                   "(weights + batch * per_sequence) / new.memory_bandwidth\n"
                   "speedup_follows = 'flops' if compute_bound else 'bandwidth'", 1),
        *L.text("The differential explainer compares the two steps bound by bound:"),
        *L.code(LAB, "explain",
                "a = decode_step(model, old, batch=batch, context=context)\n"
                "b = decode_step(model, new, batch=batch, context=context)\n"
                "print(explain(a, b, label_a=old.name, label_b=new.name).text)\n"
                "# the tutorial's question: A100 -> H100, Llama-3-8B at batch 1\n"
                "a100, h100 = catalog.get_hardware('a100-80gb-sxm'), catalog.get_hardware('h100-sxm')\n"
                "llama = catalog.get_model('llama-3-8b')\n"
                "gain = (decode_step(llama, a100, batch=1, context=context).latency_s\n"
                "        / decode_step(llama, h100, batch=1, context=context).latency_s)\n"
                "flops = h100.peak('fp16') / a100.peak('fp16')\n"
                "print(f\"A public tutorial asks why {flops:.1f}x more FLOPS (A100 -> H100) does not give \"\n"
                "      f\"{flops:.1f}x: at batch 1 the model gains {gain:.2f}x, the bandwidth ratio \"\n"
                "      f\"({h100.memory_bandwidth / a100.memory_bandwidth:.2f}x).\")"),
        *L.text("## 2. Batching until compute binds\n\nThe intensity $BW/(W + Bs)$ grows with "
                "the batch. At which batch does it reach each GPU's ridge point?"),
        *L.predict(LAB, "crossover_old",
                   "def first_batch(gpu):     # the batch where B W / (W + B s) reaches the ridge\n"
                   "    ridge = gpu.peak('fp16') / gpu.memory_bandwidth\n"
                   "    return int(ridge * weights / (weights - ridge * per_sequence)) + 1\n"
                   "crossover_old = first_batch(old)", 2),
        *L.predict(LAB, "crossover_new", "crossover_new = first_batch(new)", 2),
        *L.predict(LAB, "crossover_shift",
                   "change = crossover_new / crossover_old\n"
                   "crossover_shift = 'same' if abs(change - 1) <= 0.1 else "
                   "('new' if change > 1 else 'old')", 1),
        *L.text("### Time per token as the batch grows\n\nThe gap between the curves is the "
                "speedup: watch it move from one datasheet ratio to the other."),
        *L.code(LAB, "time-per-token", TIME_PER_TOKEN),
        *L.text("### Explore: a longer context\n\nEach sequence's KV cache grows with its "
                "context: watch the crossovers move (in plain mode this prints every context)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "datasheet",
                   "A colleague promises that the chat service, which decodes one user at a "
                   "time, will speed up by the peak-FLOPS ratio of your upgrade. What will it "
                   "see, and when would the promise hold?",
                   "About the bandwidth ratio: at batch 1 each token reads every weight for "
                   "2 FLOPs per weight, so memory binds on both GPUs and the extra FLOPS sit "
                   "idle. The promise holds only at batches past both GPUs' crossovers, where "
                   "compute binds on both.", 2),
        *L.summary(LAB, "An upgrade's speedup is the ratio of the bound that binds on both "
                   "GPUs: bandwidth while the batch is below the crossover, FLOPS above it. "
                   "The crossover grows with the ridge point, so the GPU with the higher "
                   "FLOPS / bandwidth needs the larger batch."),
    ]
    return L.notebook(LAB, blocks)
