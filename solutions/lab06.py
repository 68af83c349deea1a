"""Lab 06: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab06.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab06``."""

from mlsysim_lab.course import blocks as L

LAB = "lab06"

RECAP = """
A model too big for one GPU is trained on a grid of **TP x PP x DP** GPUs: tensor
parallelism (TP) splits every layer across the GPUs of one node over NVLink, pipeline
parallelism (PP) splits the layers into stages, and data parallelism (DP) runs replicas
that each see part of the global batch and then **all-reduce their gradients**.

**Collectives (alpha-beta model).** A ring all-reduce of a message of $n$ bytes over $p$
peers sends, from every peer,

$$V = \\frac{2(p-1)}{p}\\, n \\quad\\text{bytes, in}\\quad t = 2(p-1)\\,\\alpha + \\frac{V}{B},$$

with $B$ the per-direction bandwidth of one link and $\\alpha$ the per-step latency
(Patarasuk & Yuan, JPDC 2009; Thakur, Rabenseifner & Gropp, IJHPCA 2005).

**The step.** With $m$ micro-batches per pipeline the bubble idles a share
$(PP-1)/(m+PP-1)$ of the pipeline (Huang et al., GPipe 2019), and

$$t_\\text{step} = \\frac{t_\\text{compute}}{1-\\text{bubble}} + t_\\text{TP} + t_\\text{PP}
+ t_\\text{DP}, \\qquad \\text{scaling efficiency} = \\frac{t_\\text{compute}}{t_\\text{step}}.$$

**Failures.** A cluster fails whenever any part does: its failure rate is the sum of its
parts', $\\Lambda = n_\\text{GPU}\\lambda_\\text{GPU} + n_\\text{node}\\lambda_\\text{node}$
and $\\text{MTBF} = 1/\\Lambda$. Checkpointing every $\\tau$ seconds with a write time
$\\delta$ and a restart time $R$ loses the share

$$\\frac{\\delta}{\\tau} + \\frac{\\tau}{2\\,\\text{MTBF}} + \\frac{R}{\\text{MTBF}},
\\qquad\\text{minimised at the Young-Daly interval}\\quad \\tau^* = \\sqrt{2\\,\\delta\\,\\text{MTBF}}$$

(Young, CACM 1974; Daly, FGCS 2006): checkpoint writes, the rework since the last
checkpoint (half an interval per failure on average), and the restarts.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.walls.fleet.collectives import ring_allreduce_bytes, ring_allreduce_time
from mlsysim_lab.walls.fleet.parallelism import GRADIENT_BYTES, training_step
from mlsysim_lab.walls.fleet.reliability import (CHECKPOINT_BYTES_PER_PARAM, checkpoint_time_s,
                                                 cluster_mtbf_s, training_reliability,
                                                 young_daly_interval_s)
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
model = catalog.get_model('llama-3-70b')
node = catalog.get_node('dgx-h100')
gpu = catalog.get_hardware(node.accelerator)
nvlink = catalog.get_fabric(node.scale_up_fabric)
ib = catalog.get_fabric(node.scale_out_fabric)
gpus, global_batch, pp = lab.scenario['gpus'], lab.scenario['global_batch'], lab.scenario['pp']
tp = node.accelerators            # tensor parallelism fills one node
dp = gpus // (tp * pp)            # data-parallel replicas
nodes = gpus // node.accelerators
print(f"{model.name}: {model.total_params / 1e9:.1f} B parameters, global batch {global_batch} "
      f"sequences of 4,096 tokens")
print(f"{gpus} GPUs = {nodes} x {node.name}: TP = {tp}, PP = {pp}, DP = {dp}")
print(f"inside a node: {nvlink.name}, {nvlink.bandwidth / 1e9:.0f} GB/s per direction per GPU, "
      f"alpha = {nvlink.latency * 1e6:.1f} us")
print(f"between nodes: {ib.name}, {ib.bandwidth / 1e9:.0f} GB/s per direction per port "
      f"(one port per GPU), alpha = {ib.latency * 1e6:.1f} us")
"""

FITS = """
one_node = training_step(model, node, tp=tp, pp=1, dp=1, global_batch=global_batch)
show(FailureBanner('OUT OF MEMORY',
     f'Training {model.name} on one {node.name} (TP = {tp}) needs '
     f'{float(one_node.memory_bytes) / 1e9:.0f} GB per GPU (16-bit weights and gradients, FP32 '
     f'Adam state, activations); each {gpu.name} has {one_node.capacity_bytes / 1e9:.0f} GB.'))
mine = training_step(model, node, tp=tp, pp=pp, dp=dp, global_batch=global_batch)
print(f'Your configuration (TP {tp} x PP {pp} x DP {dp}): {float(mine.memory_bytes) / 1e9:.1f} GB '
      f'per GPU, feasible: {bool(mine.feasible)}')
"""

RING_TABLE = """
grad_bytes = model.total_params / (tp * pp) * GRADIENT_BYTES   # this GPU's gradient shard
print(' DP peers   GB sent per GPU   all-reduce time (s)')
for peers in (2, 4, 8, 16, 32, 64, 128):
    sent = ring_allreduce_bytes(grad_bytes, peers)
    time = ring_allreduce_time(grad_bytes, peers, ib.bandwidth, ib.latency)
    print(f'{peers:9d} {sent / 1e9:17.2f} {time:21.4f}')
step = training_step(model, node, tp=tp, pp=pp, dp=dp, global_batch=global_batch)
print(f'training_step charges {float(step.dp_comm_s):.4f} s for the same all-reduce: TP fills the '
      f'node, so every DP peer sits in another node and the hierarchical all-reduce is a plain '
      f'ring over the InfiniBand ports.')
"""

BREAKDOWN = """
step = training_step(model, node, tp=tp, pp=pp, dp=dp, global_batch=global_batch)
terms = {'compute': step.compute_s, 'pipeline bubble': step.bubble_s,
         'TP all-reduces (NVLink)': step.tp_comm_s, 'PP sends (InfiniBand)': step.pp_comm_s,
         'DP gradient all-reduce (InfiniBand)': step.dp_comm_s}
for name, seconds in terms.items():
    print(f'{name:38s} {float(seconds):7.3f} s  {float(seconds / step.step_s):6.1%} of the step')
print(f'step {float(step.step_s):.2f} s, {float(step.micro_batches):.0f} micro-batches per pipeline, '
      f'scaling efficiency {float(step.scaling_efficiency):.1%}, MFU {float(step.mfu):.1%}; '
      f'largest term of the step: {step.binding_wall}')
"""

SCALING_PLOT = """
replicas = 2 ** np.arange(0, int(np.log2(1024 // (tp * pp))) + 1)
sweep = training_step(model, node, tp=tp, pp=pp, dp=replicas, global_batch=global_batch)
sizes = tp * pp * replicas
fig = sweep_figure(sizes, {'scaling efficiency': sweep.scaling_efficiency,
                           'TP all-reduce share': sweep.tp_comm_s / sweep.step_s,
                           'DP all-reduce share': sweep.dp_comm_s / sweep.step_s,
                           'pipeline bubble share': sweep.bubble_s / sweep.step_s},
                   xlabel='GPUs', ylabel='share of the step time', logx=True,
                   marks=[('your cluster', gpus)],
                   title=f'{model.name}, TP {tp} x PP {pp}, global batch {global_batch}')
plt.show()
"""

SCALING_PANEL = """
def describe(cluster, batch):
    r = training_step(model, node, tp=tp, pp=pp, dp=cluster // (tp * pp), global_batch=batch)
    if not bool(r.feasible):
        return f'{cluster} GPUs, global batch {batch}: infeasible ({r.reason})'
    return (f'{cluster} GPUs, global batch {batch}: step {float(r.step_s):.2f} s, '
            f'efficiency {float(r.scaling_efficiency):.1%}, bubble {float(r.bubble_s / r.step_s):.1%} '
            f'and '
            f'DP all-reduce {float(r.dp_comm_s / r.step_s):.1%} of the step')
show(ParameterPanel({'cluster': [gpus] + [n for n in (256, 512, 1024) if n != gpus],
                     'batch': [global_batch] + [b for b in (512, 1024, 2048, 4096)
                                                if b != global_batch]}, describe))
"""

LOSSES = """
run = training_reliability(model, gpus, gpus_per_node=node.accelerators)
print(f'checkpoint: {run.checkpoint_s:.2f} s to write '
      f'{model.total_params * CHECKPOINT_BYTES_PER_PARAM / 1e12:.2f} TB; '
      f'restart: {run.restart_s:.0f} s per failure')
print(f'checkpoint writes {run.checkpoint_fraction:.3%}, rework {run.rework_fraction:.3%}, '
      f'restarts {run.restart_fraction:.3%}: lost {run.lost_fraction:.3%} of wall-clock')
step = training_step(model, node, tp=tp, pp=pp, dp=dp, global_batch=global_batch)
print(f'communication and bubble: {1 - float(step.scaling_efficiency):.1%} of every step')
"""

MTBF_PLOT = """
cluster = 2 ** np.arange(3, 15)
mtbf_curve = cluster_mtbf_s(cluster, cluster // node.accelerators)
interval = young_daly_interval_s(checkpoint_time_s(model), mtbf_curve)
fig = sweep_figure(cluster, {'cluster MTBF': mtbf_curve / 3600,
                             'Young-Daly checkpoint interval': interval / 3600},
                   xlabel='GPUs', ylabel='hours', logx=True, logy=True,
                   marks=[('your cluster', gpus)],
                   title=f'DGX H100 clusters: failures and checkpoints for {model.name}')
plt.show()
"""

SHARES_PLOT = """
replicas = 2 ** np.arange(0, int(np.log2(1024 // (tp * pp))) + 1)
sizes = tp * pp * replicas
sweep = training_step(model, node, tp=tp, pp=pp, dp=replicas, global_batch=global_batch)
lost = training_reliability(model, sizes, gpus_per_node=node.accelerators).lost_fraction
fig = sweep_figure(sizes, {'communication + bubble': 100 * (1 - sweep.scaling_efficiency),
                           'checkpoints + rework + restarts': 100 * lost},
                   xlabel='GPUs', ylabel='% of wall-clock lost', logx=True, logy=True,
                   marks=[('your cluster', gpus)],
                   title='Where the wall-clock goes at scale')
plt.show()
"""

WHAT_IF = """
default_storage = catalog.get_assumption('checkpoint-storage-bandwidth').value
default_restart = catalog.get_assumption('restart-time').value
def what_if(cluster, storage_share, restart_factor):
    r = training_reliability(model, cluster, gpus_per_node=node.accelerators,
                             storage_bandwidth=default_storage * storage_share,
                             restart_s=default_restart * restart_factor)
    return (f'{cluster} GPUs, storage {default_storage * storage_share / 1e9:.0f} GB/s, restart '
            f'{default_restart * restart_factor / 60:.1f} min: MTBF {r.mtbf_s / 3600:.1f} h, '
            f'checkpoint every {r.interval_s / 60:.1f} min, lost {r.lost_fraction:.2%}')
show(ParameterPanel({'cluster': [gpus, 4096, 16384, 65536], 'storage_share': [1.0, 0.1, 0.01],
                     'restart_factor': [1, 4, 10]}, what_if))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 0. Why a cluster at all\n\nMixed-precision Adam keeps about 16 bytes per "
                "parameter of model state before any sharding. Can one DGX H100 train your "
                "model?"),
        *L.code(LAB, "fits", FITS),
        *L.text("## 1. The gradient all-reduce\n\nAfter the backward pass every DP replica "
                "holds the 16-bit gradients of its GPU's shard of the model (its "
                "1 / (TP x PP) share of the parameters), and the replicas all-reduce them in "
                "a ring over InfiniBand."),
        *L.predict(LAB, "ring_bytes",
                   "grad_bytes = model.total_params / (tp * pp) * GRADIENT_BYTES\n"
                   "ring_bytes = ring_allreduce_bytes(grad_bytes, dp) / 1e9", 1),
        *L.predict(LAB, "dp_allreduce",
                   "grad_bytes = model.total_params / (tp * pp) * GRADIENT_BYTES\n"
                   "dp_allreduce = ring_allreduce_time(grad_bytes, dp, ib.bandwidth, ib.latency)", 2),
        *L.text("How do the bytes and the time change with the number of peers? (The "
                "message is your GPU's gradient shard.)"),
        *L.code(LAB, "ring-table", RING_TABLE),
        *L.predict(LAB, "grows_worse",
                   "grad_bytes = model.total_params / (tp * pp) * GRADIENT_BYTES\n"
                   "def mtbf_of(n):\n"
                   "    return cluster_mtbf_s(n, n // node.accelerators)\n"
                   "def allreduce_of(n):\n"
                   "    return ring_allreduce_time(grad_bytes, n // (tp * pp), ib.bandwidth, ib.latency)\n"
                   "growth = {'failure_rate': mtbf_of(256) / mtbf_of(1024),\n"
                   "          'ring_volume': ring_allreduce_bytes(grad_bytes, 1024 // (tp * pp))\n"
                   "                         / ring_allreduce_bytes(grad_bytes, 256 // (tp * pp)),\n"
                   "          'allreduce_time': allreduce_of(1024) / allreduce_of(256)}\n"
                   "grows_worse = max(growth, key=growth.get)", 1),
        *L.text("## 2. Scaling efficiency\n\nThe step also pays four tensor-parallel "
                "all-reduces of the activations per layer and micro-batch over NVLink, the "
                "pipeline's point-to-point sends, and the bubble. The model charges compute at "
                "the GPU's dense BF16 peak and overlaps no communication with it, so the "
                "shares below are upper bounds on what communication costs."),
        *L.predict(LAB, "efficiency",
                   "step = training_step(model, node, tp=tp, pp=pp, dp=dp, "
                   "global_batch=global_batch)\n"
                   "efficiency = float(step.scaling_efficiency)", 2),
        *L.code(LAB, "breakdown", BREAKDOWN),
        *L.text("At a fixed global batch each extra replica takes a smaller slice of it: "
                "compute per GPU falls as 1 / DP, the pipeline gets fewer micro-batches to "
                "hide its bubble, but each GPU's gradient all-reduce stays as long as it was. "
                "Where does the efficiency go as the cluster grows?"),
        *L.code(LAB, "scaling-plot", SCALING_PLOT),
        *L.text("### Explore\n\nChange the cluster and the global batch (in plain mode this "
                "prints one line)."),
        *L.code(LAB, "scaling-panel", SCALING_PANEL),
        *L.reflect(LAB, "fixed-batch",
                   "In two or three sentences: each GPU's gradient all-reduce takes about the "
                   "same time at 256 and at 1,024 GPUs, yet the scaling efficiency falls. Why? "
                   "What would a larger global batch change?",
                   "The ring sends about twice the gradient shard whatever the number of "
                   "peers, so the all-reduce time is nearly constant; but at a fixed global "
                   "batch every replica gets fewer sequences, so the compute per step shrinks "
                   "as 1 / DP while the all-reduce does not, and each pipeline has fewer "
                   "micro-batches, so the bubble grows. A larger global batch restores the "
                   "work per replica and the micro-batches (at the cost of the optimizer's "
                   "critical batch size).", 2),
        *L.text("## 3. Failures and checkpoints\n\nThe default failure rates are the "
                "unexpected interruptions of the Llama 3 pre-training run (16,384 H100 GPUs, "
                "54 days), split into GPU-side faults per GPU-hour and everything else per "
                "node-hour:"),
        *L.code(LAB, "rates",
                "for rate_id in ('failure-rate-per-gpu', 'failure-rate-per-node', "
                "'restart-time', 'checkpoint-storage-bandwidth'):\n"
                "    a = catalog.get_assumption(rate_id)\n"
                "    print(f'{a.name}: {a.value:.3g} {a.unit}')"),
        *L.predict(LAB, "mtbf", "mtbf = cluster_mtbf_s(gpus, nodes) / 3600", 1),
        *L.implement(LAB, "young_daly_fn",
                     "def young_daly_interval(checkpoint_s, mtbf_s):\n"
                     "    return (2 * checkpoint_s * mtbf_s) ** 0.5", 2),
        *L.text("A checkpoint holds the FP32 master weights and Adam's two moments plus the "
                "16-bit weights, written to the cluster's storage at its sustained write "
                "bandwidth (`checkpoint_time_s`)."),
        *L.predict(LAB, "young_daly",
                   "young_daly = young_daly_interval_s(checkpoint_time_s(model), "
                   "cluster_mtbf_s(gpus, nodes)) / 60", 1),
        *L.code(LAB, "mtbf-plot", MTBF_PLOT),
        *L.predict(LAB, "reliability_loss",
                   "reliability_loss = training_reliability(model, gpus, "
                   "gpus_per_node=node.accelerators).lost_fraction * 100", 1),
        *L.predict(LAB, "where_lost",
                   "step = training_step(model, node, tp=tp, pp=pp, dp=dp, "
                   "global_batch=global_batch)\n"
                   "lost = training_reliability(model, gpus, gpus_per_node=node.accelerators)"
                   ".lost_fraction\n"
                   "where_lost = 'communication' if 1 - step.scaling_efficiency > lost "
                   "else 'failures'", 1),
        *L.code(LAB, "losses", LOSSES),
        *L.code(LAB, "shares-plot", SHARES_PLOT),
        *L.text("### Explore: when do failures start to matter?\n\nThe defaults assume the "
                "Llama 3 cluster's storage and a fast, optimised recovery. Grow the cluster, "
                "slow the storage, or lengthen the restart (in plain mode this prints one "
                "line)."),
        *L.code(LAB, "what-if", WHAT_IF),
        *L.reflect(LAB, "failures",
                   "Your cluster fails many times over a months-long run, yet failures cost "
                   "far less wall-clock than communication. Explain why, and say which term of "
                   "the lost fraction grows fastest with the cluster and what would make "
                   "failures the dominant loss.",
                   "Checkpointing at the Young-Daly interval balances the write cost against "
                   "the rework, and both scale as sqrt(checkpoint time / MTBF), which stays "
                   "small while a checkpoint takes seconds and the MTBF is hours to days. The "
                   "restart term R / MTBF grows linearly with the cluster (the MTBF falls as "
                   "1 / GPUs), faster than the other two. Failures dominate with slow "
                   "checkpoint storage, slow (scheduler-level) restarts, or tens of thousands "
                   "of GPUs, where the MTBF drops to hours and below.", 2),
        *L.summary(LAB, "Inside one node, **memory capacity** binds first: a 70B model's training "
                   "state does not fit eight GPUs, so the model is split over pipeline stages "
                   "and nodes. Across nodes, **communication (wall 14) and synchronization "
                   "(wall 15)** bind: the tensor-parallel all-reduces on every layer, the "
                   "gradient all-reduce whose time does not shrink as GPUs are added (the ring "
                   "sends about twice the message whatever p), and a pipeline bubble that "
                   "grows as a fixed global batch is spread over more replicas. **Reliability "
                   "(wall 16)** grows worse the fastest: the cluster's failure rate is the sum "
                   "of its parts', so the MTBF falls as 1 / GPUs; with seconds-long checkpoints "
                   "at the Young-Daly interval and fast restarts it still costs only a small "
                   "share at a thousand GPUs, and becomes a first-order loss only at much "
                   "larger scale or with slow storage and recovery."),
    ]
    return L.notebook(LAB, blocks)
