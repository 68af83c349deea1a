"""Lab 12: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab12.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab12``."""

from mlsysim_lab.course import blocks as L

LAB = "lab12"

RECAP = """
A complete systems analysis of a training run walks down the stack, and each layer hands
its number to the next:

* **algorithm** (wall 11): the work. Training costs $C \\approx 6ND$ FLOPs for $N$
  parameters and $D$ tokens (plus attention), and the compute-optimal budget is about
  $D = 20N$ (Hoffmann et al., NeurIPS 2022).
* **node and fleet** (walls 1-2, 14-16): the model is split TP x PP x DP so that it fits
  80 GB per GPU; a step is compute plus the all-reduces and the bubble; failures cost a
  share $\\delta/\\tau + \\tau/2M + R/M$ of wall-clock at the Young-Daly interval
  $\\tau = \\sqrt{2\\delta M}$.
* **time**: at a model-FLOPs utilisation MFU,
  $$T = \\frac{C}{n_\\text{GPU} \\cdot \\text{peak} \\cdot \\text{MFU}} \\cdot
  \\frac{1}{1 - \\text{lost}}, \\qquad \\text{GPU-hours} = n_\\text{GPU}\\, T.$$
* **data** (walls 8-10): the token ids the cluster reads per second against its storage.
* **ops** (walls 17-19): facility energy $E = (\\text{GPU} + \\text{host power}) \\cdot T
  \\cdot \\text{PUE}$, carbon $= E \\times$ the grid's gCO2e/kWh (+ the embodied carbon of
  the GPUs, amortised), cost $=$ node-hours $\\times$ the on-demand price.
* **analysis** (wall 21): the elasticity $\\partial \\ln t_\\text{step} / \\partial \\ln x$ of
  the step time to each hardware input; the largest (in magnitude) is the most valuable
  single upgrade.

`mlsysim_lab.audit.audit(AuditConfig(...))` composes all of it. In this lab you predict
**every cell of the audit table** before the model reveals it, layer by layer.
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.audit import USED_ASSUMPTIONS, AuditConfig, audit, choose_parallelism, node_for
from mlsysim_lab.walls import names
from mlsysim_lab.walls.algorithm.scaling import CHINCHILLA_TOKENS_PER_PARAM, training_flops
from mlsysim_lab.walls.fleet.parallelism import training_step
from mlsysim_lab.walls.fleet.reliability import training_reliability
from mlsysim_lab.walls.ops.cost import run_cost
from mlsysim_lab.walls.ops.energy import run_energy
from mlsysim_lab.walls.ops.sustainability import footprint
from mlsysim_lab.widgets.plots import sweep_figure
import numpy as np
devices, region_id = lab.scenario['devices'], lab.scenario['region']
config = AuditConfig(model='llama-3-70b', hardware='h100', devices=devices, region=region_id)
model = catalog.get_model(config.model)
gpu = catalog.get_hardware(config.hardware)
node = node_for(config.hardware)
region = catalog.get_region(region_id)
seq_len = config.seq_len
# the audit's wall names and the short labels the choice questions use
short = {names.wall(1): 'compute', names.wall(2): 'capacity', names.wall(3): 'bandwidth',
         names.wall(8): 'ingestion', names.wall(9): 'transformation', names.wall(10): 'storage',
         'none (data keeps up)': 'none', names.wall(11): 'scaling_laws',
         names.wall(12): 'quantization', names.wall(13): 'reasoning',
         names.wall(14): 'communication', names.wall(15): 'synchronization',
         names.wall(16): 'reliability', names.wall(17): 'energy', names.wall(18): 'carbon',
         names.wall(19): 'cost'}
print(f"{model.name}: {model.total_params / 1e9:.1f} B parameters; token budget: compute-optimal, "
      f"{CHINCHILLA_TOKENS_PER_PARAM:.0f} tokens per parameter, sequences of {seq_len:,} tokens")
print(f"{devices:,} x {gpu.name} ({gpu.peak('bf16') / 1e12:.0f} TFLOP/s dense BF16, "
      f"{gpu.memory_capacity / 1e9:.0f} GB) in {devices // node.accelerators} x {node.name}")
print(f"scale-up {catalog.get_fabric(node.scale_up_fabric).name}, scale-out "
      f"{catalog.get_fabric(node.scale_out_fabric).name}; node power {node.max_power / 1e3:.1f} kW "
      f"max, {node.cloud_instance} at ${node.cloud_price_per_hour:.2f} per node-hour")
water = (f'WUE {region.wue} L/kWh on site' if region.wue is not None
         else 'no on-site water figure in the zoo')
print(f"region {region.name}: grid {region.grid_intensity:.0f} gCO2e/kWh, PUE {region.pue}, {water}")
"""

ASSUMPTIONS = """
for key in USED_ASSUMPTIONS:
    a = catalog.get_assumption(key)
    print(f'{a.name}: {a.value:.4g} {a.unit}')
"""

BUDGET = """
tokens = CHINCHILLA_TOKENS_PER_PARAM * model.active_params
flops = training_flops(model, tokens, seq_len=seq_len)
print(f'token budget D = 20 N = {tokens / 1e12:.2f} T tokens')
print(f'training FLOPs: 6 N D = {6 * model.active_params * tokens:.3g}; with attention '
      f'(model FLOPs, what MFU counts) {flops.model_flops:.3g}')
"""

PLAN = """
plan = choose_parallelism(model.id, node, devices, seq_len)
one_node = training_step(model, node, tp=node.accelerators, pp=1, dp=1, micro_batch=1,
                         global_batch=1, seq_len=seq_len)
show(FailureBanner('OUT OF MEMORY',
     f'One {node.name} cannot train {model.name}: with TP = {node.accelerators} each GPU needs '
     f'{float(one_node.memory_bytes) / 1e9:.0f} GB (16-bit weights and gradients, FP32 Adam '
     f'state, activations) and has {one_node.capacity_bytes / 1e9:.0f} GB.'))
step = training_step(model, node, tp=plan['tp'], pp=plan['pp'], dp=plan['dp'], micro_batch=1,
                     global_batch=plan['global_batch'], seq_len=seq_len)
print(f"The audit's plan on {devices:,} GPUs: TP {plan['tp']} (inside a node) x PP {plan['pp']} x "
      f"DP {plan['dp']}, global batch {plan['global_batch']} sequences "
      f"({plan['global_batch'] * seq_len / 1e6:.1f} M tokens), "
      f"{float(step.memory_bytes) / 1e9:.0f} GB per GPU")
"""

BREAKDOWN = """
for name, seconds in (('compute', step.compute_s), ('pipeline bubble', step.bubble_s),
                      ('TP all-reduces (NVLink)', step.tp_comm_s),
                      ('DP gradient all-reduce (InfiniBand)', step.dp_comm_s)):
    print(f'{name:36s} {float(seconds):6.3f} s  {float(seconds / step.step_s):6.1%} of the step')
print(f'step {float(step.step_s):.2f} s, scaling efficiency {float(step.scaling_efficiency):.1%}')
"""

SCALE_PLOT = """
sizes = np.array([128, 256, 512, 1024, 2048, 4096, 8192])
shares = {'compute': [], 'TP all-reduces (NVLink)': [], 'DP all-reduce (InfiniBand)': [],
          'pipeline bubble': []}
for n in sizes:
    p = choose_parallelism(model.id, node, int(n), seq_len)
    s = training_step(model, node, tp=p['tp'], pp=p['pp'], dp=p['dp'], micro_batch=1,
                      global_batch=p['global_batch'], seq_len=seq_len)
    for key, part in zip(shares, (s.compute_s, s.tp_comm_s, s.dp_comm_s, s.bubble_s)):
        shares[key].append(float(part / s.step_s))
fig = sweep_figure(sizes, shares, xlabel='H100 GPUs', ylabel='share of the step time',
                   logx=True, marks=[('your cluster', devices)],
                   title=f"{model.name}: where a step's time goes as the cluster grows")
plt.show()
"""

RELIABILITY = """
run = training_reliability(model, devices, gpus_per_node=node.accelerators)
print(f'cluster MTBF {run.mtbf_s / 3600:.1f} h, Young-Daly checkpoint interval '
      f'{run.interval_s / 60:.1f} min, {run.lost_fraction:.2%} of wall-clock lost to '
      f'checkpoints, rework and restarts')
"""

DATA = """
report = audit(config)
print('data:', report.binding_walls['data'], '-', report.notes['data'])
"""

ELECTRICITY = """
report = audit(config)
f = report.figures
print(f"operational {f['operational_co2e_t']:.1f} tCO2e + embodied {f['embodied_co2e_t']:.1f} tCO2e")
print('water:', f"{f['water_l'] / 1e6:.2f} million litres" if f['water_l'] is not None
      else f'unknown (the zoo has no complete water figure for {region.name})')
if region.electricity_price is not None:
    bill = f['energy_mwh'] * 1e3 * region.electricity_price
    print(f"the electricity alone, at {region.electricity_price * 100:.1f} cents/kWh in "
          f"{region.name}: ${bill:,.0f}, {bill / f['cost_usd']:.1%} of the on-demand bill")
else:
    print(f'{region.name} has no electricity price in the zoo: the electricity bill is unknown')
"""

REGION_PLOT = """
runs = {r.id: audit(config.model_copy(update={'region': r.id})).figures for r in catalog.regions}
ids = list(runs)
operational = [runs[i]['operational_co2e_t'] for i in ids]
embodied = [runs[i]['embodied_co2e_t'] for i in ids]
fig, ax = plt.subplots(figsize=(7.2, 4.2), constrained_layout=True)
colors = ['C3' if i == region.id else 'C0' for i in ids]
ax.bar(ids, operational, color=colors, label='operational (grid)')
ax.bar(ids, embodied, bottom=operational, color='gray', label='embodied (GPUs, amortised)')
mine = ids.index(region.id)
ax.annotate('your region', (mine, operational[mine] + embodied[mine]), ha='center',
            xytext=(0, 4), textcoords='offset points', fontsize=8)
ax.set_ylabel('tCO2e')
ax.set_title(f'The same run ({devices:,} H100, {runs[region.id]["days"]:.1f} days) in each region')
ax.tick_params(axis='x', rotation=45)
ax.legend(fontsize=8)
plt.show()
print(f"cleanest {min(ids, key=lambda i: runs[i]['co2e_t'])}, dirtiest "
      f"{max(ids, key=lambda i: runs[i]['co2e_t'])}: "
      f"{max(r['co2e_t'] for r in runs.values()) / min(r['co2e_t'] for r in runs.values()):.0f}x "
      f"apart; the cloud bill is the same everywhere (${runs[region.id]['cost_usd']:,.0f})")
"""

ELASTICITIES = """
report = audit(config)
for name, value in sorted(report.elasticities.items(), key=lambda kv: kv[1]):
    print(f'd ln(step time) / d ln({name}) = {value:+.2f}: 10 % more of it cuts the step by '
          f'about {-value * 10:.1f} %')
"""

TABLE = """
report = audit(config)
f, walls = report.figures, report.binding_walls
rows = [('training time', f"{f['days']:.1f} days"),
        ('GPU-hours', f"{f['gpu_hours']:,.0f}"),
        ('facility energy', f"{f['energy_mwh']:,.0f} MWh"),
        ('carbon', f"{f['co2e_t']:,.1f} tCO2e"),
        ('cost (on demand)', f"${f['cost_usd']:,.0f}")]
rows += [(f'binding wall: {domain}', f'{walls[domain]} ({report.notes[domain]})')
         for domain in ('algorithm', 'node', 'fleet', 'data', 'ops')]
rows.append(('analysis: most valuable upgrade',
             f'{report.most_valuable_upgrade} (elasticity '
             f'{report.elasticities[report.most_valuable_upgrade]:+.2f})'))
print(f'Audit: {model.name}, {f["tokens"] / 1e12:.2f} T tokens ({f["tokens_per_param"]:.0f} per '
      f'parameter), {devices:,} x {gpu.name}, {region.name}')
from mlsysim_lab.widgets import Table
show(Table(('quantity', 'audit'), rows))
"""

SOURCES = """
report = audit(config)
for a in report.assumptions:
    print(f"{a['id']} = {a['value']:.4g} {a['unit']}".strip())
    print(f"    source: {a['source']}")
inputs = [(gpu, 'peak_flops', f"{gpu.name} peak"), (node, 'max_power', f'{node.name} power'),
          (node, 'cloud_price_per_hour', f'{node.cloud_instance} price')]
inputs += [(region, field, f'{region.name} {field}') for field in region.sources]
for spec, field, label in inputs:
    print(f'{label}: {spec.citation(field)}')
"""

def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.text("## 0. The assumptions\n\nEvery default the audit uses is a cited "
                "assumption of the zoo (the full sources are listed at the end). You will "
                "need these values for your estimates:"),
        *L.code(LAB, "assumptions", ASSUMPTIONS),
        *L.text("## 1. Algorithm: how much work?"),
        *L.predict(LAB, "algorithm_wall",
                   "algorithm_wall = short[audit(config).binding_walls['algorithm']]", 1),
        *L.code(LAB, "budget", BUDGET),
        *L.text("## 2. Node and fleet: how is the model split, and what binds a step?"),
        *L.code(LAB, "plan", PLAN),
        *L.predict(LAB, "node_wall",
                   "node_wall = short[audit(config).binding_walls['node']]", 1),
        *L.predict(LAB, "fleet_wall",
                   "step = training_step(model, node, tp=plan['tp'], pp=plan['pp'], "
                   "dp=plan['dp'], micro_batch=1,\n"
                   "                     global_batch=plan['global_batch'], seq_len=seq_len)\n"
                   "fleet_wall = short[str(step.binding_wall)]", 1),
        *L.code(LAB, "breakdown", BREAKDOWN),
        *L.code(LAB, "scale-plot", SCALE_PLOT),
        *L.text("## 3. Time: days and GPU-hours\n\nThe audit times the run from the MFU "
                "assumption (measured on a real run), not from the idealised step above, "
                "and then divides by the goodput left after failures. Write that equation "
                "first."),
        *L.implement(LAB, "days_fn",
                     "def training_days(flops, devices, peak_flops, mfu, lost_fraction):\n"
                     "    return flops / (devices * peak_flops * mfu) / (1 - lost_fraction) / 86400", 1),
        *L.predict(LAB, "days",
                   "flops = training_flops(model, CHINCHILLA_TOKENS_PER_PARAM * "
                   "model.active_params, seq_len=seq_len).model_flops\n"
                   "mfu = catalog.get_assumption('mfu-training-dense').value\n"
                   "lost = training_reliability(model, devices, "
                   "gpus_per_node=node.accelerators).lost_fraction\n"
                   "days = flops / (devices * gpu.peak('bf16') * mfu) / (1 - lost) / 86400", 1),
        *L.code(LAB, "reliability", RELIABILITY),
        *L.predict(LAB, "gpu_hours",
                   "gpu_hours = audit(config).figures['days'] * 24 * devices", 1),
        *L.text("## 4. Data: can storage feed the cluster?\n\nEach token is stored as a "
                "4-byte id; each node reads its share from local NVMe."),
        *L.predict(LAB, "data_wall",
                   "data_wall = short[audit(config).binding_walls['data']]", 1),
        *L.code(LAB, "data", DATA),
        *L.text("## 5. Ops: energy, carbon and cost\n\nThe GPUs draw the training power "
                "fraction of their rating, the hosts their share of the node's power, and "
                "the facility adds its PUE. Carbon adds the grid's intensity and the GPUs' "
                "embodied carbon, amortised over their service life."),
        *L.predict(LAB, "energy_mwh",
                   "days = audit(config).figures['days']\n"
                   "energy_mwh = float(run_energy(devices, days * 86400, node=node, "
                   "pue=region.pue).facility_energy_mwh)", 1),
        *L.predict(LAB, "co2e_t",
                   "energy = run_energy(devices, audit(config).figures['days'] * 86400, "
                   "node=node, pue=region.pue)\n"
                   "co2e_t = float(footprint(energy, region).total_t)", 1),
        *L.predict(LAB, "cost_usd",
                   "energy = run_energy(devices, audit(config).figures['days'] * 86400, "
                   "node=node, pue=region.pue)\n"
                   "cost_usd = float(run_cost(energy, node, region).total_usd)", 1),
        *L.predict(LAB, "ops_wall", "ops_wall = short[audit(config).binding_walls['ops']]", 1),
        *L.code(LAB, "electricity", ELECTRICITY),
        *L.text("Where you train changes the carbon, not the cloud bill. The same run in "
                "every region of the zoo:"),
        *L.code(LAB, "region-plot", REGION_PLOT),
        *L.text("## 6. Analysis: the most valuable single upgrade\n\nThe audit perturbs "
                "each hardware input of the step time (the GPU's peak, the NVLink and the "
                "InfiniBand bandwidth) and measures the elasticity "
                "d ln(step time) / d ln(input)."),
        *L.predict(LAB, "upgrade", "upgrade = audit(config).most_valuable_upgrade", 1),
        *L.code(LAB, "elasticities", ELASTICITIES),
        *L.text("## 7. The audit table\n\nEvery cell below was predicted above before the "
                "model revealed it."),
        *L.code(LAB, "table", TABLE),
        *L.text("### The assumptions behind the table, with their sources"),
        *L.code(LAB, "sources", SOURCES),
        *L.reflect(LAB, "challenge",
                   "Which single input of the audit would you challenge first, and how would "
                   "a change in it move the table? Name the cells it moves and those it "
                   "leaves alone.",
                   "The MFU assumption: days, GPU-hours, energy, embodied carbon and cost all "
                   "scale as 1 / MFU, so a run at 30 % instead of 41 % MFU costs about a "
                   "third more of each, while the token budget, the binding walls and the "
                   "region's carbon intensity per MWh do not move. (The grid intensity or "
                   "PUE would move only energy and carbon; the cloud price only the cost.)",
                   2),
        *L.reflect(LAB, "scale",
                   "The audit at 512, 1,024 and 4,096 GPUs gives almost the same GPU-hours, "
                   "energy and cost, and very different days. Why, and what would make the "
                   "larger cluster cost more in total?",
                   "At a fixed MFU the work C / (peak x MFU) is the same GPU-seconds however "
                   "many GPUs share it, so only the days shrink; only the failure losses grow "
                   "with the cluster, by a fraction of a percent. In reality MFU falls as "
                   "communication grows with the cluster (the idealised step's scaling "
                   "efficiency falls, and at thousands of GPUs communication binds), so a "
                   "larger cluster would use more GPU-hours, energy and money for the same "
                   "tokens.", 2),
        *L.summary(LAB, "At the **algorithm** layer, **scaling laws (wall 11)** set the work: "
                   "about 20 tokens per parameter and 6 N D FLOPs. On the **node**, "
                   "**compute throughput (wall 1)** binds a training step; **memory capacity "
                   "(wall 2)** is the gate that forces the model across a node with tensor "
                   "parallelism. In the **fleet**, compute is the largest part of a step on a "
                   "modest cluster and **communication (wall 14)** takes over as the cluster "
                   "grows at a fixed global batch; **reliability (wall 16)** costs well under "
                   "the communication tax. The **data** layer does not bind: token ids are "
                   "tiny next to storage bandwidth. In **ops**, the **economic cost (wall "
                   "19)** of renting the GPUs dominates the bill, while **sustainability "
                   "(wall 18)** is decided by the region's grid. The **analysis** layer's "
                   "elasticities say where money buys time: peak FLOP/s while compute binds, "
                   "the scale-out network once communication does."),
    ]
    return L.notebook(LAB, blocks)
