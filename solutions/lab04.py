"""Lab 04: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab04.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab04``."""

from mlsysim_lab.course import blocks as L

LAB = "lab04"

RECAP = """
A training step needs three things, and a prefetching data loader overlaps them: the
**accelerator** computes the forward and backward passes, the **CPU workers** decode and
augment the next batch of JPEGs, and **storage** delivers the next batch's bytes. The
step therefore takes as long as the slowest stage (Mohan et al., "Analyzing and
Mitigating Data Stalls in DNN Training", VLDB 2021):

$$t_\\text{acc} = 3\\,t_\\text{forward}, \\qquad
t_\\text{cpu} = \\frac{B}{W \\cdot r}, \\qquad
t_\\text{io} = \\frac{B \\cdot s}{\\text{BW}_\\text{storage} / \\text{sharers}},$$

$$t_\\text{step} = \\max(t_\\text{acc},\\ t_\\text{cpu},\\ t_\\text{io}), \\qquad
\\text{utilisation} = \\frac{t_\\text{acc}}{t_\\text{step}}.$$

$B$ is the batch, $W$ the CPU workers (one core each), $r$ the images one core decodes per
second, $s$ the bytes of one compressed image. The backward pass costs about twice the
forward pass, hence the 3 (Kaplan et al. 2020); $t_\\text{forward}$ is the roofline time
of lab 00, $\\max(\\text{FLOPs}/\\text{peak},\\ \\text{bytes}/\\text{bandwidth})$, at the
ideal bound (100 % of peak). A node's GPUs share its storage link, hence the sharers.
The workers that keep the GPU busy: $W_\\text{needed} = \\lceil B / (t_\\text{acc}\\, r)\\rceil$.
"""

SETUP = """
import numpy as np
from mlsysim_lab import catalog
from mlsysim_lab.walls.data.ingestion import input_pipeline
from mlsysim_lab.walls.node import forward_pass
from mlsysim_lab.widgets.plots import sweep_figure
hw, batch, workers = lab.scenario['hardware'], lab.scenario['batch'], lab.scenario['workers']
gpu = catalog.get_hardware(hw)
model = catalog.get_model('resnet-50')
rate = catalog.get_assumption('jpeg-decode-rate-per-core')
sample = catalog.get_assumption('imagenet-bytes-per-sample')
nvme, store = catalog.get_storage('local-nvme'), catalog.get_storage('object-store')
# the node whose GPUs share the remote link (the zoo has no V100 server: a DGX A100 stands in)
node = catalog.get_node({'a100': 'dgx-a100', 'v100': 'dgx-a100', 'h100': 'dgx-h100'}[hw])
print(f"ResNet-50 training on one {gpu.name}, batch {batch}, {workers} CPU workers.")
print(f"  GPU: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), {gpu.memory_bandwidth / 1e12:.2f} TB/s; "
      f"ResNet-50: {model.published_macs / 1e9:.2f} GMAC = {2 * model.published_macs / 1e9:.2f} GFLOP per image (forward)")
print(f"  CPU: {rate.value:.0f} images/s per core (JPEG decode, assumption '{rate.id}')")
print(f"  data: {sample.value / 1e3:.0f} kB per ImageNet JPEG (assumption '{sample.id}')")
print(f"  storage: {nvme.name}, {nvme.read_bandwidth / 1e9:.2f} GB/s; "
      f"{store.name}, {store.read_bandwidth / 1e9:.2f} GB/s per node, shared by its {node.accelerators} GPUs")
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. How long does the GPU compute?\n\nOne training step is a forward pass "
                "and a backward pass over the batch. Place the forward pass on your GPU's "
                "roofline (FLOPs and bytes: `forward_pass('resnet-50', gpu, batch=batch)` "
                "gives both), then multiply by 3."),
        *L.predict(LAB, "gpu_step",
                   "gpu_step = 3 * forward_pass('resnet-50', gpu, batch=batch).latency_s", 2),
        *L.text("## 2. How long do the CPU workers take?\n\nEach worker is one CPU core "
                "that decodes whole images; the workers share the batch. The cited rate "
                "covers JPEG decoding only: random crops, flips and tensor conversion would "
                "add CPU time on top."),
        *L.predict(LAB, "cpu_time",
                   "cpu_time = input_pipeline('resnet-50', gpu, batch=batch, "
                   "workers=workers).preprocessing_s", 1),
        *L.predict(LAB, "utilisation",
                   "utilisation = input_pipeline('resnet-50', gpu, batch=batch, "
                   "workers=workers).utilisation", 1),
        *L.code(LAB, "stall-banner",
                "r = input_pipeline('resnet-50', gpu, batch=batch, workers=workers)\n"
                "if r.utilisation < 1:\n"
                "    show(FailureBanner('DATA STALL', f'The {gpu.name} computes for '\n"
                "         f'{r.accelerator_s * 1e3:.1f} ms of every {r.step_s * 1e3:.1f} ms step and '\n"
                "         f'waits the other {(1 - r.utilisation):.0%} for {workers} CPU workers to decode '\n"
                "         f'{batch} JPEGs ({r.preprocessing_s * 1e3:.1f} ms); storage needs only '\n"
                "         f'{r.storage_s * 1e3:.1f} ms.'))\n"
                "else:\n"
                "    print(f'The GPU is busy the whole step ({r.accelerator_s * 1e3:.1f} ms).')"),
        *L.implement(LAB, "utilisation_fn",
                     "def utilisation_of(t_acc, t_cpu, t_io):\n"
                     "    return t_acc / max(t_acc, t_cpu, t_io)", 2),
        *L.predict(LAB, "binding",
                   "stage = {'compute throughput': 'gpu', 'data transformation': 'cpu',\n"
                   "         'storage and locality': 'storage'}\n"
                   "binding = stage[str(input_pipeline('resnet-50', gpu, batch=batch, "
                   "workers=workers).binding_wall)]", 1),
        *L.text("### Would a faster GPU help?\n\nThe same batch and the same CPU workers, "
                "fed to each GPU in the lab:"),
        *L.code(LAB, "faster-gpu",
                "for other in ('v100', 'a100', 'h100'):\n"
                "    o = input_pipeline('resnet-50', other, batch=batch, workers=workers)\n"
                "    print(f\"{catalog.get_hardware(other).name:22s} GPU {o.accelerator_s * 1e3:6.1f} ms, \"\n"
                "          f\"step {o.step_s * 1e3:6.1f} ms, utilisation {o.utilisation:5.0%}, \"\n"
                "          f\"bound by {o.binding_wall}\")"),
        *L.text("The step time does not move: the CPU side sets it. A faster GPU finishes "
                "its share sooner and waits longer, so its utilisation *falls*."),
        *L.reflect(LAB, "upgrade",
                   "Your team sees the low utilisation in `nvidia-smi` and proposes "
                   "replacing the GPUs with faster ones. Using the numbers above, what "
                   "happens to the step time and to the utilisation, and what would you "
                   "change instead?",
                   "Nothing improves: the step is bound by CPU preprocessing, whose time "
                   "does not depend on the GPU, so the step time stays the same and a faster "
                   "GPU only idles longer (its utilisation drops). Fix the binding stage "
                   "instead: more CPU workers (up to the number needed), GPU-side JPEG "
                   "decoding (e.g. NVIDIA DALI), or a dataset stored pre-decoded or at lower "
                   "resolution so that each image costs the CPU less.", 2),
        *L.text("## 3. Feeding the GPU\n\nHow many workers does it take for the CPU stage "
                "to keep up with the GPU?"),
        *L.predict(LAB, "workers_needed",
                   "workers_needed = input_pipeline('resnet-50', gpu, batch=batch, "
                   "workers=workers).workers_needed", 2),
        *L.code(LAB, "workers-sweep",
                "w = np.arange(1, 97)\n"
                "needed = input_pipeline('resnet-50', gpu, batch=batch, workers=workers).workers_needed\n"
                "local = input_pipeline('resnet-50', gpu, batch=batch, workers=w)\n"
                "fig = sweep_figure(w, {'GPU utilisation, data on local NVMe': local.utilisation},\n"
                "                   xlabel='CPU workers', ylabel='GPU utilisation',\n"
                "                   title=f'ResNet-50 on {gpu.name}, batch {batch}',\n"
                "                   marks=[(f'your {workers} workers', workers),\n"
                "                          (f'{needed:.0f} needed', needed)])\n"
                "plt.show()"),
        *L.text("Utilisation rises in proportion to the workers while the CPU binds (each "
                "worker adds the same images per second), then stops at 1 once the GPU "
                "binds: workers beyond that point wait for the GPU."),
        *L.text("## 4. When storage binds instead\n\nMove the data to the object store. "
                "The node reads it over its network, and all of the node's GPUs share that "
                "one link. Give the CPU side twice the workers it needs, so that it is out "
                "of the way."),
        *L.predict(LAB, "remote_io",
                   "remote_io = input_pipeline('resnet-50', gpu, batch=batch, workers=workers,\n"
                   "                           storage='object-store', node=node).storage_s", 1),
        *L.predict(LAB, "remote_binding",
                   "plenty = 2 * input_pipeline('resnet-50', gpu, batch=batch, "
                   "workers=workers).workers_needed\n"
                   "stage = {'compute throughput': 'gpu', 'data transformation': 'cpu',\n"
                   "         'storage and locality': 'storage'}\n"
                   "remote_binding = stage[str(input_pipeline('resnet-50', gpu, batch=batch, "
                   "workers=plenty,\n"
                   "                                          storage='object-store', "
                   "node=node).binding_wall)]", 1),
        *L.code(LAB, "storage-banner",
                "plenty = 2 * input_pipeline('resnet-50', gpu, batch=batch, workers=workers).workers_needed\n"
                "rr = input_pipeline('resnet-50', gpu, batch=batch, workers=plenty,\n"
                "                    storage='object-store', node=node)\n"
                "per_gpu = store.read_bandwidth / node.accelerators\n"
                "if str(rr.binding_wall) == 'storage and locality':\n"
                "    show(FailureBanner('STORAGE STALL', f'Each of the {node.accelerators} GPUs gets '\n"
                "         f'{per_gpu / 1e9:.2f} GB/s of the object store and needs '\n"
                "         f'{batch * sample.value / rr.accelerator_s / 1e9:.2f} GB/s: the {gpu.name} '\n"
                "         f'is busy {rr.utilisation:.0%} of the step even with {plenty:.0f} CPU workers.'))\n"
                "else:\n"
                "    print(f'The {gpu.name} needs only {batch * sample.value / rr.accelerator_s / 1e9:.2f} GB/s '\n"
                "          f'of its {per_gpu / 1e9:.2f} GB/s share: the GPU still binds '\n"
                "          f'(storage {rr.storage_s * 1e3:.1f} ms < GPU {rr.accelerator_s * 1e3:.1f} ms).')"),
        *L.predict(LAB, "max_sharers",
                   "sharers = np.arange(1, 257)\n"
                   "sweep = input_pipeline('resnet-50', gpu, batch=batch, workers=plenty,\n"
                   "                       storage='object-store', node=node, sharers=sharers)\n"
                   "max_sharers = int(sharers[sweep.storage_s <= sweep.accelerator_s].max())", 1),
        *L.code(LAB, "tiers-sweep",
                "tiers = {}\n"
                "for tier in ('local-nvme', 'parallel-fs', 'object-store'):\n"
                "    remote_tier = catalog.get_storage(tier).remote\n"
                "    t = input_pipeline('resnet-50', gpu, batch=batch, workers=w, storage=tier,\n"
                "                       node=node if remote_tier else None)\n"
                "    tiers[tier + (f' ({node.accelerators} GPUs share it)' if remote_tier else '')] = t.utilisation\n"
                "fig = sweep_figure(w, tiers, xlabel='CPU workers', ylabel='GPU utilisation',\n"
                "                   title=f'ResNet-50 on {gpu.name}, batch {batch}: three storage tiers',\n"
                "                   marks=[(f'{needed:.0f} needed', needed)])\n"
                "plt.show()"),
        *L.text("Every curve rises with the workers while the CPU binds. The plateau is set "
                "by whichever of the GPU and the storage is slower: a curve that levels off "
                "below 1 is a storage stall that no number of CPU workers can fix (tiers that keep "
                "up draw the same curve, on top of each other)."),
        *L.text("### Explore\n\nChange the workers and the storage tier (in plain mode this "
                "prints one line)."),
        *L.code(LAB, "panel",
                "def describe(workers, storage):\n"
                "    r = input_pipeline('resnet-50', gpu, batch=batch, workers=workers, storage=storage,\n"
                "                       node=node if catalog.get_storage(storage).remote else None)\n"
                "    return (f'{workers} workers, {storage}: step {r.step_s * 1e3:.1f} ms '\n"
                "            f'(GPU {r.accelerator_s * 1e3:.1f}, CPU {r.preprocessing_s * 1e3:.1f}, '\n"
                "            f'storage {r.storage_s * 1e3:.1f}), utilisation {r.utilisation:.0%}, '\n"
                "            f'bound by {r.binding_wall}')\n"
                "show(ParameterPanel({'workers': (1, 96, 1, workers),\n"
                "                     'storage': ['local-nvme', 'parallel-fs', 'object-store']}, describe))"),
        *L.reflect(LAB, "faster-needs-more",
                   "Why does a faster GPU need more CPU workers *and* more storage bandwidth "
                   "to stay busy? What does that mean for the CPU cores and the storage you "
                   "buy with each new GPU generation?",
                   "Both the CPU time and the storage time of a batch are fixed by the data "
                   "(images per second per core, bytes per image), while the GPU time "
                   "shrinks with every generation. Keeping the GPU busy needs the whole "
                   "pipeline to deliver images at the GPU's rate: workers and bandwidth "
                   "needed scale with GPU throughput. A node with a faster GPU needs more "
                   "cores per GPU (or GPU-side decoding) and a faster storage tier (local "
                   "cache, parallel file system), otherwise the new GPUs mostly wait.", 2),
        *L.summary(LAB, "With a handful of CPU workers the step is bound by **data "
                   "transformation** (wall 9): JPEG decoding takes several times longer than "
                   "the GPU's forward and backward passes, so the GPU idles and its "
                   "utilisation is the ratio of the two times. A faster GPU lowers the "
                   "utilisation further without shortening the step. With enough workers "
                   "the **GPU's compute** binds, unless the data sits on remote storage "
                   "shared by the node's GPUs: then **storage and locality** (wall 10) can "
                   "bind first, and faster GPUs hit it sooner. The accelerator time here is "
                   "the ideal roofline bound and the decode rate covers decoding only; real "
                   "training reaches a fraction of peak (fewer workers needed) and "
                   "augmentation costs extra CPU time (more workers needed)."),
    ]
    return L.notebook(LAB, blocks)
