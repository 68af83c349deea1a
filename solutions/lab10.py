"""Lab 10: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab10.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab10``."""

from mlsysim_lab.course import blocks as L

LAB = "lab10"

RECAP = """
A GPU keeps the weights in HBM beside the chip: a decode step waits for HBM to deliver
them. A **wafer-scale** system has no HBM (Cerebras, "Weight Streaming Execution Mode",
2021; Lie, Hot Chips 34, 2022); where the weights live decides its regime:

* **resident**: the weights fit the SRAM of $N$ wafers. The $L$ layers sit side by side,
  each on $1/L$ of the wafers, and the $B$ sequences follow each other through them:
  $t = (B + L - 1)\\,\\max\\left(\\frac{F_\\text{seq}}{N\\,\\text{peak}},\\
  \\frac{W_\\text{seq}}{N\\,BW_\\text{SRAM}}\\right)$, with $F_\\text{seq}$ one sequence's
  FLOPs (2 per active parameter, plus attention over the context) and $W_\\text{seq}$ the
  weight bytes it passes (a mixture of experts: the experts the batch touches), plus
  $N - 1$ hops of the batch's activations ($B \times$ width $\times$ 2 bytes) over the
  links between wafers, at the injection bandwidth;
* **streamed**: they do not fit, and every step pulls all of them through one wafer's
  injection link: $t \\approx W / B_\\text{inject}$.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.walls.node import decode_step
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
gpu, wafer = catalog.get_hardware('h100'), catalog.get_hardware('cerebras-cs2')
model = catalog.get_model(lab.scenario['model'])
wafers, batch, context = lab.scenario['wafers'], lab.scenario['batch'], lab.scenario['context']
print(f"{model.name}: {model.total_params / 1e9:.1f} B parameters "
      f"({model.active_params / 1e9:.1f} B active per token) in {model.layers} layers, "
      f"width {model.hidden:,}, FP16.")
print(f"{wafer.name}: {wafer.peak('fp16') / 1e15:.2f} PFLOP/s, "
      f"{wafer.memory_capacity / 1e9:.0f} GB of SRAM at {wafer.memory_bandwidth / 1e15:.0f} PB/s, "
      f"injection link "
      f"{wafer.injection_bandwidth / 1e9:.0f} GB/s. Yours: {wafers} wafer(s).")
print(f"8 x {gpu.name}: {8 * gpu.memory_bandwidth / 1e12:.1f} TB/s of HBM together. "
      f"Your decode: batch {batch}, {context:,} tokens of context.")
"""

VERIFY = """
rows = []
for n in (1, 2, 4, 8):
    try:
        r = decode_step(model, wafer, batch=batch, context=context, devices=n)
        rows.append(f'{n} wafer(s): {float(r.latency_s) * 1e3:8.3f} ms, {r.binding_wall}; '
                    f'{r.regime}')
    except ValueError as error:
        rows.append(f'{n} wafer(s): refused: {error}')
g = decode_step(model, gpu, batch=batch, context=context, devices=8)
print('\\n'.join(rows))
print(f'8 x {gpu.name}: {float(g.latency_s) * 1e3:.3f} ms, {g.binding_wall}')
batches = np.arange(1, 65)
here = decode_step(model, wafer, batch=batches, context=context, devices=wafers).latency_s
there = decode_step(model, gpu, batch=batches, context=context, devices=8).latency_s
fig = sweep_figure(batches, {f'{wafers} wafer(s)': here * 1e3, f'8 x {gpu.name}': there * 1e3},
                   xlabel='decode batch', ylabel='step time (ms)', logy=True,
                   title=f'{model.name}: decode step against the batch')
plt.show()
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.predict(LAB, "wafers_needed",
                   "wafers_needed = int(np.ceil(2 * model.total_params\n"
                   "                            / wafer.memory_capacity))",
                   1),
        *L.predict(LAB, "wafer_wall",
                   "resident = wafers * wafer.memory_capacity >= 2 * model.total_params\n"
                   "touched = model.expected_experts_touched(batch) if model.is_moe else 1\n"
                   "weights = 2 * (model.total_params - (model.experts - touched)\n"
                   "               * model.layers * model.mlp_params_per_expert)\n"
                   "flops = (2 * model.active_params\n"
                   "         + model.attention_flops_per_position * context)\n"
                   "wafer_wall = ('weight streaming' if not resident else 'compute throughput'\n"
                   "              if flops / wafer.peak('fp16') > weights / wafer.memory_bandwidth\n"
                   "              else 'memory bandwidth')", 1),
        *L.predict(LAB, "wafer_time",
                   "stage = max(flops / wafer.peak('fp16'), weights / wafer.memory_bandwidth)\n"
                   "hops = (wafers - 1) * batch * model.hidden * 2 / wafer.injection_bandwidth\n"
                   "wafer_s = ((batch + model.layers - 1) * stage / wafers + hops if resident\n"
                   "           else 2 * model.total_params / wafer.injection_bandwidth)\n"
                   "wafer_time = wafer_s * 1e3", 2),
        *L.predict(LAB, "faster",
                   "gpu_s = 2 * model.total_params / (8 * gpu.memory_bandwidth)\n"
                   "faster = 'wafer' if wafer_s < gpu_s else 'gpu'", 1),
        *L.code(LAB, "verify", VERIFY),
        *L.reflect(LAB, "regimes",
                   "Why does the wafer win by a wide margin once the weights fit its SRAM, and "
                   "lose by a wider one when they stream?",
                   "Resident, each layer reads its weights from SRAM at petabytes per second "
                   "and the step is bound by compute, spread over the wafers; streamed, every "
                   "weight crosses one injection link of about 150 GB/s each step, a hundred "
                   "times less than 8 HBM stacks. Capacity (wall 2) decides which wall "
                   "(6 or 1) binds.", 2),
        *L.summary(LAB, "The architecture moves the binding wall. On 8 GPUs decode is bound "
                   "by **memory bandwidth** (wall 3). On wafers it depends on **capacity** "
                   "(wall 2): weights that fit the SRAM make the step **compute**-bound "
                   "(wall 1, or SRAM bandwidth for a mixture of experts at a large batch) and "
                   "fast; weights that do not are bound by **weight streaming** (wall 6) "
                   "over the injection link, and slow."),
    ]
    return L.notebook(LAB, blocks)
