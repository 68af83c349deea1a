"""Lab 11: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab11.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab11``."""

from mlsysim_lab.course import blocks as L

LAB = "lab11"

RECAP = """
Training a 70B model on a cluster means choosing a grid of **TP x PP x DP** GPUs and a
**micro-batch**: tensor parallelism (TP) splits every layer across the GPUs of a node over
NVLink, pipeline parallelism (PP) splits the layers into stages, data parallelism (DP)
runs replicas that all-reduce their gradients, and the micro-batch $b$ sets how a global
batch of $B$ sequences is cut into $m = B / (DP \\cdot b)$ pieces per pipeline. The step
time of one configuration is (Narayanan et al., SC 2021; see lab 06)

$$t_\\text{step} = \\frac{t_\\text{compute}}{1-\\frac{PP-1}{m+PP-1}} + t_\\text{TP} + t_\\text{PP}
+ t_\\text{DP},$$

and it is **feasible** only if its memory per GPU (16-bit weights and gradients, ZeRO-1
sharded FP32 Adam state, activations) fits the GPU, TP stays inside a node, and the
batch splits evenly.

A design space is the Cartesian product of the choices: four TPs x five PPs x 128 DPs x
16 micro-batches is already tens of thousands of configurations. **Design-space
exploration** declares the space, the **constraints** (memory fit, at most 1,024 GPUs)
and the **objectives** (step time, cost per step), evaluates every point in one
vectorised call, keeps the feasible ones, and returns the best point and the **Pareto
front**: the feasible points that no other feasible point beats on every objective,

$$x \\text{ is on the front} \\iff \\nexists\\, y:\\ t(y) \\le t(x),\\ c(y) \\le c(x),\\
(t(y), c(y)) \\ne (t(x), c(x)).$$
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.explore import Constraint, explore, grid_size, training_evaluator
from mlsysim_lab.walls.fleet.parallelism import training_step
import numpy as np
import time
model = catalog.get_model('llama-3-70b')
node = catalog.get_node('dgx-h100')
gpu = catalog.get_hardware(node.accelerator)
seq_len, global_batch = lab.scenario['seq_len'], lab.scenario['global_batch']
max_gpus = 1024
space = {'tp': [1, 2, 4, 8], 'pp': [1, 2, 4, 8, 16], 'dp': list(range(1, 129)),
         'micro_batch': list(range(1, 17))}
constraints = [Constraint('memory_bytes', '<=', gpu.memory_capacity),
               Constraint('devices', '<=', max_gpus)]
objectives = {'step_s': 'min', 'cost_per_step_usd': 'min'}
evaluator = training_evaluator(model.id, node.id, global_batch=global_batch, seq_len=seq_len)
print(f"{model.name}: {model.total_params / 1e9:.1f} B parameters, {model.layers} layers, "
      f"{model.heads} attention heads")
print(f"global batch {global_batch} sequences of {seq_len:,} tokens "
      f"({global_batch * seq_len / 1e6:.1f} M tokens per step)")
print(f"{node.name}: {node.accelerators} x {gpu.name} ({gpu.memory_capacity / 1e9:.0f} GB each), "
      f"{node.cloud_instance} at ${node.cloud_price_per_hour:.2f} per node-hour")
print(f"design space: {' x '.join(str(len(v)) for v in space.values())} = "
      f"{grid_size(space):,} configurations, at most {max_gpus:,} GPUs")
"""

TIMING = """
# The nested loop: one scalar solver call per configuration, here for one (TP, PP) pair only.
start = time.perf_counter()
loop_calls = 0
for tp in [8]:
    for pp in [4]:
        for dp in space['dp']:
            for micro_batch in space['micro_batch']:
                training_step(model, node, tp=tp, pp=pp, dp=dp, micro_batch=micro_batch,
                              global_batch=global_batch, seq_len=seq_len)
                loop_calls += 1
loop_s = time.perf_counter() - start
# The declarative way: the whole space in one vectorised call.
start = time.perf_counter()
result = explore(evaluator, space, objectives=objectives, constraints=constraints)
explore_s = time.perf_counter() - start
loop_all_s = loop_s / loop_calls * result.size
print(f'nested loop: {loop_calls:,} scalar calls in {loop_s:.2f} s, so about {loop_all_s:.0f} s '
      f'for all {result.size:,} configurations')
print(f'explore:     all {result.size:,} configurations in {explore_s:.3f} s, about '
      f'{loop_all_s / explore_s:.0f}x faster')
"""

OOM = """
alone = training_step(model, node, tp=1, pp=1, dp=128, micro_batch=1, global_batch=global_batch,
                      seq_len=seq_len)
show(FailureBanner('OUT OF MEMORY',
     f'Data parallelism alone (TP 1, PP 1, DP 128) needs {float(alone.memory_bytes) / 1e9:.0f} GB '
     f'per GPU: ZeRO-1 shards the Adam state across replicas, but every GPU still holds all '
     f'{model.total_params / 1e9:.0f} B 16-bit weights and gradients plus its activations; '
     f'each {gpu.name} has {alone.capacity_bytes / 1e9:.0f} GB.'))
"""

FUNNEL = """
step = training_step(model, node, tp=result.points['tp'], pp=result.points['pp'],
                     dp=result.points['dp'], micro_batch=result.points['micro_batch'],
                     global_batch=global_batch, seq_len=seq_len)
too_big = step.devices > max_gpus
broken = (step.reason == 'invalid') & ~too_big
no_fit = (step.reason == 'memory') & ~too_big
print(f'{result.size:7,} configurations in the space')
print(f'{int(too_big.sum()):7,} need more than {max_gpus:,} GPUs')
print(f'{int(broken.sum()):7,} more break a rule (the batch does not split into whole '
      f'micro-batches, or the layers into stages)')
print(f'{int(no_fit.sum()):7,} more do not fit in {gpu.memory_capacity / 1e9:.0f} GB per GPU')
print(f'{int(result.feasible.sum()):7,} are feasible')
fits = ~too_big & (step.reason != 'invalid')
for tp in space['tp']:
    share = np.mean(step.memory_bytes[fits & (result.points['tp'] == tp)] <= gpu.memory_capacity)
    print(f'   TP {tp}: {share:6.1%} of the valid configurations fit')
"""

TOP = """
order = np.flatnonzero(result.feasible)[np.argsort(result.metrics['step_s'][result.feasible])]
print(' TP  PP   DP  micro   GPUs   step (s)   Mtoken/s    MFU   $ per step  family')
for index in order[:8]:
    r = result.row(int(index))
    kind = 'pipeline' if r['pp'] > 1 else ('dp_only' if r['tp'] == 1 else 'tp_dp')
    print(f"{r['tp']:3d} {r['pp']:3d} {r['dp']:4d} {r['micro_batch']:6d} {r['devices']:6.0f} "
          f"{r['step_s']:10.3f} {r['tokens_per_s'] / 1e6:10.2f} {r['mfu']:6.1%} "
          f"{r['cost_per_step_usd']:11.2f}  {kind}")
"""

WHY = """
no_pipe = result.feasible & (result.points['pp'] == 1)
rival = result.row(int(np.flatnonzero(no_pipe)[np.argmin(result.metrics['step_s'][no_pipe])]))
steps = {}
for label, r in (('fastest overall', result.best), ('fastest without a pipeline', rival)):
    s = training_step(model, node, tp=r['tp'], pp=r['pp'], dp=r['dp'],
                      micro_batch=r['micro_batch'], global_batch=global_batch, seq_len=seq_len)
    steps[label] = s
    print(f"{label}: TP {r['tp']} x PP {r['pp']} x DP {r['dp']}, micro-batch {r['micro_batch']}, "
          f"{r['devices']:.0f} GPUs, {float(s.memory_bytes) / 1e9:.0f} GB per GPU")
    for name, seconds in (('compute', s.compute_s), ('pipeline bubble', s.bubble_s),
                          ('TP all-reduces (NVLink)', s.tp_comm_s),
                          ('PP sends (InfiniBand)', s.pp_comm_s),
                          ('DP gradient all-reduce (InfiniBand)', s.dp_comm_s)):
        print(f'    {name:36s} {float(seconds):7.3f} s')
    print(f'    {"step":36s} {float(s.step_s):7.3f} s   largest term: {s.binding_wall}')
fast, flat = steps['fastest overall'], steps['fastest without a pipeline']
print(f'The pipeline pays {float(fast.bubble_s):.2f} s of bubble and saves '
      f'{float(flat.dp_comm_s - fast.dp_comm_s):.2f} s of gradient all-reduce and '
      f'{float(flat.tp_comm_s - fast.tp_comm_s):.2f} s of TP all-reduces.')
"""

PARETO_PLOT = """
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter
feasible = result.feasible
times, costs = result.metrics['step_s'], result.metrics['cost_per_step_usd']
front = result.pareto_front
fig, ax = plt.subplots(figsize=(6.8, 4.6), constrained_layout=True)
ax.scatter(times[feasible], costs[feasible], s=14, color='lightgray',
           label=f'{int(feasible.sum())} feasible configurations')
ax.plot([p['step_s'] for p in front], [p['cost_per_step_usd'] for p in front], 'o-',
        color='C3', label=f'Pareto front ({len(front)} points)')
for p in front:
    ax.annotate(f"TP{p['tp']} PP{p['pp']} DP{p['dp']} ({p['devices']:.0f} GPUs)",
                (p['step_s'], p['cost_per_step_usd']), fontsize=7, xytext=(4, 4),
                textcoords='offset points')
ax.set_xscale('log')
ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
ax.xaxis.set_major_formatter(ScalarFormatter())
ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_xlabel('step time (s)')
ax.set_ylabel(f'cost per step (USD, {node.cloud_instance} on demand)')
ax.set_title(f'{model.name}, {global_batch} x {seq_len:,} tokens: time vs cost')
ax.legend(fontsize=8)
plt.show()
"""

CHECK_FILTER = """
if callable(globals().get('on_front')):
    indices = np.flatnonzero(result.feasible)
    t = [float(x) for x in result.metrics['step_s'][indices]]
    c = [float(x) for x in result.metrics['cost_per_step_usd'][indices]]
    yours = {int(indices[i]) for i in range(len(indices)) if on_front(i, t, c)}
    theirs = set(np.flatnonzero(result.pareto_mask).tolist())
    print(f'your filter keeps {len(yours)} of {len(indices)} feasible points; explore keeps '
          f'{len(theirs)}: {"the same set" if yours == theirs else "a different set"}')
else:
    print('define on_front above to compare your filter with explore')
"""

PANEL = """
def best_under(gpus):
    capped = explore(evaluator, space, objectives=objectives,
                     constraints=[constraints[0], Constraint('devices', '<=', gpus)])
    r = capped.best
    return (f"at most {gpus} GPUs: TP {r['tp']} x PP {r['pp']} x DP {r['dp']}, micro-batch "
            f"{r['micro_batch']} on {r['devices']:.0f} GPUs, step {r['step_s']:.2f} s, "
            f"${r['cost_per_step_usd']:.2f} per step, {len(capped.pareto_front)} Pareto points")
show(ParameterPanel({'gpus': [1024, 512, 256, 128, 64]}, best_under))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Nested loops vs one vectorised call\n\nThe obvious search is four "
                "nested loops calling the solver once per configuration. The cell below "
                "times that loop over one (TP, PP) pair only, then evaluates the whole "
                "space with `explore`, which passes every point to the solver as numpy "
                "arrays at once."),
        *L.code(LAB, "timing", TIMING),
        *L.text("## 2. What the constraints remove\n\nMost of the space is not a real "
                "option. Some configurations need more than 1,024 GPUs, some break a rule "
                "(TP wider than a node, a batch that does not split into whole "
                "micro-batches, layers that do not split into stages), and many do not fit "
                "in a GPU's memory. Start with the simplest idea, pure data parallelism:"),
        *L.code(LAB, "oom", OOM),
        *L.predict(LAB, "memory_removed",
                   "step = training_step(model, node, tp=result.points['tp'], "
                   "pp=result.points['pp'],\n"
                   "                     dp=result.points['dp'], "
                   "micro_batch=result.points['micro_batch'],\n"
                   "                     global_batch=global_batch, seq_len=seq_len)\n"
                   "memory_removed = int(np.sum((step.reason == 'memory') & "
                   "(step.devices <= max_gpus)))", 2),
        *L.code(LAB, "funnel", FUNNEL),
        *L.text("## 3. Which family wins?\n\nAmong the feasible configurations, which has "
                "the shortest step? The solver charges compute at the GPU's dense BF16 peak "
                "and overlaps no communication with it (an upper bound on what "
                "communication costs), so the step times are optimistic, but the ranking is "
                "what a first-principles model can tell you."),
        *L.predict(LAB, "family",
                   "best = result.best\n"
                   "family = 'pipeline' if best['pp'] > 1 else ('dp_only' if best['tp'] == 1 "
                   "else 'tp_dp')", 2),
        *L.predict(LAB, "best_step", "best_step = result.best['step_s']", 2),
        *L.predict(LAB, "best_tokens_per_s",
                   "best_tokens_per_s = result.best['tokens_per_s']", 1),
        *L.code(LAB, "top", TOP),
        *L.text("Why does a pipeline beat TP = 8 with no pipeline? Compare the fastest "
                "configuration with the fastest one that has no pipeline, term by term:"),
        *L.code(LAB, "why", WHY),
        *L.reflect(LAB, "pipeline",
                   "In two or three sentences: the fastest configuration pays a pipeline "
                   "bubble that TP = 8 without a pipeline does not. What does it get in "
                   "exchange, and what would change the verdict?",
                   "With a pipeline each GPU holds 1 / (TP x PP) of the model, so its "
                   "share of the gradients, and the data-parallel all-reduce over "
                   "InfiniBand on every step, shrink by the pipeline depth; the memory it "
                   "frees also lets configurations with fewer TP all-reduces fit. The bubble "
                   "(PP - 1)/(m + PP - 1) stays small while each pipeline gets many "
                   "micro-batches. Overlapping the gradient all-reduce with the backward "
                   "pass, a faster scale-out network, or a smaller global batch (fewer "
                   "micro-batches, a larger bubble) would narrow or reverse the gap.", 2),
        *L.text("## 4. The Pareto front between time and cost\n\nThe fastest point is not "
                "the cheapest: cost per step is the node-hours the step occupies. A "
                "configuration is on the front when no other feasible configuration is at "
                "least as fast *and* at least as cheap, and better on one of the two. "
                "Write that filter for a small list first (return 1 or 0; points with "
                "exactly the same time and cost do not dominate each other)."),
        *L.implement(LAB, "pareto_fn",
                     "def on_front(i, times, costs):\n"
                     "    for t, c in zip(times, costs):\n"
                     "        if t <= times[i] and c <= costs[i] and (t < times[i] or c < costs[i]):\n"
                     "            return 0\n"
                     "    return 1", 2),
        *L.code(LAB, "check-filter", CHECK_FILTER),
        *L.predict(LAB, "pareto_points", "pareto_points = len(result.pareto_front)", 1),
        *L.predict(LAB, "front_trade",
                   "front = result.pareto_front\n"
                   "front_trade = 'more_gpus' if front[0]['devices'] > front[-1]['devices'] "
                   "else 'fewer_gpus'", 1),
        *L.code(LAB, "pareto-plot", PARETO_PLOT),
        *L.text("### Explore: a smaller cluster\n\nCap the number of GPUs: the constraint "
                "changes, the space does not, and the search is still one call (in plain "
                "mode this prints one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "choose",
                   "Every point on the front is optimal in some sense. Which point would you "
                   "pick for a run with a hard deadline, and which for a fixed budget? Name "
                   "one objective or constraint you would add before trusting the choice.",
                   "For a deadline: the cheapest front point whose step time (times the "
                   "number of steps) meets the deadline, usually near the fast end; for a "
                   "fixed budget: the fastest point whose cost per step fits the budget, "
                   "near the cheap end, since efficiency falls as GPUs are added. Before "
                   "trusting either, add what the model leaves out: carbon or energy per "
                   "step, the reliability loss of the larger cluster, communication overlap, "
                   "or the availability of that many GPUs.", 2),
        *L.summary(LAB, "Three walls shape this space. **Memory capacity (wall 2)** removes "
                   "most of it: without tensor or pipeline parallelism a 70B model's "
                   "weights, gradients and activations do not fit 80 GB. Among what fits, "
                   "**communication (wall 14)** decides the winner: a pipeline cuts each "
                   "GPU's share of the model and so its gradient all-reduce over InfiniBand, "
                   "while TP stays inside a node on NVLink. **Synchronization (wall 15)**, "
                   "the pipeline bubble, is the price, and it stays small while each "
                   "pipeline gets enough micro-batches. Along the Pareto front, more GPUs buy "
                   "a shorter step at a higher cost per step, because communication and the "
                   "bubble grow as the global batch is spread thinner. A declarative search "
                   "evaluates the whole space in one vectorised call, so the constraint and "
                   "the objective, not the loop, are what you write."),
    ]
    return L.notebook(LAB, blocks)
