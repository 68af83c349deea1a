"""Lab 13: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab13.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab13``."""

from mlsysim_lab.course import blocks as L

LAB = "lab13"

RECAP = """
A step takes $t = \\max(F/P,\\ M/W)$ for $F$ FLOPs at peak $P$ and $M$ bytes at bandwidth
$W$ (Williams, Waterman & Patterson, CACM 2009). Change the configuration from A to B
(device, precision, or both) and the speedup $t_A/t_B$ follows the memory-time ratio if
memory binds on both sides, the compute-time ratio if compute binds on both, and lies
**between** them if the binding wall shifts. The differential explainer
(`mlsysim_lab.explain.explain`) does this bookkeeping and says it in words.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.explain import explain
from mlsysim_lab.precision import scheme
from mlsysim_lab.walls.node import decode_step
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
model = catalog.get_model('llama-3.1-8b')
pair, batch = lab.scenario['case'].split('@')
sides = [side.split() for side in pair.split('->')]
batch, context = int(batch), 128
flops_per_token = 2 * model.matmul_params_per_token

def figures(device, precision):
    gpu, p = catalog.get_hardware(device), scheme(precision)
    return {'device': device, 'precision': precision, 'peak': gpu.peak(p.compute),
            'bandwidth': gpu.memory_bandwidth,
            'weights': model.matmul_params_per_token * p.weight_bytes,
            'per_sequence': ((context + 1) * model.kv_bytes_per_token(p.kv_bytes)
                             + model.activation_elements_per_token * p.activation_bytes)}

A, B = (figures(*side) for side in sides)
print(f"{model.name} decode, batch {batch}, {context} tokens cached per sequence: "
      f"{flops_per_token / 1e9:.1f} GFLOP per token.")
for label, c in (('A', A), ('B', B)):
    print(f"  {label}: {c['device']} {c['precision'].upper()}: {c['peak'] / 1e12:,.0f} TFLOP/s, "
          f"{c['bandwidth'] / 1e12:.2f} TB/s; reads {c['weights'] / 1e9:.2f} GB of weights per "
          f"step and {c['per_sequence'] / 1e6:.1f} MB per sequence")
"""

EXPLAIN = """
a, b = (decode_step(model, c['device'], precision=c['precision'], batch=batch, context=context)
        for c in (A, B))
print(explain(a, b, label_a='A', label_b='B').text)
"""

SWEEP = """
batches = np.arange(1, 2049)
a, b = (decode_step(model, c['device'], precision=c['precision'], batch=batches, context=context)
        for c in (A, B))
fig = sweep_figure(batches, {'speedup of B over A': a.latency_s / b.latency_s,
                             'compute-time ratio': a.compute_s / b.compute_s,
                             'memory-time ratio': a.memory_s / b.memory_s},
                   xlabel='decode batch', ylabel='ratio (x)', logx=True,
                   marks=[('your batch', batch)], title='A to B, batch by batch')
plt.show()
"""

PANEL = """
def explain_batch(batch):
    a, b = (decode_step(model, c['device'], precision=c['precision'], batch=batch, context=context)
            for c in (A, B))
    return f'batch {batch}: ' + explain(a, b, label_a='A', label_b='B').text
show(ParameterPanel({'batch': (1, 2048, 1, 64)}, explain_batch))
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## From A to B\n\nEstimate both bounds of each configuration from the figures "
                "above."),
        *L.predict(LAB, "speedup",
                   "def bounds(c):   # (compute time, memory time) of one decode step\n"
                   "    return (batch * flops_per_token / c['peak'],\n"
                   "            (c['weights'] + batch * c['per_sequence']) / c['bandwidth'])\n"
                   "speedup = max(bounds(A)) / max(bounds(B))", 2),
        *L.predict(LAB, "explanation",
                   "def wall(c):\n"
                   "    compute, memory = bounds(c)\n"
                   "    return 'compute' if compute > memory else 'memory'\n"
                   "explanation = wall(A) if wall(A) == wall(B) else 'between'", 1),
        *L.predict(LAB, "lever", "lever = 'flops' if wall(B) == 'compute' else 'bandwidth'", 1),
        *L.text("The explainer's account, in its own generated words:"),
        *L.code(LAB, "explain", EXPLAIN),
        *L.text("### Every batch\n\nThe speedup sits on one ratio while the same wall binds both "
                "sides and moves between them where the wall shifts."),
        *L.code(LAB, "sweep", SWEEP),
        *L.text("### Explore\n\nMove the batch and read the explanation (plain mode: one line)."),
        *L.code(LAB, "panel", PANEL),
        *L.reflect(LAB, "shift",
                   "When the wall shifts between A and B, why does the speedup follow neither "
                   "datasheet ratio, and what does that mean for a vendor's quoted speedup?",
                   "A's time is one bound and B's the other, so the speedup is A's compute "
                   "time over B's memory time (or the reverse): below one resource's ratio and "
                   "above the other's. A quoted ratio holds only where the same wall binds "
                   "both configurations at the batch you run.", 2),
        *L.summary(LAB, "Which wall binds on each side decides which ratio a change delivers: "
                   "memory on both, the memory-time ratio; compute on both, the compute-time "
                   "ratio; a shift, something in between. Only the binding wall's resource "
                   "speeds a step up."),
    ]
    return L.notebook(LAB, blocks)
