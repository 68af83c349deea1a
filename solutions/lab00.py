"""Lab 00: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab00.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab00``."""

from mlsysim_lab.course import blocks as L

LAB = "lab00"

RECAP = """
Every kernel does some work (FLOPs) and moves some bytes. A device finishes the work no
faster than **peak FLOP/s** allows and moves the bytes no faster than **memory
bandwidth** allows, so

$$t = \\max\\left(\\frac{\\text{FLOPs}}{\\text{peak}},\\ \\frac{\\text{bytes}}{\\text{bandwidth}}\\right).$$

The **arithmetic intensity** $I = \\text{FLOPs}/\\text{bytes}$ says which term wins: above the
**ridge point** $\\text{peak}/\\text{bandwidth}$ the kernel is compute-bound, below it
memory-bound (Williams, Waterman & Patterson, CACM 2009). One multiply-accumulate counts
as 2 FLOPs, and peaks are the vendor's dense figures.
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, "from mlsysim_lab import catalog\n"
                      "from mlsysim_lab.walls.node import decode_step, prefill, forward_pass\n"
                      "from mlsysim_lab.widgets.plots import roofline_figure, sweep_figure\n"
                      "import numpy as np\n"
                      "gpu = catalog.get_hardware(lab.scenario['hardware'])\n"
                      "model = catalog.get_model(lab.scenario['model'])\n"
                      "print(f\"{gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), \"\n"
                      "      f\"{gpu.memory_bandwidth / 1e12:.2f} TB/s\")"),
        *L.text("## 1. The ridge point\n\nUse the two datasheet figures printed above."),
        *L.predict(LAB, "ridge", "ridge = gpu.peak('fp16') / gpu.memory_bandwidth", 2),
        *L.implement(LAB, "ridge_fn",
                     "def ridge_point(peak_flops, bandwidth):\n"
                     "    return peak_flops / bandwidth", 2),
        *L.text("## 2. One decode step of an LLM\n\nAt batch 1 a decode step multiplies "
                "every weight once per token (2 FLOPs per parameter) and reads every weight "
                "from memory (2 bytes per parameter in FP16), plus the KV cache."),
        *L.predict(LAB, "decode_intensity",
                   "decode_intensity = decode_step(model, gpu, batch=1, context=1024)"
                   ".arithmetic_intensity", 2),
        *L.predict(LAB, "decode_regime",
                   "decode_regime = decode_step(model, gpu, batch=1, context=1024).bottleneck", 1),
        *L.predict(LAB, "prefill_regime",
                   "prefill_regime = prefill(model, gpu, prompt_tokens=2048).bottleneck", 1),
        *L.code(LAB, "roofline-plot",
                "d = decode_step(model, gpu, batch=1, context=1024)\n"
                "p = prefill(model, gpu, prompt_tokens=2048)\n"
                "fig = roofline_figure(gpu.id, 'fp16', [('decode, batch 1', d.arithmetic_intensity),\n"
                "                                       ('prefill, 2,048 tokens', p.arithmetic_intensity)])\n"
                "plt.show()"),
        *L.text("## 3. Batching a CNN\n\nA ResNet-50 forward pass reads its 25.6 M weights "
                "once per batch but its activations once per image, so intensity grows with "
                "the batch and levels off. Where does it cross your GPU's ridge?"),
        *L.predict(LAB, "resnet_crossover",
                   "batches = np.arange(1, 4097)\n"
                   "sweep = forward_pass('resnet-50', gpu, batch=batches)\n"
                   "resnet_crossover = int(batches[np.argmax(sweep.bottleneck == 'compute')])", 2),
        *L.code(LAB, "batch-sweep",
                "batches = np.arange(1, 257)\n"
                "sweep = forward_pass('resnet-50', gpu, batch=batches)\n"
                "fig = sweep_figure(batches, {'ResNet-50 intensity': sweep.arithmetic_intensity,\n"
                "                             'ridge point': np.full(batches.size, gpu.ridge_point('fp16'))},\n"
                "                   xlabel='batch', ylabel='FLOP/byte', logx=True,\n"
                "                   title=f'ResNet-50 on {gpu.name}: intensity vs batch')\n"
                "plt.show()"),
        *L.text("### Explore\n\nMove the slider: the regime and the time per image follow the "
                "batch (in plain mode this prints one line)."),
        *L.code(LAB, "panel",
                "def describe(batch):\n"
                "    r = forward_pass('resnet-50', gpu, batch=batch)\n"
                "    return (f'batch {batch}: {r.arithmetic_intensity:.0f} FLOP/B, {r.bottleneck}-bound, '\n"
                "            f'{r.latency_s / batch * 1e6:.1f} us per image')\n"
                "show(ParameterPanel({'batch': (1, 512, 1, 8)}, describe))"),
        *L.reflect(LAB, "batching",
                   "In two or three sentences: why does batching raise the arithmetic "
                   "intensity of ResNet-50, and why does it level off instead of growing "
                   "without bound?",
                   "The weights are read once per batch and shared by every image, so their "
                   "bytes are amortised; but every image brings its own activations, whose "
                   "traffic grows with the batch like the FLOPs do. Intensity therefore tends "
                   "to FLOPs per image / activation bytes per image.", 2),
        *L.summary(LAB, "Decode at batch 1 sits far below the ridge: **memory bandwidth** binds, "
                   "because each weight read does 2 FLOPs. Prefill shares each weight read "
                   "among thousands of tokens and sits far above it: **compute throughput** "
                   "binds. Batching moves a workload to the right on the roofline, until the "
                   "per-sample traffic (activations, KV cache) dominates."),
    ]
    return L.notebook(LAB, blocks)
