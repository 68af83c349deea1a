"""Lab 00: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab00.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab00``."""

from mlsysim_lab.course import blocks as L

LAB = "lab00"

RECAP = """
A kernel takes the longer of FLOPs / peak FLOP/s and bytes / memory bandwidth. Its
**arithmetic intensity** (FLOPs per byte) decides which: above the **ridge point** (peak /
bandwidth) it is compute-bound, below it memory-bound (Williams, Waterman & Patterson, CACM
2009). A multiply-accumulate is 2 FLOPs.
"""

SETUP = """\
from mlsysim_lab import catalog
from mlsysim_lab.walls.node import decode_step, prefill
from mlsysim_lab.widgets.plots import roofline_figure
gpu = catalog.get_hardware(lab.scenario['hardware'])
llm = catalog.get_model('llama-3-8b')
batch, prompt, context = lab.scenario['batch'], lab.scenario['prompt'], 64
print(f"{gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), "
      f"{gpu.memory_bandwidth / 1e12:.2f} TB/s")
print(f"{llm.name}, FP16: {2 * llm.matmul_params_per_token / 1e9:.2f} GB of weights read per "
      f"step, 2 FLOPs per weight per token; per token also "
      f"{llm.kv_bytes_per_token(2) / 1024:.0f} KiB of KV cache and "
      f"{2 * llm.activation_elements_per_token / 1e6:.2f} MB of activations")
print(f"Your decode step: a batch of {batch}, {context} tokens cached per sequence. "
      f"Your prompt: {prompt} tokens.")"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. The ridge point\n\nFrom the datasheet figures above."),
        *L.predict(LAB, "ridge", "ridge = gpu.peak('fp16') / gpu.memory_bandwidth", 2),
        *L.text("## 2. Decode and prefill\n\nA decode step reads every weight once for the "
                "batch; each sequence adds its KV cache and activations. A prefill reads every "
                "weight once for all the prompt's tokens."),
        *L.predict(LAB, "decode_intensity",
                   "weights = 2 * llm.matmul_params_per_token          # bytes, = FLOPs per token\n"
                   "per_sequence = context * llm.kv_bytes_per_token(2) + 2 * llm.activation_elements_per_token\n"
                   "decode_intensity = batch * weights / (weights + batch * per_sequence)", 2),
        *L.predict(LAB, "decode_regime",
                   "decode_regime = 'compute' if decode_intensity > ridge else 'memory'", 1),
        *L.predict(LAB, "prefill_regime",
                   "weights = 2 * llm.matmul_params_per_token\n"
                   "per_token = llm.kv_bytes_per_token(2) + 2 * llm.activation_elements_per_token\n"
                   "prefill_intensity = prompt * weights / (weights + prompt * per_token)\n"
                   "prefill_regime = 'compute' if prefill_intensity > ridge else 'memory'", 1),
        *L.code(LAB, "roofline-plot",
                "points = [(f'decode, batch {batch}', decode_step(llm, gpu, batch=batch, context=context)),\n"
                "          (f'prefill, {prompt} tokens', prefill(llm, gpu, prompt_tokens=prompt))]\n"
                "fig = roofline_figure(gpu.id, 'fp16', [(name, r.arithmetic_intensity) for name, r in points])\n"
                "plt.show()"),
        *L.reflect(LAB, "batching",
                   "Why does a larger batch raise the intensity of a decode step, and why "
                   "does it level off instead of growing without bound?",
                   "The weights are read once per step and shared by every sequence, so their "
                   "bytes are amortised; but each sequence brings its own KV cache and "
                   "activations, whose traffic grows with the batch like the FLOPs do. The "
                   "intensity tends to FLOPs per token / (KV + activation bytes per token), "
                   "which falls as the context grows.", 2),
        *L.summary(LAB, "Intensity against the ridge: sharing weight reads (a batch, a prompt) "
                   "moves work right; per-sample traffic caps how far."),
    ]
    return L.notebook(LAB, blocks)
