"""Lab 05: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab05.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab05``."""

from mlsysim_lab.course import blocks as L

LAB = "lab05"

RECAP = """
A **scheme** says which tensors shrink. **W8A16** and **W4A16** store the weights in 8 or
4 bits but compute in FP16 (weight-only: GPTQ, ICLR 2023; AWQ, MLSys 2024); **W8A8**
(INT8, or FP8 on Hopper) also computes in 8 bits, at the 8-bit peak (Micikevicius et al.,
arXiv:2209.05433). The KV cache stays 16-bit here; the baseline is FP16.

What fewer bits buy depends on the wall that binds:

* **memory-bound** (LLM decode): time follows the bytes moved. With $W$ the FP16 weight
  bytes a step reads and $K$ the 16-bit bytes each sequence adds (its KV cache and
  activations), weights $r$ times smaller give, at batch $B$,
  $$S = \\frac{W + B K}{W / r + B K} < r;$$
* **compute-bound** (CNN training): time follows FLOPs / ($e$ x peak), $e$ the fraction
  of peak a step reaches (lab 04). Weight-only schemes compute at the FP16
  peak and gain nothing; only 8-bit math gains, by the peak ratio.
"""

SETUP = """
import numpy as np
from mlsysim_lab import catalog
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.algorithm.quantization import compare_precisions
from mlsysim_lab.walls.node import Efficiency, decode_step, forward_pass
from mlsysim_lab.walls.node.workload import decode_work
from mlsysim_lab.widgets.plots import sweep_figure
context, batch = lab.scenario['context'], lab.scenario['batch']
gpu = catalog.get_hardware(lab.scenario['hardware'])
llm, big = catalog.get_model('llama-3-8b'), catalog.get_model(lab.scenario['big'])
read_params = llm.total_params - llm.embedding_params   # the embedding table is looked up, not read
kv_token = llm.kv_bytes_per_token(2.0)
activations = decode_work(llm, scheme('fp16'), 1.0, float(context)).activation_bytes
achieved = Efficiency(compute_efficiency=catalog.get_assumption('resnet50-training-efficiency').value)
print(f"{gpu.name}: {gpu.memory_capacity / 1e9:.0f} GB; floating-point peaks (TFLOP/s): "
      + ", ".join(f"{p} {v / 1e12:.0f}" for p, v in gpu.peak_flops.items() if p.startswith(('fp', 'bf', 'tf'))))
print(f"ResNet-50 training reaches {achieved.compute_efficiency:.0%} of a peak (lab 04)")
print(f"{llm.name}: a decode step reads {read_params / 1e9:.2f} G weights; per sequence "
      f"{kv_token / 1e3:.0f} kB of KV cache per token of context and {activations / 1e6:.1f} MB of activations (16-bit)")
print(f"your decode: batch {batch}, {context:,} tokens of context")
print(f"your large model: {big.name}, {big.total_params / 1e9:.1f} G parameters")
print("bytes per weight: " + ", ".join(f"{f} {scheme(f).weight_bytes:g}" for f in ('fp16', 'w8a16', 'w4a16'))
      + " (where none fits, a model needs more GPUs)")
"""

SPEEDUP_SWEEP = """
batches = np.arange(1, 257)
base = decode_step(llm, gpu, batch=batches, context=context, precision='fp16')
speedup = base.latency_s / decode_step(llm, gpu, batch=batches, context=context,
                                       precision='w4a16').latency_s
fall = int(batches[np.argmax(speedup < 1.5)])
print(f'W4A16 at batch {batch}: {speedup[batch - 1]:.2f}x; below 1.5x from batch {fall}')
fig = sweep_figure(batches, {'W4A16 over FP16': speedup}, xlabel='decode batch',
                   ylabel='speedup', logx=True, title=f'{llm.name} on {gpu.name}, {context:,} tokens',
                   marks=[('your batch', batch), ('below 1.5x', fall)])
plt.show()
"""

TRAINING = """
for other in ('a100', 'h100', 'h200'):   # 3 forward passes at the achieved fraction of peak
    rows = {p: forward_pass('resnet-50', other, batch=256, precision=p, efficiency=achieved)
            for p in ('fp16', 'w4a16', 'fp8') if p in catalog.get_hardware(other).peak_flops
            or p == 'w4a16'}
    print(f'{other}: ' + ', '.join(f'{p} {3 * f.latency_s * 1e3:.1f} ms ({f.roofline.bottleneck}-bound)'
                                   for p, f in rows.items()))
"""

FIT = """
for name in ('fp16', 'w8a16', 'w4a16'):
    step = decode_step(big, gpu, batch=1, context=1024, precision=name)
    verdict = 'fits' if step.feasible else 'OUT OF MEMORY'
    print(f'{name:>6}: {step.memory_bytes / 1e9:6.1f} GB of {step.capacity_bytes / 1e9:.0f} GB, {verdict}')
example = decode_step('llama-3-70b', gpu, batch=1, context=1024, precision='w4a16')
print(f"A public tutorial's example, 70B at INT4 = 35 GB on one 80 GB GPU: the model needs "
      f"{example.memory_bytes / 1e9:.1f} GB for Llama 3 70B in W4A16 "
      f"({'fits' if example.feasible else 'does not fit'} your {gpu.name})")
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Decode: memory-bound"),
        *L.predict(LAB, "speedup_w4a16",
                   "w16 = 2 * read_params\n"
                   "w4 = w16 * scheme('w4a16').weight_bytes / scheme('fp16').weight_bytes\n"
                   "k = context * kv_token + activations\n"
                   "speedup_w4a16 = (w16 + batch * k) / (w4 + batch * k)", 2),
        *L.code(LAB, "speedup-sweep", SPEEDUP_SWEEP),
        *L.text("The weights are read once per step for the whole batch; every sequence adds "
                "its own 16-bit KV cache. As the batch grows, the bytes INT4 shrinks become a "
                "smaller share, and the speedup falls toward 1."),
        *L.text("## 2. Training a CNN\n\nA ResNet-50 training step (batch 256) on your GPU, "
                "at the fraction of its peaks printed above."),
        *L.predict(LAB, "training_gain",
                   "training_gain = 'fp8' if 'fp8' in gpu.peak_flops else 'none'", 1),
        *L.code(LAB, "training", TRAINING),
        *L.text("## 3. What newly fits\n\nFewer weight bytes also mean less memory."),
        *L.predict(LAB, "fits",
                   "need = {f: big.total_params * scheme(f).weight_bytes for f in ('fp16', 'w8a16', 'w4a16')}\n"
                   "fits = next((f for f, b in need.items() if b < gpu.memory_capacity), 'none')", 1),
        *L.code(LAB, "fit", FIT),
        *L.reflect(LAB, "four-x",
                   "A vendor slide says 'INT4: 4x faster'. Using your numbers, when is it "
                   "close to true, and when is it false?",
                   "Closest at batch 1 and short contexts in memory-bound decode, where the "
                   "weights dominate the bytes moved: the speedup is below 4x even then, "
                   "because the KV cache and activations stay 16-bit, and it falls toward 1 "
                   "as the batch and the context grow. It is false for compute-bound work "
                   "such as CNN training, where weight-only INT4 computes at the 16-bit peak "
                   "and gains nothing. What INT4 always buys is capacity: a larger model or a "
                   "larger batch fits.", 2),
        *L.summary(LAB, "While memory bandwidth binds, quantization gains the ratio of bytes "
                   "moved, below the weight byte ratio and shrinking with the batch and the "
                   "context. Where compute binds, weight-only schemes gain nothing; only 8-bit "
                   "math helps. Fewer bytes also relax capacity; the accuracy cost is "
                   "empirical, not a roofline question."),
    ]
    return L.notebook(LAB, blocks)
