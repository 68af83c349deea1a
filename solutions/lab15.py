"""Lab 15: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab15.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab15``."""

from mlsysim_lab.course import blocks as L

LAB = "lab15"

RECAP = """
The zoo (`mlsysim_lab.catalog`) holds **specs**: frozen, validated pydantic models whose
figures are stored in **base units** (FLOP/s, bytes, B/s, W), each with a **source** that
names a `Reference` registered in `catalog.references`. A spec is checked when it is built.

Once a device is a spec, every solver takes it in place of a zoo id. On the roofline
(Williams, Waterman & Patterson, CACM 2009)

$$t = \\max\\left(\\frac{\\text{FLOPs}}{\\text{peak}},\\ \\frac{\\text{bytes}}{\\text{bandwidth}}\\right),
\\qquad \\text{ridge} = \\frac{\\text{peak}}{\\text{bandwidth}}\\ \\ \\text{(FLOP/byte)},$$

and one decode step of a batch of $b$ sequences reads every matmul weight once (the
embedding table is a gather of one row, not read whole) and each sequence's KV cache, and
does about 2 FLOPs per matmul weight per sequence, so in FP16

$$\\text{FLOPs} \\approx 2\\,N_\\text{matmul}\\,b, \\qquad
\\text{bytes} \\approx 2\\,N_\\text{matmul} + b \\times \\text{context} \\times
\\text{KV bytes per token}.$$

**Solvers** are organised by the 22 walls of `mlsysim_lab.taxonomy`. A course developer adds
one with `register_solver(wall_number, fn)`: the function must be documented (its
docstring states the equation, the assumptions and a reference) and it joins the wall's
`extra_solvers`, next to the built-in ones.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.catalog import Accelerator, Reference, references
from mlsysim_lab.catalog.hardware import GB, TB, TFLOPS
from mlsysim_lab.taxonomy import get_wall, register_solver
from mlsysim_lab.walls.node import decode_step, prefill
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.widgets.plots import roofline_figure, sweep_figure
from pydantic import ValidationError
import numpy as np
s = lab.scenario
model = catalog.get_model(s['model'])
print('The datasheet of your accelerator (dense peaks, as the vendor prints them):')
print(f"  FP16 / BF16: {s['peak_tflops']} TFLOP/s    FP8: {2 * s['peak_tflops']} TFLOP/s")
print(f"  memory: {s['memory_gb']} GB HBM3e at {s['bandwidth_tbs']} TB/s    TDP: {s['tdp_w']} W")
print(f"Your workload: {model.name}, {model.total_params / 1e9:.2f} B parameters "
      f"({model.matmul_params_per_token / 1e9:.2f} B in matmuls, read every decode step), "
      f"{model.kv_bytes_per_token() / 1024:.0f} KiB of FP16 KV cache per token; decode batch {s['batch']}")
h100 = catalog.get_hardware('h100')
print('A zoo entry for comparison (base units, every figure cited):')
for field in ('id', 'aliases', 'kind', 'peak_flops', 'memory_capacity', 'memory_bandwidth', 'tdp', 'sources'):
    print(f'  {field} = {getattr(h100, field)!r}')
print('  cited by', references.get(h100.sources['memory_bandwidth']).citation())
"""

SPEC_SOLUTION = """
references.register(Reference(
    key='lab15-my-npu-datasheet', title='My NPU: hypothetical accelerator datasheet',
    publisher='Lab 15 design team', year=2025, locator='the datasheet table of the scenario'))
cite = {field: 'lab15-my-npu-datasheet'
        for field in ('peak_flops', 'memory_capacity', 'memory_bandwidth', 'tdp')}
my_accelerator = Accelerator(
    id='lab15-my-npu', name='My NPU (Lab 15)', aliases=('my-npu',), vendor='Lab 15',
    kind='gpu', year=2025,
    peak_flops={'fp16': s['peak_tflops'] * TFLOPS, 'bf16': s['peak_tflops'] * TFLOPS,
                'fp8': 2 * s['peak_tflops'] * TFLOPS},
    memory_capacity=s['memory_gb'] * GB, memory_bandwidth=s['bandwidth_tbs'] * TB,
    memory_type='HBM3e', tdp=s['tdp_w'], sources=cite,
    notes='Hypothetical device of Lab 15; peaks are dense.')
"""

RIDGE_SOLUTION = "ridge = my_accelerator.peak('fp16') / my_accelerator.memory_bandwidth"

REGIME_SOLUTION = """
flops = 2 * model.matmul_params_per_token * s['batch']
bytes_read = 2 * model.matmul_params_per_token + s['batch'] * 1024 * model.kv_bytes_per_token()
decode_regime = 'compute' if flops / bytes_read > ridge else 'memory'
"""

DECODE_SOLUTION = """
decode_ms = max(flops / my_accelerator.peak('fp16'), bytes_read / my_accelerator.memory_bandwidth) * 1e3
"""

REJECTED_SOLUTION = """
base = my_accelerator.model_dump()
variants = {
    'unsourced': {**base, 'sources': {k: v for k, v in base['sources'].items() if k != 'memory_bandwidth'}},
    'no_tdp': {**base, 'tdp': None, 'sources': {k: v for k, v in base['sources'].items() if k != 'tdp'}},
    'fp16_only': {**base, 'peak_flops': {'fp16': base['peak_flops']['fp16']}},
    'small': {**base, 'memory_capacity': model.total_params * 2 / 16},
}
for label, data in variants.items():
    try:
        Accelerator(**data)
    except ValidationError:
        rejected = label
"""

INVALID_BANNER = """
mine = globals().get('my_accelerator')
if isinstance(mine, Accelerator):
    data = mine.model_dump()
    data['sources'] = {k: v for k, v in data['sources'].items() if k != 'memory_bandwidth'}
    try:
        Accelerator(**data)
    except ValidationError as error:
        show(FailureBanner('INVALID SPEC', error.errors()[0]['msg']))
    data = {**mine.model_dump(), 'memory_bandwidth': -mine.memory_bandwidth}
    try:
        Accelerator(**data)
    except ValidationError as error:
        show(FailureBanner('INVALID SPEC', f"memory_bandwidth: {error.errors()[0]['msg']}"))
    no_power = mine.model_copy(update={'tdp': None})
    try:
        run_energy(1, 3600, hardware=no_power)
    except ValueError as error:
        print('A spec without a TDP validates, but the energy solver refuses it:', error)
else:
    print('Define my_accelerator above to see what validation refuses.')
"""

ROOFLINE = """
mine = globals().get('my_accelerator')
if not isinstance(mine, Accelerator):
    print('Define my_accelerator above to draw its roofline.')
else:
    d = decode_step(model, mine, batch=s['batch'], context=1024)
    p = prefill(model, mine, prompt_tokens=4096)
    print(f"decode, batch {s['batch']}: {d.arithmetic_intensity:.2f} FLOP/B, {float(d.latency_s) * 1e3:.2f} ms, "
          f"{d.bottleneck}-bound; floor weights / bandwidth = "
          f"{model.matmul_params_per_token * 2 / mine.memory_bandwidth * 1e3:.2f} ms")
    print(f"prefill, 4,096 tokens: {p.arithmetic_intensity:.0f} FLOP/B, {p.bottleneck}-bound; "
          f"ridge {mine.ridge_point('fp16'):.0f} FLOP/B (H100: {h100.ridge_point('fp16'):.0f})")
    fig = roofline_figure(mine, 'fp16', [(f"decode, batch {s['batch']}", d.arithmetic_intensity),
                                         ('prefill, 4,096 tokens', p.arithmetic_intensity)])
    plt.show()
"""

OOM = """
mine = globals().get('my_accelerator')
if isinstance(mine, Accelerator):
    big = catalog.get_model('llama-3.1-405b')
    r = decode_step(big, mine, batch=1, context=1024)
    if not bool(r.feasible):
        show(FailureBanner('OUT OF MEMORY',
             f'{big.name} needs {float(r.memory_bytes) / 1e9:.0f} GB for FP16 weights and its KV '
             f'cache; {mine.name} holds {r.capacity_bytes / 1e9:.0f} GB. The spec is valid: fit is '
             f'the solver\\'s gate (feasible = {bool(r.feasible)}, latency {float(r.latency_s)}).'))
"""

SOLVER_SOLUTION = """
def energy_per_token_j(power_w, step_s, tokens, pue):
    \"\"\"Energy per token (J) of one step: E/token = power_w x step_s x pue / tokens.

    power_w: the device's average power during the step (W); step_s: the step time (s);
    tokens: tokens the step produced; pue: the facility's power usage effectiveness.
    Assumes a constant power over the step (Barroso et al., The Datacenter as a Computer,
    2018, for PUE).\"\"\"
    return power_w * step_s * pue / tokens

wall = register_solver(17, energy_per_token_j)
"""

TAXONOMY = """
wall = get_wall(17)
print(f'Wall {wall.number}, {wall.name}: {wall.equation}')
for name in wall.as_dict()['solvers']:
    print('  solver:', name)
"""

def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. Your device as a spec\n\nRegister a `Reference` for your datasheet "
                "(`references.register(Reference(key=..., title=..., publisher=..., year=...))`), "
                "then build the `Accelerator`. Enter each figure in the unit the datasheet "
                "prints times a multiplier from `catalog.hardware` (`400 * TFLOPS`, `96 * GB`, "
                "`4.8 * TB` for TB/s): the spec stores base units."),
        *L.implement(LAB, "accelerator", SPEC_SOLUTION, 3),
        *L.text("## 2. What validation guarantees"),
        *L.predict(LAB, "rejected", REJECTED_SOLUTION, 1),
        *L.code(LAB, "invalid-banner", INVALID_BANNER),
        *L.text("## 3. Your device on the roofline"),
        *L.predict(LAB, "ridge", RIDGE_SOLUTION, 2),
        *L.predict(LAB, "decode_regime", REGIME_SOLUTION, 1),
        *L.predict(LAB, "decode_ms", DECODE_SOLUTION, 2),
        *L.code(LAB, "roofline", ROOFLINE),
        *L.text("A valid spec is not a promise that a workload fits: that is the solver's "
                "feasibility gate."),
        *L.code(LAB, "oom", OOM),
        *L.text("## 4. Your own solver\n\nEnergy is wall 17: $E = P \\cdot t \\cdot "
                "\\text{PUE}$. Per token of a step that produces `tokens` tokens in `step_s` "
                "seconds at an average power `power_w`,\n\n"
                "$$\\frac{E}{\\text{token}} = \\frac{P \\cdot t_\\text{step} \\cdot "
                "\\text{PUE}}{\\text{tokens}}.$$"),
        *L.implement(LAB, "energy_solver", SOLVER_SOLUTION, 2),
        *L.code(LAB, "taxonomy", TAXONOMY),
        *L.reflect(LAB, "citations",
                   "Your device is hypothetical, yet the spec refused a figure without a "
                   "source. In two or three sentences: what does the rule protect, and what "
                   "would go wrong if a spec could borrow the H100 datasheet as the source of "
                   "your bandwidth?",
                   "Every number a lab grades against comes from the zoo, so each figure must "
                   "be traceable to where it came from; a hypothetical one cites the design "
                   "document that defines it. Citing the H100 datasheet would claim a source "
                   "that does not contain the figure: nobody could check it, and an error (a "
                   "TB/s typed as GB/s, a sparse peak taken as dense) would travel into every "
                   "result unnoticed.", 2),
        *L.summary(LAB, "Your device enters every solver like a zoo entry, so what binds is the "
                   "workload's intensity against its ridge: decode at a small batch is bound by "
                   "**memory bandwidth** (wall 3), a large batch on a low-ridge device by "
                   "**compute** (wall 1). Validation guarantees positive, cited figures; fit "
                   "(wall 2) is the solvers' to report. A registered solver joins its wall with "
                   "a documented equation and is trusted once property tests agree."),
    ]
    return L.notebook(LAB, blocks)
