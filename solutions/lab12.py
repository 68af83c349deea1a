"""Lab 12: the notebook, built cell by cell from the blocks (title, question and prompts
come from its spec, graders/lab12.py).

Regenerate the notebooks with ``python scripts/build_labs.py lab12``."""

from mlsysim_lab.course import blocks as L

LAB = "lab12"

RECAP = """
An audit chains the walls: tokens $D$ x FLOPs per token is the work (scaling laws); over
GPUs x peak x the measured MFU, the days; GPU-hours x power x hosts x PUE, the energy;
x the grid's gCO2e/kWh, plus embodied carbon, the footprint. The plan is the fastest
layout that fits (lab 11's search).
"""

SETUP = """
from mlsysim_lab import catalog
from mlsysim_lab.audit import AuditConfig, audit
from mlsysim_lab.catalog.zoo.efficiency import training_mfu
model = catalog.get_model('llama-3-70b')
gpu = catalog.get_hardware(lab.scenario['hardware'])
devices, region = lab.scenario['devices'], catalog.get_region(lab.scenario['region'])
tokens, seq_len = lab.scenario['tokens_per_param'] * model.total_params, 4096
attention = model.attention_flops_per_position * (seq_len + 1) / 2     # causal, per token
flops_per_token = 3 * (model.flops_per_token + attention)             # forward + backward
mfu = training_mfu(gpu.id).value
a = catalog.get_assumption
gpu_kw = gpu.tdp * a('training-power-fraction').value * (1 + a('host-power-ratio').value) / 1e3
embodied_kg_per_hour = a('embodied-carbon-per-gpu').value / (
    a('server-amortisation-years').value * 8766 * a('hardware-utilisation').value)
print(f"{model.name}, {tokens / 1e12:.2f} T tokens at {flops_per_token / 1e9:.0f} GFLOP each; "
      f"{devices:,} x {gpu.name}, {gpu.peak('bf16') / 1e12:.0f} TFLOP/s BF16, "
      f"measured MFU {mfu:.2f}.")
print(f"Per GPU, with its share of the host: {gpu_kw:.3f} kW; embodied carbon "
      f"{embodied_kg_per_hour * 1e3:.2f} g per GPU-hour.")
print(f"{region.name}: PUE {region.pue}, {region.grid_intensity:.0f} gCO2e/kWh "
      f"(Quebec: {catalog.get_region('quebec').pue}, "
      f"{catalog.get_region('quebec').grid_intensity:.0f} gCO2e/kWh).")
"""

VERIFY = """
from mlsysim_lab.explore import Constraint, explore, training_evaluator
node = {'a100': 'dgx-a100', 'h100': 'dgx-h100'}[lab.scenario['hardware']]
best = explore(training_evaluator(model.id, node, seq_len=seq_len, global_batch=1024),
               {'tp': [1, 2, 4, 8], 'pp': [1, 2, 4, 8, 16], 'dp': list(range(1, 513)),
                'micro_batch': [1, 2, 4]}, objectives={'step_s': 'min'},
               constraints=[Constraint('memory_bytes', '<=', gpu.memory_capacity),
                            Constraint('devices', '==', devices)]).best
report = audit(AuditConfig(model=model.id, hardware=gpu.id, devices=devices, region=region.id,
                           tokens=tokens, efficiency='calibrated', tp=int(best['tp']),
                           pp=int(best['pp']), micro_batch=int(best['micro_batch']),
                           zero_stage=1, recompute='selective', virtual_stages=1))
f, walls = report.figures, report.binding_walls
rows = [('days', f"{f['days']:.3g}"), ('GPU-hours', f"{f['gpu_hours']:,.0f}"),
        ('facility energy', f"{f['energy_mwh']:,.0f} MWh"), ('carbon', f"{f['co2e_t']:,.1f} t"),
        ('cost (on demand)', f"${f['cost_usd']:,.0f}" if f['cost_usd'] else 'no price')]
rows += [(f'binding wall: {domain}', walls[domain]) for domain in ('node', 'fleet', 'data', 'ops')]
upgrade = report.most_valuable_upgrade
e = report.elasticities[upgrade]
rows.append(('most valuable upgrade', f"{upgrade.replace('_', ' ')}: 10 % more of it, "
             f"{-10 * e:.1f} % shorter steps (elasticity {e:+.2f})"))
from mlsysim_lab.widgets import Table
show(Table(('quantity', 'audit'), rows))
print(f"The plan (the fastest layout that fits): TP {best['tp']} x PP {best['pp']} x DP {best['dp']}. The step model "
      f"alone says {report.figures['days_step_model']:.3g} days (MFU "
      f"{report.figures['step_model_mfu']:.2f}): {report.notes['time']}")
"""


def build():
    blocks = [
        *L.intro(LAB, RECAP),
        *L.setup(LAB, SETUP),
        *L.predict(LAB, "days",
                   "days = flops_per_token * tokens / (devices * gpu.peak('bf16') * mfu) / 86400",
                   2),
        *L.predict(LAB, "cleaner",
                   "quebec = catalog.get_region('quebec')\n"
                   "ratio = (quebec.pue * quebec.grid_intensity\n"
                   "         / (region.pue * region.grid_intensity))\n"
                   "cleaner = 'move' if ratio < 0.5 else 'halve'", 1),
        *L.code(LAB, "verify", VERIFY),
        *L.reflect(LAB, "upgrade",
                   "The audit names each layer's binding wall and one most valuable upgrade. "
                   "Would you buy that upgrade first? Why, with your run's numbers?",
                   "Usually yes when the upgrade attacks the wall that sets the days (compute "
                   "at the measured MFU): more or faster GPUs, or a higher MFU through less "
                   "communication and a smaller bubble, shorten the run, and energy and carbon "
                   "follow the GPU-hours. But the cheapest carbon cut is often the place, not "
                   "the hardware: on a dirty grid, moving the run cuts tCO2e more than any "
                   "upgrade. A good answer weighs days, dollars and tonnes, not one figure.", 2),
        *L.summary(LAB, "**Compute** (wall 1) at a measured MFU sets the days once **scaling "
                   "laws** (11) set the work; walls 14-16 are why the MFU is below 1. "
                   "**Carbon** (18) follows the energy (17) and the grid: the place can move "
                   "it more than the work does."),
    ]
    return L.notebook(LAB, blocks)
