"""Lab 10: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab10.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab10``."""

from mlsysim_lab.course import blocks as L

LAB = "lab10"

RECAP = """
A GPU keeps the weights in HBM beside the chip, so a decode step is bound by how fast HBM
delivers them: $t \\approx \\max(\\text{FLOPs}/\\text{peak},\\ \\text{bytes}/\\text{bandwidth})$
(Williams, Waterman & Patterson, CACM 2009), and at small batch the bytes win.

A **wafer-scale** system in **weight-streaming** mode (Cerebras, "Weight Streaming
Execution Mode", 2021; Lie, Hot Chips 34, 2022) is built the other way round. The
activations and the KV cache stay in the on-wafer SRAM, which is huge in bandwidth but
small in capacity; the weights live in an external store and **stream in one layer at a
time** over an injection link. Per layer, the wafer waits for the slower of streaming the
layer's weights $W_\\ell$ in and computing the layer for the batch:

$$t_\\ell = \\max\\left(\\frac{W_\\ell}{B_\\text{inject}},\\ \\frac{B \\cdot F_\\ell}{\\text{peak}}\\right),$$

with $F_\\ell$ the FLOPs one sequence needs in that layer (about $2\\times$ the layer's
parameters per new token, plus attention). The two terms meet at the **crossover batch**

$$B^* = \\frac{W_\\ell \\cdot \\text{peak}}{B_\\text{inject} \\cdot F_\\ell}:$$

below $B^*$ weight streaming binds, above it compute does. But $B^*$ is only reachable if
SRAM can hold what $B^*$ sequences keep on the wafer: two layers of weights (double
buffering), plus every sequence's KV cache and activations. The public engine this lab's
tools are modelled on computed $B^*$ and forgot that ceiling.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.formatting import duration
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.node import decode_step
from mlsysim_lab.walls.node.streaming import weight_streaming_step
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
gpu = catalog.get_hardware('h100')
gpus = 8
wafer = catalog.get_hardware('cerebras-cs2')
model = catalog.get_model(lab.scenario['model'])
context, batch, prompt = lab.scenario['context'], lab.scenario['batch'], lab.scenario['prompt']
weight_bytes = scheme('fp16').weight_bytes
print(f"{model.name}: {model.total_params / 1e9:.0f} B parameters in {model.layers} layers, "
      f"{model.total_params * weight_bytes / 1e9:.0f} GB of FP16 weights, "
      f"{model.layer_params * weight_bytes / 1e9:.2f} GB per layer")
print(f"GPU node: {gpus} x {gpu.name}, each {gpu.peak('fp16') / 1e12:.0f} TFLOP/s, "
      f"{gpu.memory_capacity / 1e9:.0f} GB of HBM at {gpu.memory_bandwidth / 1e12:.2f} TB/s "
      f"({gpus * gpu.memory_bandwidth / 1e12:.1f} TB/s together), 8-way tensor parallel")
print(f"Wafer: {wafer.name}, {wafer.peak('fp16') / 1e15:.2f} PFLOP/s, "
      f"{wafer.memory_capacity / 1e9:.0f} GB of SRAM at {wafer.memory_bandwidth / 1e15:.0f} PB/s; "
      f"weights stream from {wafer.external_memory_capacity / 1e15:.1f} PB of external memory "
      f"at {wafer.injection_bandwidth / 1e9:.0f} GB/s")
print(f"Your decode step: batch {batch}, {context:,} tokens of context per sequence; "
      f"your prompts: {prompt:,} tokens")
"""

GPU_BOUNDS = """
g = decode_step(model, gpu, batch=batch, context=context, devices=gpus)
print(f"8 x {gpu.name}: compute {duration(g.compute_s)}, HBM {duration(g.memory_s)}, "
      f"all-reduces {duration(g.communication_s)} -> {duration(g.latency_s)} per step "
      f"({g.binding_wall} binds); {g.memory_bytes / 1e9:.1f} GB used per GPU")
"""

COMPARE = """
g = decode_step(model, gpu, batch=batch, context=context, devices=gpus)
w = weight_streaming_step(model, wafer, batch=batch, context=context)
print(f"Decode step: {duration(g.latency_s)} on 8 x {gpu.name}, {duration(w.time_s)} on the wafer "
      f"({w.time_s / g.latency_s:.0f}x slower on the wafer).")
print(f"What feeds the weights: {gpus * gpu.memory_bandwidth / 1e12:.1f} TB/s of HBM on the GPU "
      f"node vs {wafer.injection_bandwidth / 1e9:.0f} GB/s of injection on the wafer "
      f"({gpus * gpu.memory_bandwidth / wafer.injection_bandwidth:.0f}x).")
print(f"The wafer's SRAM moves {wafer.memory_bandwidth / wafer.injection_bandwidth:,.0f}x more "
      "than its injection link, but in this mode the weights never sit in SRAM.")
print(f"Per layer on the wafer: streaming {duration(w.block_injection_s)}, computing "
      f"{duration(w.block_compute_s)} for batch {batch}.")
"""

INPUTS = """
w = weight_streaming_step(model, wafer, batch=1, context=context)
layer_weight_bytes = model.layer_params * weight_bytes
flops_per_sequence = w.block_compute_s * wafer.peak('fp16')     # one layer, one new token
print(f"One layer: {layer_weight_bytes / 1e9:.2f} GB of weights; "
      f"{flops_per_sequence / 1e9:.2f} GFLOP per sequence per new token "
      f"(2 x layer params = {2 * model.layer_params / 1e9:.2f} GFLOP, the rest is attention "
      f"over {context:,} tokens of context)")
"""

CEILING = """
w = weight_streaming_step(model, wafer, batch=batch, context=context)
at_bstar = weight_streaming_step(model, wafer, batch=int(np.ceil(w.crossover_batch)),
                                 context=context)
if not w.crossover_reachable:
    show(FailureBanner('B* OUT OF REACH',
         f'Streaming stops binding only at batch {w.crossover_batch:,.0f}, but SRAM holds the '
         f'KV cache and activations of at most {w.sram_max_batch:,.0f} sequences of '
         f'{context:,} tokens. At batch B* the step needs {at_bstar.sram_bytes / 1e9:,.0f} GB of '
         f'SRAM out of {at_bstar.sram_capacity / 1e9:.0f} GB: the solver marks it infeasible '
         f'({at_bstar.binding_wall}) and reports no time. Every decode batch that fits is '
         f'bound by weight streaming.'))
else:
    print(f'B* = {w.crossover_batch:,.0f} fits under the SRAM ceiling of {w.sram_max_batch:,.0f}.')
"""

PLOT = """
w = weight_streaming_step(model, wafer, batch=batch, context=context)
batches = np.unique(np.geomspace(1, 3 * w.crossover_batch, 300).astype(int))
sweep = weight_streaming_step(model, wafer, batch=batches, context=context)
node = decode_step(model, gpu, batch=batches, context=context, devices=gpus)
series = {'wafer step (ends where SRAM is full)': sweep.time_s,
          'wafer: layers x streaming one layer': np.full(batches.size,
                                                         model.layers * sweep.block_injection_s),
          'wafer: layers x computing one layer': model.layers * sweep.block_compute_s,
          f'8 x {gpu.name} step (ends where HBM is full)': node.latency_s}
marks = [(f'SRAM ceiling: {w.sram_max_batch:,.0f}', max(w.sram_max_batch, 1)),
         (f'B* = {w.crossover_batch:,.0f}', w.crossover_batch)]
fig = sweep_figure(batches, series, xlabel='decode batch (sequences)', ylabel='seconds per step',
                   logx=True, logy=True, marks=marks,
                   title=f'{model.name} decode, {context:,} tokens of context')
step_line, streaming_line = fig.axes[0].lines[:2]
step_line.set(linewidth=6, alpha=0.5)      # the solver's step time, under the streaming bound
streaming_line.set(linestyle='--')
fig.axes[0].legend(fontsize=8)
plt.show()
"""

PREFILL = """
d = weight_streaming_step(model, wafer, batch=1, context=context)
p = weight_streaming_step(model, wafer, batch=1, new_tokens=prompt, context=0)
print(f"Prefill of {prompt:,}-token prompts: B* = {p.crossover_batch:,.1f} prompts "
      f"= {p.crossover_batch * prompt:,.0f} tokens per step (decode: {d.crossover_batch:,.0f} "
      "tokens per step: B* counted in tokens hardly moves).")
print(f"SRAM ceiling: {p.sram_max_batch:,.0f} prompts; B* reachable: {bool(p.crossover_reachable)}")
"""

PANEL = """
def prefill_crossover(prompt_tokens):
    p = weight_streaming_step(model, wafer, batch=1, new_tokens=prompt_tokens, context=0)
    verdict = ('compute can bind' if p.crossover_reachable
               else 'weight streaming binds at every batch that fits')
    return (f'{prompt_tokens:,}-token prompts: B* = {p.crossover_batch:,.1f} prompts, SRAM holds '
            f'{p.sram_max_batch:,.0f}: {verdict}')
show(ParameterPanel({'prompt_tokens': [128, 256, 512, 1024, 2048]}, prefill_crossover))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Decode on the GPU node\n\nYour model is split 8 ways by tensor "
                "parallelism: each GPU holds an eighth of the weights and reads them from its "
                "own HBM every decode step; two all-reduces per layer join the pieces. Wall "
                "names are the solver's: `'memory bandwidth'`, `'compute throughput'`, "
                "`'communication'`."),
        *L.predict(LAB, "gpu_wall",
                   "gpu_wall = decode_step(model, gpu, batch=batch, context=context, "
                   "devices=gpus).binding_wall", 1),
        *L.predict(LAB, "gpu_time",
                   "gpu_time = decode_step(model, gpu, batch=batch, context=context, "
                   "devices=gpus).latency_s", 1),
        *L.code(LAB, "gpu-bounds", GPU_BOUNDS),
        *L.text("## 2. Decode on the wafer\n\nThe same step on the wafer: the KV cache sits in "
                "SRAM, the weights stream in layer by layer. Wall names: `'weight streaming'`, "
                "`'memory bandwidth'`, `'compute throughput'`, `'memory capacity'`."),
        *L.predict(LAB, "wafer_wall",
                   "wafer_wall = weight_streaming_step(model, wafer, batch=batch, "
                   "context=context).binding_wall", 1),
        *L.predict(LAB, "wafer_time",
                   "wafer_time = weight_streaming_step(model, wafer, batch=batch, "
                   "context=context).time_s", 1),
        *L.predict(LAB, "faster",
                   "g = decode_step(model, gpu, batch=batch, context=context, devices=gpus)\n"
                   "w = weight_streaming_step(model, wafer, batch=batch, context=context)\n"
                   "faster = 'gpu' if w.time_s > g.latency_s else 'wafer'", 1),
        *L.code(LAB, "compare", COMPARE),
        *L.text("## 3. The crossover batch B*\n\nStreaming a layer costs the same whatever "
                "the batch; computing it grows with the batch. Write the batch at which the two "
                "are equal."),
        *L.implement(LAB, "crossover_fn",
                     "def crossover_batch(layer_weight_bytes, peak_flops, injection_bandwidth,\n"
                     "                    flops_per_sequence):\n"
                     "    return layer_weight_bytes * peak_flops / (injection_bandwidth * "
                     "flops_per_sequence)", 2),
        *L.text("The inputs for one decode step of your model (one new token per sequence):"),
        *L.code(LAB, "inputs", INPUTS),
        *L.predict(LAB, "decode_bstar",
                   "decode_bstar = weight_streaming_step(model, "
                   "wafer, batch=batch, context=context).crossover_batch", 1),
        *L.text("### What SRAM can hold\n\nEvery sequence in the batch keeps its KV cache "
                "(your scenario's context) and its activations on the wafer, beside two layers "
                "of weights (one being used, one streaming in)."),
        *L.predict(LAB, "sram_ceiling",
                   "sram_ceiling = weight_streaming_step(model, wafer, batch=batch, "
                   "context=context).sram_max_batch", 1),
        *L.predict(LAB, "decode_reachable",
                   "w = weight_streaming_step(model, wafer, batch=batch, context=context)\n"
                   "decode_reachable = 'yes' if w.crossover_reachable else 'no'", 1),
        *L.code(LAB, "ceiling", CEILING),
        *L.text("### Step time against the batch\n\nOn the wafer the step time stays flat while "
                "streaming binds and would rise once compute does, at B*; the solid curve ends "
                "where SRAM is full. The GPU node's curve is drawn for scale."),
        *L.code(LAB, "plot", PLOT),
        *L.text("## 4. Prefill on the wafer\n\nA prefill step processes a whole prompt per "
                "sequence, so each streamed layer is used for many tokens at once: the FLOPs "
                "per sequence per layer grow with the prompt length. But each prompt also "
                "leaves its KV cache and activations in SRAM."),
        *L.predict(LAB, "prefill_bstar",
                   "prefill_bstar = weight_streaming_step(model, wafer, batch=1, "
                   "new_tokens=prompt, context=0).crossover_batch", 1),
        *L.predict(LAB, "prefill_reachable",
                   "p = weight_streaming_step(model, wafer, batch=1, new_tokens=prompt, "
                   "context=0)\n"
                   "prefill_reachable = 'yes' if p.crossover_reachable else 'no'", 1),
        *L.code(LAB, "prefill", PREFILL),
        *L.text("### Explore\n\nChange the prompt length: B* falls as the prompt grows, and so "
                "does the SRAM ceiling (in plain mode this prints one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "sram",
                   "The wafer's SRAM moves data far faster than an H100's HBM (compare the "
                   "set-up figures), yet your model decodes far more slowly on the wafer. In two or three "
                   "sentences: why, and what would have to change for the SRAM bandwidth to "
                   "set the decode speed?",
                   "In weight-streaming mode the weights are not in SRAM: every decode step "
                   "pulls all of them through the injection link, which is much narrower than "
                   "eight GPUs' HBM together, and a decode batch that fits in SRAM is far below "
                   "B*, so nothing amortises the stream. For SRAM bandwidth to matter the "
                   "weights must stay resident on chip, e.g. split layer-wise across enough "
                   "wafers to hold them (pipelined inference); then SRAM bandwidth or compute "
                   "binds, and the price is the number of wafers (capacity).", 2),
        *L.reflect(LAB, "training",
                   "Weight streaming was designed for training. Using B* and the SRAM ceiling, "
                   "explain in two or three sentences why a training step can leave the "
                   "streaming wall while decode cannot.",
                   "B* counts sequences that each bring some FLOPs per streamed weight; B* "
                   "counted in tokens per step is about the same whatever the phase. Training "
                   "(like prefill) brings a whole sequence of tokens per sequence, so a modest batch "
                   "reaches that token count and SRAM holds it (activations can also be "
                   "recomputed or streamed out); decode brings one token per sequence, so it "
                   "needs as many sequences as tokens, each with a full KV cache on the wafer, "
                   "and SRAM runs out long before.", 2),
        *L.summary(LAB, "On the GPU node, decode is bound by **memory bandwidth**: each GPU reads its "
                   "share of the weights from HBM every step. The wafer changes the wall, not "
                   "the fact that a wall binds: in weight-streaming mode **weight streaming** "
                   "binds, because every step pulls all the weights through one injection "
                   "link, and the SRAM's enormous bandwidth never touches them. Streaming stops "
                   "binding only at the crossover batch B*, which for decode is far beyond what "
                   "SRAM can hold (**memory capacity** is the ceiling that keeps B* out of "
                   "reach); prefill divides B* by the prompt length and can reach it when the "
                   "model leaves enough SRAM for the prompts' KV caches. A different "
                   "architecture moves the wall; it does not remove the need to feed weights "
                   "to the compute."),
    ]
    return L.notebook(LAB, blocks)
