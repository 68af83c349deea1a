"""Lab 14: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab14.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab14``."""

from mlsysim_lab.course import blocks as L

LAB = "lab14"

RECAP = """
A full-stack estimate is a chain of solvers: the training time feeds the energy, the energy
feeds the carbon and the bill. `mlsysim_lab.pipeline` makes the chain explicit. A
**stage** has a name, declares the values it **requires**, and returns **new** named
values; the pipeline runs the stages in order over one shared **context** (the run's
inputs plus everything earlier stages produced). The reference `training_pipeline()` is

| stage | requires | adds | equation |
|---|---|---|---|
| `training_time` | model, tokens, devices, hardware | `training_s`, `gpu_hours` | $t = \\dfrac{6ND}{n \\cdot \\text{peak} \\cdot \\text{MFU}}$ (+ attention) |
| `energy` | devices, training_s, hardware, region | `energy`, `energy_mwh` | $E = n P_\\text{GPU} (1 + r)\\, t \\cdot \\text{PUE}$ |
| `carbon` | energy, region | `co2e_t`, `water_l` | $\\text{CO}_2\\text{e} = E \\cdot \\text{grid intensity} + \\text{embodied}$ |
| `cost` | energy, region | `cost_usd`, `cost_unknown` | node-hours $\\times$ cloud price |

with $P_\\text{GPU} = \\text{TDP}\\,(i + (f - i)\\,a)$ (idle share $i$, training share $f$,
activity $a = 1$) and hosts and network drawing $r$ watts per accelerator watt (Barroso et
al., *The Datacenter as a Computer*, 2018; Patterson et al. 2021 for carbon).

The pipeline is designed so that every number in the context can be traced to the one
stage that computed it, and so that a mistake in how stages are chained shows up where it
is made. From that design, you will predict what it
does with a value a stage needs but nobody produced, and with a value a stage returns that
already exists. **Callbacks** watch:
`before_stage(stage, context)` and `after_stage(stage, context, outputs)` are called
around every stage (a logger, a CSV writer, a timer) and must not change anything.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.pipeline import (Callback, CSVCallback, FunctionStage, Pipeline,
                                  PipelineError, training_pipeline)
from mlsysim_lab.walls.ops.cost import run_cost
import numpy as np, tempfile, time, pathlib
s = lab.scenario
run_inputs = dict(model=s['model'], tokens=s['tokens'], hardware='h100', devices=s['devices'],
                  region=s['region'], node='dgx-h100')
price = s['carbon_price']
model, gpu = catalog.get_model(s['model']), catalog.get_hardware('h100')
node, region = catalog.get_node('dgx-h100'), catalog.get_region(s['region'])
A = {a: catalog.get_assumption(a).value for a in ('mfu-training-dense', 'training-power-fraction',
     'gpu-idle-power-fraction', 'embodied-carbon-per-gpu', 'server-amortisation-years',
     'host-power-ratio')}
print(f"Run: {model.name} ({model.total_params / 1e9:.1f} B parameters) on {s['tokens']:.1e} tokens, "
      f"{s['devices']} x {gpu.name} in {s['devices'] // node.accelerators} x {node.name}, {region.name}")
print(f"  {gpu.name}: {gpu.peak('bf16') / 1e12:.0f} TFLOP/s dense BF16, TDP {gpu.tdp:.0f} W; "
      f"hosts and network: {A['host-power-ratio']:.2f} W per GPU watt")
print(f"  MFU {A['mfu-training-dense']:.2f}; GPU power while training {A['training-power-fraction']:.2f} x TDP "
      f"(idle {A['gpu-idle-power-fraction']:.2f} x TDP)")
print(f"  {region.name}: PUE {region.pue:.2f}, grid {region.grid_intensity:.0f} gCO2e/kWh; embodied "
      f"{A['embodied-carbon-per-gpu']:.0f} kg per GPU over {A['server-amortisation-years']:.0f} years")
print(f"  your carbon price: {price:.0f} USD per tCO2e")
print('The reference pipeline:')
for stage in training_pipeline().stages:
    print(f'  {stage.name:14s} requires {", ".join(stage.requires)}')
"""

STAGE_RUN = """
stage = globals().get('carbon_price_stage')
if stage is None:
    print('Define carbon_price_stage above to run it here.')
else:
    priced = training_pipeline()
    priced.insert(stage, after='carbon')
    run = priced.run(**run_inputs, carbon_price_per_t=price)
    check = run_cost(run['energy'], 'dgx-h100', s['region'], co2e_t=run['co2e_t'],
                     carbon_price_per_t=price).carbon_usd
    print(' -> '.join(priced.names()))
    print(f"your stage: {run['carbon_usd']:,.0f} USD of carbon on a {run['cost_usd']:,.0f} USD "
          f"cloud bill ({run['carbon_usd'] / run['cost_usd']:.2%}); the cost solver's carbon term: "
          f"{check:,.0f} USD")
"""

PANEL = """
def describe(where, usd_per_t):
    r = training_pipeline().run(**{**run_inputs, 'region': where})
    carbon = run_cost(r['energy'], 'dgx-h100', where, co2e_t=r['co2e_t'],
                      carbon_price_per_t=usd_per_t).carbon_usd
    return (f"{where}: {r['energy_mwh']:,.0f} MWh, {r['co2e_t']:,.0f} tCO2e, "
            f"carbon {carbon:,.0f} USD = {carbon / r['cost_usd']:.2%} of {r['cost_usd']:,.0f} USD")
show(ParameterPanel({'where': [s['region']] + [p.id for p in catalog.regions if p.id != s['region']],
                     'usd_per_t': [price] + [p for p in (0.0, 50.0, 100.0, 190.0, 500.0) if p != price]},
                    describe))
"""

RECORDER_RUN = """
Recorder = globals().get('StageRecorder')
if Recorder is None:
    print('Define StageRecorder above to run it here.')
else:
    recorder = Recorder()
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / 'run.csv'
        result = training_pipeline([recorder, CSVCallback(path)]).run(**run_inputs)
        rows = path.read_text().splitlines()
    for name, keys, seconds in recorder.records:
        print(f'  {name:14s} {seconds * 1e3:8.3f} ms  {", ".join(keys)}')
    print(f'CSVCallback wrote {len(rows) - 1} rows; the first three:')
    for row in rows[:4]:
        print('  ' + (row if len(row) <= 100 else row[:97] + '...'))
"""

STAGE_SOLUTION = """
def carbon_price(context):
    return {'carbon_usd': context['co2e_t'] * context['carbon_price_per_t']}

carbon_price_stage = FunctionStage('carbon_price', carbon_price,
                                   requires=('co2e_t', 'carbon_price_per_t'))
"""

RECORDER_SOLUTION = """
class StageRecorder(Callback):
    def __init__(self):
        self.records = []
        self._start = None

    def before_stage(self, stage, context):
        self._start = time.perf_counter()

    def after_stage(self, stage, context, outputs):
        self.records.append((stage.name, sorted(outputs), time.perf_counter() - self._start))
"""

ENERGY_SOLUTION = """
training_s = 6 * model.total_params * s['tokens'] / (s['devices'] * gpu.peak('bf16') * A['mfu-training-dense'])
gpu_w = gpu.tdp * A['training-power-fraction']
energy_mwh = s['devices'] * gpu_w * (1 + A['host-power-ratio']) * training_s * region.pue / 3.6e9
"""

CARBON_SOLUTION = """
grid_t = energy_mwh * 1e3 * region.grid_intensity / 1e6
embodied_t = (s['devices'] * A['embodied-carbon-per-gpu'] / 1e3
              * training_s / (A['server-amortisation-years'] * 365 * 86400))
co2e_t = grid_t + embodied_t
"""

CONTRACT = """**The contract.** Before a stage runs, the pipeline checks that every value it requires
exists; after it runs, it checks that the stage overwrote nothing. Both failures raise a
`PipelineError` that names the stage: a missing input or an overwrite never becomes a silent
zero, a skipped stage or a number no stage reported."""

MISSING_SOLUTION = """
p = training_pipeline()
p.insert(FunctionStage('probe', lambda c: {'x': c['co2e_t']}, ('co2e_t',)), before='carbon')
try:
    p.run(**run_inputs)
    missing_input = 'skip'
except PipelineError:
    missing_input = 'error'
"""

OVERWRITE_SOLUTION = """
p = training_pipeline()
p.insert(FunctionStage('offsets', lambda c: {'co2e_t': c['co2e_t'] / 2}, ('co2e_t',)), after='carbon')
try:
    p.run(**run_inputs)
    overwrite = 'replaced'
except PipelineError:
    overwrite = 'refused'
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 1. What the stages produce\n\nFollow your run through the table above, "
                "with the figures printed under it."),
        *L.predict(LAB, "energy_mwh", ENERGY_SOLUTION, 2),
        *L.predict(LAB, "co2e_t", CARBON_SOLUTION, 2),
        *L.text("## 2. The contract\n\nA carbon-price stage reads `co2e_t` and an input "
                "`carbon_price_per_t`. What if it is misplaced?"),
        *L.predict(LAB, "missing_input", MISSING_SOLUTION, 1),
        *L.predict(LAB, "overwrite", OVERWRITE_SOLUTION, 1),
        *L.text(CONTRACT),
        *L.text("## 3. Write a stage\n\nA carbon price turns tonnes into dollars: "
                "$\\text{carbon\\_usd} = \\text{co2e\\_t} \\times \\text{carbon\\_price\\_per\\_t}$ "
                "(the carbon term of the cost solver, wall 19). The price arrives as a run "
                "input: `pipeline.run(..., carbon_price_per_t=price)`."),
        *L.implement(LAB, "carbon_price_stage", STAGE_SOLUTION, 3),
        *L.code(LAB, "stage-run", STAGE_RUN),
        *L.text("### The same run, everywhere\n\nOnly the carbon stage (and the PUE in the "
                "energy stage) depends on the region; the compute bill does not."),
        *L.code(LAB, "panel", PANEL),
        *L.text("## 4. Write a callback"),
        *L.implement(LAB, "stage_recorder", RECORDER_SOLUTION, 2),
        *L.code(LAB, "recorder-run", RECORDER_RUN),
        *L.reflect(LAB, "overwrite",
                   "The pipeline refuses a stage that overwrites `co2e_t`, even to 'correct' "
                   "it. In two or three sentences: why is that safer than letting the latest "
                   "stage win, and how would you add carbon offsets instead?",
                   "If a later stage could replace co2e_t, stages before and after it would "
                   "see different values under one name, and a log, a CSV or the cost stage "
                   "could report a number no stage actually computed; the order of stages "
                   "would silently change results. Offsets belong in a new stage with a new "
                   "name (e.g. net_co2e_t = co2e_t - offsets_t) that declares what it reads, "
                   "so both numbers stay visible and traceable.", 2),
        *L.summary(LAB, "Everything downstream starts at the **compute wall**: training time is "
                   "$6ND / (n \\cdot \\text{peak} \\cdot \\text{MFU})$, and energy (wall 17) is "
                   "power times that time times PUE. Where you run decides the **sustainability "
                   "wall** (18) while the cloud bill (wall 19) stays put. The contract (declared "
                   "requirements, no overwrites) makes a custom stage safe to insert; callbacks "
                   "observe without touching the numbers."),
    ]
    return L.notebook(LAB, blocks)
