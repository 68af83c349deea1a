"""Lab 11: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab11.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab11``."""

from mlsysim_lab.course import blocks as L

LAB = "lab11"

RECAP = """
A training configuration is a grid of **TP x PP x DP** GPUs and a **micro-batch**: tensor
parallelism splits each layer inside a node, pipeline parallelism splits the layers into
stages, data parallelism runs replicas that all-reduce their gradients (Narayanan et al.,
SC 2021; lab 06). It is **feasible** only if its memory per GPU fits: 16-bit weights and
gradients (4 bytes per parameter, split by TP x PP; ZeRO-3 splits them by DP too), the
FP32 Adam state (12 bytes, split by DP), and the activations a micro-batch keeps, about
$34\\, s\\, h\\, L$ bytes per sequence of $s$ tokens, width $h$, $L$ layers, with selective
recomputation (Korthikanti et al., MLSys 2023), split by TP x PP.

**Design-space exploration** declares the space, the **constraints** (memory fit, a GPU
cap) and the **objectives** (step time, cost per step), evaluates every point in one
vectorised call, and returns the best point and the **Pareto front**: the feasible
points no other point beats on both objectives.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.explore import Constraint, explore, grid_size, training_evaluator
from mlsysim_lab.walls.fleet.parallelism import training_step
import numpy as np
import time
model, node = catalog.get_model(lab.scenario['model']), catalog.get_node('dgx-h100')
gpu = catalog.get_hardware(node.accelerator)
seq_len, global_batch = lab.scenario['seq_len'], lab.scenario['global_batch']
zero_stage, max_gpus = lab.scenario['zero_stage'], lab.scenario['max_gpus']
space = {'tp': [1, 2, 4, 8], 'pp': [1, 2, 4, 8, 16], 'dp': list(range(1, 129)),
         'micro_batch': [1, 2, 4, 8, 16]}
constraints = [Constraint('memory_bytes', '<=', gpu.memory_capacity),
               Constraint('devices', '<=', max_gpus)]
objectives = {'step_s': 'min', 'cost_per_step_usd': 'min'}
evaluator = training_evaluator(model.id, node.id, global_batch=global_batch, seq_len=seq_len,
                               zero_stage=zero_stage)
print(f"{model.name}: {model.total_params / 1e9:.2f} B parameters, width {model.hidden:,}, "
      f"{model.layers} layers; {node.name}: "
      f"{node.accelerators} x {gpu.name}, {gpu.memory_capacity / 1e9:.0f} GB each, billed per node.")
print(f"Batch {global_batch} x {seq_len:,} tokens, ZeRO stage {zero_stage}, at most "
      f"{max_gpus:,} GPUs; the space: {grid_size(space):,} configurations.")
"""

SEARCH = """
start = time.perf_counter()
loop_calls = 0
for dp in space['dp']:                      # the nested loop, for one (TP, PP) pair only
    for micro_batch in space['micro_batch']:
        training_step(model, node, tp=8, pp=4, dp=dp, micro_batch=micro_batch,
                      global_batch=global_batch, seq_len=seq_len, zero_stage=zero_stage)
        loop_calls += 1
loop_s = (time.perf_counter() - start) / loop_calls * grid_size(space)
start = time.perf_counter()
result = explore(evaluator, space, objectives=objectives, constraints=constraints)
print(f'nested loop: about {loop_s:.0f} s for the space; explore: '
      f'{time.perf_counter() - start:.3f} s; {int(result.feasible.sum()):,} feasible')
for label, r in (('fastest', result.best), ('cheapest', result.pareto_front[-1])):
    print(f"{label:9s} TP {r['tp']} x PP {r['pp']} x DP {r['dp']}, micro-batch "
          f"{r['micro_batch']}: {r['devices']:.0f} GPUs, {r['step_s']:.2f} s, "
          f"${r['cost_per_step_usd']:.2f} per step, MFU {r['mfu']:.0%}")
cheapest = result.pareto_front[-1]
"""

PARETO_PLOT = """
feasible, front = result.feasible, result.pareto_front
times, costs = result.metrics['step_s'], result.metrics['cost_per_step_usd']
fig, ax = plt.subplots(figsize=(6.4, 4.2), constrained_layout=True)
ax.scatter(times[feasible], costs[feasible], s=10, color='lightgray', label='feasible')
ax.plot([p['step_s'] for p in front], [p['cost_per_step_usd'] for p in front], 'o-',
        color='C3', label='Pareto front')
for p in front:
    ax.annotate(f"{p['devices']:.0f} GPUs", (p['step_s'], p['cost_per_step_usd']), fontsize=7)
ax.set_xscale('log')
ax.set_xlabel('step time (s)')
ax.set_ylabel('cost per step (USD)')
ax.set_title(f'{model.name}: time against cost')
ax.legend(fontsize=8)
plt.show()
print('front: ' + ', '.join(f"{p['devices']:.0f} GPUs {p['step_s']:.2f} s" for p in front))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Before the search"),
        *L.predict(LAB, "dp_memory",
                   "states = (16 * model.total_params / 32 if zero_stage == 3\n"
                   "          else 4 * model.total_params + 12 * model.total_params / 32)\n"
                   "dp_memory = (states + 34 * seq_len * model.hidden * model.layers) / 1e9", 2),
        *L.predict(LAB, "cheapest_family",
                   "cheapest_family = 'data' if 4 * model.total_params < gpu.memory_capacity "
                   "else 'model'", 1),
        *L.text("## 2. One vectorised call\n\nThe cell times a nested loop over one (TP, PP) "
                "pair, then evaluates the whole space with `explore`."),
        *L.code(LAB, "search", SEARCH),
        *L.predict(LAB, "front_points",
                   "front_points = int(np.log2(max_gpus / cheapest['devices'])) + 1", 1),
        *L.code(LAB, "pareto-plot", PARETO_PLOT),
        *L.reflect(LAB, "choose",
                   "Which point of the front would you pick for a hard deadline, and which for "
                   "a fixed budget? Name one objective you would add before trusting it.",
                   "Deadline: the cheapest point whose step time meets it, near the fast end; "
                   "budget: the fastest point whose cost fits, near the cheap end, since "
                   "efficiency falls as GPUs are added. Add energy or carbon per step, the "
                   "larger cluster's failures, or communication overlap.", 2),
        *L.summary(LAB, "**Memory capacity** (wall 2) decides whether the cheapest run needs "
                   "model parallelism at all: 4 bytes per parameter of weights and gradients "
                   "against one GPU. **Communication** (wall 14) and the pipeline bubble "
                   "(wall 15) make each added GPU less efficient, so along the front more "
                   "GPUs buy a shorter step at a higher cost, one point per GPU count. A "
                   "declarative search evaluates the whole space in one call: the constraints "
                   "and objectives, not the loop, are what you write."),
    ]
    return L.notebook(LAB, blocks)
