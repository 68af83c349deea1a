"""Lab 06: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab06.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab06``."""

from mlsysim_lab.course import blocks as L

LAB = "lab06"

RECAP = """
A 70B model trains on **TP x PP x DP** GPUs (TP over a node's NVLink, PP over layer
stages, DP replicas that **all-reduce their gradients**). A ring all-reduce of $n$ bytes
over $p$ peers takes (Patarasuk & Yuan, JPDC 2009)

$$t = \\frac{2(p-1)}{p}\\,\\frac{n}{B} + 2(p-1)\\,\\alpha .$$

With $m$ micro-batches the pipeline bubble costs $t_\\text{compute}(PP-1)/m$ (GPipe, 2019).
Nothing overlaps: $t_\\text{step}$ = compute + bubble + TP + PP + DP communication, and
the **scaling efficiency** is $t_\\text{compute} / t_\\text{step}$. A cluster fails
whenever any part does: $\\text{MTBF} = 1 / (n_\\text{GPU}\\lambda_\\text{GPU} +
n_\\text{node}\\lambda_\\text{node})$.
"""

SETUP = """
import numpy as np
from mlsysim_lab import catalog
from mlsysim_lab.walls.fleet.collectives import ring_allreduce_bytes
from mlsysim_lab.walls.fleet.parallelism import GRADIENT_BYTES, training_step
from mlsysim_lab.walls.fleet.reliability import checkpoint_bytes, cluster_mtbf_s, training_reliability
from mlsysim_lab.widgets.plots import sweep_figure
model, node = catalog.get_model('llama-3-70b'), catalog.get_node('dgx-h100')
ib = catalog.get_fabric(node.scale_out_fabric)
gpus, global_batch, pp = lab.scenario['gpus'], lab.scenario['global_batch'], lab.scenario['pp']
tp = node.accelerators            # tensor parallelism fills one node
dp = gpus // (tp * pp)            # data-parallel replicas
spread = catalog.get_assumption('failure-rate-spread')
fleet = spread.low if lab.scenario['fleet'] == 'llama-3' else spread.high
gpu_rate = fleet * catalog.get_assumption('failure-rate-per-gpu').value
node_rate = fleet * catalog.get_assumption('failure-rate-per-node').value
print(f"{model.name}: {model.total_params / 1e9:.1f} G parameters, {GRADIENT_BYTES:g}-byte gradients, "
      f"global batch {global_batch}")
print(f"{gpus} GPUs = {gpus // tp} x {node.name}: TP {tp} x PP {pp} x DP {dp}")
print(f"between nodes: {ib.name}, {ib.bandwidth / 1e9:.0f} GB/s per direction per GPU, alpha {ib.latency * 1e6:.1f} us")
print(f"fleet '{lab.scenario['fleet']}': {gpu_rate:.3g} GPU failures per GPU-hour, "
      f"{node_rate:.3g} other failures per node-hour")
print(f"  = Llama 3's x {fleet:.2f}; OPT-175B's fleet failed {spread.high:.2f}x as often per node. Sources:")
print(f"  {catalog.get_assumption('failure-rate-per-gpu').citation('value')}")
opt = catalog.references.get(spread.sources['high'])
print(f"  {opt.publisher} ({opt.year}). {opt.title} <{opt.url}>")
"""

BREAKDOWN = """
step = training_step(model, node, tp=tp, pp=pp, dp=dp, global_batch=global_batch)
print(f'your step: compute {float(step.compute_s):.3f} s, bubble {float(step.bubble_s):.3f} s '
      f'({float(step.micro_batches):.0f} micro-batches), TP {float(step.tp_comm_s):.3f} s, '
      f'PP {float(step.pp_comm_s):.3f} s, DP {float(step.dp_comm_s):.3f} s')
grad = model.total_params / (tp * pp) * GRADIENT_BYTES
print('GB each GPU sends, by DP peers: ' + ', '.join(
    f'{p}: {ring_allreduce_bytes(grad, p) / 1e9:.2f}' for p in (2, 8, 32, 128)))
"""

SCALING_PLOT = """
replicas = 2 ** np.arange(0, int(np.log2(4 * dp)) + 1)
sweep = training_step(model, node, tp=tp, pp=pp, dp=replicas, global_batch=global_batch)
fig = sweep_figure(replicas,
                   {'scaling efficiency': 100 * sweep.scaling_efficiency,
                    'bubble': 100 * sweep.bubble_s / sweep.step_s,
                    'DP all-reduce': 100 * sweep.dp_comm_s / sweep.step_s,
                    'TP and PP transfers': 100 * (sweep.tp_comm_s + sweep.pp_comm_s) / sweep.step_s},
                   xlabel=f'DP replicas (x {tp * pp} GPUs each)', ylabel='% of the step', logx=True,
                   marks=[('your cluster', dp), ('4x', 4 * dp)],
                   title=f'{model.name}, TP {tp} x PP {pp}, global batch {global_batch}')
plt.show()
"""

FAILURES = """
for name, factor in (('llama-3', spread.low), ('opt-175b', spread.high)):
    m = cluster_mtbf_s(1024, 1024 // tp,
                       gpu_failure_rate=factor * catalog.get_assumption('failure-rate-per-gpu').value,
                       node_failure_rate=factor * catalog.get_assumption('failure-rate-per-node').value)
    print(f"{name} fleet: MTBF {m / 3600:.1f} h at 1,024 GPUs; the rule's 20 h implies {m / 3600 / 20:.2f}x its rates")
run = training_reliability(model, gpus, gpus_per_node=tp, gpu_failure_rate=gpu_rate,
                           node_failure_rate=node_rate, storage='checkpoint-store')
print(f"checkpoint {checkpoint_bytes(model) / 1e9:.0f} GB: {run.checkpoint_s:.1f} s at your {gpus // tp} nodes' "
      f"share of the checkpoint store, every {run.interval_s / 60:.0f} min (Young-Daly); restart {run.restart_s:.0f} s")
print(f'your cluster loses {run.lost_fraction:.1%} of its wall-clock to checkpoints, rework and '
      f'restarts, against {1 - float(step.scaling_efficiency):.0%} of every step to communication and the bubble')
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.predict(LAB, "dp_allreduce",
                   "grad = model.total_params / (tp * pp) * GRADIENT_BYTES\n"
                   "dp_allreduce = 2 * (dp - 1) / dp * grad / ib.bandwidth + 2 * (dp - 1) * ib.latency", 2),
        *L.code(LAB, "breakdown", BREAKDOWN),
        *L.text("The bytes each GPU sends barely change with the peers. At a fixed global "
                "batch, more replicas mean less compute and fewer micro-batches per GPU."),
        *L.predict(LAB, "efficiency_4x",
                   "c = step.compute_s / 4                                  # 4x the GPUs share the work\n"
                   "bubble = c * (pp - 1) / (step.micro_batches / 4)        # 4x fewer micro-batches\n"
                   "rest = (step.tp_comm_s + step.pp_comm_s) / 4 + step.dp_comm_s   # the all-reduce stays\n"
                   "efficiency_4x = 100 * c / (c + bubble + rest)", 2),
        *L.code(LAB, "scaling-plot", SCALING_PLOT),
        *L.text("## Failures"),
        *L.predict(LAB, "rule",
                   "at_1024 = 1 / (1024 * gpu_rate + 1024 // tp * node_rate)   # hours\n"
                   "rule = 'pessimistic' if at_1024 > 20 else 'optimistic'", 1),
        *L.code(LAB, "failures", FAILURES),
        *L.reflect(LAB, "first-fix",
                   "Your cluster loses part of its wall-clock to failures and part to "
                   "communication and the bubble (printed above). Which would you attack "
                   "first, and with what?",
                   "Usually communication and the bubble: at the Young-Daly interval with a "
                   "checkpoint store that scales with the cluster, failures cost a few percent, "
                   "while the step loses far more to the all-reduce and the bubble. More "
                   "micro-batches (a larger global batch), overlapping the all-reduce with the "
                   "backward pass or fewer DP replicas attack it. Failures come first only with "
                   "slow checkpoints, a failure-prone fleet or a much larger cluster.", 2),
        *L.summary(LAB, "Communication and synchronization bind across nodes: the all-reduce "
                   "does not shrink as GPUs are added while each GPU's compute does, and the "
                   "bubble grows. Failures grow with the cluster but, checkpointed at the "
                   "Young-Daly interval, cost less. Quote an MTBF from a fleet's measured "
                   "rates, not a rule."),
    ]
    return L.notebook(LAB, blocks)
