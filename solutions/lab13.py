"""Lab 13: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab13.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab13``."""

from mlsysim_lab.course import blocks as L

LAB = "lab13"

RECAP = """
A step takes as long as its larger bound (Williams, Waterman & Patterson, CACM 2009):

$$t = \\max\\left(\\frac{F}{P},\\ \\frac{M}{W}\\right)$$

for $F$ FLOPs at peak $P$ and $M$ bytes at memory bandwidth $W$. Move the same work from
GPU $A$ to GPU $B$ and the speedup is

$$S = \\frac{t_A}{t_B} = \\frac{\\max(F/P_A,\\ M/W_A)}{\\max(F/P_B,\\ M/W_B)}.$$

Three cases follow. If **memory binds on both**, $S = W_B/W_A$, the bandwidth ratio; the
FLOPS ratio does not matter. If **compute binds on both**, $S = P_B/P_A$, the FLOPS ratio.
If the **binding wall shifts** (compute-bound on $A$, memory-bound on $B$, because $B$'s
ridge point $P_B/W_B$ is higher), then $S$ lies **between** the two ratios and follows
neither.

The differential explainer (`mlsysim_lab.explain.explain`) does this bookkeeping for two
solver results: it reports the speedup, the wall on each side, the ratio of each bound,
whether the regime shifted, and writes an explanation that quotes those numbers. It
refuses to compare a configuration that does not fit in memory.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.explain import explain
from mlsysim_lab.walls.node import decode_step, first_compute_bound_batch
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
old, new = catalog.get_hardware('a100'), catalog.get_hardware('h100')
model = catalog.get_model(lab.scenario['model'])
context, short = lab.scenario['context'], lab.scenario['short_context']
big_batch = lab.scenario['big_batch']
for gpu in (old, new):
    print(f"{gpu.name}: {gpu.peak('fp16') / 1e12:.0f} TFLOP/s FP16 (dense), "
          f"{gpu.memory_bandwidth / 1e12:.2f} TB/s, ridge {gpu.ridge_point('fp16'):.0f} FLOP/B")

# Case C: a batch between the two GPUs' crossovers (their geometric mean)
crossovers = [first_compute_bound_batch(model, gpu, context=short) for gpu in (old, new)]
shift_batch = int(round(np.sqrt(crossovers[0] * crossovers[1])))
print(f"{model.name} decode, FP16. Case A: batch 1, {context:,} tokens of context. "
      f"Case B: batch {big_batch:,}, {short} tokens. Case C: batch {shift_batch:,}, {short} tokens.")

def case(batch, context):
    return (decode_step(model, old, batch=batch, context=context),
            decode_step(model, new, batch=batch, context=context))
"""

EXPLAIN = """
a, b = case({batch}, {context})
e = explain(a, b, label_a=old.name, label_b=new.name)
print(e.text)
"""

CHECK_FN = """
for label, batch, ctx in (('A', 1, context), ('B', big_batch, short), ('C', shift_batch, short)):
    a, b = case(batch, ctx)
    if 'roofline_speedup' not in globals():
        print(f'case {label}: the solver {a.latency_s / b.latency_s:.3f}x '
              '(implement roofline_speedup above to compare yours)')
        continue
    mine = roofline_speedup(a.roofline.flops, a.roofline.bytes_moved, old.peak('fp16'),
                            old.memory_bandwidth, new.peak('fp16'), new.memory_bandwidth)
    print(f'case {label}: your function {mine:.3f}x, the solver {a.latency_s / b.latency_s:.3f}x')
"""

PLOT = """
batches = np.arange(1, 4097)
a = decode_step(model, old, batch=batches, context=short)
b = decode_step(model, new, batch=batches, context=short)
speedup = a.latency_s / b.latency_s                 # NaN where either does not fit
flops_ratio = new.peak('fp16') / old.peak('fp16')
bandwidth_ratio = new.memory_bandwidth / old.memory_bandwidth
fig = sweep_figure(batches, {'speedup (A100 step time / H100 step time)': speedup,
                             f'FLOPS ratio ({flops_ratio:.2f}x)': np.full(batches.size, flops_ratio),
                             f'bandwidth ratio ({bandwidth_ratio:.2f}x)':
                                 np.full(batches.size, bandwidth_ratio)},
                   xlabel='decode batch', ylabel='speedup (x)', logx=True,
                   marks=[('A100 turns compute-bound', crossovers[0]),
                          ('H100 turns compute-bound', crossovers[1]),
                          (f'case C: batch {shift_batch}', shift_batch)],
                   title=f'{model.name} decode, {short} tokens of context')
fig.axes[0].legend(fontsize=8, loc='center left')
plt.show()
"""

FAILURE = """
batches = np.arange(1, 8193)
fits = decode_step(model, old, batch=batches, context=context).feasible
largest = int(batches[fits].max())                # the largest batch that fits
too_many = largest + largest // 4                 # a quarter more users than that
print(f'At {context:,} tokens of context, the largest batch that fits is {largest:,}.')
a, b = case(too_many, context)
e = explain(a, b, label_a=old.name, label_b=new.name)
if not e.comparable:
    show(FailureBanner(f'NO COMPARISON AT BATCH {too_many:,}', e.text))
"""

PANEL = """
def explain_batch(batch):
    a, b = case(batch, short)
    return f'batch {batch}: ' + explain(a, b, label_a=old.name, label_b=new.name).text
show(ParameterPanel({'batch': (1, 2048, 1, 64)}, explain_batch))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("Your model decodes on an A100 today; you move it to an H100. The set-up "
                "printed three cases. For each one, predict the speedup (A100 step time / "
                "H100 step time) and the wall that binds, then let the explainer say why."),
        *L.text("## Case A: one user at a time\n\nBatch 1, your scenario's context."),
        *L.predict(LAB, "speedup_b1",
                   "a, b = case(1, context)\n"
                   "speedup_b1 = a.latency_s / b.latency_s", 1),
        *L.predict(LAB, "regime_b1",
                   "e = explain(*case(1, context))\n"
                   "regime_b1 = ('shift' if e.regime_shift else\n"
                   "             'memory' if e.wall_a == 'memory bandwidth' else 'compute')", 1),
        *L.text("The explainer's account of case A:"),
        *L.code(LAB, "explain-a", EXPLAIN.format(batch=1, context="context")),
        *L.text("## Case B: a large batch of short requests\n\nYour scenario's large batch, "
                "with the short context: the KV cache stays small while every weight read is "
                "shared by the whole batch."),
        *L.predict(LAB, "speedup_big",
                   "a, b = case(big_batch, short)\n"
                   "speedup_big = a.latency_s / b.latency_s", 1),
        *L.predict(LAB, "regime_big",
                   "e = explain(*case(big_batch, short))\n"
                   "regime_big = ('shift' if e.regime_shift else\n"
                   "              'memory' if e.wall_a == 'memory bandwidth' else 'compute')", 1),
        *L.code(LAB, "explain-b", EXPLAIN.format(batch="big_batch", context="short")),
        *L.text("## Case C: in between\n\nThe batch printed in the set-up lies between the "
                "batch at which the A100 turns compute-bound and the one at which the H100 "
                "does (the H100's ridge point is higher)."),
        *L.predict(LAB, "speedup_shift",
                   "a, b = case(shift_batch, short)\n"
                   "speedup_shift = a.latency_s / b.latency_s", 2),
        *L.predict(LAB, "shift_explanation",
                   "e = explain(*case(shift_batch, short))\n"
                   "low, high = sorted((e.compute_ratio, e.memory_ratio))\n"
                   "shift_explanation = ('slower' if e.speedup < 1 else\n"
                   "                     'between' if e.regime_shift and low < e.speedup < high "
                   "else\n"
                   "                     'flops' if e.wall_a == 'compute throughput' else "
                   "'bandwidth')", 2),
        *L.text("The explainer's account of case C, in its own generated words (every number "
                "in it is computed):"),
        *L.code(LAB, "explain-c", EXPLAIN.format(batch="shift_batch", context="short")),
        *L.text("## The speedup as a formula\n\nWrite the speedup of device B over device A "
                "for the same work from the two bounds on each device (no overheads)."),
        *L.implement(LAB, "speedup_fn",
                     "def roofline_speedup(flops, bytes_moved, peak_a, bandwidth_a, peak_b,\n"
                     "                     bandwidth_b):\n"
                     "    t_a = max(flops / peak_a, bytes_moved / bandwidth_a)\n"
                     "    t_b = max(flops / peak_b, bytes_moved / bandwidth_b)\n"
                     "    return t_a / t_b", 2),
        *L.text("Your function on the three cases, against the solver:"),
        *L.code(LAB, "check-fn", CHECK_FN),
        *L.text("## The whole sweep\n\nThe speedup against the batch at the short context, "
                "with the two datasheet ratios. It sits on the bandwidth ratio while both GPUs "
                "are memory-bound, climbs between the two crossovers, and reaches the FLOPS "
                "ratio once both are compute-bound."),
        *L.code(LAB, "plot", PLOT),
        *L.text("## When there is nothing to compare\n\nA batch that does not fit in memory "
                "has no step time. Both GPUs have the same capacity, so at your scenario's "
                "context they run out at the same batch. Ask for a quarter more users than "
                "fit, and the explainer refuses to quote a speedup:"),
        *L.code(LAB, "failure", FAILURE),
        *L.text("### Explore\n\nMove the batch and read the explanation (short context; in "
                "plain mode this prints one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "shift",
                   "In case C the A100 is compute-bound and the H100 memory-bound. In two or "
                   "three sentences: why does the speedup fall between the two datasheet "
                   "ratios, and why is the H100 still faster even though memory binds it?",
                   "The A100's time is its compute time and the H100's is its memory time, so "
                   "the speedup is A100 compute time / H100 memory time. The H100's compute "
                   "time is shorter than its memory time, so the speedup is below the FLOPS "
                   "ratio; the A100's memory time is shorter than its compute time, so the "
                   "speedup is above the bandwidth ratio. Memory-bound names the larger of the "
                   "H100's two bounds, and that bound is still below the A100's binding one.",
                   2),
        *L.reflect(LAB, "advice",
                   "A team serves this model one user at a time and asks whether the H100 "
                   "upgrade is worth its FLOPS. Using the explainer's numbers, what would you "
                   "tell them, and what would change your answer?",
                   "At batch 1 decode is memory-bound on both GPUs, so they get the bandwidth "
                   "ratio, not the FLOPS ratio: most of the new FLOPS sit idle. The answer "
                   "changes if they batch many short requests so that compute binds on both "
                   "(then they approach the FLOPS ratio), or if they compare a GPU with more "
                   "bandwidth (H200) for memory-bound serving.", 2),
        *L.summary(LAB, "Which wall binds decides which datasheet ratio an upgrade delivers. At "
                   "batch 1 decode is bound by **memory bandwidth** on both GPUs and the speedup "
                   "is the bandwidth ratio; a large batch of short requests is bound by "
                   "**compute throughput** on both and the speedup is the FLOPS ratio. Between "
                   "the two GPUs' crossovers the wall **shifts** (compute on the A100, memory on "
                   "the H100, whose ridge point is higher) and the speedup lies between the two "
                   "ratios. The differential explainer makes this bookkeeping explicit and "
                   "quotes the numbers; it compares nothing that does not fit in memory."),
    ]
    return L.notebook(LAB, blocks)
