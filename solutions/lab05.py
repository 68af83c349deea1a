"""Lab 05: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab05.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab05``."""

from mlsysim_lab.course import blocks as L

LAB = "lab05"

RECAP = """
Quantization stores numbers in fewer bits. A **scheme** says which tensors shrink:
**W8A16** and **W4A16** store the weights in 8 or 4 bits but dequantize them and compute
in FP16 (weight-only: Frantar et al., GPTQ, ICLR 2023; Lin et al., AWQ, MLSys 2024);
**W8A8** (INT8, or FP8 on Hopper) also computes in 8 bits, at the device's 8-bit peak
(Dettmers et al., LLM.int8(), NeurIPS 2022; Micikevicius et al., arXiv:2209.05433). In
all of them the KV cache stays 16-bit here. The baseline is FP16, not FP32.

What fewer bits buy depends on which wall binds, $t = \\max(\\text{FLOPs}/\\text{peak},\\
\\text{bytes}/\\text{bandwidth})$:

* **memory-bound** (LLM decode): time follows the bytes moved. If $W$ is the FP16 weight
  traffic and $O$ the traffic that stays 16-bit (KV cache, activations), shrinking the
  weights by a factor $r$ gives
  $$S = \\frac{W + O}{W / r + O} < r;$$
* **compute-bound**: time follows FLOPs / peak. Weight-only schemes compute at the FP16
  peak and gain nothing; W8A8 gains the ratio of the 8-bit peak to the FP16 peak.

Fewer weight bytes also mean less memory, so a model may newly fit on a GPU.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.algorithm.quantization import (baseline_precision,
                                                      batch_where_speedup_falls_below,
                                                      compare_precisions)
from mlsysim_lab.walls.node import decode_step, forward_pass
from mlsysim_lab.walls.node.workload import decode_work
from mlsysim_lab.widgets.plots import roofline_figure, sweep_figure
import numpy as np
h100, a100 = catalog.get_hardware('h100'), catalog.get_hardware('a100')
llm, cnn, big = (catalog.get_model(m) for m in ('llama-3-8b', 'resnet-50', 'llama-3-70b'))
context, resnet_batch = lab.scenario['context'], lab.scenario['resnet_batch']
print(f"LLM case: {llm.name} ({llm.total_params / 1e9:.2f} G parameters) decoding on the "
      f"{h100.name}, {context:,} tokens of context.")
print(f"CNN case: {cnn.name} inference, batch {resnet_batch}, on the {a100.name}.")
for name in ('fp16', 'w8a16', 'w4a16', 'fp8', 'int8'):
    s = scheme(name)
    print(f"  {name:>6}: weights {s.weights} ({s.weight_bytes:g} B each), math {s.compute}, "
          f"KV cache {s.kv_cache}")
"""

SPEEDUP_SWEEP = """
batches = np.arange(1, 1025)
base = decode_step(llm, h100, batch=batches, context=context, precision=baseline_precision(h100))
series = {}
for name, label in (('w8a16', 'W8A16'), ('w4a16', 'W4A16')):
    series[label] = base.latency_s / decode_step(llm, h100, batch=batches, context=context,
                                                 precision=name).latency_s
ratio = scheme('fp16').weight_bytes / scheme('w4a16').weight_bytes
series['INT4 weight byte ratio'] = np.full(batches.size, ratio)
series['1.5x threshold'] = np.full(batches.size, 1.5)
fall = batch_where_speedup_falls_below(llm, h100, 'w4a16', 1.5, context=context)
fp16_oom = int(batches[base.feasible][-1]) + 1
fig = sweep_figure(batches, series, xlabel='decode batch', ylabel='speedup over FP16',
                   title=f'{llm.name} decode on {h100.name}, {context:,}-token context',
                   logx=True, marks=[(f'W4A16 < 1.5x at batch {fall}', fall),
                                     (f'FP16 out of memory at batch {fp16_oom}', fp16_oom)])
plt.show()
"""

WHY_IT_FALLS = """
fall = batch_where_speedup_falls_below(llm, h100, 'w4a16', 1.5, context=context)
for batch in (1, fall):
    w = decode_work(llm, scheme('w4a16'), float(batch), float(context))
    step = decode_step(llm, h100, batch=batch, context=context, precision='w4a16')
    share = w.weight_bytes / w.bytes_moved
    print(f'batch {batch:>4}: INT4 weights are {share:.0%} of the bytes a W4A16 step moves; '
          f'the KV cache (16-bit) {w.kv_bytes / w.bytes_moved:.0%}; the step is '
          f'{step.bottleneck}-bound.')
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Decode at batch 1\n\nOne sequence, your context: each step reads every "
                "weight once and the KV cache of your context once."),
        *L.predict(LAB, "speedup_w8a16",
                   "speedup_w8a16 = compare_precisions(llm, h100, schemes=('w8a16',), batch=1, "
                   "tokens=context)[0].speedup", 1),
        *L.predict(LAB, "speedup_w4a16",
                   "speedup_w4a16 = compare_precisions(llm, h100, schemes=('w4a16',), batch=1, "
                   "tokens=context)[0].speedup", 1),
        *L.predict(LAB, "speedup_fp8",
                   "speedup_fp8 = compare_precisions(llm, h100, schemes=('fp8',), batch=1, "
                   "tokens=context)[0].speedup", 1),
        *L.code(LAB, "table",
                "for row in compare_precisions(llm, h100, batch=1, tokens=context):\n"
                "    print(f'{row.scheme:>6}: {row.step.latency_s * 1e3:.2f} ms per token, '\n"
                "          f'{row.speedup:.2f}x, weights {row.weight_bytes / 1e9:.1f} GB, '\n"
                "          f'{row.step.bottleneck}-bound')\n"
                "fp16 = decode_work(llm, scheme('fp16'), 1.0, float(context))\n"
                "print(f'Of the {fp16.bytes_moved / 1e9:.2f} GB an FP16 step moves, '\n"
                "      f'{(fp16.kv_bytes + fp16.activation_bytes) / 1e6:.0f} MB (KV cache and '\n"
                "      f'activations) stay 16-bit under every scheme: that is why no speedup '\n"
                "      f'reaches the weight byte ratio. FP8 equals W8A16 here: a memory-bound '\n"
                "      f'step does not care how fast the math is.')"),
        *L.text("## 2. Does INT4 give 4x?\n\nNow let the batch grow. The weights are read "
                "once per step and shared by the whole batch; every sequence brings its own "
                "KV cache."),
        *L.predict(LAB, "int4_4x",
                   "ratio = scheme('fp16').weight_bytes / scheme('w4a16').weight_bytes\n"
                   "row, = compare_precisions(llm, h100, schemes=('w4a16',), batch=1, tokens=context)\n"
                   "int4_4x = 'below' if 1 < row.speedup < ratio else 'exactly'", 1),
        *L.predict(LAB, "int4_batch",
                   "int4_batch = batch_where_speedup_falls_below(llm, h100, 'w4a16', 1.5, "
                   "context=context)", 2),
        *L.code(LAB, "speedup-sweep", SPEEDUP_SWEEP),
        *L.code(LAB, "why-it-falls", WHY_IT_FALLS),
        *L.text("### Explore\n\nMove the batch and the scheme (in plain mode this prints one "
                "line)."),
        *L.code(LAB, "panel",
                "def describe(batch, precision):\n"
                "    row, = compare_precisions(llm, h100, schemes=(precision,), batch=batch,\n"
                "                              tokens=context)\n"
                "    if not row.feasible:\n"
                "        return f'batch {batch}, {precision}: does not fit in memory'\n"
                "    return (f'batch {batch}, {precision}: {row.step.latency_s * 1e3:.2f} ms per step, '\n"
                "            f'{row.speedup:.2f}x over FP16, {row.step.bottleneck}-bound')\n"
                "show(ParameterPanel({'batch': (1, 512, 1, 16), 'precision': ['w4a16', 'w8a16', 'fp8']},\n"
                "                    describe))"),
        *L.text("## 3. A compute-bound case: ResNet-50 on the A100\n\nA convolutional network "
                "reuses each weight thousands of times per image; at a large batch its "
                "forward pass sits above the A100's ridge point. (The A100 has INT8 tensor "
                "cores but no FP8 peak, so W8A8 here means INT8.)"),
        *L.predict(LAB, "resnet_w4a16",
                   "resnet_w4a16 = compare_precisions(cnn, a100, schemes=('w4a16',), "
                   "batch=resnet_batch)[0].speedup", 1),
        *L.predict(LAB, "resnet_int8",
                   "resnet_int8 = compare_precisions(cnn, a100, schemes=('int8',), "
                   "batch=resnet_batch)[0].speedup", 1),
        *L.code(LAB, "resnet-roofline",
                "step = forward_pass(cnn, a100, batch=resnet_batch)\n"
                "fig = roofline_figure(a100.id, 'fp16', [(f'ResNet-50, batch {resnet_batch}',\n"
                "                                          step.arithmetic_intensity)])\n"
                "plt.show()\n"
                "for row in compare_precisions(cnn, a100, batch=resnet_batch):\n"
                "    if row.supported:\n"
                "        print(f'{row.scheme:>6}: {row.speedup:.2f}x, {row.step.bottleneck}-bound')\n"
                "    else:\n"
                "        print(f'{row.scheme:>6}: not supported ({row.reason})')"),
        *L.text("## 4. What newly fits\n\nQuantization also shrinks the memory the weights "
                "occupy. Take Llama 3 70B and one 80 GB H100."),
        *L.predict(LAB, "weights_70b",
                   "weights_70b = compare_precisions(big, h100, schemes=('w4a16',), "
                   "tokens=context)[0].weight_bytes / 1e9", 1),
        *L.code(LAB, "fit",
                "for name in ('fp16', 'w8a16', 'w4a16'):\n"
                "    step = decode_step(big, h100, batch=1, context=context, precision=name)\n"
                "    if step.feasible:\n"
                "        print(f'{name:>6}: fits, {step.memory_bytes / 1e9:.1f} GB of '\n"
                "              f'{step.capacity_bytes / 1e9:.0f} GB, {step.latency_s * 1e3:.1f} ms per token')\n"
                "    else:\n"
                "        show(FailureBanner('OUT OF MEMORY', f'{big.name} in {name.upper()} needs '\n"
                "             f'{step.memory_bytes / 1e9:.0f} GB for batch-1 decode; one {h100.name} '\n"
                "             f'has {step.capacity_bytes / 1e9:.0f} GB. The solver reports no latency.'))"),
        *L.text("### Accuracy is not physics\n\nThe solver times a scheme; it does not know "
                "what the scheme does to the model's answers. The notes it attaches are "
                "**empirical rules** from the cited papers, not solver output: they vary by "
                "model and quantization method, and nothing in this lab grades them."),
        *L.code(LAB, "accuracy",
                "for row in compare_precisions(llm, h100, schemes=('w8a16', 'fp8', 'w4a16'),\n"
                "                              tokens=context):\n"
                "    print(f'{row.scheme:>6}: {row.accuracy_note}')"),
        *L.reflect(LAB, "compute-bound",
                   "In three or four sentences: why does W4A16 gain nothing on compute-bound "
                   "ResNet-50 while INT8 (W8A8) doubles its speed, and why does the W4A16 "
                   "gain for LLM decode shrink as the batch grows?",
                   "A compute-bound step's time is FLOPs / peak. W4A16 dequantizes to FP16 "
                   "and computes at the FP16 peak, so it removes bytes from a step that was "
                   "not waiting for bytes; W8A8 computes on the INT8 tensor cores, whose peak "
                   "exceeds the FP16 one by the speedup the model revealed. In decode the weights are read once per step for "
                   "the whole batch while each sequence adds its own 16-bit KV-cache reads, "
                   "so as the batch grows the part INT4 shrinks becomes a smaller share of "
                   "the bytes moved and the speedup falls toward 1; a longer context makes "
                   "each sequence's KV cache larger, so it falls sooner.", 2),
        *L.summary(LAB, "While **memory bandwidth** binds (decode at small batch), quantization "
                   "speeds a step up by close to the ratio of bytes moved, below the weight "
                   "byte ratio because the KV cache and activations stay 16-bit; the gain "
                   "fades as the batch grows and that 16-bit traffic dominates. Where "
                   "**compute** binds (ResNet-50 on the A100), weight-only schemes gain "
                   "nothing and only 8-bit math (W8A8) helps, by the peak ratio. Independently "
                   "of speed, fewer weight bytes relax **memory capacity**: Llama 3 70B does "
                   "not fit one 80 GB GPU in FP16 but does at W4A16. What it costs in "
                   "accuracy is an empirical question, not a roofline one."),
    ]
    return L.notebook(LAB, blocks)
