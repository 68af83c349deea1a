"""Lab 04: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab04.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab04``."""

from mlsysim_lab.course import blocks as L

LAB = "lab04"

RECAP = """
A prefetching data loader overlaps three stages, so a training step takes as long as the
slowest (Mohan et al., VLDB 2021):

$$t_\\text{gpu} = \\frac{3 \\cdot 2\\,\\text{MACs} \\cdot B}{e \\cdot \\text{peak}}, \\qquad
t_\\text{cpu} = \\frac{B}{W r}, \\qquad t_\\text{io} = \\frac{B s}{\\text{BW} / \\text{sharers}},
\\qquad \\text{utilisation} = \\frac{t_\\text{gpu}}{\\max(t_\\text{gpu}, t_\\text{cpu},
t_\\text{io})}.$$

Backward costs twice the forward pass (the 3); $e$ is the fraction of the dense peak
reached (printed below); $B$ the batch, $W$ the workers, $r$ the JPEGs a core decodes per
second, $s$ the bytes per image.
"""

SETUP = """
import math
import numpy as np
from mlsysim_lab import catalog
from mlsysim_lab.walls.data.ingestion import input_pipeline
from mlsysim_lab.walls.node import Efficiency
from mlsysim_lab.widgets.plots import sweep_figure
hw, batch, workers = lab.scenario['hardware'], lab.scenario['batch'], lab.scenario['workers']
rate = lab.scenario['decode_rate']
eff = lab.scenario['efficiency']
published = catalog.get_assumption('resnet50-training-efficiency')
achieved = Efficiency(compute_efficiency=eff)
feed = dict(batch=batch, decode_rate_per_core=rate, efficiency=achieved)   # your step, for the solver
gpu, model = catalog.get_hardware(hw), catalog.get_model('resnet-50')
decoders = catalog.get_assumption('jpeg-decode-rate-per-core')
sample = catalog.get_assumption('imagenet-bytes-per-sample')
nvme, store = catalog.get_storage('local-nvme'), catalog.get_storage('object-store')
# the node whose GPUs share the remote link (the zoo has no V100 server: a DGX A100 stands in)
node = catalog.get_node({'a100': 'dgx-a100', 'v100': 'dgx-a100', 'h100': 'dgx-h100'}[hw])
print(f"GPU {gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 peak; your training step reaches e = {eff:.3g} of it")
print(f"  (published ResNet-50 runs: {published.low:.0%} to {published.high:.0%}; {published.citation('value')})")
print(f"ResNet-50: {model.published_macs / 1e9:.2f} GMAC per image (forward)")
print(f"CPU: your decoder does {rate:.0f} JPEGs/s per core; data-loader workers: {workers}; {sample.value / 1e3:.0f} kB per JPEG")
print(f"  (measured decoders: {decoders.low:.0f} to {decoders.high:.0f} JPEGs/s per core; {decoders.citation('value')})")
print(f"storage: {nvme.name} {nvme.read_bandwidth / 1e9:.2f} GB/s; {store.name} "
      f"{store.read_bandwidth / 1e9:.2f} GB/s per node, shared by its {node.accelerators} GPUs")
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Data on the local drive"),
        *L.predict(LAB, "binding",
                   "gpu_step = 3 * 2 * model.published_macs * batch / (eff * gpu.peak('fp16'))\n"
                   "t_cpu = batch / (workers * rate)\n"
                   "t_io = batch * sample.value / nvme.read_bandwidth\n"
                   "stages = {'gpu': gpu_step, 'cpu': t_cpu, 'storage': t_io}\n"
                   "binding = max(stages, key=stages.get)", 1),
        *L.predict(LAB, "utilisation",
                   "utilisation = 100 * gpu_step / max(gpu_step, t_cpu, t_io)", 2),
        *L.code(LAB, "verify-step",
                "r = input_pipeline('resnet-50', gpu, workers=workers, **feed)\n"
                "stage = {'gpu': r.accelerator_s, 'cpu': r.preprocessing_s, 'storage': r.storage_s}\n"
                "print(', '.join(f'{k} {t * 1e3:.1f} ms' for k, t in stage.items())\n"
                "      + f': {max(stage, key=stage.get)} binds ({r.binding_wall})')\n"
                "for other in ('v100', 'a100', 'h100'):   # the same CPU side, another GPU\n"
                "    o = input_pipeline('resnet-50', other, workers=workers, **feed)\n"
                "    print(f'  {other}: step {o.step_s * 1e3:6.1f} ms, utilisation {100 * o.utilisation:5.1f} %')"),
        *L.predict(LAB, "workers_needed",
                   "workers_needed = math.ceil(batch / (gpu_step * rate))", 2),
        *L.text("## 2. Shared remote storage"),
        *L.predict(LAB, "remote_binding",
                   "t_remote = batch * sample.value / (store.read_bandwidth / node.accelerators)\n"
                   "remote_binding = 'storage' if t_remote > gpu_step else 'gpu'", 1),
        *L.code(LAB, "workers-sweep",
                "w = np.arange(1, 33)\n"
                "needed = input_pipeline('resnet-50', gpu, **feed).workers_needed\n"
                "curves = {}\n"
                "for tier in ('local-nvme', 'object-store'):\n"
                "    t = input_pipeline('resnet-50', gpu, workers=w, storage=tier, **feed,\n"
                "                       node=node if catalog.get_storage(tier).remote else None)\n"
                "    curves[tier] = 100 * t.utilisation\n"
                "fig = sweep_figure(w, curves, xlabel='CPU workers', ylabel='GPU utilisation (%)',\n"
                "                   title=f'ResNet-50 training on {gpu.name}, batch {batch}',\n"
                "                   marks=[('workers needed', needed)])\n"
                "plt.show()"),
        *L.text("A curve that levels off below 100 % is a storage stall no worker fixes."),
        *L.reflect(LAB, "faster-gpu",
                   "Someone proposes the next GPU generation to raise your utilisation. "
                   "What do you answer, with your step's numbers?",
                   "A faster GPU shortens only the GPU stage: if the CPU decode or the storage "
                   "share binds, the step stays as long and the new GPU idles longer, so "
                   "utilisation falls. Feed it first: more decode workers (the number needed "
                   "follows from the GPU's rate), GPU-side decoding or pre-decoded data, and "
                   "local copies when the shared storage link binds. Only a GPU-bound step "
                   "gains from the upgrade.", 2),
        *L.summary(LAB, "The step is as slow as its slowest stage: the GPU's FLOPs at the "
                   "fraction of peak training reaches, the workers' decode, or each GPU's "
                   "share of the storage link. Utilisation is the GPU's time over the "
                   "longest; the workers needed follow from the GPU's rate."),
    ]
    return L.notebook(LAB, blocks)
